"""`logpilot-manifests explain TARGET KIND/NAME [FIELD]`: where each value came from, step by step."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_OK
from .common import build_options, run_guarded
from .inputs import complete_resource, complete_target
from .options import ENABLE_HELM, LOAD_RESTRICTOR
from .output import error_writer
from .params import EnableHelmOption, LoadRestrictorOption

if TYPE_CHECKING:
    from ..explain import Event


class ExplainOutput(StrEnum):
    text = "text"
    json = "json"


def _fmt(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _where(e: Event) -> str:
    """``file:line`` of the step, unless the label already says all there is."""
    if not e.source:
        return ""
    if e.label.endswith(e.source):
        return f"line {e.line}" if e.line is not None else ""
    return f"{e.source}:{e.line}" if e.line is not None else e.source


def _rebased(e: Event, root: Path) -> Event:
    """``e`` with its file shown from the current directory, like every path the commands print."""
    from ..paths import shown_origin

    if not e.source:
        return e
    source = shown_origin(root, e.source)
    label = e.label[: -len(e.source)] + source if e.label.endswith(e.source) else e.label
    return replace(e, source=source, label=label)


def _print_text(
    title: str, current: Any, events: list[Event], has_field: bool, owned_by: dict[str, Any] | None
) -> None:
    from rich.text import Text

    from .console import make_console

    console = make_console()
    console.print(Text(title, style="bold"))
    if owned_by:
        ns = f"{owned_by['namespace']}/" if owned_by["namespace"] else ""
        console.print(
            Text(
                f"  not set by the build: {owned_by['kind']} {ns}{owned_by['name']} ({owned_by['origin']}) "
                f"sets it at run time, between {owned_by['minReplicas']} and {owned_by['maxReplicas']}"
            )
        )
    elif has_field:
        console.print(Text(f"  = {_fmt(current)}" if current is not None else "  (not set in the result)"))
    for e in events:
        head = Text(f"  {e.number:>3}. ")
        head.append(e.label, style="bold cyan")
        if _where(e):
            head.append(f"  {_where(e)}", style="dim")
        console.print(head)
        if e.created and not has_field:
            console.print(Text("       created", style="green"))
            continue
        for c in e.changes:
            if c.op == "added":
                console.print(Text(f"       + {c.path}: {_fmt(c.new)}", style="green"))
            elif c.op == "removed":
                console.print(Text(f"       - {c.path}: {_fmt(c.old)}", style="red"))
            else:
                line = Text(f"       ~ {c.path}: ")
                line.append(_fmt(c.old), style="red")
                line.append(" -> ")
                line.append(_fmt(c.new), style="green")
                console.print(line)


def explain(
    target: Annotated[
        str,
        typer.Argument(
            metavar="TARGET", help="Environment name or kustomization dir.", autocompletion=complete_target
        ),
    ],
    resource: Annotated[
        str,
        typer.Argument(
            metavar="KIND/NAME",
            autocompletion=complete_resource,
            help="KIND/NAME, e.g. Deployment/logpilot-all (name before or after renames); KIND.GROUP/NAME"
            " (Deployment.apps/logpilot-all) when one kind and name exist in several API groups.",
        ),
    ],
    field: Annotated[
        str | None,
        typer.Argument(
            metavar="FIELD",
            help="Field path, e.g. spec.replicas or spec.template.spec.containers[name=app].image.",
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option("--namespace", "-n", help="The resource's namespace, when the name is ambiguous."),
    ] = None,
    output: Annotated[ExplainOutput, typer.Option("--output", help="text or json.")] = ExplainOutput.text,
    show_secrets: Annotated[
        bool, typer.Option("--show-secrets", help="Print Secret values instead of masking them.")
    ] = False,
    load_restrictor: LoadRestrictorOption = LOAD_RESTRICTOR.default,
    enable_helm: EnableHelmOption = ENABLE_HELM.default,
) -> None:
    """Show where a resource's values came from: the base file and line, then each generator, patch or
    transformer that changed them, in build order.

    Exit codes: 0 explained, 2 usage error (unknown resource or field) or a build that fails.

    Example: logpilot-manifests explain production Deployment/logpilot-all spec.replicas
    """

    def run() -> int:
        from ..errors import UsageError
        from ..explain import Tracer, field_owner, find_resource, history
        from ..fieldpath import MISSING, format_path, get_path, parse_field
        from ..masking import mask_secrets
        from ..paths import shown_origin
        from .inputs import build, resolve_target

        segs = parse_field(field) if field else []
        root = resolve_target(target)
        tracer = Tracer()
        resources = build(root, tracer=tracer, options=build_options(load_restrictor, enable_helm))
        chosen = find_resource(resources, resource, namespace)
        obj = chosen.obj if show_secrets else mask_secrets(chosen.obj)
        current = get_path(obj, segs)
        events = [_rebased(e, root) for e in history(tracer, chosen, segs, root, show_secrets=show_secrets)]
        missing = current is MISSING
        owner = field_owner(resources, chosen, segs) if missing else None
        owned_by = None
        if owner is not None:
            spec = owner.obj.get("spec") or {}
            owned_by = {
                "kind": owner.kind,
                "namespace": owner.namespace,
                "name": owner.name,
                "origin": shown_origin(root, owner.origin),
                "minReplicas": spec.get("minReplicas", 1),
                "maxReplicas": spec.get("maxReplicas"),
            }
        elif missing and not any(e.changes for e in events):
            raise UsageError(f"{chosen.kind} {chosen.name} has no field '{field}'")
        title = f"{chosen.kind} {chosen.namespace + '/' if chosen.namespace else ''}{chosen.name}"
        if segs:
            title += f"  {format_path(segs)}"
        if output is ExplainOutput.json:
            doc = {
                "kind": chosen.kind,
                "namespace": chosen.namespace,
                "name": chosen.name,
                "field": format_path(segs),
                "value": None if missing else current,
                "origin": shown_origin(root, chosen.origin),
                **({"ownedBy": owned_by} if owned_by else {}),
                "steps": [
                    {
                        "step": e.number,
                        "label": e.label,
                        "source": e.source,
                        "line": e.line,
                        "created": e.created,
                        "changes": [
                            {"path": c.path, "op": c.op, "old": c.old, "new": c.new} for c in e.changes
                        ],
                    }
                    for e in events
                ],
            }
            sys.stdout.write(json.dumps(doc, indent=2, default=str) + "\n")
        else:
            _print_text(title, None if missing else current, events, bool(segs), owned_by)
        sys.stdout.flush()
        return EXIT_OK

    raise typer.Exit(run_guarded(run, error_writer(output, command="explain")))
