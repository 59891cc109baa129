"""`logpilot-manifests render TARGET`: build a kustomization and print or write the manifests."""

from __future__ import annotations

from typing import Annotated

import typer

from .rendering import RenderFormat, render_manifests
from .validate import CrdOption, KubeVersionOption, RequireSchemasOption, StrictOption


def render(
    target: Annotated[
        str, typer.Argument(help="Environment name (folder under overlays/) or kustomization dir.")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Write to this file (atomically) instead of stdout; to a directory (existing, or ending in '/'): "
            "one file per resource, <kind>-<name>.yaml.",
        ),
    ] = None,
    fmt: Annotated[
        RenderFormat, typer.Option("--format", help="yaml (multi-document) or json (a Kubernetes List).")
    ] = RenderFormat.yaml,
    origin: Annotated[
        bool,
        typer.Option(
            "--origin",
            help="Annotate every resource with the file it came from (config.kubernetes.io/origin).",
        ),
    ] = False,
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Validate what is rendered (schemas, CRDs and LogPilot's application.yml); errors stop the output.",
        ),
    ] = True,
    kube_version: KubeVersionOption = None,
    strict: StrictOption = True,
    crd: CrdOption = None,
    require_schemas: RequireSchemasOption = False,
) -> None:
    """Render the manifests of TARGET as multi-document YAML.

    Example: logpilot-manifests render production | kubectl apply -f -
    """

    render_manifests(
        target,
        output=output,
        fmt=fmt,
        origin=origin,
        validate=validate,
        kube_version=kube_version,
        strict=strict,
        crd=crd,
        require_schemas=require_schemas,
    )
