"""`logpilot-manifests diff A B`: a semantic diff of two environments, kustomizations or rendered files."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK
from .common import build_options, run_guarded
from .console import ColorMode, make_console
from .inputs import complete_target
from .options import ENABLE_HELM, LOAD_RESTRICTOR
from .output import error_writer
from .params import ColorOption, EnableHelmOption, LoadRestrictorOption

if TYPE_CHECKING:
    from rich.console import Console

    from ..diff import DiffResult


class DiffOutput(StrEnum):
    text = "text"
    json = "json"


# Kubernetes' file-mode fields: written in octal by people (0440), rendered in decimal (288) by kustomize.
_MODE_LINE = re.compile(r"^(\s*(?:- )*(?:defaultMode|mode): )(\d+)$")
_MODE_KEYS = ("defaultMode", "mode")


def _octal(n: int) -> str:
    return f"0{n:o}" if 0 <= n <= 0o7777 else str(n)


def _fmt(value: Any, path: str = "") -> str:
    """A scalar inline (JSON, so a string is quoted); a file mode also in the octal people write."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, int) and not isinstance(value, bool) and path.rsplit(".", 1)[-1] in _MODE_KEYS:
        text += f" ({_octal(value)})"
    return text


def _yaml_block(value: Any, indent: str) -> list[str]:
    """A mapping or list as the YAML a manifest would hold, file modes annotated with their octal form."""
    from ..kustomize.documents import dump_documents

    lines = []
    for line in dump_documents([value]).splitlines():
        m = _MODE_LINE.match(line)
        if m and int(m.group(2)) <= 0o7777:
            line = f"{line}  # {_octal(int(m.group(2)))}"
        lines.append(indent + line)
    return lines


def _print_value(console: Console, sign: str, path: str, value: Any, style: str) -> None:
    from rich.text import Text

    if isinstance(value, dict | list) and value:
        console.print(Text(f"  {sign} {path}:", style=style))
        for line in _yaml_block(value, "      "):
            console.print(Text(line, style=style))
    else:
        console.print(Text(f"  {sign} {path}: {_fmt(value, path)}", style=style))


def resource_filter(kinds: list[str], names: list[str], excludes: list[str]) -> Callable[[str, str], bool]:
    """Whether a resource (kind, name) is kept by ``--kind``, ``--name`` and ``--exclude``; kinds compare as
    kubectl reads them (any case, plurals, short names)."""
    from fnmatch import fnmatchcase

    from ..errors import UsageError
    from ..kinds import canonical_kind

    def same_kind(pattern: str, kind: str) -> bool:
        low = canonical_kind(pattern).lower()
        return fnmatchcase(kind.lower(), low) or kind.lower() + "s" == low or kind.lower() + "es" == low

    rules = []
    for ex in excludes:
        k, slash, n = ex.partition("/")
        if not slash or not k or not n:
            raise UsageError(f"--exclude '{ex}': give KIND/NAME, e.g. Secret/* or */logpilot-lb")
        rules.append((k, n))

    def keep(kind: str, name: str) -> bool:
        if kinds and not any(same_kind(k, kind) for k in kinds):
            return False
        if names and not any(fnmatchcase(name, n) for n in names):
            return False
        return not any(same_kind(k, kind) and fnmatchcase(name, n) for k, n in rules)

    return keep


def print_result(console: Console, result: DiffResult, label_a: str, label_b: str) -> None:
    """The human-readable diff: resources only in A, only in B, then changed fields per resource."""
    import difflib

    from rich.text import Text

    console.print(Text(f"--- {label_a}", style="bold red"))
    console.print(Text(f"+++ {label_b}", style="bold green"))
    if result.only_a:
        console.print(Text(f"only in {label_a}:", style="bold"))
        for key in result.only_a:
            console.print(Text(f"  - {key}", style="red"))
    if result.only_b:
        console.print(Text(f"only in {label_b}:", style="bold"))
        for key in result.only_b:
            console.print(Text(f"  + {key}", style="green"))
    for rd in result.changed:
        head = f"changed: {rd.key_b}"
        if rd.key_a.name != rd.key_b.name:
            head += f" (in {label_a}: {rd.key_a.name})"
        console.print(Text(head, style="bold yellow"))
        for c in rd.changes:
            if c.op == "added":
                _print_value(console, "+", c.path, c.new, "green")
            elif c.op == "removed":
                _print_value(console, "-", c.path, c.old, "red")
            elif isinstance(c.old, str) and isinstance(c.new, str) and ("\n" in c.old or "\n" in c.new):
                console.print(Text(f"  ~ {c.path}: (text)", style="yellow"))
                lines = difflib.unified_diff(c.old.splitlines(), c.new.splitlines(), lineterm="", n=1)
                for line in list(lines)[2:]:
                    style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
                    console.print(Text(f"      {line}", style=style))
            else:
                if isinstance(c.old, dict | list) or isinstance(c.new, dict | list):
                    _print_value(console, "-", c.path, c.old, "red")
                    _print_value(console, "+", c.path, c.new, "green")
                    continue
                change = Text(f"  ~ {c.path}: ", style="yellow")
                change.append(_fmt(c.old, c.path), style="red")
                change.append(" -> ")
                change.append(_fmt(c.new, c.path), style="green")
                console.print(change)
    console.print(
        Text(
            f"{len(result.only_a)} only in {label_a}, {len(result.only_b)} only in {label_b}, "
            f"{len(result.changed)} changed, {result.identical} identical"
        )
    )


