r"""YAML in and out, exactly the way ``kustomize build`` (v5.5.0) reads and writes it.

Reading is go-yaml v3's (kustomize decodes resources with it), done with libyaml's C composer plus our own
scalar resolution and construction:
- plain scalars: ``true/True/TRUE``, ``false...``, ``~/null/Null/NULL`` and empty are typed; ``yes/no/on/off/y/n``
  stay strings; integers by Go's ParseInt/ParseUint with base prefixes after removing ``_`` (``0755`` = 493,
  ``0x1F``, ``0o17``, ``0b101``, ``+12``), int64/uint64 range, larger ones become floats; floats by go-yaml's
  float pattern; ``YYYY-M-D`` timestamps (RFC 3339, lower-case ``t``, space-separated, date only) become the
  RFC 3339 text Go's time.Time writes to JSON (``2001-12-14`` gives ``"2001-12-14T00:00:00Z"``);
- errors (``YamlError`` with file and line): malformed YAML, duplicate keys, non-string keys, ``.inf``/``.nan``,
  zone offsets of 24 hours, ``\/`` escapes, bad ``!!int``/``!!float``/``!!bool``/``!!null`` values, and
  excessive aliasing (go-yaml v3's ratio rule plus an absolute bound on expanded nodes);
- kustomize's own passes over the parsed tree: aliases expanded into copies, ``<<`` merges (own keys first,
  then earlier sources), every other ``"<<"`` key dropped, a missing value in a flow mapping read as ``""``,
  and folded (``>``) scalars changed as go-yaml's folded writer and reader change them on the way through.

Writing reproduces kustomize's output path, JSON then sigs.k8s.io/yaml's go-yaml v2 encoder:
- keys in go-yaml's order (digit runs compared as numbers, non-letters before letters);
- floats as Go prints them after encoding/json: integral values that fit int64/uint64 as integers, the rest with
  strconv.FormatFloat(f, 'g', -1, 64) (``1e-06``, ``1.2345675e+06``, ``1e+21``);
- strings in go-yaml v2's scalar styles: double-quoted when they would read back as another type (YAML 1.1
  booleans, numbers, nulls, timestamps, base-60 numbers), single-quoted when plain is not allowed, literal
  block (``|``, ``|-``, ``|+``, ``|2``) when they contain a newline and a block is allowed, double-quoted with
  libyaml's escapes otherwise (control characters, characters above U+FFFF, a leading BOM escapes every
  character); plain, single- and double-quoted text folded at column 80; NEL characters folded as go-yaml
  reads them in JSON; strings kustomize cannot print (raw C1 controls, U+FFFE/U+FFFF, NEL in keys) refused.

Representation: loaded values are plain ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``. Floats stay
Python floats and the JSON round-trip rules are applied when dumping, so values the engine builds print the same
way as loaded ones. String renderings and key orders are memoised, which makes dumping cheap.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gc
import math
import re
from decimal import Decimal
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import YamlError

__all__ = ["dump_documents", "load_documents"]

# ---------------------------------------------------------------------------------------------------------------
# Scalar resolution (go-yaml's resolve.go rules; v3 for reading, v2 for deciding how to quote on output)
# ---------------------------------------------------------------------------------------------------------------

_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = "str", "int", "float", "bool", "null", "timestamp"

_V3_MAP: dict[str, tuple[str, Any]] = {}
for _words, _kind, _val in (
    (("true", "True", "TRUE"), _BOOL, True),
    (("false", "False", "FALSE"), _BOOL, False),
    (("", "~", "null", "Null", "NULL"), _NULL, None),
    ((".nan", ".NaN", ".NAN"), _FLOAT, math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), _FLOAT, math.inf),
    (("-.inf", "-.Inf", "-.INF"), _FLOAT, -math.inf),
):
    for _w in _words:
        _V3_MAP[_w] = (_kind, _val)
# go-yaml v2 (the writer) also treats YAML 1.1 booleans as booleans, so such strings must be quoted on output.
_V2_MAP = dict(_V3_MAP)
for _w in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"):
    _V2_MAP[_w] = (_BOOL, None)  # only the kind matters when deciding how to quote

_HINT = {c: "D" for c in "0123456789"}
_HINT.update({"+": "S", "-": "S", ".": "."})
_HINT.update({c: "M" for c in "yYnNtTfFoO~"})

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?\Z")  # what Go's ParseFloat accepts after a leading '.'
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789")}
_DIGITS[16] = frozenset("0123456789abcdefABCDEF")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


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
    return n if n <= _UINT64_MAX else None


def _go_parse_int(s: str, base: int) -> int | None:
    """strconv.ParseInt(s, base, 64): an optional sign, then ParseUint; None when invalid or out of range."""
    neg = False
    if s[:1] in ("+", "-"):
        neg, s = s[0] == "-", s[1:]
    u = _go_parse_uint(s, base)
    if u is None:
        return None
    n = -u if neg else u
    return n if _INT64_MIN <= n <= _INT64_MAX else None


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


def _parse_timestamp(s: str) -> str | None:
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
        return _INT, n
    if _YAML_STYLE_FLOAT.match(plain):
        f = _go_parse_float(plain)
        if f is not None:
            return _FLOAT, f
    for prefix, base in (("0b", 2), ("0o", 8)) if octal_prefix else (("0b", 2),):
        if plain.startswith(prefix):
            n = _go_parse_int(plain[2:], base)
            if n is None:
                n = _go_parse_uint(plain[2:], base)
            if n is not None:
                return _INT, n
        elif plain.startswith("-" + prefix):
            n = _go_parse_int("-" + plain[3:], base)
            if n is not None:
                return _INT, n
    return None


def _resolve(s: str, table: dict[str, tuple[str, Any]], timestamps: bool = True) -> tuple[str, Any]:
    """go-yaml's implicit resolution of a plain scalar: (kind, value)."""
    hint = _HINT.get(s[:1], "") if s else "N"
    if not hint:
        return _STR, s
    hit = table.get(s)
    if hit is not None:
        return hit
    if hint == ".":
        if _DOT_FLOAT.match(s):
            f = _go_parse_float(s)
            if f is not None:
                return _FLOAT, f
    elif hint in ("D", "S"):
        if timestamps and hint == "D":
            ts = _parse_timestamp(s)
            if ts is not None:
                return _TIMESTAMP, ts
        num = _resolve_number(s, table is _V3_MAP)
        if num is not None:
            return num
    return _STR, s


