"""Field paths, the one notation every command prints and reads: ``spec.template.spec.containers[name=app].image``,
``[0]`` for a list index, ``[name=app]`` for the item of a list of named objects, ``labels["a.b/c"]`` for a key
that is not a plain name."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from .errors import UsageError

# A segment: a key, a list index, or (key, value) selecting the list item whose ``key`` is ``value``.
PathSeg = str | int | tuple[str, Any]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_SEG = re.compile(r"""\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\[([A-Za-z0-9_.-]+)=([^\]]*)\]|\[["']([^"']*)["']\]""")
# What a path names when the object has nothing there (``None`` is a value).
MISSING: Any = object()


def format_path(path: Sequence[PathSeg]) -> str:
    """``['spec', 'ports', 0, 'name']`` -> ``spec.ports[0].name``; odd keys quoted: ``labels["a/b"]``."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif isinstance(seg, tuple):
            out.append(f"[{seg[0]}={seg[1]}]")
        elif _PLAIN_KEY.match(seg):
            out.append(f".{seg}" if out else seg)
        else:
            out.append(f"[{json.dumps(seg)}]")
    return "".join(out)


def parse_field(text: str) -> list[PathSeg]:
    """The segments of a path as :func:`format_path` writes it; a usage error names where it cannot be read."""
    segs: list[PathSeg] = []
    pos = 0
    while pos < len(text):
        m = _SEG.match(text, pos)
        if m is None or m.end() == pos:
            raise UsageError(f"cannot read field path '{text}' at character {pos + 1}")
        plain, index, sel_key, sel_val, quoted = m.groups()
        if plain is not None:
            segs.append(plain)
        elif index is not None:
            segs.append(int(index))
        elif sel_key is not None:
            segs.append((sel_key, sel_val))
        else:
            segs.append(quoted)
        pos = m.end()
    return segs


def step_into(value: Any, seg: PathSeg) -> tuple[Any, Any]:
    """(child, key-in-parent) or (MISSING, None)."""
    if isinstance(seg, str):
        if isinstance(value, dict) and seg in value:
            return value[seg], seg
    elif isinstance(seg, int):
        if isinstance(value, list) and 0 <= seg < len(value):
            return value[seg], seg
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict) and str(item.get(seg[0])) == seg[1]:
                return item, i
    return MISSING, None


def get_path(obj: Any, segs: Sequence[PathSeg]) -> Any:
    """The value at ``segs``, or MISSING."""
    for seg in segs:
        obj, _ = step_into(obj, seg)
        if obj is MISSING:
            return MISSING
    return obj