def print_unified(console: Console, text: str) -> None:
    from rich.text import Text

    for line in text.splitlines():
        style = (
            "bold"
            if line.startswith(("---", "+++"))
            else {"+": "green", "-": "red", "@": "cyan"}.get(line[:1])
        )
        console.print(Text(line, style=style or ""))


def diff(
    a: Annotated[
        str,
        typer.Argument(
            metavar="A",
            help="Environment, kustomization dir, rendered YAML/JSON file, or '-'.",
            autocompletion=complete_target,
        ),
    ],
    b: Annotated[
        str,
        typer.Argument(
            metavar="B",
            help="Environment, kustomization dir, rendered YAML/JSON file, or '-'.",
            autocompletion=complete_target,
        ),
    ],
    output: Annotated[DiffOutput, typer.Option("--output", help="text (coloured on a terminal) or json.")] = (
        DiffOutput.text
    ),
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help="Exit 1 when the two sides differ (like git diff --exit-code); 2 is always an error.",
        ),
    ] = False,
    unified: Annotated[
        bool, typer.Option("--unified", "-u", help="A unified text diff of the YAML instead.")
    ] = False,
    match_generated: Annotated[
        bool,
        typer.Option(
            "--match-generated",
            help="Match resources ignoring generated-name hash suffixes and environment name prefixes/suffixes.",
        ),
    ] = False,
    show_secrets: Annotated[
        bool, typer.Option("--show-secrets", help="Print Secret values instead of masking them.")
    ] = False,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only resources of this kind (repeatable; kubectl short names too).",
        ),
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option(
            "--name", metavar="GLOB", help="Only resources whose name matches (repeatable; * and ?)."
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            "-x",
            metavar="KIND/NAME",
            help="Leave out matching resources (repeatable; globs, e.g. Secret/* or */logpilot-lb).",
        ),
    ] = None,
    color: ColorOption = ColorMode.auto,
    load_restrictor: LoadRestrictorOption = LOAD_RESTRICTOR.default,
    enable_helm: EnableHelmOption = ENABLE_HELM.default,
) -> None:
    """Compare two builds resource by resource: only in A, only in B, and each changed field.

    Exit codes: 0 no differences (or any, without --exit-code), 1 differences with --exit-code, 2 usage
    error or a side that cannot be read or built.

    Example: logpilot-manifests diff development production --match-generated
    """

    def run() -> int:
        from ..diff import diff_objects, result_to_json, unified_text
        from ..errors import UsageError
        from .inputs import load_target

        if a == "-" and b == "-":
            raise UsageError("only one side can be read from stdin ('-')")
        options = build_options(load_restrictor, enable_helm)
        side_a, side_b = load_target(a, options=options), load_target(b, options=options)
        keep = resource_filter(kind or [], name or [], exclude or [])
        label_a, label_b = side_a.label, side_b.label
        res_a = [r for r in side_a.resources if keep(r.kind, r.name)]
        res_b = [r for r in side_b.resources if keep(r.kind, r.name)]
        objs_a, objs_b = [r.obj for r in res_a], [r.obj for r in res_b]
        # The names before prefixes, suffixes and hashes, where a build knows them (not for rendered files).
        base_a = [r.orig_id().name for r in res_a] if side_a.root is not None else None
        base_b = [r.orig_id().name for r in res_b] if side_b.root is not None else None
        result = diff_objects(
            objs_a,
            objs_b,
            match_generated=match_generated,
            show_secrets=show_secrets,
            base_a=base_a,
            base_b=base_b,
        )
        if unified:
            text = unified_text(
                objs_a,
                objs_b,
                label_a,
                label_b,
                match_generated=match_generated,
                show_secrets=show_secrets,
                base_a=base_a,
                base_b=base_b,
            )
            if output is DiffOutput.json:
                sys.stdout.write(json.dumps({"a": label_a, "b": label_b, "unified": text}, indent=2) + "\n")
            else:
                print_unified(make_console(color=color), text)
        elif output is DiffOutput.json:
            sys.stdout.write(
                json.dumps(result_to_json(result, label_a, label_b), indent=2, default=str) + "\n"
            )
        else:
            print_result(make_console(color=color), result, label_a, label_b)
        sys.stdout.flush()
        return EXIT_FINDINGS if exit_code and result.differs else EXIT_OK

    raise typer.Exit(run_guarded(run, error_writer(output, command="diff")))
