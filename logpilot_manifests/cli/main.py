"""The `logpilot-manifests` entry point.

On a small kustomization, importing the command-line framework (Typer, with Click) costs more than the build
itself. So the plain forms of the most used command, ``render TARGET`` with any of ``--no-validate``,
``--validate`` and ``--origin``, run the same function the Typer command calls, without loading it; every
other command line (help, other options, mistakes, shell completion) goes to the Typer application, which stays
the authority on parsing. A test parses each plain form both ways and checks that they agree.
"""

from __future__ import annotations

import os
import sys
from typing import Any

# The flags the plain forms may carry, and the parameter each sets.
PLAIN_RENDER_FLAGS: dict[str, tuple[str, bool]] = {
    "--no-validate": ("validate", False),
    "--validate": ("validate", True),
    "--origin": ("origin", True),
}
_COMPLETION_VARIABLE = "_LOGPILOT_MANIFESTS_COMPLETE"


def plain_render(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``render_manifests`` for a plain ``render`` command line, else None."""
    if not args or args[0] != "render":
        return None
    params: dict[str, Any] = {}
    target = None
    for arg in args[1:]:
        if arg in PLAIN_RENDER_FLAGS:
            name, value = PLAIN_RENDER_FLAGS[arg]
            params[name] = value
        elif arg.startswith("-") or target is not None:
            return None  # an option handled only by the full parser, or one positional too many
        else:
            target = arg
    if target is None:
        return None
    return {"target": target, **params}


def main() -> None:
    # Documents nested a few hundred levels deep are valid YAML that kustomize writes; our reader and writer
    # recurse per level, so allow more depth than Python's default of 1,000 frames.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    plain = None if _COMPLETION_VARIABLE in os.environ else plain_render(sys.argv[1:])
    if plain is not None:
        from .rendering import render_manifests

        try:
            render_manifests(**plain)
        except KeyboardInterrupt:
            # as the Typer application reports an interruption
            print("\nAborted!", file=sys.stderr)
            raise SystemExit(1) from None
        return
    from .app import app

    app()
