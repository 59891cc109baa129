"""Custom resource schemas: CustomResourceDefinition manifests turned into JSON Schemas.

CRD files come from ``--crd`` and ``LOGPILOT_CRD_PATH``. A file is parsed only when the input holds a custom
resource whose API group the file's text mentions, so pointing at a large folder of CRDs costs nothing for
the kinds that are not used.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ManifestError, UsageError
from .cache import Packed, cache_read_bytes, cache_write_bytes, pack
from .formats import INT_BOUNDS
from .schemas import OBJECT_META_REF, loads_json

CRD_PATH_ENV = "LOGPILOT_CRD_PATH"
CRD_FILE_SUFFIXES = (".yaml", ".yml", ".json")
CRD_API_GROUP = "apiextensions.k8s.io"

# String formats the API server checks in custom resources, with the same meaning in JSON Schema; others
# (and date-time, which the API server reads more leniently than RFC 3339) are not checked.
CHECKED_FORMATS = ("byte", "ipv4", "ipv6")

# OpenAPI v3 keywords that mean the same in JSON Schema 2020-12 and are copied unchanged.
_PLAIN_KEYWORDS = (
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "required",
)


class CrdSchema:
    """The JSON Schema of one served version of a custom kind, and the file whose CRD defined it (a plain
    class: a dataclass or a named tuple of string annotations costs far more to create at start-up)."""

    __slots__ = ("schema", "source", "_rules", "_rules_text", "key")

    def __init__(
        self,
        schema: dict[str, Any],
        source: str,
        rules: dict[str, Any] | None = None,
        key: str = "",
        *,
        rules_text: bytes | memoryview | None = None,
    ) -> None:
        self.schema = schema
        self.source = source
        self._rules = rules
        # The rules as their cache entry holds them, parsed on first use (CEL findings read back from the
        # cache do without them).
        self._rules_text = rules_text
        # What identifies the schema's content (the CRD's hash and the kind's version), for caching results.
        self.key = key

    @property
    def rules(self) -> dict[str, Any] | None:
        """The CEL rules (x-kubernetes-validations) of the version's schema, pruned to the branches holding
        them (``cel.rule_tree``); None when it has none."""
        if self._rules_text is not None:
            self._rules = loads_json(self._rules_text)
            self._rules_text = None
        return self._rules

    @property
    def has_rules(self) -> bool:
        if self._rules_text is not None:
            return bytes(self._rules_text) != b"null"
        return bool(self._rules)


def crd_paths_from_env(environ: dict[str, str] | None = None) -> list[Path]:
    """The files and folders listed (colon-separated) in ``LOGPILOT_CRD_PATH``; empty entries are ignored."""
    value = (environ if environ is not None else os.environ).get(CRD_PATH_ENV, "")
    paths = [Path(p) for p in value.split(os.pathsep) if p.strip()]
    for p in paths:
        if not p.exists():
            raise UsageError(f"{CRD_PATH_ENV} names {p}, which does not exist")
    return paths


def expand_crd_paths(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Files named directly (flagged True), plus every .yaml/.yml/.json file below each folder, sorted."""
    files: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                (f, False) for f in sorted(p.rglob("*")) if f.suffix in CRD_FILE_SUFFIXES and f.is_file()
            )
        elif p.is_file():
            files.append((p, True))
        else:
            raise UsageError(f"--crd {p}: no such file or directory")
    return files


