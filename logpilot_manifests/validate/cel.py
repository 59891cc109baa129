"""CEL validation rules of CustomResourceDefinitions (``x-kubernetes-validations``), evaluated offline.

The API server evaluates each rule with ``self`` bound to the value at the schema node that carries it, after
applying the schema's defaults; a rule that is false rejects the object with its ``message`` (or the result
of its ``messageExpression``) at the node's path plus the rule's ``fieldPath``. The same happens here with the
CEL C++ runtime (cel-expr-python), its strings extension, and the Kubernetes library functions the rules
use, object-valued ones included (``url()``, ``ip()``, ``cidr()``, ``quantity()`` and their members). Transition rules (those reading ``oldSelf``) need the stored object and are skipped. A rule that does not
compile or fails while evaluating is a warning naming it: never a silent pass.

``rule_tree(openapi)`` keeps only the branches of a schema holding rules or defaults (cached with the CRD);
``evaluate_rules(tree, obj)`` returns ``(severity, rule, path, message)`` for each rejection; list-type
sets and maps (``x-kubernetes-list-type``) are checked for duplicates on the way.
"""

from __future__ import annotations

import copy
import ipaddress
import math
import re
from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from typing import Any
from urllib.parse import unquote, unquote_plus

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


# The object types of the library (URL, IP, CIDR, Quantity) are maps tagged with ``@kubernetes``: the binding
# has no custom runtime types, and a map keeps CEL's equality (``cidr(a) == cidr(b).masked()``) meaningful
# because the value it holds is canonical. A function the Kubernetes library makes fail (``url('x:y:z')``)
# raises, and the rule is then reported as not evaluated, as other evaluation errors are.
_TAG = "@kubernetes"


class LibraryError(ValueError):
    """An error the Kubernetes library returns (the rule fails to evaluate)."""


def _tagged(kind: str, value: str) -> dict[str, str]:
    return {_TAG: kind, "value": value}


def _untag(kind: str, obj: Any) -> str:
    if not isinstance(obj, dict) or obj.get(_TAG) != kind or not isinstance(obj.get("value"), str):
        raise LibraryError(f"no such overload: expected a {kind}")
    return str(obj["value"])


# URLs: url.ParseRequestURI's rules (an absolute URI or an absolute path), then url.Parse's components.

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_PATH_KEPT = _UNRESERVED | frozenset("$&+,/:;=@")
_PATH_ENCODED = _PATH_KEPT | frozenset("!'()*[]%")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=%:\[\]]*$")


def _parse_url(s: str) -> dict[str, str]:
    """The parts of a URL the library reads (scheme, host, path, query), or LibraryError."""

    def fail(why: str) -> LibraryError:
        return LibraryError(f"URL parse error during conversion from string: parse {s!r}: {why}")

    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in s):
        raise fail("net/url: invalid control character in URL")
    if not s:
        raise fail("empty url")
    if s == "*":
        return {"scheme": "", "host": "", "path": "*", "query": ""}
    m = _SCHEME.match(s)
    if m is None and not s.startswith("/"):
        raise fail("invalid URI for request")
    scheme = m.group(1).lower() if m else ""
    rest = s[m.end() :] if m else s
    rest = rest.split("#", 1)[0]
    rest, _, query = rest.partition("?")
    host = ""
    if scheme and not rest.startswith("/"):
        path = ""  # an opaque URL (mailto:x)
    elif scheme and rest.startswith("//"):
        authority, slash, tail = rest[2:].partition("/")
        path = slash + tail
        host = authority.rpartition("@")[2]
        if host.startswith("["):
            close = host.find("]")
            if close < 0:
                raise fail("missing ']' in host")
            port = host[close + 1 :]
            if port and not re.fullmatch(r":[0-9]*", port):
                raise fail(f"invalid port {port!r} after host")
        elif ":" in host and not re.fullmatch(r"[0-9]*", host.rpartition(":")[2]):
            raise fail(f"invalid port {':' + host.rpartition(':')[2]!r} after host")
        if not _HOST_CHARS.match(host):
            raise fail(f"invalid character in host name {host!r}")
    else:
        path = rest
    bad = _BAD_ESCAPE.search(
        host + path
    )  # the query's escapes are only read by getQuery, which skips bad ones
    if bad is not None:
        raise fail(f"invalid URL escape {(host + path)[bad.start() : bad.start() + 3]!r}")
    return {"scheme": scheme, "host": host, "path": path, "query": query}


