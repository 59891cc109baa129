"""The `logpilot-manifests` entry point.

On a small kustomization, importing the command-line framework (Typer, with Click) takes longer than the
build itself. So a ``render`` command line that the small parser in ``options`` understands completely runs
``render_manifests`` straight away, with the values Typer would have passed; everything else (other commands,
help, shell completion, mistakes, forms that parser leaves alone) goes to the Typer application, which stays
the authority on parsing and on every message about a command line.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any


def _completing() -> bool:
    """A shell is asking for completions: Typer's variable is ``_<PROG>_COMPLETE``, and the program's name
    depends on how it was started, so any such variable sends the command line to Typer."""
    return any(name.endswith("_COMPLETE") for name in os.environ)


def plain_render(args: list[str]) -> dict[str, Any] | None:
    """The arguments of ``render_manifests`` for a ``render`` command line the small parser understands
    completely, else None (always on Windows, where Click also expands wildcards in the arguments)."""
    if args[:1] != ["render"] or os.name == "nt" or _completing():
        return None
    from .options import RENDER_OPTIONS, parse_plain

    parsed = parse_plain(args[1:], RENDER_OPTIONS)
    if parsed is None:
        return None
    target, values = parsed
    return {"target": target, **values}


def main() -> None:
    # Documents nested a few hundred levels deep are valid YAML that kustomize writes; our reader and writer
    # recurse per level, so allow more depth than Python's default of 1,000 frames.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    # A command's objects are trees (dicts and lists) that reference counting frees; Python's default
    # threshold runs the cycle collector every 700 allocations, about two dozen times over the imports and
    # a small build (some 3 ms). It still runs, 70 times less often.
    gc.set_threshold(50_000)
    try:
        _run(sys.argv[1:])
    finally:
        # On its way out the interpreter collects cycles once more, through every object still alive (the
        # modules, the Kubernetes definitions, the build): about 6 ms after a small render, for memory the
        # process is about to give back. Frozen objects are left out of that collection.
        gc.freeze()


def _run(args: list[str]) -> None:
    plain = plain_render(args)
    if plain is None:
        from .app import app

        app()
        return
    from .rendering import render_manifests

    try:
        render_manifests(**plain)
    except KeyboardInterrupt:
        # as Typer ends an interrupted command: quietly, with the shell's code for SIGINT
        raise SystemExit(130) from None
