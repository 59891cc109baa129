"""`logpilot-manifests diff A B`: a semantic diff of two environments, kustomizations or rendered files."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import (
    EXIT_FAILURE,
    EXIT_OK,
    EnableHelmOption,
    LoadRestrictor,
    LoadRestrictorOption,
    build_options,
    resolve_target,
    run_guarded,
)

if TYPE_CHECKING:
    from rich.console import Console

    from ..diff import DiffResult
    from ..kustomize.build import BuildOptions
    from ..kustomize.resource import Resource


class DiffOutput(StrEnum):
    text = "text"
    json = "json"


def make_console() -> Console:
    """A console on stdout: colour only on a terminal (rich also honours NO_COLOR and FORCE_COLOR)."""
    from rich.console import Console

    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True)
    if not console.is_terminal:
        # Piped output is read by programs and people alike: no wrapping at 80 columns.
        console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True, width=200)
    return console


def _objects_from_text(text: str, source: str) -> list[Resource]:
    from ..errors import ManifestError
    from ..kustomize.documents import load_documents
    from ..kustomize.resource import Resource

    out: list[Resource] = []
    for i, doc in enumerate(load_documents(text, source), start=1):
        items = (
            doc.get("items") if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") else None
        )
        for obj in items if isinstance(items, list) else [doc]:
            if not isinstance(obj, dict) or not obj.get("kind") or not isinstance(obj.get("metadata"), dict):
                raise ManifestError(
                    f"document {i} is not a Kubernetes object (needs kind and metadata)", file=source
                )
            out.append(Resource(obj, origin=source))
    return out


def load_target(spec: str, options: BuildOptions | None = None) -> tuple[str, list[Resource], Path | None]:
    """Resources of an environment name, a kustomization directory, a rendered YAML/JSON file or ``-`` (stdin).

    Returns a label for the output, the resources, and the kustomization root when one was built.
    """
    from ..errors import ManifestError

    path = Path(spec)
    if spec == "-" or path.is_file():
        label = "(stdin)" if spec == "-" else spec
        try:
            data = sys.stdin.buffer.read() if spec == "-" else path.read_bytes()
            text = data.decode("utf-8")
        except OSError as exc:
            raise ManifestError(
                f"cannot read: {exc.strerror or exc.__class__.__name__}", file=label
            ) from None
        except UnicodeDecodeError:
            raise ManifestError("not UTF-8 text", file=label) from None
        return label, _objects_from_text(text, label), None
    root = resolve_target(spec)
    from ..kustomize.build import build_resources

    return spec, build_resources(root, options=options), root


def _fmt(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


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
                console.print(Text(f"  + {c.path}: {_fmt(c.new)}", style="green"))
            elif c.op == "removed":
                console.print(Text(f"  - {c.path}: {_fmt(c.old)}", style="red"))
            elif isinstance(c.old, str) and isinstance(c.new, str) and ("\n" in c.old or "\n" in c.new):
                console.print(Text(f"  ~ {c.path}: (text)", style="yellow"))
                lines = difflib.unified_diff(c.old.splitlines(), c.new.splitlines(), lineterm="", n=1)
                for line in list(lines)[2:]:
                    style = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1], "")
                    console.print(Text(f"      {line}", style=style))
            else:
                line = Text(f"  ~ {c.path}: ", style="yellow")
                line.append(_fmt(c.old), style="red")
                line.append(" -> ")
                line.append(_fmt(c.new), style="green")
                console.print(line)
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
        typer.Argument(metavar="A", help="Environment, kustomization dir, rendered YAML/JSON file, or '-'."),
    ],
    b: Annotated[
        str,
        typer.Argument(metavar="B", help="Environment, kustomization dir, rendered YAML/JSON file, or '-'."),
    ],
    output: Annotated[DiffOutput, typer.Option("--output", help="text (coloured on a terminal) or json.")] = (
        DiffOutput.text
    ),
    exit_code: Annotated[
        bool,
        typer.Option("--exit-code", help="Exit 1 when the two sides differ (like git diff --exit-code)."),
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
    load_restrictor: LoadRestrictorOption = LoadRestrictor.root_only,
    enable_helm: EnableHelmOption = False,
) -> None:
    """Compare two builds resource by resource: only in A, only in B, and each changed field.

    Example: logpilot-manifests diff development production --match-generated
    """

    def run() -> int:
        from ..diff import diff_objects, result_to_json, unified_text
        from ..errors import UsageError

        if a == "-" and b == "-":
            raise UsageError("only one side can be read from stdin ('-')")
        options = build_options(load_restrictor, enable_helm)
        label_a, res_a, _ = load_target(a, options)
        label_b, res_b, _ = load_target(b, options)
        objs_a, objs_b = [r.obj for r in res_a], [r.obj for r in res_b]
        # The names before prefixes, suffixes and hashes: what pairs resources across environments.
        names = {"base_a": [r.orig_id().name for r in res_a], "base_b": [r.orig_id().name for r in res_b]}
        result = diff_objects(
            objs_a, objs_b, match_generated=match_generated, show_secrets=show_secrets, **names
        )
        if unified:
            text = unified_text(
                objs_a,
                objs_b,
                label_a,
                label_b,
                match_generated=match_generated,
                show_secrets=show_secrets,
                **names,
            )
            if output is DiffOutput.json:
                sys.stdout.write(json.dumps({"a": label_a, "b": label_b, "unified": text}, indent=2) + "\n")
            else:
                print_unified(make_console(), text)
        elif output is DiffOutput.json:
            sys.stdout.write(
                json.dumps(result_to_json(result, label_a, label_b), indent=2, default=str) + "\n"
            )
        else:
            print_result(make_console(), result, label_a, label_b)
        sys.stdout.flush()
        return EXIT_FAILURE if exit_code and result.differs else EXIT_OK

    raise typer.Exit(run_guarded(run))