def _url_hostname(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rpartition(":")[0] if ":" in host else host


def _url_port(host: str) -> str:
    tail = host[host.find("]") + 1 :] if host.startswith("[") else host
    return tail.rpartition(":")[2] if ":" in tail else ""


def _escaped_path(path: str) -> str:
    """url.URL.EscapedPath: the path as written when it is a valid encoding, else escaped."""
    if all(c in _PATH_ENCODED for c in path):
        return path
    return "".join(c if c in _PATH_KEPT else "".join(f"%{b:02X}" for b in c.encode()) for c in unquote(path))


def _url_query(query: str) -> dict[str, list[str]]:
    """url.Values of the query: pairs split on ``&``, unescaped; pairs with ``;`` or bad escapes are skipped."""
    out: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if not pair or ";" in pair or _BAD_ESCAPE.search(pair):
            continue
        key, _, value = pair.partition("=")
        out.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return out


def _url(s: str) -> dict[str, str]:
    _parse_url(s)
    return _tagged("URL", s)


def _url_part(name: str) -> Any:
    def get(u: Any) -> Any:
        parts = _parse_url(_untag("URL", u))
        if name == "getScheme":
            return parts["scheme"]
        if name == "getHost":
            return parts["host"]
        if name == "getHostname":
            return _url_hostname(parts["host"])
        if name == "getPort":
            return _url_port(parts["host"])
        if name == "getEscapedPath":
            return _escaped_path(parts["path"])
        return _url_query(parts["query"])

    return get


def _is_url(s: str) -> bool:
    try:
        _parse_url(s)
    except LibraryError:
        return False
    return True


# IP addresses and CIDRs: netip.ParseAddr and netip.ParsePrefix, without zones nor IPv4-mapped IPv6 addresses.

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse_ip(s: str) -> Address:
    try:
        addr = ipaddress.ip_address(s)
    except ValueError as exc:
        raise LibraryError(f"IP Address {s!r} parse error during conversion from string: {exc}") from None
    if "%" in s:
        raise LibraryError(f"IP address {s!r} with zone value is not allowed")
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        raise LibraryError(f"IPv4-mapped IPv6 address {s!r} is not allowed")
    return addr


def _parse_cidr(s: str) -> tuple[Address, int]:
    def fail(why: str) -> LibraryError:
        return LibraryError(f"network address parse error during conversion from string: {why}")

    text, slash, bits = s.rpartition("/")
    if not slash:
        raise fail(f"netip.ParsePrefix({s!r}): no '/'")
    if "%" in text:
        raise fail(f"netip.ParsePrefix({s!r}): IPv6 zones cannot be present in a prefix")
    try:
        addr = ipaddress.ip_address(text)
    except ValueError as exc:
        raise fail(f"netip.ParsePrefix({s!r}): {exc}") from None
    if not re.fullmatch(r"0|[1-9][0-9]{0,2}", bits) or int(bits) > addr.max_prefixlen:
        raise fail(f"netip.ParsePrefix({s!r}): bad bits after slash: {bits!r}")
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        raise fail(f"IPv4-mapped IPv6 address {s!r} is not allowed")
    return addr, int(bits)


def _ip(s: str) -> dict[str, str]:
    return _tagged("IP", str(_parse_ip(s)))


def _ip_of(obj: Any) -> Address:
    return ipaddress.ip_address(_untag("IP", obj))


def _cidr(s: str) -> dict[str, str]:
    addr, bits = _parse_cidr(s)
    return _tagged("CIDR", f"{addr}/{bits}")


def _cidr_of(obj: Any) -> tuple[Address, int]:
    text, _, bits = _untag("CIDR", obj).rpartition("/")
    return ipaddress.ip_address(text), int(bits)


def _network(addr: Address, bits: int) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(f"{addr}/{bits}", strict=False)


def _contains_ip(cidr: Any, other: Any) -> bool:
    addr, bits = _cidr_of(cidr)
    ip = _parse_ip(other) if isinstance(other, str) else _ip_of(other)
    return ip.version == addr.version and ip in _network(addr, bits)


def _contains_cidr(cidr: Any, other: Any) -> bool:
    addr, bits = _cidr_of(cidr)
    inner, inner_bits = _parse_cidr(other) if isinstance(other, str) else _cidr_of(other)
    if inner.version != addr.version or inner_bits < bits:
        return False
    return bool(_network(inner, bits) == _network(addr, bits))


def _masked(cidr: Any) -> dict[str, str]:
    addr, bits = _cidr_of(cidr)
    return _tagged("CIDR", f"{_network(addr, bits).network_address}/{bits}")


def _is_link_local_multicast(ip: Address) -> bool:
    if ip.version == 4:
        return ip in ipaddress.ip_network("224.0.0.0/24")
    return (int(ip) >> 112) & 0xFF0F == 0xFF02


def _is_global_unicast(ip: Address) -> bool:
    if ip.version == 4 and str(ip) in ("0.0.0.0", "255.255.255.255"):
        return False
    return not (ip.is_unspecified or ip.is_loopback or ip.is_multicast or ip.is_link_local)


def _is_ip(s: str) -> bool:
    try:
        _parse_ip(s)
    except LibraryError:
        return False
    return True


def _is_cidr(s: str) -> bool:
    try:
        _parse_cidr(s)
    except LibraryError:
        return False
    return True


# Quantities: exact values (Fractions, at most nanounit precision as the API server keeps them).


def _parse_q(s: str) -> Fraction:
    from .quantity import QuantityError, parse_quantity

    try:
        value = parse_quantity(s).value
    except QuantityError as exc:
        raise LibraryError(str(exc)) from None
    scaled = value * 10**9
    if scaled.denominator != 1:  # rounded up (away from zero) to a nanounit, as resource.ParseQuantity does
        whole = -(-abs(scaled.numerator) // scaled.denominator)
        value = Fraction(whole if value > 0 else -whole, 10**9)
    return value


def _q(value: Fraction) -> dict[str, str]:
    return _tagged("Quantity", str(value))


def _quantity(s: str) -> dict[str, str]:
    return _q(_parse_q(s))


def _q_of(obj: Any) -> Fraction:
    return Fraction(_untag("Quantity", obj))


def _q_operand(obj: Any) -> Fraction:
    return Fraction(obj) if isinstance(obj, int) and not isinstance(obj, bool) else _q_of(obj)


_INT64 = (-(1 << 63), (1 << 63) - 1)


def _q_is_integer(obj: Any) -> bool:
    v = _q_of(obj)
    return v.denominator == 1 and _INT64[0] <= v <= _INT64[1]


def _q_as_integer(obj: Any) -> int:
    if not _q_is_integer(obj):
        raise LibraryError("cannot convert value to integer")
    return int(_q_of(obj))


def _q_as_float(obj: Any) -> float:
    v = _q_of(obj)
    try:
        return float(v)
    except OverflowError:
        return math.copysign(math.inf, v)


def _q_compare(a: Any, b: Any) -> int:
    x, y = _q_of(a), _q_of(b)
    return (x > y) - (x < y)


def _is_quantity(s: str) -> bool:
    try:
        _parse_q(s)
    except LibraryError:
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
    obj = T.MAP  # a URL, IP, CIDR or Quantity (a tagged map)

    def decl(name: str, ret: Any, params: list[Any], member: bool, impl: Any) -> Any:
        return cel.FunctionDecl(name, [cel.Overload(f"k8s_{name}", ret, params, member, impl)])

    def overloads(name: str, *variants: tuple[str, Any, list[Any], bool, Any]) -> Any:
        return cel.FunctionDecl(
            name,
            [cel.Overload(f"k8s_{id_}", ret, ps, member, impl) for id_, ret, ps, member, impl in variants],
        )

    def ip_test(test: Any) -> Any:
        return lambda ip: bool(test(_ip_of(ip)))

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
        # URLs
        decl("url", obj, [T.STRING], False, _url),
        *(
            decl(name, T.STRING, [obj], True, _url_part(name))
            for name in ("getScheme", "getHost", "getHostname", "getPort", "getEscapedPath")
        ),
        decl("getQuery", T.Map(T.STRING, T.List(T.STRING)), [obj], True, _url_part("getQuery")),
        # IP addresses (``ip`` is also a CIDR's member: its address)
        overloads(
            "ip",
            ("string_to_ip", obj, [T.STRING], False, _ip),
            ("cidr_ip", obj, [obj], True, lambda c: _tagged("IP", str(_cidr_of(c)[0]))),
        ),
        decl("ip.isCanonical", T.BOOL, [T.STRING], False, lambda s: str(_parse_ip(s)) == s),
        decl("family", T.INT, [obj], True, lambda ip: _ip_of(ip).version),
        decl("isUnspecified", T.BOOL, [obj], True, ip_test(lambda ip: ip.is_unspecified)),
        decl("isLoopback", T.BOOL, [obj], True, ip_test(lambda ip: ip.is_loopback)),
        decl("isLinkLocalMulticast", T.BOOL, [obj], True, ip_test(_is_link_local_multicast)),
        decl("isLinkLocalUnicast", T.BOOL, [obj], True, ip_test(lambda ip: ip.is_link_local)),
        decl("isGlobalUnicast", T.BOOL, [obj], True, ip_test(_is_global_unicast)),
        # CIDRs
        decl("cidr", obj, [T.STRING], False, _cidr),
        overloads(
            "containsIP",
            ("cidr_contains_ip_string", T.BOOL, [obj, T.STRING], True, _contains_ip),
            ("cidr_contains_ip_ip", T.BOOL, [obj, obj], True, _contains_ip),
        ),
        overloads(
            "containsCIDR",
            ("cidr_contains_cidr_string", T.BOOL, [obj, T.STRING], True, _contains_cidr),
            ("cidr_contains_cidr", T.BOOL, [obj, obj], True, _contains_cidr),
        ),
        decl("masked", obj, [obj], True, _masked),
        decl("prefixLength", T.INT, [obj], True, lambda c: _cidr_of(c)[1]),
        # Quantities
        decl("quantity", obj, [T.STRING], False, _quantity),
        decl("isInteger", T.BOOL, [obj], True, _q_is_integer),
        decl("asInteger", T.INT, [obj], True, _q_as_integer),
        decl("asApproximateFloat", T.DOUBLE, [obj], True, _q_as_float),
        overloads(
            "sign",
            ("quantity_sign", T.INT, [obj], True, lambda q: _q_compare(q, _q(Fraction(0)))),
            ("quantity_sign_global", T.INT, [obj], False, lambda q: _q_compare(q, _q(Fraction(0)))),
        ),
        overloads(
            "add",
            ("quantity_add", obj, [obj, obj], True, lambda a, b: _q(_q_of(a) + _q_operand(b))),
            ("quantity_add_int", obj, [obj, T.INT], True, lambda a, b: _q(_q_of(a) + _q_operand(b))),
        ),
        overloads(
            "sub",
            ("quantity_sub", obj, [obj, obj], True, lambda a, b: _q(_q_of(a) - _q_operand(b))),
            ("quantity_sub_int", obj, [obj, T.INT], True, lambda a, b: _q(_q_of(a) - _q_operand(b))),
        ),
        decl("isGreaterThan", T.BOOL, [obj, obj], True, lambda a, b: _q_compare(a, b) == 1),
        decl("isLessThan", T.BOOL, [obj, obj], True, lambda a, b: _q_compare(a, b) == -1),
        decl("compareTo", T.INT, [obj, obj], True, _q_compare),
    ]