@functools.lru_cache(maxsize=65536)
def _plain_needs_quotes(s: str) -> bool:
    """True when go-yaml v2 would read ``s`` unquoted as something other than this string (so it is quoted)."""
    if _resolve(s, _V2_MAP)[0] != _STR:
        return True
    return (
        s[:1] in ("+", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
        and ":" in s
        and bool(_BASE60.match(s))
    )


# ---------------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------------

_PLAIN_TAG = "tag:logpilot,2024:plain"
_T = "tag:yaml.org,2002:"
_STR_TAG, _SEQ_TAG, _MAP_TAG = _T + "str", _T + "seq", _T + "map"
_TAG_KINDS = {_T + "int": _INT, _T + "float": _FLOAT, _T + "bool": _BOOL, _T + "null": _NULL}

# go-yaml v3 refuses documents whose alias expansion dominates the work: its ratio rule, reproduced here.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000
# An absolute bound on top, so a bomb is refused long before it costs much memory.
_MAX_EXPANDED_NODES = 2_000_000

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer; plain scalars get a private tag so we resolve them as go-yaml v3 does."""

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:  # noqa: D102
        if kind is ScalarNode:
            return _PLAIN_TAG if implicit[0] else _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    # Path-based resolvers are not used; skipping their bookkeeping saves two calls per node.
    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:  # noqa: D102
        return None

    def ascend_resolver(self) -> None:  # noqa: D102
        return None


_BAD_TIMESTAMP = "bad-timestamp"
_DIRECT = frozenset((_STR, _INT, _BOOL, _NULL, _TIMESTAMP))


@functools.lru_cache(maxsize=65536)
def _load_plain(s: str) -> tuple[str, Any]:
    """go-yaml v3's reading of a plain scalar; timestamps whose zone Go cannot print are marked bad."""
    kind, value = _resolve(s, _V3_MAP)
    if kind == _TIMESTAMP and value[-6:-3] in ("+24", "-24"):
        return _BAD_TIMESTAMP, value
    return kind, value


def _v3_block_allowed(value: str) -> bool:
    """Whether go-yaml v3's emitter keeps a block style for ``value``: as v2's rule, except that tabs are allowed."""
    return bool(value) and _Analysis(value.replace("\t", "x")).block


def _folded_round_trip(value: str) -> str:
    """A folded (``>``) string after kustomize writes it back as folded YAML and reads it again.

    go-yaml v3's folded-scalar writer decides whether to double a line break by looking at the first character
    of the whole value instead of the next line, so a break before a more-indented line gains an empty line,
    and when the value starts with a blank, breaks between ordinary lines fold into spaces. The writer keeps
    the folded style only when a block scalar is allowed; otherwise the text is re-quoted and survives as is.
    """
    if any(c in value for c in "\r\x85\u2028\u2029"):
        return value
    # The text the writer produces (without indentation): lines, with the extra breaks.
    first = len(value) - len(value.lstrip("\n"))
    doubles = first < len(value) and value[first] not in " \t"
    lines: list[str] = []
    line: list[str] = []
    breaks, leading_spaces = True, True
    for c in value:
        if c == "\n":
            if not breaks and not leading_spaces and doubles:
                lines.append("".join(line))
                line = []
            lines.append("".join(line))
            line = []
            breaks = True
        else:
            if breaks:
                leading_spaces = c in " \t"
            line.append(c)
            breaks = False
    tail = "".join(line)
    # Chomping as the writer's hints say; the trailing partial line (no final break) is a last line.
    if not value.endswith("\n"):
        chomp = "-"
        lines.append(tail)
    elif value == "\n" or value.endswith("\n\n"):
        chomp = "+"
    else:
        chomp = ""
    # Read the lines back with YAML's folding rules (libyaml's block scalar scanner).
    out: list[str] = []
    leading_break = trailing = ""
    leading_blank = False
    started = False
    for text in lines:
        if not text:
            trailing += "\n"
            continue
        trailing_blank = text[0] in " \t"
        if started and leading_break == "\n" and not leading_blank and not trailing_blank:
            if not trailing:
                out.append(" ")
        else:
            out.append(leading_break)
        out.append(trailing)
        leading_break = trailing = ""
        leading_blank = trailing_blank
        out.append(text)
        leading_break = "\n"
        started = True
    if chomp != "-":
        out.append(leading_break)
    if chomp == "+":
        out.append(trailing)
    return "".join(out)


class _Builder:
    """Turns composed nodes into plain values, expanding aliases (each use is a fresh copy) and merge keys."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: set[int] = set()
        self.count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.in_secret = False

    def fail(self, node: Node, message: str) -> YamlError:
        if self.in_secret and isinstance(node, ScalarNode) and node.value:
            # a value quoted from a Secret would print the secret itself
            message = message.replace(node.value, "(hidden Secret value)")
        return YamlError(message, file=self.source, line=node.start_mark.line + 1)

    def scalar(self, node: ScalarNode, is_key: bool = False) -> Any:
        tag, value = node.tag, node.value
        if tag == _PLAIN_TAG:
            kind, out = _load_plain(value)
            if kind == _BAD_TIMESTAMP:
                raise self.fail(
                    node, f"timestamp {value!r} has a zone offset of 24 hours, which kustomize cannot encode"
                )
        elif tag == _STR_TAG:
            if node.style in ("|", ">") and not is_key and _v3_block_allowed(value):
                # kustomize writes block scalars back as block scalars and reads them again (go-yaml v3).
                if value[:1] == "\t":
                    # Only a leading space or break earns an indentation indicator, so the re-read fails.
                    raise self.fail(
                        node,
                        "a block scalar whose text starts with a tab cannot be re-read by kustomize's YAML parser",
                    )
                if node.style == ">":
                    return _folded_round_trip(value)
            return value
        elif tag == _T + "binary":
            try:
                data = base64.b64decode(value.encode("ascii", "replace"), validate=False)
            except (binascii.Error, ValueError):
                raise self.fail(node, "!!binary value is not valid base64") from None
            return data.decode("utf-8", "replace")
        elif tag == _T + "timestamp":
            ts = _parse_timestamp(value)
            if ts is None:
                raise self.fail(node, f"cannot decode `{value}` as a !!timestamp")
            if ts[-6:-3] in ("+24", "-24"):
                raise self.fail(
                    node, f"timestamp {value!r} has a zone offset of 24 hours, which kustomize cannot encode"
                )
            return ts
        elif tag in _TAG_KINDS:
            want = _TAG_KINDS[tag]
            kind, out = _resolve(value, _V3_MAP, timestamps=False)
            if kind == _INT and want == _FLOAT and _INT64_MIN <= out <= _INT64_MAX:
                kind, out = _FLOAT, float(out)
            if kind != want:
                raise self.fail(node, f"cannot decode !!{kind} `{value}` as a !!{want}")
        else:
            return value  # an application tag (e.g. !foo): go-yaml keeps the text
        if kind == _FLOAT and (out != out or out in (math.inf, -math.inf)):
            raise self.fail(
                node,
                f"{value!r} is an infinite or NaN number, which kustomize cannot encode (JSON has no such value)",
            )
        return out

    def build(self, node: Node) -> Any:
        """Construct ``node``; the fast path, used when the document has no aliases."""
        cls = node.__class__
        if cls is MappingNode:
            return self.mapping(node)
        if cls is SequenceNode:
            out: list[Any] = []
            for item in node.value:
                if item.__class__ is ScalarNode and item.tag == _PLAIN_TAG:
                    kind, value = _load_plain(item.value)
                    if kind in _DIRECT:
                        out.append(value)
                        continue
                out.append(self.build(item))
            return out
        if node.tag == _PLAIN_TAG:
            kind, value = _load_plain(node.value)
            if kind in _DIRECT:
                return value
        return self.scalar(node)

    def build_counted(self, node: Node) -> Any:
        """Construct ``node`` while counting alias expansions (go-yaml v3's excessive-aliasing rule)."""
        self.count += 1
        key = id(node)
        repeated = key in self.seen
        if repeated:
            self.alias_depth += 1
        else:
            self.seen.add(key)
        if self.alias_depth:
            self.alias_count += 1
        if self.count > _MAX_EXPANDED_NODES or (
            self.alias_count > 100
            and self.count > 1000
            and self.alias_count / self.count > _allowed_ratio(self.count)
        ):
            raise self.fail(
                node,
                f"document contains excessive aliasing (more than {self.count} nodes after alias expansion);"
                " refusing a possible alias bomb",
            )
        try:
            cls = node.__class__
            if cls is ScalarNode:
                return self.scalar(node)
            if cls is SequenceNode:
                return [self.build_counted(item) for item in node.value]
            return self.mapping(node, counted=True)
        finally:
            if repeated:
                self.alias_depth -= 1

    def mapping(self, node: MappingNode, counted: bool = False) -> dict[str, Any]:
        build = self.build_counted if counted else self.build
        out: dict[str, Any] = {}
        merges: list[dict[str, Any]] = []
        for knode, vnode in node.value:
            if knode.__class__ is ScalarNode and knode.tag == _PLAIN_TAG:
                if knode.value == "<<":  # a plain << is a merge key (go-yaml tags it !!merge)
                    if merges:
                        raise self.fail(knode, "duplicate merge key <<")
                    merges.extend(self.merge_sources(vnode, build))
                    continue
                kind, key = _load_plain(knode.value)
                if kind is not _STR:
                    raise self.non_string_key(knode)
            else:
                key = self.key(knode)
                if key == "<<":
                    continue  # kustomize's merge-key pass deletes every "<<" entry, even a quoted one
            if key in out:
                first = next(k for k, _ in node.value if k.__class__ is ScalarNode and self.scalar(k) == key)
                raise self.fail(
                    knode, f'mapping key "{key}" already defined at line {first.start_mark.line + 1}'
                )
            if vnode.__class__ is ScalarNode and vnode.tag == _PLAIN_TAG:
                if node.flow_style and not vnode.value:
                    out[key] = ""  # kustomize reads a missing value in a flow mapping ({a: }, {a}) as ""
                    continue
                if not counted:
                    kind, value = _load_plain(vnode.value)
                    if kind in _DIRECT:
                        out[key] = value
                        continue
            out[key] = build(vnode)
        if merges:
            merged: dict[str, Any] = {}
            for source in reversed(merges):
                merged.update(source)
            merged.update(out)
            return merged
        return out

    def key(self, knode: Node) -> str:
        """A quoted or tagged mapping key, which must come out as a string."""
        if knode.__class__ is not ScalarNode:
            raise self.fail(knode, "mapping keys must be strings, not a sequence or a mapping")
        key = self.scalar(knode, is_key=True)
        if key.__class__ is not str or knode.tag == _T + "timestamp":
            raise self.non_string_key(knode)
        return key

    def non_string_key(self, knode: Node) -> YamlError:
        return self.fail(
            knode,
            f"mapping key {knode.value!r} is not a string (kustomize cannot encode non-string keys); quote it",
        )

    def merge_sources(self, vnode: Node, build: Any) -> list[dict[str, Any]]:
        """The maps named by a ``<<`` merge key, earliest (highest priority) first."""
        if vnode.__class__ is MappingNode:
            return [build(vnode)]
        if vnode.__class__ is SequenceNode:
            found: list[dict[str, Any]] = []
            for item in vnode.value:
                if item.__class__ is not MappingNode:
                    raise self.fail(item, "invalid map merge: each item of a << sequence must be a map")
                found.append(build(item))
            return found
        raise self.fail(vnode, "map merge requires map or sequence of maps as the value")


def _allowed_ratio(count: int) -> float:
    if count <= _ALIAS_RATIO_LOW:
        return 0.99
    if count >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (count - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


# An alias (*name) follows a line start, a space, a flow indicator or a JSON-style colon; a "*" inside quotes
# rarely does (and then only costs the slower, counting path).
_ALIAS_TOKEN = re.compile(r"(?:^|[\s\[{,:])\*", re.MULTILINE)
_SLASH_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\/")


def _refuse_slash_escape(node: Node, text: str, source: str) -> None:
    """go-yaml has no ``\\/`` escape in double-quoted scalars (libyaml accepts it): refuse it as kustomize does."""
    bom = 1 if text.startswith("\ufeff") else 0  # libyaml's indexes skip a byte-order mark
    stack = [node]
    seen: set[int] = set()  # aliased nodes are checked once
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.__class__ is ScalarNode:
            if n.style == '"' and _SLASH_ESCAPE.search(
                text, n.start_mark.index + bom, n.end_mark.index + bom
            ):
                raise YamlError(
                    "malformed YAML: found unknown escape character \\/ in a double-quoted scalar",
                    file=source,
                    line=n.start_mark.line + 1,
                )
        elif n.__class__ is SequenceNode:
            stack.extend(n.value)
        else:
            for k, v in n.value:
                stack.append(k)
                stack.append(v)


def _is_secret(node: Node) -> bool:
    """Whether a composed document says ``kind: Secret`` at its top level."""
    return isinstance(node, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value == "kind" and isinstance(v, ScalarNode) and v.value == "Secret"
        for k, v in node.value
    )


def load_documents(text: str, source: str, *, patch: bool = False) -> list[Any]:
    """Parse every document of ``text`` as kustomize would; empty documents are dropped.

    ``patch``: the documents are strategic merge patches, where a null annotation value says "delete this
    annotation" and stays null (in a resource it becomes the text "null", as in kustomize).

    Raises ``YamlError`` naming ``source`` and the line for malformed YAML, duplicate or non-string keys,
    infinite/NaN numbers and alias bombs.
    """
    # Parsing allocates millions of short-lived objects and no cycles: collecting during it only costs time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(_MAX_QUOTE_ESCAPES):
            try:
                return _load(text, source, patch)
            except yaml.MarkedYAMLError as exc:
                # go-yaml accepts \' in double-quoted scalars (it means '), libyaml does not: drop the backslash
                # libyaml stopped at and read again.
                mark = exc.problem_mark
                if exc.problem != "found unknown escape character" or mark is None:
                    raise _yaml_error(exc, source) from None
                at = mark.index + (1 if text.startswith("\ufeff") else 0)  # libyaml's index skips a BOM
                if text[at : at + 2] != "\\'":
                    raise _yaml_error(exc, source) from None
                text = text[:at] + text[at + 1 :]
        raise YamlError("too many \\' escapes", file=source)
    finally:
        if gc_was_enabled:
            gc.enable()


_MAX_QUOTE_ESCAPES = 10_000


def _yaml_error(exc: yaml.MarkedYAMLError, source: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "malformed YAML"
    if exc.context:
        ctx_line = f" at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        problem = f"{problem} ({exc.context}{ctx_line})"
    return YamlError(f"malformed YAML: {problem}", file=source, line=mark.line + 1 if mark else None)


def _load(text: str, source: str, patch: bool = False) -> list[Any]:
    """One parse of ``text``; libyaml's own syntax errors propagate as ``yaml.MarkedYAMLError``."""
    loader = _Loader(text)
    builder = _Builder(source)
    may_alias = _ALIAS_TOKEN.search(text) is not None
    slash_escapes = "\\/" in text
    docs: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if slash_escapes:
                _refuse_slash_escape(node, text, source)
            builder.in_secret = _is_secret(node)
            if may_alias:
                builder.seen.clear()
                builder.count = builder.alias_count = 0
                value = builder.build_counted(node)
            else:
                value = builder.build(node)
            if value is not None:
                if isinstance(value, dict):
                    _annotations_as_text(value, node, keep_null=patch)
                docs.append(value)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise YamlError(
            f"malformed YAML: {exc.reason} (character {exc.character!r})", file=source, line=line
        ) from None
    except yaml.MarkedYAMLError:
        raise
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}", file=source) from None
    except RecursionError:
        raise YamlError("YAML nesting is too deep", file=source) from None
    finally:
        loader.dispose()
    return docs


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _annotations_as_text(doc: dict[str, Any], node: yaml.Node, keep_null: bool = False) -> None:
    """kustomize keeps metadata.annotations as strings: a scalar that is not a string becomes the text it
    was written as (``8080``, ``true``, ``~``, ``1.50``), a list or map becomes an empty string; with
    ``keep_null`` a null stays null (in a patch it deletes the annotation)."""
    md = doc.get("metadata")
    annotations = md.get("annotations") if isinstance(md, dict) else None
    if not isinstance(annotations, dict) or all(isinstance(v, str) for v in annotations.values()):
        return
    ann_node = _child(_child(node, "metadata") or node, "annotations")
    texts: dict[str, str] = {}
    if isinstance(ann_node, yaml.MappingNode):
        for k, v in ann_node.value:
            if isinstance(k, yaml.ScalarNode):
                texts[k.value] = v.value if isinstance(v, yaml.ScalarNode) else ""
    for key, value in annotations.items():
        if not isinstance(value, str) and not (keep_null and value is None):
            annotations[key] = texts.get(key, annotation_text(value))


def annotation_text(value: Any) -> str:
    """The string kustomize makes of a non-string annotation value that has no source text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else ""


# ---------------------------------------------------------------------------------------------------------------
# Writing: go-yaml v2's emitter (libyaml's), specialised to block style with best_indent 2 and best_width 80
# ---------------------------------------------------------------------------------------------------------------

_WIDTH = 80
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_PLAIN, _SINGLE, _DOUBLE, _LITERAL = 1, 2, 3, 4
_FIRST_BOTH = frozenset("#,[]{}&*!|>'\"%@`")
_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _printable(c: str) -> bool:
    """libyaml's is_printable, per code point (4-byte UTF-8 characters such as emoji are not 'printable')."""
    o = ord(c)
    return o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


class _Analysis:
    """What yaml_emitter_analyze_scalar finds out about a string."""

    __slots__ = ("multiline", "plain", "single", "block")

    def __init__(self, s: str) -> None:
        if not s:
            self.multiline, self.plain, self.single, self.block = False, True, True, False
            return
        block_ind = s.startswith(("---", "..."))
        line_breaks = special = leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        preceded_ws = True
        n = len(s)
        for i, c in enumerate(s):
            followed_ws = i + 1 >= n or s[i + 1] in " \t"
            if i == 0:
                if c in _FIRST_BOTH:
                    block_ind = True
                elif c in "?:":
                    if followed_ws:
                        block_ind = True
                elif c == "-" and followed_ws:
                    block_ind = True
            elif c == ":":
                if followed_ws:
                    block_ind = True
            elif c == "#" and preceded_ws:
                block_ind = True
            if not _printable(c):
                special = True
            if c == " ":
                if i == 0:
                    leading_space = True
                if i == n - 1:
                    trailing_space = True
                if previous_break:
                    break_space = True
                previous_space, previous_break = True, False
            elif c in _BREAKS:
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i == n - 1:
                    trailing_break = True
                if previous_space:
                    space_break = True
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_ws = c in " \t\0" or c in _BREAKS
        plain = single = block = True
        if leading_space or leading_break or trailing_space or trailing_break or line_breaks or block_ind:
            plain = False
        if trailing_space:
            block = False
        if break_space:
            plain = single = False
        if space_break or special:
            plain = single = block = False
        self.multiline, self.plain, self.single, self.block = line_breaks, plain, single, block


def _style(s: str, a: _Analysis, simple_key: bool) -> int:
    """yaml_emitter_select_scalar_style for a string as go-yaml v2's encoder requests it."""
    if "\n" in s:
        style = _LITERAL
    elif _plain_needs_quotes(s):
        style = _DOUBLE
    else:
        style = _PLAIN
    if simple_key and a.multiline:
        style = _DOUBLE
    if style == _PLAIN and (not a.plain or (not s and simple_key)):
        style = _SINGLE
    if style == _SINGLE and not a.single:
        style = _DOUBLE
    if style == _LITERAL and (not a.block or simple_key):
        style = _DOUBLE
    return style


class _Writer:
    """The emitter's column/indention state while one scalar is written (ports of libyaml's writers)."""

    __slots__ = ("out", "column", "indent", "whitespace", "indention")

    def __init__(self, column: int, indent: int) -> None:
        self.out: list[str] = []
        self.column = column
        self.indent = indent
        self.whitespace = False
        self.indention = False

    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break(self, c: str) -> None:
        self.out.append(c)
        self.column = 0

    def write_indent(self) -> None:
        if (
            not self.indention
            or self.column > self.indent
            or (self.column == self.indent and not self.whitespace)
        ):
            self.put_break()
        if self.column < self.indent:
            self.put(" " * (self.indent - self.column))
        self.whitespace = self.indention = True

    def indicator(self, text: str) -> None:
        if not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = False
        self.indention = False

    def plain(self, s: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = breaks = False
        n = len(s)
        for i, c in enumerate(s):
            if c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and i + 1 < n and s[i + 1] != " ":
                    self.write_indent()
                else:
                    self.put(c)
                spaces = True
            elif c in _BREAKS:
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(c)
                self.indention = spaces = breaks = False
        self.whitespace = self.indention = False

    def single(self, s: str, allow_breaks: bool) -> None:
        self.indicator("'")
        spaces = breaks = False
        n = len(s)
        for i, c in enumerate(s):
            if c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and 0 < i < n - 1 and s[i + 1] != " ":
                    self.write_indent()
                else:
                    self.put(c)
                spaces = True
            elif c in _BREAKS:
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put("''" if c == "'" else c)
                self.indention = spaces = breaks = False
        self.put("'")
        self.whitespace = self.indention = False

    def double(self, s: str, allow_breaks: bool) -> None:
        self.indicator('"')
        spaces = False
        bom = s.startswith("\ufeff")  # libyaml's is_bom looks at the string's start, whatever the position
        n = len(s)
        for i, c in enumerate(s):
            if bom or c == '"' or c == "\\" or c in _BREAKS or not _printable(c):
                esc = _ESCAPES.get(c)
                if esc is None:
                    o = ord(c)
                    esc = f"x{o:02X}" if o <= 0xFF else (f"u{o:04X}" if o <= 0xFFFF else f"U{o:08X}")
                self.put("\\" + esc)
                spaces = False
            elif c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and 0 < i < n - 1:
                    self.write_indent()
                    if s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(c)
                spaces = True
            else:
                self.put(c)
                spaces = False
        self.put('"')
        self.whitespace = self.indention = False

    def literal(self, s: str) -> None:
        self.indicator("|")
        if s[:1] == " " or s[:1] in _BREAKS:
            self.put("2")
        last = s[-1:]
        if not last or last not in _BREAKS:
            self.put("-")
        elif len(s) == 1 or s[-2] in _BREAKS:
            self.put("+")
        self.put_break()
        self.indention = self.whitespace = True
        breaks = True
        for c in s:
            if c in _BREAKS:
                if c == "\n":
                    self.put_break()
                else:
                    self.write_break(c)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(c)
                self.indention = breaks = False


def _write_scalar(
    s: str, style: int, column: int, indent: int, allow_breaks: bool, root: bool = False
) -> str:
    """The text of one string scalar written from ``column``; it starts with the separating space unless ``root``."""
    w = _Writer(column, indent)
    if root:
        w.whitespace = w.indention = True
    if style == _PLAIN:
        w.plain(s, allow_breaks)
    elif style == _SINGLE:
        w.single(s, allow_breaks)
    elif style == _DOUBLE:
        w.double(s, allow_breaks)
    else:
        w.literal(s)
    return "".join(w.out)


# Characters that encoding/json leaves raw and go-yaml's reader then refuses, so kustomize fails on them.
_JSON_RAW_CONTROL = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


_NEL_RUN = re.compile(" *\x85[ \x85]*")


def _fold_nel(s: str) -> str:
    """What a string with NEL characters becomes in kustomize's JSON-to-YAML step.

    encoding/json leaves U+0085 raw, and go-yaml reads it as a line break inside the double-quoted JSON string:
    spaces around the break are dropped, one break folds to a space, and n breaks to n-1 newlines.
    """

    def fold(m: re.Match[str]) -> str:
        n = m.group().count("\x85")
        return " " if n == 1 else "\n" * (n - 1)

    return _NEL_RUN.sub(fold, s)


# ASCII text that the emitter writes plain or, when it reads as another type, double-quoted without escapes:
# no leading or trailing space, no indicator at the start, no ": " or " #" inside.
_SIMPLE_TEXT = re.compile(r"[A-Za-z0-9_/]([A-Za-z0-9_./=+@%,~()<>$^ -]*[A-Za-z0-9_./=+@%,~()<>$^-])?\Z")


class _StrInfo:
    """Memoised facts about one string: its single-line rendering and how far right it may start unfolded."""

    __slots__ = ("value", "style", "text", "limit", "key", "simple", "bad_value", "bad_key")

    def __init__(self, s: str) -> None:
        if _SIMPLE_TEXT.match(s):
            # Common words, names, paths, images: no indicator, escape or break can occur, so the emitter's
            # analysis reduces to "plain unless it would read back as another type, then double-quoted".
            self.value = s
            self.bad_value = self.bad_key = ""
            self.style = _DOUBLE if _plain_needs_quotes(s) else _PLAIN
            self.text = ' "' + s + '"' if self.style == _DOUBLE else " " + s
            self.limit = _WIDTH + 2 - len(self.text)
            self.simple = len(s) <= 128
            self.key = self.text if self.simple else ""
            return
        bad = _JSON_RAW_CONTROL.search(s)
        self.bad_value = (
            f"cannot write {s!r}: kustomize fails on the control character U+{ord(bad.group()):04X}"
            " (yaml: control characters are not allowed)"
            if bad
            else ""
        )
        # In a key, a raw NEL (which JSON does not escape) is a line break to go-yaml, and kustomize fails.
        self.bad_key = self.bad_value or (
            f"cannot write the mapping key {s!r}: kustomize fails on a NEL (U+0085) in a key"
            if "\x85" in s
            else ""
        )
        if "\x85" in s:
            s = _fold_nel(s)
        self.value = s
        a = _Analysis(s)
        self.style = _style(s, a, False)
        # Written after a separating space at column c, nothing folds while c + len(text) <= _WIDTH + 1.
        if self.style == _LITERAL or a.multiline:
            self.text = ""
            self.limit = -1
        else:
            self.text = _write_scalar(s, self.style, 1, 2, False)
            self.limit = _WIDTH + 2 - len(self.text)
        # As a mapping key: a simple key when single-line and at most 128 UTF-8 bytes long.
        self.simple = not a.multiline and len(s.encode("utf-8", "surrogatepass")) <= 128
        self.key = _write_scalar(s, _style(s, a, True), 1, 2, False) if self.simple else ""


_INFO: dict[str, _StrInfo] = {}
_INFO_LIMIT = 100_000


def _info(s: str) -> _StrInfo:
    """Facts about ``s``, memoised; strings kustomize cannot write raise ``YamlError`` (keys are checked apart)."""
    info = _INFO.get(s)
    if info is None:
        info = _StrInfo(s)
        if info.bad_value:
            raise YamlError(info.bad_value)
        if len(_INFO) >= _INFO_LIMIT:
            _INFO.clear()
        _INFO[s] = info
    return info


def _scalar_text(v: Any, column: int, indent: int) -> tuple[str, bool]:
    """A non-collection value whose first character lands at ``column``: (its text, whether it ended a line)."""
    if isinstance(v, str):
        v = str(v)
        info = _INFO.get(v) or _info(v)
        if column <= info.limit:
            return info.text[1:], False
        text = _write_scalar(info.value, info.style, column - 1, indent, True)[1:]
        return text, text[-1:] in _BREAKS
    return _atom(v), False


def _atom(v: Any) -> str:
    """Text of a non-string scalar as printed after kustomize's JSON round trip."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return _format_float(v)
    raise TypeError(f"cannot write a {type(v).__name__} as YAML")


def _format_float(f: float) -> str:
    """A float64 after encoding/json then go-yaml v2: integral values that fit (u)int64 print as integers,
    all others as Go's strconv.FormatFloat(f, 'g', -1, 64)."""
    if f != f or f in (math.inf, -math.inf):
        raise YamlError(
            f"cannot write {f!r}: kustomize cannot encode infinite or NaN numbers (JSON has none)"
        )
    if f == 0:
        return "0"
    r = repr(f)  # Python's repr has Go's shortest round-trip digits
    if 1e-6 <= abs(f) < 1e21 and f == int(f):
        n = int(Decimal(r))  # encoding/json prints these digits in full, and go-yaml reads an integer back
        if _INT64_MIN <= n <= _UINT64_MAX:
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


def _go_key_less(a: str, b: str) -> bool:
    """go-yaml's keyList.Less for two strings: letters after non-letters, digit runs compared as numbers."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = _wrap64(an * 10 + ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = _wrap64(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _wrap64(n: int) -> int:
    return ((n + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _go_key_cmp(a: str, b: str) -> int:
    return -1 if _go_key_less(a, b) else (1 if _go_key_less(b, a) else 0)


# go-yaml's order is not transitive for some mixes of digit runs with leading zeros ("a1", "a01", "a0b"); Go then
# sorts map keys taken in random map order, so kustomize's own output varies from run to run for such key sets.
# For every transitive set (all letters, or digit runs without such mixes) any correct sort gives kustomize's order.
_go_sort_key = functools.cmp_to_key(_go_key_cmp)
_ORDER: dict[tuple[str, ...], list[str]] = {}


def _sorted_keys(d: dict[str, Any]) -> list[str]:
    keys = tuple(d)
    order = _ORDER.get(keys)
    if order is None:
        for k in keys:
            if k.__class__ is not str:
                raise YamlError(f"cannot write mapping key {k!r}: kustomize only writes string keys")
        if len(_ORDER) >= 20_000:
            _ORDER.clear()
        # Keys made only of letters compare rune by rune, which is exactly Python's string order.
        order = sorted(keys) if all(k.isalpha() for k in keys) else sorted(keys, key=_go_sort_key)
        _ORDER[keys] = order
    return order


def _emit_map(d: dict[str, Any], indent: int, out: list[str], inline: bool) -> None:
    """A non-empty block mapping at ``indent``; with ``inline`` the first key continues the current line."""
    pad = " " * indent
    child = indent + 2
    for k in _sorted_keys(d):
        v = d[k]
        if inline:
            inline = False
        else:
            out.append(pad)
        info = _INFO.get(k) or _info(k)
        if info.bad_key:
            raise YamlError(info.bad_key)
        if not info.simple:
            _emit_complex_entry(k, v, indent, out)
            continue
        key = info.key
        cls = v.__class__
        if cls is dict:
            if v:
                out.append(key[1:] + ":\n")
                out.append(" " * child)
                _emit_map(v, child, out, True)
            else:
                out.append(key[1:] + ": {}\n")
        elif cls is list:
            if v:
                out.append(key[1:] + ":\n")
                _emit_seq(v, indent, out, False)
            else:
                out.append(key[1:] + ": []\n")
        elif cls is str:
            vi = _INFO.get(v) or _info(v)
            col = indent + len(key) + 1  # the value starts after "key: "
            if col <= vi.limit:
                out.append(key[1:] + ":" + vi.text + "\n")
            else:
                text, ends = _scalar_text(v, col, child)
                out.append(key[1:] + ": " + text + ("" if ends else "\n"))
        elif isinstance(v, dict | list):
            _emit_entry_value(key[1:] + ":", v, indent, out)
        else:
            text, ends = _scalar_text(v, indent + len(key) + 1, child)
            out.append(key[1:] + ": " + text + ("" if ends else "\n"))


def _emit_entry_value(prefix: str, v: Any, indent: int, out: list[str]) -> None:
    """Mapping values of dict/list subclasses (the fast path handles exact types)."""
    if isinstance(v, dict):
        if v:
            out.append(prefix + "\n" + " " * (indent + 2))
            _emit_map(v, indent + 2, out, True)
        else:
            out.append(prefix + " {}\n")
    elif v:
        out.append(prefix + "\n")
        _emit_seq(v, indent, out, False)
    else:
        out.append(prefix + " []\n")


def _emit_complex_entry(k: str, v: Any, indent: int, out: list[str]) -> None:
    """A key that cannot be a simple key (multi-line, or over 128 bytes): ``? key`` then ``: value``."""
    text, ends = _scalar_text(k, indent + 2, indent + 2)
    out.append("? " + text + ("" if ends else "\n"))
    out.append(" " * indent + ":")
    _emit_item_value(v, indent, out)


def _emit_item_value(v: Any, indent: int, out: list[str]) -> None:
    """A node written after a ``-`` (or a complex key's ``:``) indicator at ``indent``."""
    if isinstance(v, dict):
        if v:
            out.append(" ")
            _emit_map(v, indent + 2, out, True)
        else:
            out.append(" {}\n")
    elif isinstance(v, list):
        if v:
            out.append(" ")
            _emit_seq(v, indent + 2, out, True)
        else:
            out.append(" []\n")
    else:
        text, ends = _scalar_text(v, indent + 2, indent + 2)
        out.append(" " + text + ("" if ends else "\n"))


def _emit_seq(items: list[Any], indent: int, out: list[str], inline: bool) -> None:
    """A non-empty block sequence whose dashes sit at ``indent``."""
    pad = " " * indent
    col = indent + 2
    for v in items:
        if inline:
            inline = False
            out.append("-")
        else:
            out.append(pad + "-")
        if v.__class__ is str:
            vi = _INFO.get(v) or _info(v)
            if col <= vi.limit:
                out.append(vi.text + "\n")
                continue
        _emit_item_value(v, indent, out)


def _dump_one(obj: Any) -> str:
    out: list[str] = []
    if isinstance(obj, dict):
        if obj:
            _emit_map(obj, 0, out, True)
        else:
            out.append("{}\n")
    elif isinstance(obj, list):
        if obj:
            _emit_seq(obj, 0, out, True)
        else:
            out.append("[]\n")
    elif isinstance(obj, str):
        info = _info(str(obj))
        text = _write_scalar(info.value, info.style, 0, 2, True, root=True)
        out.append(text if text[-1:] in _BREAKS else text + "\n")
    else:
        out.append(_atom(obj) + "\n")
    return "".join(out)


def dump_documents(objs: list[Any]) -> str:
    """The exact text ``kustomize build`` prints for ``objs`` (documents joined by ``---``)."""
    try:
        return "---\n".join([_dump_one(o) for o in objs])
    except YamlError as exc:
        # the writer quotes what it cannot write; from a Secret that is the secret itself
        from .redact import SecretValues

        secrets = SecretValues()
        for obj in objs:
            secrets.add_object(obj)
        exc.message = secrets.scrub_text(exc.message)
        exc.args = (exc.message,)
        raise
