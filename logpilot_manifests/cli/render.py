"""`logpilot-manifests render TARGET`: build a kustomization and print or write the manifests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import resolve_target, run_guarded, write_text_atomic


def render(
    target: Annotated[
        str, typer.Argument(help="Environment name (folder under overlays/) or kustomization dir.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file (atomically) instead of stdout.")
    ] = None,
) -> None:
    """Render the manifests of TARGET as multi-document YAML.

    Example: logpilot-manifests render production | kubectl apply -f -
    """

    def run() -> None:
        from ..kustomize.build import build_resources
        from ..kustomize.yamlio import dump_documents

        root = resolve_target(target)
        text = dump_documents([r.obj for r in build_resources(root)])
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_text_atomic(output, text)

    run_guarded(run)
