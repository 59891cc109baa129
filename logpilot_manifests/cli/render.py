"""`logpilot-manifests render TARGET`: build a kustomization and print or write the manifests.

The options are defined once, in ``options.RENDER_OPTIONS``, which the entry point also reads to run plain
command lines without loading Typer; the work is ``rendering.render_manifests``."""

from __future__ import annotations

from typing import Annotated

import typer

from .inputs import complete_target
from .options import (
    CRD,
    ENABLE_HELM,
    FORMAT,
    IGNORE_MISSING_SCHEMAS,
    KUBE_VERSION,
    LOAD_RESTRICTOR,
    ORIGIN,
    OUTPUT,
    PRUNE,
    RENDER_TARGET_HELP,
    REQUIRE_SCHEMAS,
    SKIP,
    STRICT,
    VALIDATE,
)
from .params import (
    CrdOption,
    EnableHelmOption,
    IgnoreMissingSchemasOption,
    KubeVersionOption,
    LoadRestrictorOption,
    RequireSchemasOption,
    SkipOption,
    StrictOption,
    typer_option,
)
from .rendering import RenderFormat, render_manifests


def render(
    target: Annotated[str, typer.Argument(help=RENDER_TARGET_HELP, autocompletion=complete_target)],
    output: Annotated[str | None, typer_option(OUTPUT)] = OUTPUT.default,
    prune: Annotated[bool, typer_option(PRUNE)] = PRUNE.default,
    fmt: Annotated[RenderFormat, typer_option(FORMAT)] = FORMAT.default,
    origin: Annotated[bool, typer_option(ORIGIN)] = ORIGIN.default,
    validate: Annotated[bool, typer_option(VALIDATE)] = VALIDATE.default,
    kube_version: KubeVersionOption = KUBE_VERSION.default,
    strict: StrictOption = STRICT.default,
    crd: CrdOption = CRD.default,
    require_schemas: RequireSchemasOption = REQUIRE_SCHEMAS.default,
    ignore_missing_schemas: IgnoreMissingSchemasOption = IGNORE_MISSING_SCHEMAS.default,
    skip: SkipOption = SKIP.default,
    load_restrictor: LoadRestrictorOption = LOAD_RESTRICTOR.default,
    enable_helm: EnableHelmOption = ENABLE_HELM.default,
) -> None:
    """Render the manifests of TARGET as multi-document YAML.

    Exit codes: 0 rendered, 1 what was rendered fails validation (nothing is written), 2 usage error or a
    build kustomize would reject.

    Example: logpilot-manifests render production -o rendered/
    """
    render_manifests(
        target,
        output=output,
        prune=prune,
        fmt=fmt,
        origin=origin,
        validate=validate,
        kube_version=kube_version,
        strict=strict,
        crd=crd,
        require_schemas=require_schemas,
        ignore_missing_schemas=ignore_missing_schemas,
        skip=skip,
        load_restrictor=load_restrictor,
        enable_helm=enable_helm,
    )
