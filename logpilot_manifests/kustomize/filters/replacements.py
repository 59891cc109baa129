"""kustomize ``replacements``: copy one field of one object into fields of other objects.

Each replacement reads a value from exactly one source object (chosen by group/version/kind/name/namespace,
current or earlier id) at a dotted field path, optionally cut out of a delimited string, and writes it at
every field path of every selected target, optionally creating missing fields or splicing it into a
delimited string. Path steps: a key, ``[key=regex]`` (list elements whose key matches), ``[=regex]`` (list
scalars), an index, ``*`` (every list element, targets only), ``-`` (the last element, sources only).
The errors are kustomize v5's.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...errors import BuildError
from ...yaml.scalars import INT, resolve, scalar_text
from ..resource import Resource, split_api_version
from ..selector import parse_label_selector

DEFAULT_FIELD_PATH = "metadata.name"

# ---------------------------------------------------------------------------------------------------------
# Scalars. kustomize keeps a field's YAML tag when it writes text into an existing scalar, then reads the
# object back: text that does not fit the tag (``true`` into an int field) is an error, and text that does
# fits is read as that type. A scalar written into a new field has no tag and is typed by YAML's rules.
# ---------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """The text of a scalar as it appears in YAML ("" for null, maps and lists, as kustomize reads them)."""
    return "" if value is None else scalar_text(value)


def _tag(value: Any) -> str:
    if value is None:
        return "!!null"
    if isinstance(value, bool):
        return "!!bool"
    if isinstance(value, int):
        return "!!int"
    if isinstance(value, float):
        return "!!float"
    return "!!str"


def _retyped(old: Any, text: str) -> Any:
    """``text`` written into the existing scalar ``old``: read back under ``old``'s tag, or an error."""
    if isinstance(old, str):
        return text
    kind, value = resolve(text)
    if isinstance(old, float) and kind == INT:
        return float(value)
    tag = "!!" + kind
    if tag != _tag(old):
        raise BuildError(f"cannot decode {tag} `{text}` as a {_tag(old)}")
    return _finite(value, text)


def _created(text: str) -> Any:
    """``text`` written into a field the replacement created: typed by YAML's rules.

    (Empty text reads back as null; kustomize prints "" instead when the new field's parent map is written
    in flow style, which plain objects do not record.)
    """
    return _finite(resolve(text)[1], text)


def _finite(value: Any, text: str) -> Any:
    """kustomize passes objects through JSON, which has no infinities or NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BuildError(f"json: unsupported value: {text}")
    return value


@dataclass(slots=True)
class _Value:
    """The value read from a source: a Python value, plus whether it is a scalar and its text."""

    obj: Any
    scalar: bool

    @property
    def text(self) -> str:
        return _text(self.obj) if self.scalar else ""


# ---------------------------------------------------------------------------------------------------------
# Ids and selectors.
# ---------------------------------------------------------------------------------------------------------

_NOT_NAMESPACEABLE = "\x00cluster"  # an earlier id of a cluster-scoped object: never equals a namespace


def _ids(res: Resource) -> list[tuple[str, str, str, str, str]]:
    """(group, version, kind, name, effective namespace) of the current id, then of each earlier one.

    kustomize reads the current id without consulting the schema (an unset namespace is "default" even for
    a cluster-scoped kind); earlier ids carry the current apiVersion.
    """
    group, version = split_api_version(res.api_version)
    out = [(group, version, res.kind, res.name, res.namespace or "default")]
    cluster = res.is_cluster_scoped()
    for prev in res.prev_ids:
        ns = _NOT_NAMESPACEABLE if cluster else (prev.namespace or "default")
        out.append((group, version, prev.kind, prev.name, ns))
    return out


@dataclass(frozen=True, slots=True)
class _IdSelector:
    group: str = ""
    version: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, Any], what: str) -> _IdSelector:
        vals = {k: data.get(k) for k in ("group", "version", "kind", "name", "namespace")}
        for k, v in vals.items():
            if v is not None and not isinstance(v, str):
                raise BuildError(f"{what}: '{k}' must be a string, got {v!r}")
        return cls(**{k: v or "" for k, v in vals.items()})

    @property
    def empty(self) -> bool:
        return not (self.group or self.version or self.kind or self.name or self.namespace)

    def selects(self, ident: tuple[str, str, str, str, str]) -> bool:
        group, version, kind, name, ns = ident
        return (
            (not self.name or self.name == name)
            and (not self.namespace or (self.namespace or "default") == ns)
            and (not self.group or self.group == group)
            and (not self.version or self.version == version)
            and (not self.kind or self.kind == kind)
        )

    def __str__(self) -> str:
        """kustomize's spelling of an id, so messages read the same as its own."""
        gvk = ".".join((self.kind or "[noKind]", self.version or "[noVer]", self.group or "[noGrp]"))
        return f"{gvk}/{self.name or '[noName]'}.{self.namespace or '[noNs]'}"


