"""Which YAML text is which type: go-yaml's resolve.go rules, the one authority for scalar typing.

kustomize reads with go-yaml v3 and writes with go-yaml v2, and they disagree, so both rule sets live here:
- reading (v3, ``resolve``): ``true/True/TRUE``, ``false...``, ``~/null/Null/NULL`` and empty are typed;
  ``yes/no/on/off/y/n`` stay strings; integers by Go's ParseInt/ParseUint with base prefixes after removing
  ``_`` (``0755`` = 493, ``0x1F``, ``0o17``, ``0b101``, ``+12``), int64/uint64 range, larger ones become floats;
  floats by go-yaml's float pattern; ``YYYY-M-D`` timestamps (RFC 3339, lower-case ``t``, space-separated, date
  only) become the RFC 3339 text Go's time.Time writes to JSON (``2001-12-14`` gives ``2001-12-14T00:00:00Z``);
- go-yaml v2 (``resolve_v2``, how kustomize reads kustomization files and JSON patches): the YAML 1.1
  booleans ``y n yes no on off`` (``YAML11_BOOLS``, in three spellings each) are booleans, timestamps stay text;
- writing (v2, ``needs_quotes``): YAML 1.1 booleans and base-60 numbers also read as non-strings, so a string
  spelled like one is quoted;
- ``scalar_text``: the text of a loaded scalar as kustomize compares and copies it; ``format_float``: a float
  as kustomize prints it after its JSON round trip.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from ..errors import YamlError

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = "str", "int", "float", "bool", "null", "timestamp"

_V3_MAP: dict[str, tuple[str, Any]] = {}
for _words, _kind, _val in (
    (("true", "True", "TRUE"), BOOL, True),
    (("false", "False", "FALSE"), BOOL, False),
    (("", "~", "null", "Null", "NULL"), NULL, None),
    ((".nan", ".NaN", ".NAN"), FLOAT, math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), FLOAT, math.inf),
    (("-.inf", "-.Inf", "-.INF"), FLOAT, -math.inf),
):
    for _w in _words:
        _V3_MAP[_w] = (_kind, _val)
# go-yaml v2 (the writer, and the reader of kustomization files and JSON patches) also treats YAML 1.1
# booleans as booleans, so such strings must be quoted on output.
_V2_MAP = dict(_V3_MAP)
_YAML11_TRUE = ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON")
_YAML11_FALSE = ("n", "N", "no", "No", "NO", "off", "Off", "OFF")
for _w in _YAML11_TRUE:
    _V2_MAP[_w] = (BOOL, True)
for _w in _YAML11_FALSE:
    _V2_MAP[_w] = (BOOL, False)
YAML11_BOOLS = frozenset(_YAML11_TRUE + _YAML11_FALSE)

_HINT = {c: "D" for c in "0123456789"}
_HINT.update({"+": "S", "-": "S", ".": "."})
_HINT.update({c: "M" for c in "yYnNtTfFoO~"})

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")  # what Go's ParseFloat accepts after a leading '.'
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789")}
_DIGITS[16] = frozenset("0123456789abcdefABCDEF")
INT64_MIN, INT64_MAX, UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


def _go_parse_uint(s: str, base: int) -> int | None:
    """strconv.ParseUint(s, base, 64): None on a syntax or range error (base 0 reads 0x/0o/0b/leading-0 prefixes)."""
    if not s:
        return None
    if base == 0:
        base = 10
        if s[0] == "0":
            p = s[1:2].lower()
            if len(s) >= 3 and p in ("b", "o", "x"):
                base, s = {"b": 2, "o": 8, "x": 16}[p], s[2:]
            else:
                base, s = 8, s[1:]
                if not s:
                    return 0
    if not s or not set(s) <= _DIGITS[base]:
        return None
    n = int(s, base)
    return n if n <= UINT64_MAX else None


def _go_parse_int(s: str, base: int) -> int | None:
    """strconv.ParseInt(s, base, 64): an optional sign, then ParseUint; None when invalid or out of range."""
    neg = False
    if s[:1] in ("+", "-"):
        neg, s = s[0] == "-", s[1:]
    u = _go_parse_uint(s, base)
    if u is None:
        return None
    n = -u if neg else u
    return n if INT64_MIN <= n <= INT64_MAX else None


def _go_parse_float(s: str) -> float | None:
    """strconv.ParseFloat for text already matched by a float pattern: None when it overflows (Go's ErrRange)."""
    f = float(s)
    return None if math.isinf(f) else f


# time.Parse layouts tried by go-yaml (RFC 3339 with short fields, lower-case t, space-separated, date only).
_TS = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:(?P<t>[Tt])|(?P<sp> +))(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2}):(?P<s>[0-9]{1,2})"
    r"(?:[.,](?P<frac>[0-9]+))?(?P<z>Z|[+-][0-9]{2}:[0-9]{2})?)?\Z"
)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_timestamp(s: str) -> str | None:
    """A go-yaml timestamp as Go's time.Time JSON text (RFC 3339 with nanoseconds), or None if not one."""
    m = _TS.match(s)
    if m is None:
        return None
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    # "T"/"t" layouts need a zone; the space layout must have none.
    if m["h"] is not None and (m["t"] is not None) != (m["z"] is not None):
        return None
    if not 1 <= mo <= 12:
        return None
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not 1 <= d <= _MONTH_DAYS[mo - 1] + (1 if mo == 2 and leap else 0):
        return None
    text = f"{y:04d}-{mo:02d}-{d:02d}T"
    if m["h"] is None:
        return text + "00:00:00Z"
    h, mi, sec = int(m["h"]), int(m["mi"]), int(m["s"])
    if h >= 24 or mi >= 60 or sec >= 60:
        return None
    text += f"{h:02d}:{mi:02d}:{sec:02d}"
    frac = (m["frac"] or "")[:9].rstrip("0")
    if frac:
        text += "." + frac
    z = m["z"]
    if z is None or z == "Z":
        return text + "Z"
    zh, zm = int(z[1:3]), int(z[4:6])
    if zh > 24 or zm > 60:
        return None
    return text + ("Z" if zh == zm == 0 else z)


