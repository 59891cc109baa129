"""JSON 6902 patches: operations on the JSON form of one object, with the semantics kustomize v5 has.

kustomize applies these patches with the Go library evanphx/json-patch v4, which departs from RFC 6902 in
ways real kustomizations rely on, so they are reproduced here rather than delegated to an RFC library:

- `replace` of a missing member of an object adds it (only array indexes must exist);
- array indexes are parsed like Go's strconv.Atoi (`01` and `+0` are 0) and may be negative, counting from
  the end (`add` at `-1` appends, `-2` inserts before the last element);
- a path without a leading `/` (also `""`, the whole document) names nothing, except for `test` and
  `replace`, whose `""` takes an object as the new document and ignores any other value;
- an operation without `value` uses null (`test` needs one); `copy` of a missing member copies null;
- a member whose value is null cannot be walked through (it is missing);
- `test` compares with JSON equality (numbers by value, `true` is not `1`).

The patch is decoded (a list of mappings) when it is loaded, but each operation is checked only when it is
applied, as kustomize does: a wrong operation in a patch whose target selects nothing is not an error.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ...errors import BuildError

_INDEX = re.compile(r"[+-]?[0-9]+\Z")
_INT64 = 1 << 63
_OPS = frozenset(("add", "remove", "replace", "move", "copy", "test"))


class PatchFailed(Exception):
    """One operation does not apply; the message says why in kustomize's terms."""


class Json6902:
    """A decoded JSON 6902 patch: its operations, applied one after another to a copy of an object."""

    def __init__(self, ops: list[Any], source: str) -> None:
        self.ops = ops
        self.source = source


def parse_json6902(ops: Any, source: str) -> Json6902:
    """Decodes a patch as kustomize does at load time: a non-empty list whose items are mappings (or null)."""
    if not isinstance(ops, list) or not ops:
        raise BuildError("a JSON 6902 patch must be a non-empty list of operations", file=source)
    for i, op in enumerate(ops):
        if not isinstance(op, dict) and op is not None:
            raise BuildError(f"JSON 6902 operation #{i + 1} is not a mapping", file=source)
    return Json6902(ops, source)


def apply_json6902(obj: dict[str, Any], ops: Json6902, source: str, target: str) -> dict[str, Any]:
    """The object after every operation, or a BuildError naming the operation that does not apply."""
    doc = copy.deepcopy(obj)
    # kustomize applies JSON patches while its build annotations are on the object, so a path under
    # metadata.annotations resolves even when the object itself has none.
    md = doc.get("metadata")
    added = False
    if isinstance(md, dict) and "annotations" not in md:
        md["annotations"] = {}
        added = True
    for i, op in enumerate(ops.ops):
        try:
            _apply_one(doc, op)
        except PatchFailed as exc:
            shown = op if isinstance(op, dict) else {}
            where = f"operation #{i + 1} '{shown.get('op', '')}' at path '{shown.get('path', '')}'"
            raise BuildError(f"JSON 6902 patch failed on {target} ({where}): {exc}", file=source) from None
    rmd = doc.get("metadata")
    if added and isinstance(rmd, dict) and rmd.get("annotations") == {}:
        del rmd["annotations"]
    return doc


# --- one operation ---------------------------------------------------------------------------------------


def _apply_one(doc: dict[str, Any], op: Any) -> None:
    if not isinstance(op, dict):
        raise PatchFailed("the operation is not a mapping")
    kind = op.get("op")
    if not isinstance(kind, str) or kind not in _OPS:
        raise PatchFailed(f"unknown operation {kind if isinstance(kind, str) else 'unknown'!r}")
    path = _string(op, "path", kind)
    value = op.get("value")
    if kind == "add":
        container, key = _find(doc, path, kind, "path")
        _add(container, key, copy.deepcopy(value))
    elif kind == "remove":
        container, key = _find(doc, path, kind, "path")
        _remove(container, key)
    elif kind == "replace" and path == "":
        _replace_document(doc, op)
    elif kind == "replace":
        container, key = _find(doc, path, kind, "path")
        _get(container, key, f"{kind} operation does not apply: doc is missing key: {path}")
        _set(container, key, copy.deepcopy(value))
    elif kind == "move":
        source = _string(op, "from", kind)
        container, key = _find(doc, source, kind, "from path")
        moved = _get(container, key, f"error in move for path: '{key}'")
        _remove(container, key)
        container, key = _find(doc, path, kind, "destination path")
        _add(container, key, moved)
    elif kind == "copy":
        source = _string(op, "from", kind)
        container, key = _find(doc, source, kind, "from path")
        copied = _get(container, key, f"error in copy for from: '{source}'")
        container, key = _find(doc, path, kind, "destination path")
        _add(container, key, copy.deepcopy(copied))
    else:
        if "value" not in op:  # kustomize's library crashes on it; refused here with a message
            raise PatchFailed("test operation needs a value")
        _test(doc, path, value)


