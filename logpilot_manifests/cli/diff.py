"""`logpilot-manifests diff A B`: a semantic diff of two environments, kustomizations or rendered files."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK
from .common import run_guarded
from .console import ColorMode, ColorOption, make_console
from .inputs import complete_target
from .output import error_writer

if TYPE_CHECKING:
    from rich.console import Console

    from ..diff import DiffResult


class DiffOutput(StrEnum):
    text = "text"
    json = "json"


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
    color: ColorOption = ColorMode.auto,
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
        side_a, side_b = load_target(a), load_target(b)
        label_a, res_a, label_b, res_b = side_a.label, side_a.resources, side_b.label, side_b.resources
        objs_a, objs_b = [r.obj for r in res_a], [r.obj for r in res_b]
        # The names before prefixes, suffixes and hashes, where a build knows them (not for rendered files).
        names = {
            "base_a": [r.orig_id().name for r in res_a] if side_a.root is not None else None,
            "base_b": [r.orig_id().name for r in res_b] if side_b.root is not None else None,
        }
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
