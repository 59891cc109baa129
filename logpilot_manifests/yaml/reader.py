"""YAML text read exactly as ``kustomize build`` (v5.5.0) reads it: go-yaml v3 rules on libyaml's composer.

Reading is done with libyaml's C composer plus our own scalar resolution and construction:
- plain scalars are typed by ``scalars.resolve`` (go-yaml v3's rules);
- errors (``YamlError`` with file and line): malformed YAML, duplicate keys, non-string keys, ``.inf``/``.nan``,
  zone offsets of 24 hours, ``\\/`` escapes, bad ``!!int``/``!!float``/``!!bool``/``!!null`` values, and
  excessive aliasing (go-yaml v3's ratio rule plus an absolute bound on expanded nodes);
- kustomize's own passes over the parsed tree: aliases expanded into copies, ``<<`` merges (own keys first,
  then earlier sources), every other ``"<<"`` key dropped, a missing value in a flow mapping read as ``""``,
  and folded (``>``) scalars changed as go-yaml's folded writer and reader change them on the way through.

Loaded values are plain ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``; a mapping with keys written
without a value is a ``Map``, a ``dict`` that names them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gc
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import YamlError
from .scalars import (
    BOOL,
    FLOAT,
    INT,
    INT64_MAX,
    INT64_MIN,
    NULL,
    STR,
    TIMESTAMP,
    parse_timestamp,
    resolve,
    resolve_tagged,
    resolve_v2,
)
from .writer import v3_block_allowed

__all__ = ["Map", "Redact", "load_documents", "locate"]

# Given a document's top-level scalar fields: the text that hides its values in error messages, or None.
Redact = Callable[[Mapping[str, str]], str | None]


_PLAIN_TAG = "tag:logpilot,2024:plain"
_T = "tag:yaml.org,2002:"
_STR_TAG, _SEQ_TAG, _MAP_TAG = _T + "str", _T + "seq", _T + "map"
_TAG_KINDS = {_T + "int": INT, _T + "float": FLOAT, _T + "bool": BOOL, _T + "null": NULL}

# go-yaml v3 refuses documents whose alias expansion dominates the work: its ratio rule, reproduced here.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000
# An absolute bound on top, so a bomb is refused long before it costs much memory.
_MAX_EXPANDED_NODES = 2_000_000

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# libyaml's C loader exists only when PyYAML was built against libyaml, so the base is chosen at import time;
# mypy cannot subclass a class held in a variable.
class _Loader(_BaseLoader):  # type: ignore[misc]
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
_DIRECT = frozenset((STR, INT, BOOL, NULL, TIMESTAMP))


@functools.lru_cache(maxsize=65536)
def _load_plain(s: str) -> tuple[str, Any]:
    """go-yaml v3's reading of a plain scalar; timestamps whose zone Go cannot print are marked bad."""
    kind, value = resolve(s)
    if kind == TIMESTAMP and value[-6:-3] in ("+24", "-24"):
        return _BAD_TIMESTAMP, value
    return kind, value


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


class Map(dict[str, Any]):
    """A mapping in which some keys were written with no value at all (``a:``, ``{a: }``), named by
    ``valueless``: kustomize's strategic merge drops those entries, where it keeps ``a: ~``."""

    __slots__ = ("valueless",)

    valueless: frozenset[str]