@dataclass(frozen=True, slots=True)
class _Options:
    delimiter: str = ""
    index: int = 0
    create: bool = False

    @classmethod
    def parse(cls, data: Any, what: str) -> _Options:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise BuildError(f"{what}: 'options' must be a mapping")
        delimiter, index, create = (
            data.get("delimiter") or "",
            data.get("index") or 0,
            data.get("create", False),
        )
        if not isinstance(delimiter, str):
            raise BuildError(f"{what}: 'options.delimiter' must be a string")
        if isinstance(index, bool) or not isinstance(index, int):
            raise BuildError(f"{what}: 'options.index' must be an integer")
        if not isinstance(create, bool):
            raise BuildError(f"{what}: 'options.create' must be true or false")
        return cls(delimiter, index, create)

    def __str__(self) -> str:
        if not self.delimiter and not self.create:
            return ""
        return f"{self.delimiter}({self.index}), create={'true' if self.create else 'false'}"


class _Selector:
    """A target's select or reject entry: an id selector plus label and annotation selectors."""

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, Mapping):
            raise BuildError(f"{what} must be a mapping")
        self.id = _IdSelector.parse(data, what)
        self.label_text = _selector_text(data, "labelSelector", what)
        self.annotation_text = _selector_text(data, "annotationSelector", what)
        self.labels = parse_label_selector(self.label_text) if self.label_text else ()
        self.annotations = parse_label_selector(self.annotation_text) if self.annotation_text else ()

    def meta_matches(self, res: Resource) -> bool:
        """Label and annotation selectors (an empty one matches everything)."""
        if self.labels:
            labels = {str(k): str(v) for k, v in res.labels().items()}
            if not all(req(labels) for req in self.labels):
                return False
        if self.annotations:
            annotations = {str(k): str(v) for k, v in res.annotations().items()}
            if not all(req(annotations) for req in self.annotations):
                return False
        return True


