"""The schema formats Kubernetes checks when it decodes an object, as JSON Schema constraints and checkers.

The bundled schemas carry ``format`` keywords that plain JSON Schema ignores: ``int32`` and ``int64`` (a number
out of range fails to decode), ``byte`` (base64, as ``[]byte`` fields decode), ``date-time`` (RFC 3339, as
``metav1.Time`` decodes), and the Quantity type, marked here with the ``quantity`` format. ``add_formats``
turns the integer formats into bounds and marks quantities; ``FORMAT_CHECKERS`` check the string formats;
``format_message`` words a failure as the API server's decoder does.
"""

from __future__ import annotations

from typing import Any

QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _bound(node: dict[str, Any]) -> None:
    bounds = INT_BOUNDS.get(node.get("format", ""))
    if bounds is not None:
        node.setdefault("minimum", bounds[0])
        node.setdefault("maximum", bounds[1])


def add_formats(definitions: dict[str, Any]) -> None:
    """Bounds for int32/int64 properties and the quantity format, in the shared definitions (in place)."""
    defs = definitions.get("$defs", {})
    for d in defs.values():
        for prop in (d.get("properties") or {}).values():
            if isinstance(prop, dict):
                _bound(prop)
                if isinstance(prop.get("items"), dict):
                    _bound(prop["items"])
    quantity = defs.get(QUANTITY_DEF)
    if isinstance(quantity, dict):
        for branch in quantity.get("oneOf") or ():
            if "string" in (branch.get("type") or ()):
                branch["format"] = "quantity"


def _quantity_ok(value: str) -> bool:
    from .quantity import QuantityError, parse_quantity

    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def _byte_ok(value: str) -> bool:
    from .semantic.common import base64_error

    return base64_error(value) is None


FORMAT_CHECKERS = {"quantity": _quantity_ok, "byte": _byte_ok}


def format_message(fmt: str, value: Any) -> str:
    """The decoder's complaint about a string that does not match its format."""
    if fmt == "quantity" and isinstance(value, str):
        from .quantity import QuantityError, parse_quantity

        try:
            parse_quantity(value)
        except QuantityError as exc:
            return str(exc)
    if fmt == "byte" and isinstance(value, str):
        from .semantic.common import base64_error

        return base64_error(value) or "illegal base64 data"
    if fmt == "date-time":
        return "must be a date-time in RFC 3339 form, e.g. 2006-01-02T15:04:05Z"
    if fmt in ("ipv4", "ipv6"):
        return f"must be a valid {'IPv4' if fmt == 'ipv4' else 'IPv6'} address"
    return f"must be of format {fmt}"