class _Builder:
    """Turns composed nodes into plain values, expanding aliases (each use is a fresh copy) and merge keys."""

    def __init__(self, source: str, v2: bool = False) -> None:
        self.source = source
        self.v2 = v2
        self.plain = resolve_v2 if v2 else _load_plain
        self.seen: set[int] = set()
        self.count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.hidden: str | None = None  # what replaces a value quoted in a message, in a redacted document

    def fail(self, node: Node, message: str) -> YamlError:
        if self.hidden is not None and isinstance(node, ScalarNode) and node.value:
            message = message.replace(node.value, self.hidden)
        return YamlError(message, file=self.source, line=node.start_mark.line + 1)

    def scalar(self, node: ScalarNode, is_key: bool = False) -> Any:
        tag, value = node.tag, node.value
        if tag == _PLAIN_TAG:
            kind, out = self.plain(value)
            if kind == _BAD_TIMESTAMP:
                raise self.fail(
                    node, f"timestamp {value!r} has a zone offset of 24 hours, which kustomize cannot encode"
                )
        elif tag == _STR_TAG:
            if node.style in ("|", ">") and not is_key and not self.v2 and v3_block_allowed(value):
                # kustomize writes block scalars back as block scalars and reads them again (go-yaml v3);
                # what it decodes with go-yaml v2 into JSON makes no such round trip.
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
            ts = parse_timestamp(value)
            if ts is None:
                raise self.fail(node, f"cannot decode `{value}` as a !!timestamp")
            if ts[-6:-3] in ("+24", "-24"):
                raise self.fail(
                    node, f"timestamp {value!r} has a zone offset of 24 hours, which kustomize cannot encode"
                )
            return ts
        elif tag in _TAG_KINDS:
            want = _TAG_KINDS[tag]
            kind, out = resolve_tagged(value)
            if kind == INT and want == FLOAT and INT64_MIN <= out <= INT64_MAX:
                kind, out = FLOAT, float(out)
            if kind != want:
                raise self.fail(node, f"cannot decode !!{kind} `{value}` as a !!{want}")
        else:
            return value  # an application tag (e.g. !foo): go-yaml keeps the text
        if kind == FLOAT and (out != out or out in (math.inf, -math.inf)):
            raise self.fail(
                node,
                f"{value!r} is an infinite or NaN number, which kustomize cannot encode (JSON has no such value)",
            )
        return out

    def build(self, node: Node) -> Any:
        """Construct ``node``; the fast path, used when the document has no aliases."""
        cls = node.__class__
        # Dispatch on node.__class__ identity: faster than isinstance() or type() per node on the build's hot
        # path, but mypy narrows only on those, hence the ignores below.
        if cls is MappingNode:
            return self.mapping(node)  # type: ignore[arg-type]
        plain = self.plain
        if cls is SequenceNode:
            out: list[Any] = []
            for item in node.value:
                if item.__class__ is ScalarNode and item.tag == _PLAIN_TAG:
                    kind, value = plain(item.value)
                    if kind in _DIRECT:
                        out.append(value)
                        continue
                out.append(self.build(item))
            return out
        if node.tag == _PLAIN_TAG:
            kind, value = plain(node.value)
            if kind in _DIRECT:
                return value
        return self.scalar(node)  # type: ignore[arg-type]

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
            # node.__class__ dispatch, as in build()
            if cls is ScalarNode:
                return self.scalar(node)  # type: ignore[arg-type]
            if cls is SequenceNode:
                return [self.build_counted(item) for item in node.value]
            return self.mapping(node, counted=True)  # type: ignore[arg-type]
        finally:
            if repeated:
                self.alias_depth -= 1

    def mapping(self, node: MappingNode, counted: bool = False) -> dict[str, Any]:
        build = self.build_counted if counted else self.build
        plain = self.plain
        out: dict[str, Any] = {}
        merges: list[dict[str, Any]] = []
        valueless: list[str] = []
        for knode, vnode in node.value:
            if knode.__class__ is ScalarNode and knode.tag == _PLAIN_TAG:
                if knode.value == "<<":  # a plain << is a merge key (go-yaml tags it !!merge)
                    if merges:
                        raise self.fail(knode, "duplicate merge key <<")
                    merges.extend(self.merge_sources(vnode, build))
                    continue
                kind, key = plain(knode.value)
                if kind is not STR:
                    raise self.non_string_key(knode)
            else:
                key = self.key(knode)
                if key == "<<":
                    continue  # kustomize's merge-key pass deletes every "<<" entry, even a quoted one
            if key in out and not self.v2:
                first = next(k for k, _ in node.value if k.__class__ is ScalarNode and self.scalar(k) == key)
                raise self.fail(
                    knode, f'mapping key "{key}" already defined at line {first.start_mark.line + 1}'
                )
            if vnode.__class__ is ScalarNode and vnode.tag == _PLAIN_TAG:
                if not vnode.value:
                    valueless.append(key)
                    if node.flow_style and not self.v2:
                        out[key] = ""  # kustomize reads a missing value in a flow mapping ({a: }, {a}) as ""
                        continue
                if not counted:
                    kind, value = plain(vnode.value)
                    if kind in _DIRECT:
                        out[key] = value
                        continue
            out[key] = build(vnode)
        if merges:
            merged: dict[str, Any] = {}
            for source in reversed(merges):
                merged.update(source)
            merged.update(out)
            out = merged
        if valueless:
            out = Map(out)
            out.valueless = frozenset(valueless)
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


