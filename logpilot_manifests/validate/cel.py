"""CEL validation rules of CustomResourceDefinitions (``x-kubernetes-validations``), evaluated offline.

The API server evaluates each rule with ``self`` bound to the value at the schema node that carries it, after
applying the schema's defaults; a rule that is false rejects the object with its ``message`` (or the result
of its ``messageExpression``) at the node's path plus the rule's ``fieldPath``. The same happens here with the
CEL C++ runtime (cel-expr-python), its strings extension, and the Kubernetes library functions the rules
use. Transition rules (those reading ``oldSelf``) need the stored object and are skipped. A rule that does not
compile or fails while evaluating is a warning naming it: never a silent pass.

``rule_tree(openapi)`` keeps only the branches of a schema holding rules or defaults (cached with the CRD);
``evaluate_rules(tree, obj)`` returns ``(severity, rule, path, message)`` for each rejection; list-type
sets and maps (``x-kubernetes-list-type``) are checked for duplicates on the way.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from ..fieldpath import format_path
from ..findings import Severity

_REASONS = {
    "FieldValueRequired": "Required value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueDuplicate": "Duplicate value",
}
_FIELD_PATH = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]")


def rule_tree(node: Any) -> dict[str, Any] | None:
    """The parts of an OpenAPI schema that CEL evaluation needs: rules, defaults and the way down to them."""
    if not isinstance(node, dict):
        return None
    out: dict[str, Any] = {}
    rules = node.get("x-kubernetes-validations")
    if isinstance(rules, list) and rules:
        out["rules"] = [r for r in rules if isinstance(r, dict) and isinstance(r.get("rule"), str)]
    props = node.get("properties")
    if isinstance(props, dict):
        kept: dict[str, Any] = {}
        for name, sub in props.items():
            child = rule_tree(sub)
            if child is not None:
                kept[name] = child
            elif isinstance(sub, dict) and "default" in sub:
                kept[name] = {"default": sub["default"]}
        if kept:
            out["properties"] = kept
    for key in ("items", "additionalProperties"):
        child = rule_tree(node.get(key))
        if child is not None:
            out[key] = child
    list_type = node.get("x-kubernetes-list-type")
    if list_type in ("set", "map"):
        out["listType"] = list_type
        keys = node.get("x-kubernetes-list-map-keys")
        if list_type == "map" and isinstance(keys, list):
            out["listMapKeys"] = [k for k in keys if isinstance(k, str)]
    if "default" in node and out:
        out["default"] = node["default"]
    if not any(k in out for k in ("rules", "listType", "properties", "items", "additionalProperties")):
        return None
    return out


def _apply_defaults(tree: dict[str, Any], value: Any) -> None:
    """Fill in the schema's defaults below ``value`` (a copy), as the API server does before validating."""
    props = tree.get("properties")
    if isinstance(value, dict):
        if props:
            for name, sub in props.items():
                if name not in value and "default" in sub:
                    value[name] = copy.deepcopy(sub["default"])
                if name in value:
                    _apply_defaults(sub, value[name])
        extra = tree.get("additionalProperties")
        if extra:
            for v in value.values():
                _apply_defaults(extra, v)
    elif isinstance(value, list) and tree.get("items"):
        for v in value:
            _apply_defaults(tree["items"], v)


def _walk(
    tree: dict[str, Any], value: Any, path: list[str | int]
) -> Iterator[tuple[dict[str, Any], Any, list[str | int]]]:
    if value is None:
        return
    if tree.get("rules") or tree.get("listType"):
        yield tree, value, path
    props = tree.get("properties")
    if props and isinstance(value, dict):
        for name, sub in props.items():
            if name in value:
                yield from _walk(sub, value[name], [*path, name])
    extra = tree.get("additionalProperties")
    if extra and isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(extra, v, [*path, str(k)])
    if tree.get("items") and isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(tree["items"], v, [*path, i])


def _field_path(text: str) -> list[str | int]:
    parts: list[str | int] = []
    for m in _FIELD_PATH.finditer(text):
        plain, index, quoted = m.groups()
        parts.append(int(index) if index is not None else plain if plain is not None else quoted)
    return parts


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return '"object"'
    if isinstance(value, list):
        return '"array"'
    if isinstance(value, str):
        return f'"{value}"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def evaluate_rules(tree: dict[str, Any], obj: dict[str, Any]) -> list[tuple[Severity, str, str, str]]:
    """Every rejection of the object ``obj`` (left unchanged) by the CEL rules and list types in ``tree``:
    ``(severity, rule, path, message)`` with rule ``cel`` or ``duplicate``."""
    doc = copy.deepcopy(obj)
    _apply_defaults(tree, doc)
    out: list[tuple[Severity, str, str, str]] = []
    for node, value, path in _walk(tree, doc, []):
        if node.get("listType") and isinstance(value, list):
            out.extend(_duplicates(node, value, path))
        for rule in node.get("rules", ()):
            expr = rule["rule"]
            if re.search(r"\boldSelf\b", expr):
                continue  # a transition rule: it compares with the stored object, which an offline check lacks
            outcome, problem = _evaluate(expr, value)
            if problem is not None:
                out.append(
                    (
                        Severity.WARNING,
                        "cel",
                        format_path(path),
                        f"CEL rule not evaluated ({problem}): {expr}",
                    )
                )
                continue
            if outcome is True:
                continue
            where = [*path, *_field_path(str(rule.get("fieldPath") or ""))]
            message = _message(rule, value)
            kind = _REASONS.get(str(rule.get("reason") or ""), "Invalid value")
            body = f"{kind}: {message}" if kind != "Invalid value" else f"{kind}: {_shown(value)}: {message}"
            out.append((Severity.ERROR, "cel", format_path(where), body))
    return out


