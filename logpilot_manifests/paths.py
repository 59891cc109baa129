"""Paths as every command shows them (errors, findings, origins): relative to the current directory, with
forward slashes. One rule, so that a ``path:line:column`` can be opened from where the command ran."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

STDIN_LABEL = "<stdin>"


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as every command prints it: relative to the current directory, with forward slashes."""
    text = os.fspath(path)
    if not text or text == STDIN_LABEL:
        return text
    try:
        return Path(os.path.relpath(os.path.abspath(text))).as_posix()
    except ValueError:  # another drive
        return Path(text).as_posix()


def shown_origin(root: Path | None, origin: str) -> str:
    """A resource's origin as printed: a file below the build's root as a path from the current directory;
    a generator's description (``configMapGenerator ...``) unchanged."""
    if not origin or root is None or origin == STDIN_LABEL:
        return origin
    return _shown_below(root.resolve, origin)


def shown_origins(root: Path | None, origins: Iterable[str]) -> list[str]:
    """``shown_origin`` of each origin of one build, the root resolved once and each origin looked up once."""
    if root is None:
        return list(origins)
    resolved: list[Path] = []

    def resolve() -> Path:
        if not resolved:
            resolved.append(root.resolve())
        return resolved[0]

    seen: dict[str, str] = {}
    out = []
    for origin in origins:
        if origin not in seen:
            seen[origin] = origin if not origin or origin == STDIN_LABEL else _shown_below(resolve, origin)
        out.append(seen[origin])
    return out


def _shown_below(resolved_root: Callable[[], Path], origin: str) -> str:
    candidate = Path(origin) if os.path.isabs(origin) else resolved_root() / origin
    return shown(candidate) if candidate.is_file() else origin