def _resolve_number(s: str, octal_prefix: bool) -> tuple[str, Any] | None:
    """The int/float branch of go-yaml's resolver (text starting with a digit or a sign); v3 adds ``0o``."""
    plain = s.replace("_", "")
    n = _go_parse_int(plain, 0)
    if n is None:
        n = _go_parse_uint(plain, 0)
    if n is not None:
        return INT, n
    if _YAML_STYLE_FLOAT.match(plain):
        f = _go_parse_float(plain)
        if f is not None:
            return FLOAT, f
    for prefix, base in (("0b", 2), ("0o", 8)) if octal_prefix else (("0b", 2),):
        if plain.startswith(prefix):
            n = _go_parse_int(plain[2:], base)
            if n is None:
                n = _go_parse_uint(plain[2:], base)
            if n is not None:
                return INT, n
        elif plain.startswith("-" + prefix):
            n = _go_parse_int("-" + plain[3:], base)
            if n is not None:
                return INT, n
    return None


def _resolve(s: str, table: dict[str, tuple[str, Any]], timestamps: bool = True) -> tuple[str, Any]:
    """go-yaml's implicit resolution of a plain scalar: (kind, value)."""
    hint = _HINT.get(s[:1], "") if s else "N"
    if not hint:
        return STR, s
    hit = table.get(s)
    if hit is not None:
        return hit
    if hint == ".":
        if _DOT_FLOAT.match(s):
            f = _go_parse_float(s)
            if f is not None:
                return FLOAT, f
    elif hint in ("D", "S"):
        if timestamps and hint == "D":
            ts = parse_timestamp(s)
            if ts is not None:
                return TIMESTAMP, ts
        num = _resolve_number(s, table is _V3_MAP)
        if num is not None:
            return num
    return STR, s


@functools.lru_cache(maxsize=65536)
def needs_quotes(s: str) -> bool:
    """True when go-yaml v2 would read ``s`` unquoted as something other than this string (so it is quoted)."""
    if _resolve(s, _V2_MAP)[0] != STR:
        return True
    return (
        s[:1] in ("+", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
        and ":" in s
        and bool(_BASE60.match(s))
    )


@functools.lru_cache(maxsize=65536)
def resolve(s: str) -> tuple[str, Any]:
    """go-yaml v3's reading of a plain scalar: (kind, value); a timestamp's value is its RFC 3339 text."""
    return _resolve(s, _V3_MAP)


@functools.lru_cache(maxsize=4096)
def resolve_v2(s: str) -> tuple[str, Any]:
    """go-yaml v2's reading of a plain scalar into a generic value (what sigs.k8s.io/yaml's YAMLToJSON sees):
    as v3, plus the YAML 1.1 booleans; a timestamp stays its text."""
    return _resolve(s, _V2_MAP, timestamps=False)


def resolve_tagged(s: str) -> tuple[str, Any]:
    """The kind and value go-yaml v3 finds for the text of an explicitly tagged scalar (no timestamps)."""
    return _resolve(s, _V3_MAP, timestamps=False)


def scalar_text(value: Any) -> str:
    """The text of a loaded scalar as kustomize compares and copies it (``null`` for None, ``""`` for maps and
    lists, which have no scalar text)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return ""


def format_float(f: float) -> str:
    """A float64 after encoding/json then go-yaml v2: integral values that fit (u)int64 print as integers,
    all others as Go's strconv.FormatFloat(f, 'g', -1, 64). Infinities and NaN (which JSON has not) raise
    ``YamlError``."""
    if f != f or f in (math.inf, -math.inf):
        raise YamlError(
            f"cannot write {f!r}: kustomize cannot encode infinite or NaN numbers (JSON has none)"
        )
    if f == 0:
        return "0"
    from decimal import Decimal  # only for floats, which manifests seldom hold

    r = repr(f)  # Python's repr has Go's shortest round-trip digits
    if 1e-6 <= abs(f) < 1e21 and f == int(f):
        n = int(Decimal(r))  # encoding/json prints these digits in full, and go-yaml reads an integer back
        if INT64_MIN <= n <= UINT64_MAX:
            return str(n)
    negative, digit_tuple, exponent = Decimal(r).as_tuple()
    assert isinstance(exponent, int)
    sign = "-" if negative else ""
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    point = len(digit_tuple) + exponent  # the decimal point sits after this many digits
    x = point - 1
    if x < -4 or x >= 6:  # 'g' with the shortest precision switches to %e at exponent 6
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    return f"{sign}{digits[:point]}.{digits[point:]}"
