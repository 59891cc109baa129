"""Options as Typer parameters: ``typer_option`` makes one from its definition in ``options``, and the ones
several commands share are named here."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import LoadRestrictor
from .console import ColorMode
from .options import (
    CRD,
    ENABLE_HELM,
    IGNORE_MISSING_SCHEMAS,
    KUBE_VERSION,
    LOAD_RESTRICTOR,
    REQUIRE_SCHEMAS,
    SKIP,
    STRICT,
    Opt,
)


def typer_option(opt: Opt) -> Any:
    """The ``typer.Option`` of ``opt`` (its type and default are the annotated parameter's)."""
    names = (f"{opt.names[0]}/{opt.negation}", *opt.names[1:]) if opt.negation else opt.names
    return typer.Option(*names, help=opt.help, metavar=opt.metavar)


LoadRestrictorOption = Annotated[LoadRestrictor, typer_option(LOAD_RESTRICTOR)]
EnableHelmOption = Annotated[bool, typer_option(ENABLE_HELM)]
KubeVersionOption = Annotated[str | None, typer_option(KUBE_VERSION)]
StrictOption = Annotated[bool, typer_option(STRICT)]
CrdOption = Annotated[list[Path] | None, typer_option(CRD)]
RequireSchemasOption = Annotated[bool, typer_option(REQUIRE_SCHEMAS)]
IgnoreMissingSchemasOption = Annotated[bool, typer_option(IGNORE_MISSING_SCHEMAS)]
SkipOption = Annotated[list[str] | None, typer_option(SKIP)]
ColorOption = Annotated[
    ColorMode,
    typer.Option(
        "--color", help="auto (a terminal without NO_COLOR), always or never.", case_sensitive=False
    ),
]