def openapi_to_jsonschema(node: Any, strict: bool, *, closable: bool = True) -> Any:
    """Translate a structural OpenAPI v3 schema (as the API server reads it) into JSON Schema 2020-12.

    ``nullable`` becomes a ``null`` type; the API server prunes nulls of non-nullable fields, so null is
    accepted everywhere, as it is in the bundled built-in schemas. In strict mode an object without
    ``x-kubernetes-preserve-unknown-fields`` rejects unknown fields, as ``kubectl apply --validate=strict``
    does. Branches of allOf/anyOf/oneOf/not only add constraints, so they are never closed.
    """
    if not isinstance(node, dict):
        raise ValueError(f"a schema must be a mapping, not {type(node).__name__}")
    out: dict[str, Any] = {}
    for key in _PLAIN_KEYWORDS:
        if key in node:
            out[key] = node[key]
    props_in = node.get("properties")
    if isinstance(out.get("required"), list) and isinstance(props_in, dict):
        # the API server applies defaults before validating: a required field with a default is never missing
        out["required"] = [
            r for r in out["required"] if not (isinstance(props_in.get(r), dict) and "default" in props_in[r])
        ]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if node.get(exclusive) is True and bound in node:
            out[exclusive] = out.pop(bound)
    fmt = node.get("format")
    if fmt in INT_BOUNDS:
        low, high = INT_BOUNDS[fmt]
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    elif fmt in CHECKED_FORMATS:
        out["format"] = fmt
    typ = node.get("type")
    if typ is not None:
        if not isinstance(typ, str):
            raise ValueError(f"type must be a string, not {typ!r}")
        out["type"] = [typ, "null"]
    elif node.get("x-kubernetes-int-or-string") and not any(k in node for k in ("anyOf", "oneOf")):
        out["type"] = ["integer", "string", "null"]
    if "enum" in node:
        enum = node["enum"]
        if not isinstance(enum, list):
            raise ValueError("enum must be a list")
        out["enum"] = enum if None in enum else [*enum, None]
    props = node.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            raise ValueError("properties must be a mapping")
        out["properties"] = {k: openapi_to_jsonschema(v, strict) for k, v in props.items()}
    if "items" in node:
        out["items"] = openapi_to_jsonschema(node["items"], strict)
    extra = node.get("additionalProperties")
    if isinstance(extra, bool):
        out["additionalProperties"] = extra
    elif extra is not None:
        out["additionalProperties"] = openapi_to_jsonschema(extra, strict)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            branches = node[key]
            if not isinstance(branches, list):
                raise ValueError(f"{key} must be a list")
            out[key] = [openapi_to_jsonschema(b, strict, closable=False) for b in branches]
    if "not" in node:
        out["not"] = openapi_to_jsonschema(node["not"], strict, closable=False)
    if node.get("x-kubernetes-embedded-resource"):
        embedded = out.setdefault("properties", {})
        embedded.setdefault("apiVersion", {"type": ["string", "null"]})
        embedded.setdefault("kind", {"type": ["string", "null"]})
        embedded.setdefault("metadata", {"type": ["object", "null"]})
    if (
        strict
        and closable
        and typ == "object"
        and extra is None
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def custom_resource_schema(openapi: dict[str, Any] | None, strict: bool) -> dict[str, Any]:
    """The schema of a whole custom resource: the CRD's schema, with metadata checked as ObjectMeta."""
    schema = openapi_to_jsonschema(openapi, strict) if openapi is not None else {}
    props = schema.setdefault("properties", {})
    props["apiVersion"] = {"type": "string"}
    props["kind"] = {"type": "string"}
    props["metadata"] = {"$ref": OBJECT_META_REF}
    if openapi is None or openapi.get("x-kubernetes-preserve-unknown-fields"):
        schema.pop("additionalProperties", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _crd_documents(doc: Any) -> Iterator[Any]:
    """A document, or the items of a ``kind: List`` (what ``kubectl get crd A B -o yaml`` prints)."""
    if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
        yield from doc["items"]
    else:
        yield doc


def is_crd(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("kind") == "CustomResourceDefinition"
        and str(doc.get("apiVersion", "")).startswith(CRD_API_GROUP + "/")
    )


def parse_crd(doc: dict[str, Any], strict: bool, source: str) -> dict[tuple[str, str, str], CrdSchema]:
    """Schemas of every served version of one CRD, keyed by (group, version, kind).

    Raises ManifestError naming ``source`` when the CRD lacks its group, kind or versions, or its schema
    is not a schema.
    """
    from .cel import rule_tree

    name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
    label = f"CustomResourceDefinition {name}" if name else "CustomResourceDefinition"

    def bad(problem: str) -> ManifestError:
        return ManifestError(f"malformed CRD: {problem}", file=source, resource=label)

    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise bad("spec is missing")
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not group:
        raise bad("spec.group is missing")
    if not isinstance(kind, str) or not kind:
        raise bad("spec.names.kind is missing")
    versions = spec.get("versions")
    shared = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec, dict) else None
    if versions is None and isinstance(spec.get("version"), str):
        versions = [{"name": spec["version"], "served": True}]
    if not isinstance(versions, list) or not versions:
        raise bad("spec.versions is missing or empty")
    out: dict[tuple[str, str, str], CrdSchema] = {}
    for i, v in enumerate(versions):
        if not isinstance(v, dict) or not isinstance(v.get("name"), str):
            raise bad(f"spec.versions[{i}] has no name")
        if v.get("served", True) is False:
            continue
        schema_block = v.get("schema")
        openapi = schema_block.get("openAPIV3Schema") if isinstance(schema_block, dict) else shared
        if openapi is not None and not isinstance(openapi, dict):
            raise bad(f"spec.versions[{i}].schema.openAPIV3Schema is not a mapping")
        try:
            schema = custom_resource_schema(openapi, strict)
            rules = rule_tree(openapi)
        except (ValueError, RecursionError) as exc:
            raise bad(f"spec.versions[{i}] ({v['name']}): {exc}") from None
        out[(group, v["name"], kind)] = CrdSchema(
            schema, source, rules, content_key(doc, group, v["name"], kind)
        )
    return out


class CrdSet:
    """Custom kinds known from CRD files (parsed lazily, by API group) and from CRDs in the input itself."""

    def __init__(self, paths: Iterable[Path], strict: bool) -> None:
        self.strict = strict
        expanded = expand_crd_paths(paths)
        self._files = [f for f, _ in expanded]
        self._named = {f for f, named in expanded if named}
        self._parsed: set[Path] = set()
        self._groups_scanned: set[str] = set()
        self._schemas: dict[tuple[str, str, str], CrdSchema] = {}
        # Kinds of the files parsed, as their cache entries hold them: the schema is read on first use.
        self._stored: dict[tuple[str, str, str], tuple[Packed, int, str]] = {}

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    def add_document(self, doc: dict[str, Any], source: str) -> None:
        """Register a CRD met in the input (it wins over files: it is what is about to be applied)."""
        self._schemas.update(parse_crd(doc, self.strict, source))

    def lookup(self, group: str, version: str, kind: str) -> CrdSchema | None:
        key = (group, version, kind)
        if key not in self._schemas and key not in self._stored and group not in self._groups_scanned:
            self._groups_scanned.add(group)
            self._scan_files_for(group)
        if key not in self._schemas and key in self._stored:
            packed, i, source = self._stored.pop(key)
            self._schemas[key] = CrdSchema(
                packed.value(2 * i),
                source,
                key=f"{packed.header['key']}:{group}/{version}/{kind}",
                rules_text=packed.raw(2 * i + 1),
            )
        return self._schemas.get(key)

    def kinds_of_group(self, group: str) -> list[str]:
        """``kind version`` pairs known for a group, for a helpful message when only the version differs."""
        return sorted(f"{k} {v}" for g, v, k in self._schemas.keys() | self._stored.keys() if g == group)

    def _scan_files_for(self, group: str) -> None:
        needle = group.encode()
        for f in self._files:
            if f in self._parsed:
                continue
            data, close = _contents(f)
            try:
                if data.find(needle) != -1:
                    self._parse_file(f, data)
            finally:
                close()

    def _parse_file(self, f: Path, data: bytes | mmap.mmap) -> None:
        self._parsed.add(f)
        digest = hashlib.sha256(b"%s\0%d\0" % (CACHE_FORMAT, self.strict))
        digest.update(data)
        key = digest.hexdigest()
        packed = _read_entry(key)
        if packed is None:
            entry = self._parse_text(f, bytes(data), key)
            cache_write_bytes(SCHEMA_CACHE, key, entry)
            packed = Packed(entry)
        kinds = packed.header["kinds"]
        if not kinds and f in self._named:
            raise ManifestError("malformed CRD file: no CustomResourceDefinition in it", file=str(f))
        for i, (group, version, kind) in enumerate(kinds):
            key3 = (group, version, kind)
            if key3 not in self._schemas and key3 not in self._stored:
                self._stored[key3] = (packed, i, str(f))

    def _parse_text(self, f: Path, data: bytes, key: str) -> bytes:
        """The cache entry of a CRD file (``cache.pack``): the kinds it defines, and each one's schema and CEL
        rules as parts."""
        from ..kustomize.documents import load_documents

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ManifestError("malformed CRD file: not UTF-8 text", file=str(f)) from None
        kinds: list[list[str]] = []
        parts: list[bytes] = []
        for doc in load_documents(text, str(f)):
            for item in _crd_documents(doc):
                if is_crd(item):
                    for (group, version, kind), value in parse_crd(item, self.strict, str(f)).items():
                        kinds.append([group, version, kind])
                        parts += (_json(value.schema), _json(value.rules))
        return pack({"key": key, "kinds": kinds}, parts)


def _json(value: Any) -> bytes:
    """JSON text without line breaks: orjson's, or the standard library's for what orjson refuses (integers
    past 64 bits)."""
    import orjson

    try:
        return orjson.dumps(value)
    except TypeError:
        import json

        return json.dumps(value, separators=(",", ":")).encode()


def _contents(f: Path) -> tuple[bytes | mmap.mmap, Callable[[], None]]:
    """A CRD file's bytes, mapped into memory where it can be (searching and hashing it then copies nothing),
    and what releases them."""
    try:
        handle = open(f, "rb")  # noqa: SIM115 - closed by the function returned
    except OSError as exc:
        raise ManifestError(f"cannot read CRD file: {exc.strerror or exc}", file=str(f)) from None
    try:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (ValueError, OSError):  # empty, or not a file that can be mapped (a pipe)
        try:
            data = handle.read()
        except OSError as exc:
            raise ManifestError(f"cannot read CRD file: {exc.strerror or exc}", file=str(f)) from None
        finally:
            handle.close()
        return data, _nothing

    def close() -> None:
        mapped.close()
        handle.close()

    return mapped, close


def _nothing() -> None:
    return None


def _read_entry(key: str) -> Packed | None:
    """The cache entry of a CRD file, or None when there is none (or it is not one this version wrote)."""
    data = cache_read_bytes(SCHEMA_CACHE, key)
    if data is None:
        return None
    try:
        packed = Packed(data)
        kinds = packed.header["kinds"]
        if packed.header["key"] == key and isinstance(kinds, list) and len(packed) == 2 * len(kinds):
            return packed
    except (ValueError, KeyError, TypeError):
        pass
    return None


# Parsing a CRD file (YAML, then schema translation) costs far more than validating with it, so the result
# is kept in the user's cache directory (``cache``), keyed by the file's content, the strictness and this
# format number (raise it whenever the translation, the CEL evaluation or the entry's layout changes: CEL
# results are cached under the same key).
CACHE_FORMAT = b"crd-schemas-5"


SCHEMA_CACHE = "crd-schemas"


def content_key(doc: Any, group: str, version: str, kind: str) -> str:
    """The key of a CRD met in the input: a hash of its content, and the kind's version."""
    import orjson

    digest = hashlib.sha256(CACHE_FORMAT + orjson.dumps(doc, option=orjson.OPT_SORT_KEYS, default=str))
    return f"{digest.hexdigest()}:{group}/{version}/{kind}"
