"""The `logpilot-manifests` Typer application. Each command lives in its own module and imports the engine
lazily, so start-up stays fast; the entry point (``main.py``) runs plain `render` command lines without
loading this."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from .diff import diff
from .explain import explain
from .lint import lint
from .list_cmd import list_environments
from .render import render
from .set_image import set_image
from .validate import validate

app = typer.Typer(
    name="logpilot-manifests",
    help="Render, validate, diff and lint LogPilot's Kubernetes manifests (kustomize v5 compatible).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.command()(render)
app.command()(diff)
app.command(name="list")(list_environments)
app.command()(lint)
app.command()(explain)
app.command()(validate)
app.command(name="set-image")(set_image)


def _version(value: bool) -> None:
    if value:
        print(f"logpilot-manifests {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Render, validate, diff and lint LogPilot's Kubernetes manifests (kustomize v5 compatible)."""
