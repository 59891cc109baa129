"""The shared definitions of a bundled Kubernetes version, prepared once per content and loaded in part.

Every kind schema refers into one 1.8 MB ``_definitions.json``. Parsing it whole and handing it whole to the
schema validator's registry cost more than the rest of a small render's validation, while a render reaches
only a few hundred of its definitions. So the file is prepared once and the result kept in the user's cache
(``cache``), keyed by the file's SHA-256 and ``FORMAT``: the formats Kubernetes checks are added
(``formats.add_formats``), descriptions are dropped (they never decide a finding), each definition is kept as
its own JSON text with the names of the definitions it refers to, and what Kubernetes serves is read from the
group-version-kind lists. A run parses only the definitions that the kinds it checks reach, and the registry
holds those.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ManifestError
from .cache import Packed, cache_read_bytes, cache_write_bytes, pack
from .formats import add_formats
from .schemas import DEFINITIONS_URI, load_definitions, loads_json, schema_dir

CACHE = "k8s-definitions"
# Raise it whenever the preparation (formats, what is dropped, the layout of an entry) changes.
FORMAT = b"k8s-definitions-2"
# The parts of an entry: what Kubernetes serves, the references, then one per definition.
_SERVED, _REFS, _FIRST_DEFINITION = 0, 1, 2

_DEFS_POINTER = "#/$defs/"
# A reference into the definitions in a JSON text as orjson writes it (a quoted "$ref" is a key there).
_REF_IN_TEXT = re.compile(rb'"\$ref":"[^"]*?#/\$defs/([^"]*)"')
# The keywords of JSON Schema 2020-12 (and the older drafts) whose values are schemas, by shape.
_SCHEMA_MAPS = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"))
_SCHEMA_LISTS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_SCHEMA_VALUES = frozenset(
    (
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contains",
        "propertyNames",
        "not",
        "if",
        "then",
        "else",
    )
)


def without_descriptions(schema: Any) -> Any:
    """A copy of ``schema`` without ``description`` keywords, at every schema position; a property named
    ``description`` and the values of other keywords (``enum``, ``default``) are kept as they are."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: without_descriptions(v) for k, v in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [without_descriptions(v) for v in value]
        elif key in _SCHEMA_VALUES:
            out[key] = (
                [without_descriptions(v) for v in value]
                if isinstance(value, list)
                else without_descriptions(value)
            )
        else:
            out[key] = value
    return out


def references(node: Any, found: set[str] | None = None) -> set[str]:
    """The names of the shared definitions that ``$ref`` keywords anywhere in ``node`` point at."""
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                _, sep, name = value.partition(_DEFS_POINTER)
                if sep:
                    found.add(name.replace("~1", "/").replace("~0", "~"))
            elif isinstance(value, (dict, list)):
                references(value, found)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (dict, list)):
                references(value, found)
    return found


def _digest(path: Path) -> bytes:
    """The SHA-256 of a file, read through a memory map (no copy of its 1.8 MB)."""
    import mmap

    try:
        with open(path, "rb") as f:
            if not path.stat().st_size:
                return hashlib.sha256(b"").digest()
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return hashlib.sha256(data).digest()
    except OSError as exc:
        raise ManifestError(f"cannot read the bundled Kubernetes schemas: {exc}") from None


def prepare(definitions: dict[str, Any]) -> bytes:
    """The cache entry of a parsed ``_definitions.json`` (``cache.pack``): in its header the file's top-level
    keywords, the API groups Kubernetes serves and the definitions' names; as its parts, what Kubernetes
    serves as ``[group, kind, [versions]]`` rows, for each definition the positions of the names it refers
    to, then the definitions' JSON texts (a run with no finding to explain and no whole schema to compile
    reads neither of the first two)."""
    import orjson

    add_formats(definitions)
    defs = definitions.get("$defs")
    defs = defs if isinstance(defs, dict) else {}
    served: dict[tuple[str, str], list[str]] = {}
    for d in defs.values():
        for gvk in d.get("x-kubernetes-group-version-kind") or ():
            served.setdefault((gvk.get("group", ""), gvk.get("kind", "")), []).append(gvk.get("version", ""))
    names = list(defs)
    position = {name: i for i, name in enumerate(names)}
    texts = [orjson.dumps(without_descriptions(d)) for d in defs.values()]
    refs = []
    for text in texts:
        # what ``references`` finds in the parsed definition, found in its text (orjson writes no spaces)
        found = {m.decode().replace("~1", "/").replace("~0", "~") for m in _REF_IN_TEXT.findall(text)}
        refs.append(sorted(position[r] for r in found if r in position))
    header = {
        "top": {k: v for k, v in definitions.items() if k != "$defs"},
        "groups": sorted({g for g, _ in served}),
        "names": names,
    }
    rows = [[g, k, versions] for (g, k), versions in served.items()]
    return pack(header, [orjson.dumps(rows), orjson.dumps(refs), *texts])