def _selector_text(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        raise BuildError(f"{what}: '{key}' must be a string")
    return value


# ---------------------------------------------------------------------------------------------------------
# Paths.
# ---------------------------------------------------------------------------------------------------------


def split_field_path(path: str) -> list[str]:
    """'a.b.[name=x.y].c' -> ['a', 'b', '[name=x.y]', 'c']; '\\.' escapes a dot; '[a.b]' is the key 'a.b'."""
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "":
        parts = parts[1:]
    joined: list[str] = [parts[0]]
    for part in parts[1:]:
        if joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + "." + part
        else:
            joined.append(part)
    out: list[str] = []
    i = 0
    while i < len(joined):
        elem = joined[i]
        if elem.startswith("[") and not elem.endswith("]"):
            bracketed = [elem]
            while i < len(joined) - 1:
                i += 1
                bracketed.append(joined[i])
                if joined[i].endswith("]"):
                    break
            text = ".".join(bracketed)
            out.append(text if "=" in text else text.strip("[]"))
        else:
            out.append(elem)
        i += 1
    return out


def _is_list_match(part: str) -> bool:
    return part.startswith("[") and part.endswith("]")


def _is_index(part: str) -> bool:
    return part.isdigit() or (part.startswith("+") and part[1:].isdigit())


def _split_match(part: str) -> tuple[str, str]:
    key, sep, value = part[1:-1].partition("=")
    if not sep:
        raise BuildError("list path element must contain fieldName=fieldValue for element to match")
    return key, value


def _kind_name(value: Any) -> str:
    if isinstance(value, dict):
        return "MappingNode"
    if isinstance(value, list):
        return "SequenceNode"
    return "ScalarNode"


def _wrong_kind(expected: str, got: Any) -> BuildError:
    return BuildError(f"wrong node kind: expected {expected} but got {_kind_name(got)}")


def lookup_source(node: Any, parts: Sequence[str]) -> Any:
    """kustomize's single-value lookup of a source field; None when a step is missing."""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if node is None:
            return None
        if part.lstrip("-+").isdigit():
            index = int(part)
            if index < 0:
                raise BuildError(f"array index {index} cannot be negative")
            if not isinstance(node, list):
                raise _wrong_kind("SequenceNode", node)
            if index >= len(node):
                return None
            node = node[index]
        elif part == "-":
            if not isinstance(node, list):
                raise _wrong_kind("SequenceNode", node)
            if not node:
                raise BuildError("index -1 specified but the list is empty")
            node = node[-1]
        elif part == "*":
            raise BuildError("wildcard is not supported in PathGetter")
        elif _is_list_match(part):
            key, value = _split_match(part)
            if not isinstance(node, list):
                raise _wrong_kind("SequenceNode", node)
            if key:
                node = next(
                    (e for e in node if isinstance(e, dict) and key in e and _text(e[key]) == value), None
                )
            else:
                node = next((e for e in node if not isinstance(e, dict | list) and _text(e) == value), None)
        else:
            if not isinstance(node, dict):
                raise _wrong_kind("MappingNode", node)
            if part not in node:
                return None
            node = node[part]
    return node


@dataclass(slots=True)
class _Slot:
    """A place a target path reached: ``container[key]`` (a map key or a list index)."""

    container: Any
    key: Any


_NEW_MAP, _NEW_LIST, _NEW_SCALAR = "map", "list", "scalar"


def _new_for(next_part: str | None, leaf_kind: str) -> Any:
    """What to create at a missing step: a list before an index or [k=v] step, else a map; the leaf: per value."""
    if next_part is None:
        return {} if leaf_kind == _NEW_MAP else [] if leaf_kind == _NEW_LIST else _Created()
    if _is_list_match(next_part) or _is_index(next_part):
        return []
    return {}


class _Created:
    """Marks a scalar created by the write (it takes the written text as a plain scalar); ``text`` is what
    kustomize put in it (empty, or a [=value] step's value)."""

    __slots__ = ("text",)

    def __init__(self, text: str = "") -> None:
        self.text = text


def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as err:
        raise BuildError(f"error parsing regexp: {err}: `{pattern}`") from None


def match_target(node: Any, parts: list[str], create: str | None, slot: _Slot | None = None) -> list[_Slot]:
    """Every place a target path reaches in ``node`` (kustomize's path matcher), creating steps if asked."""
    if not parts:
        return [slot] if slot is not None else []
    part, rest = parts[0], parts[1:]
    nxt = rest[0] if rest else None
    if _is_index(part):
        index = int(part)
        if not isinstance(node, list):
            raise _wrong_kind("SequenceNode", node)
        if len(node) == index and create:
            node.append(_new_for(nxt, create))
        if len(node) < index + 1:
            raise BuildError(f"index {index} specified but only {len(node)} elements found")
        return match_target(node[index], rest, create, _Slot(node, index))
    if _is_list_match(part):
        key, pattern = _split_match(part)
        if not isinstance(node, list):
            raise _wrong_kind("SequenceNode", node)
        rx = _regex(pattern)
        found: list[_Slot] = []
        for i, elem in enumerate(list(node)):
            if key:
                if not isinstance(elem, dict) or elem.get(key) is None or not rx.search(_text(elem[key])):
                    continue
                found += match_target(elem, rest, create, _Slot(node, i))
            elif not isinstance(elem, dict | list) and rx.search(_text(elem)):
                found.append(_Slot(node, i))
        if found or not create:
            return found
        # kustomize appends an element made from the pattern's text and carries on in it
        node.append({key: _created(pattern)} if key else _Created(pattern))
        if key:
            return match_target(node[-1], rest, create, _Slot(node, len(node) - 1))
        return [_Slot(node, len(node) - 1)]  # a matched list scalar ends the path, as in kustomize
    if part == "*":
        if not isinstance(node, list):
            raise _wrong_kind("SequenceNode", node)
        out: list[_Slot] = []
        for i, elem in enumerate(node):
            out += match_target(elem, rest, create, _Slot(node, i))
        return out
    if node is None:
        return []
    if not isinstance(node, dict):
        raise _wrong_kind("MappingNode", node)
    if part not in node:
        if not create:
            return []
        node[part] = _new_for(nxt, create)
    return match_target(node[part], rest, create, _Slot(node, part))


# ---------------------------------------------------------------------------------------------------------
# The transformer.
# ---------------------------------------------------------------------------------------------------------


def _source_value(resources: list[Resource], source: Mapping[str, Any]) -> _Value:
    sel = _IdSelector.parse(source, "replacement source")
    field_path = source.get("fieldPath") or ""
    if not isinstance(field_path, str):
        raise BuildError("replacement source: 'fieldPath' must be a string")
    options = _Options.parse(source.get("options"), "replacement source")
    shown = ":".join(s for s in (str(sel), field_path, str(options)) if s)
    match: Resource | None = None
    for res in resources:
        if any(sel.selects(i) for i in _ids(res)):
            if match is not None:
                raise BuildError(f"multiple matches for selector {shown}")
            match = res
    if match is None:
        raise BuildError(f"nothing selected by {shown}")
    field_path = field_path or DEFAULT_FIELD_PATH
    try:
        found = lookup_source(match.obj, split_field_path(field_path))
    except BuildError as err:
        raise BuildError(f"error looking up replacement source: {err.message}") from None
    if found is None or found == {} or found == []:
        raise BuildError(f"fieldPath `{field_path}` is missing for replacement source {sel}")
    scalar = not isinstance(found, dict | list)
    if not options.delimiter:
        return _Value(copy.deepcopy(found), scalar)
    if not scalar:
        raise BuildError("delimiter option can only be used with scalar nodes")
    text = _text(found)
    pieces = text.split(options.delimiter)
    if not 0 <= options.index < len(pieces):
        raise BuildError(f"options.index {options.index} is out of bounds for value {text}")
    piece = pieces[options.index]
    try:
        return _Value(_retyped(found, piece), True)
    except BuildError:
        return _Value(piece, True)  # only a map or list target would see the source's type


def _write(slot: _Slot, value: _Value, options: _Options, unreadable: list[BuildError]) -> None:
    """Put ``value`` at ``slot`` as kustomize sets a field (see the note on scalars above).

    Text that cannot be read back under the field's type is kustomize's error only when it reads the
    objects back, after all replacements: it is written as text and its error queued in ``unreadable``.
    """
    current = slot.container[slot.key]
    if options.delimiter:
        if isinstance(current, dict | list):
            raise BuildError("delimiter option can only be used with scalar nodes")
        pieces = (current.text if isinstance(current, _Created) else _text(current)).split(options.delimiter)
        if options.index < 0:
            pieces.insert(0, value.text)
        elif options.index >= len(pieces):
            pieces.append(value.text)
        else:
            pieces[options.index] = value.text
        value = _Value(options.delimiter.join(pieces), True)
    try:
        if isinstance(current, _Created):
            slot.container[slot.key] = _created(value.text) if value.scalar else copy.deepcopy(value.obj)
        elif isinstance(current, dict | list):
            slot.container[slot.key] = copy.deepcopy(value.obj)
        else:
            slot.container[slot.key] = _retyped(current, value.text)
    except BuildError as err:
        slot.container[slot.key] = value.text
        unreadable.append(err)


def _targets(data: Any) -> list[Mapping[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(t, Mapping) for t in data):
        raise BuildError("replacement 'targets' must be a list of mappings")
    return data


def _apply_target(
    resources: list[Resource], value: _Value, target: Mapping[str, Any], unreadable: list[BuildError]
) -> None:
    if target.get("select") is None:
        raise BuildError("target must specify resources to select")
    select = _Selector(target["select"], "replacement target 'select'")
    rejects_data = target.get("reject") or []
    if not isinstance(rejects_data, list):
        raise BuildError("replacement target 'reject' must be a list")
    rejects = [_Selector(r, "replacement target 'reject'") for r in rejects_data]
    paths = target.get("fieldPaths") or [DEFAULT_FIELD_PATH]
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise BuildError("replacement target 'fieldPaths' must be a list of strings")
    options = _Options.parse(target.get("options"), "replacement target")
    leaf = None
    if options.create:
        leaf = _NEW_SCALAR if value.scalar else _NEW_MAP if isinstance(value.obj, dict) else _NEW_LIST
    id_rejects = [r for r in rejects if not r.id.empty]
    meta_rejects = [r for r in rejects if r.label_text or r.annotation_text]
    for res in resources:
        if not select.meta_matches(res) or any(r.meta_matches(res) for r in meta_rejects):
            continue
        ids = _ids(res)
        if not any(select.id.selects(i) for i in ids):
            continue
        if any(r.id.selects(i) for r in id_rejects for i in ids):
            continue
        for path in paths:
            try:
                slots = match_target(res.obj, split_field_path(path), leaf)
            except BuildError as err:
                raise BuildError(f"{_retrieval_error(path, options.create)}: {err.message}") from None
            if not slots:
                raise BuildError(_retrieval_error(path, options.create))
            for slot in slots:
                _write(slot, value, options, unreadable)


def _retrieval_error(path: str, create: bool) -> str:
    if create:
        return f'unable to find or create field "{path}" in replacement target'
    return f'unable to find field "{path}" in replacement target'


def apply_replacements(resources: list[Resource], replacements: list[dict[str, Any]]) -> None:
    """Run each replacement in order over ``resources`` (in place); each sees the previous ones' writes."""
    unreadable: list[BuildError] = []
    for entry in replacements:
        if not isinstance(entry, Mapping):
            raise BuildError(f"a replacement must be a mapping, got {entry!r}")
        source, targets = entry.get("source"), entry.get("targets")
        if source is None or targets is None:
            raise BuildError("replacements must specify a source and at least one target")
        if not isinstance(source, Mapping):
            raise BuildError("replacement 'source' must be a mapping")
        value = _source_value(resources, source)
        for target in _targets(targets):
            _apply_target(resources, value, target, unreadable)
    if unreadable:
        raise unreadable[0]


__all__ = ["apply_replacements", "lookup_source", "match_target", "split_field_path"]
