"""JSON 6902 patches: operations on the JSON form of one object."""

from __future__ import annotations

from typing import Any

import jsonpatch

from ...errors import BuildError


def parse_json6902(ops: Any, source: str) -> jsonpatch.JsonPatch:
    if not isinstance(ops, list) or not ops:
        raise BuildError("a JSON 6902 patch must be a non-empty list of operations", file=source)
    for i, op in enumerate(ops):
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise BuildError(f"JSON 6902 operation #{i + 1} needs 'op' and 'path'", file=source)
    try:
        return jsonpatch.JsonPatch(ops)
    except (jsonpatch.JsonPatchException, jsonpatch.InvalidJsonPatch, TypeError, ValueError) as exc:
        raise BuildError(f"invalid JSON 6902 patch: {exc}", file=source) from None


def apply_json6902(
    obj: dict[str, Any], patch: jsonpatch.JsonPatch, source: str, target: str
) -> dict[str, Any]:
    # kustomize applies JSON patches while its build annotations are on the object, so a path under
    # metadata.annotations resolves even when the object itself has none.
    md = obj.get("metadata")
    added = isinstance(md, dict) and "annotations" not in md
    if added:
        md["annotations"] = {}
    try:
        result = patch.apply(obj, in_place=False)
    except (
        jsonpatch.JsonPatchException,
        jsonpatch.JsonPointerException,
        KeyError,
        IndexError,
        TypeError,
    ) as exc:
        op = _failing_op(obj, patch)
        where = f" (operation '{op.get('op')}' at path '{op.get('path')}')" if op else ""
        raise BuildError(f"JSON 6902 patch failed on {target}{where}: {exc}", file=source) from None
    finally:
        if added:
            md.pop("annotations", None)
    rmd = result.get("metadata") if isinstance(result, dict) else None
    if added and isinstance(rmd, dict) and rmd.get("annotations") == {}:
        del rmd["annotations"]
    if not isinstance(result, dict):
        raise BuildError(f"JSON 6902 patch turned {target} into a non-object", file=source)
    return result


def _failing_op(obj: dict[str, Any], patch: jsonpatch.JsonPatch) -> dict[str, Any] | None:
    """The first operation of ``patch`` that fails on ``obj`` (to name it in the error)."""
    doc: Any = obj
    for op in patch.patch:
        try:
            doc = jsonpatch.JsonPatch([op]).apply(doc, in_place=False)
        except Exception:  # noqa: BLE001 - any failure identifies the operation
            return op
    return None