def _replace_document(doc: dict[str, Any], op: dict[str, Any]) -> None:
    """`replace` at "": an object becomes the document; a scalar or null changes nothing (the library's quirk)."""
    if "value" not in op:  # kustomize's library crashes on it; refused here with a message
        raise PatchFailed("replace operation needs a value")
    value = op["value"]
    if isinstance(value, list):
        raise PatchFailed("the document cannot become an array")
    if isinstance(value, dict):
        md = value.get("metadata")
        name = md.get("name") if isinstance(md, dict) else None
        if (
            not isinstance(value.get("kind"), str)
            or not value["kind"]
            or not isinstance(name, str)
            or not name
        ):
            raise PatchFailed("the object replacing the document needs a kind and metadata.name")
        doc.clear()
        doc.update(copy.deepcopy(value))


def _string(op: dict[str, Any], field: str, kind: str) -> str:
    value = op.get(field)
    if not isinstance(value, str):
        raise PatchFailed(f"{kind} operation failed to decode {field}: a string is required")
    return value


def _test(doc: dict[str, Any], path: str, expected: Any) -> None:
    if path == "":
        actual: Any = doc
    else:
        container, key = _find(doc, path, "test", "path")
        actual = _get(container, key, f"test operation does not apply: doc is missing key: {path}")
    if actual is None or expected is None:
        if actual is None and expected is None:
            return
    elif _equal(actual, expected):
        return
    raise PatchFailed(f"testing value {path} failed: test failed")


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: mappings by members, lists by items, numbers by value, no bool/number mixing."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_equal(v, b[k]) for k, v in a.items())
        )
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return bool(a == b)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and str(a) == str(b)
    return type(a) is type(b) and bool(a == b)


# --- paths and containers ----------------------------------------------------------------------------------


def _decode(part: str) -> str:
    """RFC 6901 unescaping in one left-to-right pass: `~1` is `/`, `~0` is `~` (`~01` is `~1`)."""
    if "~" not in part:
        return part
    return re.sub(r"~[01]", lambda m: "/" if m.group() == "~1" else "~", part)


def _find(doc: Any, path: str, kind: str, what: str) -> tuple[dict[str, Any] | list[Any], str]:
    """The container holding the last member of `path`, and that member's key (still a string)."""
    parts = path.split("/")
    if len(parts) < 2:
        raise PatchFailed(f'{kind} operation does not apply: doc is missing {what}: "{path}"')
    current = doc
    for part in parts[1:-1]:
        try:
            child = _get(current, _decode(part))
        except PatchFailed:
            child = None
        if not isinstance(child, dict | list):
            raise PatchFailed(f"{kind} operation does not apply: doc is missing {what}: {path}")
        current = child
    return current, _decode(parts[-1])


def _index(key: str) -> int:
    if not _INDEX.match(key):
        raise PatchFailed(f"value was not a proper array index: '{key}'")
    index = int(key)
    if not -_INT64 <= index < _INT64:
        raise PatchFailed(f"value out of range: '{key}'")
    return index


def _position(key: str, size: int, problem: str) -> int:
    """The array position `key` names among `size` slots (negative counts from the end), or PatchFailed."""
    index = _index(key)
    if not -size <= index < size:
        raise PatchFailed(f"{problem}: {index}")
    return index + size if index < 0 else index


def _get(container: dict[str, Any] | list[Any], key: str, context: str = "") -> Any:
    """The member (None when an object lacks it); an array index must exist."""
    if isinstance(container, dict):
        return container.get(key)
    problem = "unable to access invalid index"
    return container[_position(key, len(container), f"{context}: {problem}" if context else problem)]


def _set(container: dict[str, Any] | list[Any], key: str, value: Any) -> None:
    """Sets a member; an array index was checked by the `_get` before it."""
    if isinstance(container, dict):
        container[key] = value
        return
    container[_position(key, len(container), "unable to access invalid index")] = value


def _add(container: dict[str, Any] | list[Any], key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    # One slot more than the array has: inserting at `len` (or at -1) appends.
    container.insert(_position(key, len(container) + 1, "unable to access invalid index"), value)


def _remove(container: dict[str, Any] | list[Any], key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise PatchFailed(f"unable to remove nonexistent key: {key}: missing value")
        del container[key]
        return
    del container[_position(key, len(container), "unable to remove invalid index")]