def _duplicates(
    node: dict[str, Any], items: list[Any], path: list[str | int]
) -> list[tuple[Severity, str, str, str]]:
    """Items repeated in a list-type set, or repeating the keys of a list-type map (as the API server
    checks them after the schema: ``Duplicate value``)."""
    import json

    keys = node.get("listMapKeys") or []
    seen: set[str] = set()
    out: list[tuple[Severity, str, str, str]] = []
    for i, item in enumerate(items):
        if node["listType"] == "map":
            if not isinstance(item, dict):
                continue
            key: Any = {k: item.get(k) for k in keys if k in item}
        else:
            key = item
        text = json.dumps(key, sort_keys=True, default=str)
        if text in seen:
            out.append((Severity.ERROR, "duplicate", format_path([*path, i]), f"Duplicate value: {text}"))
        seen.add(text)
    return out


def _message(rule: dict[str, Any], value: Any) -> str:
    expression = rule.get("messageExpression")
    if isinstance(expression, str):
        result, problem = _evaluate(expression, value)
        if problem is None and isinstance(result, str) and result.strip():
            return result
    message = rule.get("message")
    if isinstance(message, str) and message:
        return message
    return f"failed rule: {rule['rule']}"


def _evaluate(expr: str, value: Any) -> tuple[Any, str | None]:
    """(result, None), or (None, why the rule could not be evaluated)."""
    try:
        program = _compile(expr)
    except RuntimeError as exc:
        return None, "does not compile: " + str(exc).splitlines()[0].split("ERROR: ", 1)[-1][:120]
    try:
        result = program.eval(data={"self": value})
        kind = result.type().name()
        if kind == "ERROR" or kind.startswith("*error"):
            return None, str(result.value())[:120]
        return result.value(), None
    except (RuntimeError, ValueError, TypeError) as exc:
        return None, str(exc)[:120]


@cache
def _compile(expr: str) -> Any:
    return _env().compile(expr)


@cache
def _env() -> Any:
    from cel_expr_python import cel
    from cel_expr_python.ext import ext_strings

    return cel.NewEnv(
        variables={"self": cel.Type.DYN},
        extensions=[ext_strings.ExtStrings()],
        functions=_kubernetes_library(cel),
    )


# --- the Kubernetes CEL library (the functions the API server adds to standard CEL) ----------------------


def _is_url(s: str) -> bool:
    try:
        parts = urlsplit(s)
    except ValueError:
        return False
    return bool(parts.scheme) and (bool(parts.netloc) or s.startswith(parts.scheme + ":/"))


def _is_ip(s: str) -> bool:
    try:
        ipaddress.ip_address(s)
    except ValueError:
        return False
    return "%" not in s


def _is_cidr(s: str) -> bool:
    try:
        ipaddress.ip_network(s, strict=False)
    except ValueError:
        return False
    return "/" in s


def _is_quantity(s: str) -> bool:
    from .quantity import QuantityError, parse_quantity

    try:
        parse_quantity(s)
    except QuantityError:
        return False
    return True


def _find(s: str, pattern: str) -> str:
    m = re.search(pattern, s)
    return m.group(0) if m else ""


def _find_all(s: str, pattern: str) -> list[str]:
    return [m.group(0) for m in re.finditer(pattern, s)]


def _kubernetes_library(cel: Any) -> list[Any]:
    T = cel.Type
    lst = T.List(T.DYN)

    def decl(name: str, ret: Any, params: list[Any], member: bool, impl: Any) -> Any:
        return cel.FunctionDecl(name, [cel.Overload(f"k8s_{name}", ret, params, member, impl)])

    return [
        decl("isURL", T.BOOL, [T.STRING], False, _is_url),
        decl("isIP", T.BOOL, [T.STRING], False, _is_ip),
        decl("isCIDR", T.BOOL, [T.STRING], False, _is_cidr),
        decl("isQuantity", T.BOOL, [T.STRING], False, _is_quantity),
        decl("find", T.STRING, [T.STRING, T.STRING], True, _find),
        decl("findAll", T.List(T.STRING), [T.STRING, T.STRING], True, _find_all),
        decl("isSorted", T.BOOL, [lst], True, lambda xs: list(xs) == sorted(xs)),
        decl("sum", T.DYN, [lst], True, lambda xs: sum(xs)),
        decl("min", T.DYN, [lst], True, lambda xs: min(xs)),
        decl("max", T.DYN, [lst], True, lambda xs: max(xs)),
        decl("sets.contains", T.BOOL, [lst, lst], False, lambda a, b: all(x in list(a) for x in b)),
        decl(
            "sets.equivalent", T.BOOL, [lst, lst], False, lambda a, b: set(map(repr, a)) == set(map(repr, b))
        ),
        decl("sets.intersects", T.BOOL, [lst, lst], False, lambda a, b: any(x in list(a) for x in b)),
    ]
