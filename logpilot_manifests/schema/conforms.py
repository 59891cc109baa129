"""Whether a value satisfies a JSON schema that pydantic generated from a model, in plain Python.

The fast check in front of a pydantic model (kustomization files, LogPilot's ``application.yml``): importing
pydantic and building a model costs more than a whole small build, so a value is first checked against the
model's committed JSON schema, and the model runs only when this check fails, to decide and to explain.

Only the keywords pydantic writes for plain models are understood; a schema using any other constraint
does not accept the value (the model then decides), so this check never accepts more than the schema does.
"""

from __future__ import annotations

from typing import Any

# Keywords that describe and constrain nothing.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "format", "writeOnly", "readOnly", "deprecated", "$defs"}
)
_UNDERSTOOD = _ANNOTATIONS | {
    "$ref",
    "anyOf",
    "enum",
    "type",
    "items",
    "properties",
    "additionalProperties",
    "required",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
}


def resolve(s: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """``s``, or the definition of ``root`` it refers to (pydantic's ``#/$defs/Name``)."""
    ref = s.get("$ref")
    if ref:
        resolved: dict[str, Any] = root["$defs"][ref.rsplit("/", 1)[-1]]
        return resolved
    return s


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _in_bounds(value: int | float, s: dict[str, Any]) -> bool:
    if "minimum" in s and not value >= s["minimum"]:
        return False
    if "maximum" in s and not value <= s["maximum"]:
        return False
    if "exclusiveMinimum" in s and not value > s["exclusiveMinimum"]:
        return False
    return not ("exclusiveMaximum" in s and not value < s["exclusiveMaximum"])


def conforms(value: Any, root: dict[str, Any], s: dict[str, Any] | None = None) -> bool:
    """Whether ``value`` satisfies the schema ``s`` (by default ``root``, which holds the ``$defs``)."""
    s = resolve(root if s is None else s, root)
    if not _UNDERSTOOD.issuperset(s):
        return False
    if "anyOf" in s:
        return any(conforms(value, root, alt) for alt in s["anyOf"])
    if "enum" in s and value not in s["enum"]:
        return False
    t = s.get("type")
    if t is None:
        return True
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and _in_bounds(value, s)
    if t == "number":
        return _number(value) and _in_bounds(value, s)
    if t == "null":
        return value is None
    if t == "array":
        if not isinstance(value, list):
            return False
        items = s.get("items")
        return items is None or all(conforms(v, root, items) for v in value)
    if t == "object":
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            return False
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for key, v in value.items():
            sub = props.get(key)
            if sub is None:
                if extra is False:
                    return False
                if isinstance(extra, dict) and not conforms(v, root, extra):
                    return False
            elif not conforms(v, root, sub):
                return False
        return all(r in value for r in s.get("required", ()))
    return False