class Definitions:
    """The prepared definitions of one bundled version and strictness, parsed as far as kinds need them."""

    def __init__(self, entry: bytes) -> None:
        """Raises ValueError (or KeyError, TypeError) when ``entry`` is not what ``prepare`` makes."""
        self._packed = packed = Packed(entry)
        header = packed.header
        self._names: list[str] = header["names"]
        self._position = {name: i for i, name in enumerate(self._names)}
        if len(self._names) != len(packed) - _FIRST_DEFINITION:
            raise ValueError("inconsistent prepared definitions")
        self.groups = frozenset(header["groups"])
        self._served: dict[tuple[str, str], list[str]] | None = None
        self._reaches: list[list[int]] | None = None
        # The file's top-level keywords ($schema, $id), for any document made of its definitions.
        self.top: dict[str, Any] = header["top"]
        # What the registry is made of, and what explaining an error resolves locations in: grows as kinds
        # reach further definitions.
        self.document: dict[str, Any] = {**self.top, "$defs": {}}
        self._loaded: set[int] = set()
        self._values: dict[int, Any] = {}  # the definitions parsed so far, by position
        self._registry: Any = None

    @classmethod
    def load(cls, version: str, strict: bool) -> Definitions:
        """The prepared definitions, from the user's cache or prepared now (and cached)."""
        path = schema_dir(version, strict) / "_definitions.json"
        key = hashlib.sha256(FORMAT + b"\0" + _digest(path)).hexdigest()
        entry = cache_read_bytes(CACHE, key)
        if entry is not None:
            try:
                return cls(entry)
            except (ValueError, KeyError, TypeError):
                pass  # not an entry this version wrote: prepared again
        entry = prepare(load_definitions(version, strict))
        cache_write_bytes(CACHE, key, entry)
        return cls(entry)

    @property
    def served(self) -> dict[tuple[str, str], list[str]]:
        """The versions Kubernetes serves each (group, kind) in."""
        if self._served is None:
            rows = self._packed.value(_SERVED)
            self._served = {(g, k): list(vs) for g, k, vs in rows}
        return self._served

    @property
    def _refs(self) -> list[list[int]]:
        """For each definition, the positions of the definitions it refers to."""
        if self._reaches is None:
            reaches = self._packed.value(_REFS)
            if len(reaches) != len(self._names):
                raise ManifestError("the prepared Kubernetes definitions are damaged; delete the cache")
            self._reaches = reaches
        return self._reaches

    def definition(self, name: str) -> Any:
        """One definition, parsed (None when there is none of that name)."""
        i = self._position.get(name)
        if i is None:
            return None
        if i not in self._values:
            self._values[i] = self._packed.value(_FIRST_DEFINITION + i)
        return self._values[i]

    def _unloaded(self, names: Iterable[str]) -> list[int]:
        """The definitions ``names`` reach, themselves included, that the registry's document does not hold yet
        (it holds each definition with every one it reaches)."""
        todo = [self._position[n] for n in names if n in self._position]
        seen: set[int] = set()
        while todo:
            i = todo.pop()
            if i not in seen and i not in self._loaded:
                seen.add(i)
                todo.extend(self._refs[i])
        return sorted(seen)

    def registry(self, names: Iterable[str] = ()) -> Any:
        """A schema registry holding the shared definitions as one document with (at least) every definition
        ``names`` reach; a new one is made only when they reach further than the document holds."""
        missing = self._unloaded(names)
        if missing or self._registry is None:
            import jsonschema_rs

            unparsed = [i for i in missing if i not in self._values]
            if unparsed:
                body = b",".join(b'"%d":' % i + self._packed.raw(_FIRST_DEFINITION + i) for i in unparsed)
                for i, value in loads_json(b"{" + body + b"}").items():
                    self._values[int(i)] = value
            for i in missing:
                self.document["$defs"][self._names[i]] = self._values[i]
            self._loaded.update(missing)
            self._registry = jsonschema_rs.Registry([(DEFINITIONS_URI, self.document)])
        return self._registry
