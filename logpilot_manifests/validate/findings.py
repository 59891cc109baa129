"""How schema errors read: field paths in the notation ``diff`` prints, and messages for manifest authors."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Sequence
from typing import Any

_YAML_TYPE_NAMES = {"object": "mapping", "array": "list"}


def describe_value(value: Any) -> str:
    """A short description of a YAML value for messages: ``string "two"``, ``a mapping``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _type_names(types: Any) -> list[str]:
    names = [types] if isinstance(types, str) else list(types)
    return [_YAML_TYPE_NAMES.get(t, t) for t in names if t != "null"]


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _resolve_pointer(document: Any, pointer: str) -> Any:
    node = document
    for raw in pointer.strip("/").split("/") if pointer.strip("/") else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _allowed_fields(location: str, documents: dict[str, Any], root: Any) -> list[str]:
    """Field names the object schema at an ``additionalProperties`` keyword location allows."""
    uri, _, fragment = location.partition("#")
    document = documents.get(uri, root)
    node = _resolve_pointer(document, fragment.rsplit("/", 1)[0])
    props = node.get("properties") if isinstance(node, dict) else None
    return sorted(props) if isinstance(props, dict) else []


def suggest(field: str, allowed: Sequence[str]) -> str | None:
    """The allowed field the user most likely meant (case slips first, then close spellings)."""
    for a in allowed:
        if a.lower() == field.lower():
            return a
    close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.75)
    return close[0] if close else None


def explain_error(
    err: Any, documents: dict[str, Any], root: Any
) -> Iterator[tuple[str, list[str | int], str]]:
    """Turn one jsonschema_rs error into (rule, path parts, message) triples, phrased for manifest authors."""
    path: list[str | int] = list(err.instance_path)
    kind = err.kind
    name = kind.name
    if name == "additionalProperties":
        # Without a $ref on the way (custom resources) there is no absolute location: the schema path is it.
        location = err.absolute_keyword_location or "#/" + "/".join(
            str(p).replace("~", "~0").replace("/", "~1") for p in err.schema_path
        )
        allowed = _allowed_fields(location, documents, root)
        for field in kind.unexpected:
            hint = suggest(field, allowed)
            extra = f"; did you mean {json.dumps(hint)}?" if hint else ""
            yield "unknown-field", [*path, field], f"unknown field {json.dumps(field)}{extra}"
    elif name == "required":
        yield "required", [*path, kind.property], f"missing required field {json.dumps(kind.property)}"
    elif name == "type":
        expected = " or ".join(_type_names(kind.types)) or "null"
        yield "type", path, f"expected {expected}, got {describe_value(err.instance)}"
    elif name == "enum":
        options = ", ".join(_short(o) for o in kind.options if o is not None)
        yield "enum", path, f"{_short(err.instance)} is not one of: {options}"
    elif name in ("oneOf", "anyOf") and _all_type_errors(kind.context):
        types: list[str] = []
        for branch in kind.context:
            for sub in branch:
                types.extend(t for t in _type_names(sub.kind.types) if t not in types)
        yield "type", path, f"expected {' or '.join(types)}, got {describe_value(err.instance)}"
    elif name == "format":
        yield "format", path, _format_error(getattr(kind, "format", ""), err.instance)
    elif name in ("maximum", "minimum") and _integer_width(getattr(kind, "limit", None)):
        width = _integer_width(kind.limit)
        yield "format", path, f"cannot unmarshal number {err.instance} into a field of type {width}"
    elif name in ("oneOf", "anyOf") and _format_failure(kind.context):
        yield "format", path, _format_error(_format_failure(kind.context), err.instance)
    else:
        yield name, path, err.message


def _all_type_errors(context: Any) -> bool:
    try:
        return bool(context) and all(
            branch and all(sub.kind.name == "type" for sub in branch) for branch in context
        )
    except (AttributeError, TypeError):
        return False


def _format_error(fmt: str, value: Any) -> str:
    from .formats import format_message

    # base64 data is often a secret: its value is never quoted
    shown = "" if fmt == "byte" else f": {json.dumps(value, default=str)}"
    return f"Invalid value{shown}: {format_message(fmt, value)}"


def _format_failure(context: Any) -> str:
    """The format a oneOf/anyOf failed on (Quantity is a string of the quantity format, or a number)."""
    try:
        for branch in context:
            for sub in branch:
                if sub.kind.name == "format":
                    return str(sub.kind.format)
    except (AttributeError, TypeError):
        return ""
    return ""


def _integer_width(limit: Any) -> str:
    """``int32`` or ``int64`` when a bound is one of those types' limits (see formats.INT_BOUNDS)."""
    from .formats import INT_BOUNDS

    for name, bounds in INT_BOUNDS.items():
        if limit in bounds:
            return name
    return ""
