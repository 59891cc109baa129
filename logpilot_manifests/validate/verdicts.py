"""Clean verdicts kept across runs: documents an earlier run found without any finding are not checked again
while nothing that decides their findings has changed.

Checking a render of a few dozen objects takes milliseconds; starting to check costs many times that (loading
the schema validator and the 1.8 MB shared definitions, compiling each kind's schema, finding the CRDs). So
the key of a clean run holds everything its findings depend on: the objects, the options (Kubernetes version,
strictness, kinds skipped, how a missing schema counts), the CRD files given, and the checking code and data
(this package's source files, the bundled schemas, the schema validator and the CEL runtime). Files are known
by path, size and modification time, as Python's own bytecode cache knows its sources. Only runs without a
single finding are kept: findings are always computed afresh.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from . import schemas
from .cache import file_stamp

CLEAN_CACHE = "clean-inputs"
# Raise it whenever what makes up the key changes.
FORMAT = b"clean-inputs-1"
# Modules whose file changes with the installed version of the schema validator and of the CEL runtime (a
# namespace package, hence its extension module; finding it imports nothing that costs).
_RUNTIMES = ("jsonschema_rs", "cel_expr_python.cel")


def _sources(directory: str) -> list[str]:
    """The Python files below ``directory``, sorted."""
    found: list[str] = []
    with os.scandir(directory) as entries:
        for e in entries:
            if e.name.endswith(".py"):
                found.append(e.path)
            elif e.is_dir() and not e.name.startswith(("_", ".")):
                found.extend(_sources(e.path))
    return sorted(found)


@cache
def _code_stamp(version: str, strict: bool) -> bytes:
    """What identifies the checking code and data for one bundled Kubernetes version and strictness."""
    parts = [FORMAT, __version__.encode()]
    parts.extend(file_stamp(p) for p in _sources(os.path.dirname(__file__)))
    parts.append(file_stamp(schemas.schema_dir(version, strict) / "_definitions.json"))
    for name in _RUNTIMES:
        spec = importlib.util.find_spec(name)
        parts.append(file_stamp(spec.origin) if spec is not None and spec.origin else name.encode())
    return b"".join(parts)


def clean_key(objs: Sequence[Any], options: tuple[Any, ...], crd_files: Sequence[Path]) -> str | None:
    """The key of checking ``objs`` with ``options`` (version and strictness first) and these CRD files, or
    None when the objects hold values that JSON cannot tell apart (dates, NaN, non-string keys)."""
    import orjson

    try:
        # dates would be written as the strings they equal, so they are refused instead
        body = orjson.dumps(list(objs), option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return None
    if b"null" in body and not _no_nan(objs):
        return None  # orjson writes NaN and infinities as null
    h = hashlib.sha256(_code_stamp(options[0], options[1]))
    h.update(repr(options).encode())
    for f in crd_files:
        h.update(file_stamp(f))
    h.update(body)
    return h.hexdigest()


def _no_nan(objs: Sequence[Any]) -> bool:
    import json

    try:
        json.dumps(list(objs), allow_nan=False, default=str)
    except ValueError:
        return False
    return True