def load_documents(
    text: str,
    source: str,
    *,
    keep_text: tuple[str, ...] = (),
    redact: Redact | None = None,
    v2: bool = False,
    keep_null: bool = False,
) -> list[Any]:
    """Parse every document of ``text`` as kustomize would; empty documents are dropped.

    ``keep_text`` is the path of a mapping (in each document) whose entries stay as written: a scalar that is
    not a string becomes its source text (``8080``, ``true``, ``~``), a list or map an empty string; with
    ``keep_null`` a null entry stays null.
    ``redact`` is given each document's top-level scalar fields (key text to value text); when it returns a
    text, that text replaces any of the document's values an error message would quote.
    ``v2`` reads as go-yaml v2 reads YAML into JSON (sigs.k8s.io/yaml's YAMLToJSON, which kustomize uses for
    kustomization files and JSON patches): the YAML 1.1 booleans are booleans, timestamps stay text, a
    repeated key replaces the earlier one, a missing value in a flow mapping is null, and block scalars are
    taken as written.

    Raises ``YamlError`` naming ``source`` and the line for malformed YAML, duplicate or non-string keys,
    infinite/NaN numbers and alias bombs.
    """
    # Parsing allocates millions of short-lived objects and no cycles: collecting during it only costs time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(_MAX_QUOTE_ESCAPES):
            try:
                return _load(text, source, keep_text, redact, v2, keep_null)
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


def _load(
    text: str,
    source: str,
    keep_text: tuple[str, ...],
    redact: Redact | None,
    v2: bool,
    keep_null: bool = False,
) -> list[Any]:
    """One parse of ``text``; libyaml's own syntax errors propagate as ``yaml.MarkedYAMLError``."""
    loader = _Loader(text)
    builder = _Builder(source, v2)
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
            if redact is not None:
                builder.hidden = redact(_top_level_scalars(node))
            if may_alias:
                builder.seen.clear()
                builder.count = builder.alias_count = 0
                value = builder.build_counted(node)
            else:
                value = builder.build(node)
            if value is not None:
                if keep_text and isinstance(value, dict):
                    _keep_text(value, node, keep_text, keep_null)
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


def _top_level_scalars(node: Node) -> dict[str, str]:
    if node.__class__ is not MappingNode:
        return {}
    return {
        k.value: v.value for k, v in node.value if k.__class__ is ScalarNode and v.__class__ is ScalarNode
    }


def _child(node: Node, key: str) -> Node | None:
    v: Node
    if node.__class__ is MappingNode:
        for k, v in node.value:
            if k.__class__ is ScalarNode and k.value == key:
                return v
    return None


def _keep_text(doc: dict[str, Any], node: Node, path: tuple[str, ...], keep_null: bool = False) -> None:
    """The mapping at ``path``: its non-string entries replaced by the text they were written as."""
    target: Any = doc
    for key in path:
        target = target.get(key) if isinstance(target, dict) else None
    if not isinstance(target, dict) or all(isinstance(v, str) for v in target.values()):
        return
    found: Node | None = node
    for key in path:
        found = _child(found, key) if found is not None else None
    texts: dict[str, str] = {}
    if found is not None and found.__class__ is MappingNode:
        for k, v in found.value:
            if k.__class__ is ScalarNode:
                texts[k.value] = v.value if v.__class__ is ScalarNode else ""
    for key, value in target.items():
        if not isinstance(value, str) and key in texts and not (keep_null and value is None):
            target[key] = texts[key]


def locate(text: str, path: Sequence[str | int]) -> tuple[int, str | None] | None:
    """Where the value at ``path`` (mapping keys and list indexes) of the first document of ``text`` is
    written: its 1-based line and, for a scalar, the text as written. None when there is no such value.

    Meant for error messages about an already loaded document, so it parses again (a repeated key: the last).
    """
    loader = _Loader(text)
    try:
        node = loader.get_node() if loader.check_node() else None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    for step in path:
        if node.__class__ is MappingNode and isinstance(step, str):
            found = [v for k, v in node.value if k.__class__ is ScalarNode and k.value == step]
            node = found[-1] if found else None
        elif node.__class__ is SequenceNode and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return None
    if node is None:
        return None
    return node.start_mark.line + 1, node.value if node.__class__ is ScalarNode else None
