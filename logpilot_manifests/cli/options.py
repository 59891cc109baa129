"""Command-line options as data: the one definition of each of `render`'s options (some of which other
commands share), which the Typer commands read (through ``params.typer_option``) and which the entry point's
parser of plain ``render`` command lines reads too.

That parser runs without loading Typer (see ``main.py``), and it is deliberately partial: it accepts only
command lines it understands completely and answers None for anything else (help, an unknown or misspelt
option, a missing value, ``--``, bundled short options ...), which then goes to Typer, the authority on
every mistake and its message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .common import LoadRestrictor
from .rendering import RENDER_MANIFEST, RenderFormat


class Opt(NamedTuple):
    """One option: its names, default and help. A bool default makes it a flag (``negation`` is its off
    switch, e.g. ``--no-validate``); otherwise it takes a value, converted by ``convert`` (an enum's
    values, a path), collected into a list when ``repeat``."""

    names: tuple[str, ...]
    default: Any
    help: str
    negation: str | None = None
    metavar: str | None = None
    convert: Callable[[str], Any] = str
    repeat: bool = False

    @property
    def flag(self) -> bool:
        return isinstance(self.default, bool)


# --- what several commands share (build flags as kustomize's, validation) ---------------------------------

LOAD_RESTRICTOR = Opt(
    ("--load-restrictor",),
    LoadRestrictor.root_only,
    "As kustomize's flag: LoadRestrictionsNone lets kustomizations read files outside their root.",
    convert=LoadRestrictor,
)
ENABLE_HELM = Opt(
    ("--enable-helm",), False, "Inflate helmCharts by running the helm binary on the PATH (as kustomize)."
)
KUBE_VERSION = Opt(
    ("--kube-version",),
    None,
    "Kubernetes version whose schemas to use (default: the newest bundled).",
    metavar="MAJOR.MINOR",
)
STRICT = Opt(("--strict",), True, "Unknown fields are errors (the default).", negation="--no-strict")
CRD = Opt(
    ("--crd",),
    None,
    "CustomResourceDefinition manifests for custom kinds (repeatable; also LOGPILOT_CRD_PATH).",
    metavar="FILE_OR_DIR",
    convert=Path,
    repeat=True,
)
REQUIRE_SCHEMAS = Opt(("--require-schemas",), False, "A kind without a schema is an error, not a warning.")
IGNORE_MISSING_SCHEMAS = Opt(
    ("--ignore-missing-schemas",), False, "Say nothing about kinds without a schema (no CRD given)."
)
SKIP = Opt(
    ("--skip",),
    None,
    "Do not check this kind (or apiVersion/KIND); repeatable, or comma-separated.",
    metavar="KIND",
    repeat=True,
)

# --- render ---------------------------------------------------------------------------------------------

RENDER_TARGET_HELP = "Environment name (folder under overlays/) or kustomization dir."
OUTPUT = Opt(
    ("-o", "--output"),
    None,
    "Write to this file (atomically; '-' is stdout); to a directory (existing, or ending in '/'): "
    "one file per resource named in apply order, 000-namespace-logpilot.yaml, ...",
)
PRUNE = Opt(
    ("--prune",),
    False,
    "With -o DIR/: replace an earlier render there, removing the files it wrote (listed in "
    f"{RENDER_MANIFEST}); without it a non-empty folder is refused.",
)
FORMAT = Opt(
    ("--format",),
    RenderFormat.yaml,
    "yaml (multi-document) or json (a Kubernetes List).",
    convert=RenderFormat,
)
ORIGIN = Opt(
    ("--origin",), False, "Annotate every resource with the file it came from (config.kubernetes.io/origin)."
)
VALIDATE = Opt(
    ("--validate",),
    True,
    "Validate what is rendered (schemas, CRDs and LogPilot's application.yml); errors stop the output.",
    negation="--no-validate",
)

# Every option of `render`, by the parameter it fills, in the order `render --help` lists them.
RENDER_OPTIONS: Mapping[str, Opt] = {
    "output": OUTPUT,
    "prune": PRUNE,
    "fmt": FORMAT,
    "origin": ORIGIN,
    "validate": VALIDATE,
    "kube_version": KUBE_VERSION,
    "strict": STRICT,
    "crd": CRD,
    "require_schemas": REQUIRE_SCHEMAS,
    "ignore_missing_schemas": IGNORE_MISSING_SCHEMAS,
    "skip": SKIP,
    "load_restrictor": LOAD_RESTRICTOR,
    "enable_helm": ENABLE_HELM,
}


def parse_plain(args: Sequence[str], options: Mapping[str, Opt]) -> tuple[str, dict[str, Any]] | None:
    """The one positional argument and every option's value (its default when not given) of a command line
    made only of ``options``, as Click parses it; None when the command line holds anything else or any
    form this parser leaves to Click.

    Understood: ``--name``, ``--name VALUE``, ``--name=VALUE``, a short name followed by its value, and the
    positional argument anywhere. A repeatable option collects its values; of any other option given twice,
    the last wins, as in Click. A value that is empty or starts with ``-`` (except ``-`` itself) is left to
    Click, as is an option-like positional.
    """
    by_name: dict[str, tuple[str, bool]] = {}
    for param, opt in options.items():
        by_name.update(dict.fromkeys(opt.names, (param, True)))
        if opt.negation:
            by_name[opt.negation] = (param, False)
    values = {param: opt.default for param, opt in options.items()}
    positional: str | None = None
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-"):
            if positional is not None:
                return None
            positional = arg
            continue
        name, eq, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in by_name:
            return None
        param, on = by_name[name]
        opt = options[param]
        if opt.flag:
            if eq:
                return None
            values[param] = on
            continue
        value = attached if eq else next(rest, None)
        if not value or (value.startswith("-") and value != "-"):
            return None
        try:
            converted = opt.convert(value)
        except ValueError:
            return None
        if opt.repeat:
            values[param] = [*(values[param] or ()), converted]
        else:
            values[param] = converted
    if positional is None:
        return None
    return positional, values
