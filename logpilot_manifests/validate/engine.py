"""Validate plain Kubernetes objects against compiled schemas, compiling each schema once per process.

Every run checks every document. Speed comes from these choices: the 1.8 MB shared definitions are prepared
once per content and kept in the user's cache (``definitions``); a few objects of a kind are first checked
against the kind's schema cut down to what they reach (``specialize``), which compiles in a fraction of the
time, and only an object found invalid there is checked against the whole schema, compiled once per process
with a registry of the definitions it reaches; and a valid object costs one ``is_valid`` call in Rust, with
error reporting only for the objects that fail.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import ManifestError
from ..locations import Document
from ..severity import Severity
from . import schemas
from .cache import MAX_ENTRIES, cache_read, cache_write, file_stamp
from .crds import CrdSchema, CrdSet, is_crd
from .definitions import Definitions, references
from .formats import FORMAT_CHECKERS
from .nulls import has_null, without_nulls
from .schemas import OBJECT_META_REF
from .specialize import NotSpecializable, Specializer

if TYPE_CHECKING:
    from ..findings import Finding, Location, ResourceRef

ERROR = Severity.ERROR
WARNING = Severity.WARNING


class ValidateOptions(NamedTuple):
    """How to validate: against which Kubernetes version, how strictly, with which CRDs (a named tuple: a
    dataclass took several times as long to create at start-up)."""

    kube_version: str | None = None  # None: the newest bundled version
    strict: bool = True  # unknown fields are errors
    crd_paths: Sequence[Path] = ()
    require_schemas: bool = False  # a kind without a schema is an error, not a warning
    ignore_missing_schemas: bool = False  # a kind without a schema is not reported at all
    skip_kinds: Sequence[str] = ()  # KIND or apiVersion/KIND, not checked


# What the API server accepts: a DNS-subdomain group (or none) and a version; a kind is an identifier.
_API_VERSION = re.compile(r"^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[a-z0-9]+$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

CEL_BLOCKED = (
    "some validation rules were not checked because the object was invalid; "
    "correct the existing errors to complete validation"
)

# Process-wide caches: keyed by everything that changes the compiled result.
_BUILTINS: dict[tuple[str, bool], Definitions] = {}
_BUILTIN_VALIDATORS: dict[tuple[str, bool, str, str, str], tuple[Any, dict[str, Any]] | None] = {}
_KIND_SCHEMAS: dict[tuple[str, bool, str, str, str], tuple[dict[str, Any], set[str]] | None] = {}
# A first verdict from schemas cut down to the objects (``specialize``) is tried for a kind with at most this
# many objects in one validation, and while the walks have visited at most this many schema nodes in all:
# past that, compiling the whole schemas costs less than walking.
QUICK_MAX_OBJECTS = 16
QUICK_BUDGET = 20_000
# The one definition a custom resource's schema refers to: its metadata is checked as ObjectMeta (the
# translation of a CRD's schema, ``crds.custom_resource_schema``, writes no other reference).
_OBJECT_META = OBJECT_META_REF.rpartition("/")[2]


def _builtin(version: str, strict: bool) -> Definitions:
    key = (version, strict)
    if key not in _BUILTINS:
        _BUILTINS[key] = Definitions.load(version, strict)
    return _BUILTINS[key]


def _kind_schema(key: tuple[str, bool, str, str, str]) -> tuple[dict[str, Any], set[str]] | None:
    """The bundled schema of a (Kubernetes version, strictness, group, version, kind), and the shared
    definitions it refers to; None when that version has no such kind."""
    if key not in _KIND_SCHEMAS:
        schema = schemas.load_kind_schema(*key)
        _KIND_SCHEMAS[key] = None if schema is None else (schema, references(schema))
    return _KIND_SCHEMAS[key]


# Which CRD schemas are known to compile: an empty entry, keyed by the schema's content (``CrdSchema.key``),
# the strictness and the schema validator's extension module (a compile result is that module's).
COMPILES_CACHE = "crd-schemas-compiled"
_COMPILES_FORMAT = b"crd-schemas-compiled-1"


def _compiles_key(crd: CrdSchema, strict: bool) -> str:
    import hashlib

    return hashlib.sha256(
        b"%s\0%s\0%d\0%s" % (_COMPILES_FORMAT, crd.key.encode(), strict, _runtime_stamp())
    ).hexdigest()


@functools.cache
def _runtime_stamp() -> bytes:
    import importlib

    return file_stamp(str(importlib.import_module("jsonschema_rs.jsonschema_rs").__file__))


def _quick_valid(validator: Any, doc: Any) -> bool:
    """Whether a cut-down validator finds ``doc`` valid; False also when it cannot tell (values JSON has no
    form for, nesting past its bound): the whole schema then decides, as without one."""
    try:
        return bool(validator.is_valid(doc))
    except ValueError:
        return False


def _compile(schema: dict[str, Any], registry: Any, what: str) -> Any:
    import jsonschema_rs

    try:
        return jsonschema_rs.Draft202012Validator(
            schema, registry=registry, validate_formats=True, formats=FORMAT_CHECKERS
        )
    except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError) as exc:
        raise ManifestError(f"cannot compile the schema of {what}: {exc}") from None


def _json_compatible(value: Any) -> Any:
    """YAML can hold dates, bytes and non-string keys; the API server sees them as JSON strings."""
    if isinstance(value, dict):
        return {_key(k): _json_compatible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_compatible(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str) and type(value) is not str:
        return str(value)  # a str subclass the build uses internally (a shared label value), not a new type
    return value


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    return k if isinstance(k, str) else str(k)


def _as_document(item: Document | tuple[Any, str]) -> Document:
    return item if isinstance(item, Document) else Document(item[0], item[1])


class SchemaValidator:
    """Validates objects for one set of options; reuse it (and its compiled schemas) across calls."""

    def __init__(self, options: ValidateOptions) -> None:
        self.options = options
        self.version = schemas.resolve_version(options.kube_version)
        self.strict = options.strict
        self.crds = CrdSet(options.crd_paths, options.strict)
        self._crd_validators: dict[tuple[str, str, str], tuple[Any, dict[str, Any]]] = {}
        self._skip = {k.lower() for k in options.skip_kinds}
        # During ``validate``: validators of schemas cut down to the documents checked, by object id.
        self._quick: dict[int, Any] = {}
        # the rule results of more objects than the cache keeps would only be written to be pruned
        self._cache_results = True

    def validate(self, docs: Iterable[Document | tuple[Any, str]]) -> list[Finding]:
        """Findings for documents in order; CRDs among them define kinds for the rest. Kinds without a schema
        are reported once per API group, after the findings of the objects."""
        items = [_as_document(d) for d in docs]
        crd_problems: dict[int, Finding] = {}
        for i, d in enumerate(items):
            if is_crd(d.obj):
                try:
                    self.crds.add_document(d.obj, d.source)
                except ManifestError as exc:
                    from ..findings import Finding, Location

                    crd_problems[i] = Finding(
                        rule="invalid-crd",
                        severity=ERROR,
                        resource=_ref(d),
                        message=exc.message,
                        location=Location(file=d.source),
                    )
        self._quick = self._prepare(items)
        self._cache_results = len(items) <= MAX_ENTRIES
        findings: list[Finding] = []
        missing: dict[str, list[tuple[str, str, Document]]] = {}
        try:
            for i, d in enumerate(items):
                for f in self.validate_one(d.obj, d.source, source_name=d.source_name):
                    if f.rule == "missing-schema":
                        group, _, version = f.resource.api_version.rpartition("/")
                        missing.setdefault(group, []).append((version, f.resource.kind, d))
                    else:
                        findings.append(f)
                if i in crd_problems:
                    findings.append(crd_problems[i])
        finally:
            self._quick = {}
        findings.extend(self._missing_schemas(missing))
        return findings

    def _prepare(self, items: list[Document]) -> dict[int, Any]:
        """Validators for a first verdict on the objects among ``items`` (``specialize``), by the objects'
        ids; and for the built-in kinds left to their whole schemas, the shared definitions they reach, parsed
        at once (the registry is then made once, not once per kind)."""
        batches: dict[tuple[str, str, str], list[Any]] = {}
        for d in items:
            obj = d.obj
            api_version = obj.get("apiVersion") if isinstance(obj, dict) else None
            kind = obj.get("kind") if isinstance(obj, dict) else None
            if (
                isinstance(api_version, str)
                and isinstance(kind, str)
                and _API_VERSION.match(api_version)
                and _KIND.match(kind)
            ):
                group, _, version = api_version.rpartition("/")
                if not self._skipped(group, version, kind):
                    batches.setdefault((group, version, kind), []).append(obj)
        if not batches:
            return {}
        builtin = _builtin(self.version, self.strict)
        walker = Specializer(builtin.definition, QUICK_BUDGET)
        roots: dict[tuple[str, str, str], dict[str, Any]] = {}
        needed: set[str] = set()
        for (group, version, kind), objs in batches.items():
            key = (self.version, self.strict, group, version, kind)
            if group not in builtin.groups:
                crd = self.crds.lookup(group, version, kind)
                # cut down only once the CRD's whole schema is known to compile: until then, compiling it
                # says what is wrong with it
                if (
                    crd is not None
                    and (group, version, kind) not in self._crd_validators
                    and len(objs) <= QUICK_MAX_OBJECTS
                    and cache_read(COMPILES_CACHE, _compiles_key(crd, self.strict)) is not None
                ):
                    with contextlib.suppress(NotSpecializable):
                        walker.walk(crd.schema, objs)
                        roots[(group, version, kind)] = crd.schema
                continue
            if key in _BUILTIN_VALIDATORS:
                continue
            found = _kind_schema(key)
            if found is None:
                continue
            if len(objs) <= QUICK_MAX_OBJECTS:
                try:
                    walker.walk(found[0], objs)
                    roots[(group, version, kind)] = found[0]
                    continue
                except NotSpecializable:
                    pass
            needed |= found[1]
        if needed:
            builtin.registry(needed | {_OBJECT_META})
        if not roots:
            return {}
        import jsonschema_rs

        quick: dict[int, Any] = {}
        registry = jsonschema_rs.Registry(
            [(schemas.DEFINITIONS_URI, {**builtin.top, "$defs": walker.definitions()})]
        )
        for batch, root in roots.items():
            try:
                validator = jsonschema_rs.Draft202012Validator(
                    walker.schema(root), registry=registry, validate_formats=True, formats=FORMAT_CHECKERS
                )
            except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
                continue  # the whole schema decides, and says what is wrong with it
            for obj in batches[batch]:
                quick[id(obj)] = validator
        return quick

    def _skipped(self, group: str, version: str, kind: str) -> bool:
        api_version = f"{group}/{version}" if group else version
        return bool(self._skip) and (
            kind.lower() in self._skip or f"{api_version}/{kind}".lower() in self._skip
        )

    def validate_one(self, doc: Any, source: str, *, source_name: str = "") -> list[Finding]:
        if not isinstance(doc, dict):
            what = "a list" if isinstance(doc, list) else describe_type(doc)
            return [_doc_problem(source, f"document is {what}, not a Kubernetes object")]
        api_version, kind = doc.get("apiVersion"), doc.get("kind")
        md = doc.get("metadata")
        name = str(md.get("name") or "") if isinstance(md, dict) else ""
        # The resource and the place every finding of this document names, made with the first finding (the
        # finding types are imported only then: a document without findings does without them).
        made: list[tuple[ResourceRef, Location]] = []

        def finding(severity: Severity, rule: str, path: str, message: str) -> Finding:
            from ..findings import Finding, Location, ResourceRef

            if not made:
                namespace = str(md.get("namespace") or "") if isinstance(md, dict) else ""
                ref = ResourceRef(
                    kind=kind if isinstance(kind, str) else "",
                    name=name,
                    namespace=namespace,
                    api_version=api_version if isinstance(api_version, str) else "",
                    source_name=source_name,
                )
                made.append((ref, Location(file=source)))
            ref, location = made[0]
            return Finding(
                rule=rule, severity=severity, resource=ref, path=path, message=message, location=location
            )

        missing = [
            f for f, v in (("apiVersion", api_version), ("kind", kind)) if not isinstance(v, str) or not v
        ]
        if missing:
            return [
                finding(
                    ERROR,
                    "invalid-document",
                    f,
                    f"missing {f}" if doc.get(f) in (None, "") else f"{f} must be a string",
                )
                for f in missing
            ]
        assert isinstance(api_version, str) and isinstance(kind, str)
        if not _API_VERSION.match(api_version) or not _KIND.match(kind):
            field, value = (
                ("apiVersion", api_version) if not _API_VERSION.match(api_version) else ("kind", kind)
            )
            return [finding(ERROR, "invalid-document", field, f"malformed {field} {json.dumps(value)}")]
        group, _, version = api_version.rpartition("/")
        if self._skipped(group, version, kind):
            return []
        quick = self._quick.get(id(doc))
        # valid against the schema cut down to this object is valid against the whole one (``specialize``)
        # (a null needs the whole schema: a required field given as null is missing, see below)
        nulls = has_null(doc)
        settled = quick is not None and not nulls and _quick_valid(quick, doc)
        compiled = None if settled else self._validator_for(group, version, kind)
        out: list[Finding] = []
        if not name and not (isinstance(md, dict) and md.get("generateName")):
            out.append(finding(ERROR, "required", "metadata.name", 'missing required field "name"'))
        if compiled is None and not settled:
            out.append(self._missing_schema(group, version, kind, finding))
            return out
        secrets = None
        if kind == "Secret" and not group:
            from ..kustomize.redact import SecretValues

            # findings quote wrong values; a Secret's must stay out of them
            secrets = SecretValues()
            secrets.add_object(doc)
        errors: list[Any] = []
        root: dict[str, Any] = {}
        if compiled is not None:
            validator, root = compiled
            try:
                try:
                    valid = validator.is_valid(doc)
                except ValueError:
                    doc = _json_compatible(doc)
                    valid = validator.is_valid(doc)
                errors = [] if valid else list(validator.iter_errors(doc))
                if valid and nulls:
                    # a required field given as null is missing for the API server ("Required value"),
                    # while the schema allows the null
                    from jsonschema_rs import ValidationErrorKind

                    required = ValidationErrorKind.Required
                    errors = [
                        e for e in validator.iter_errors(without_nulls(doc)) if isinstance(e.kind, required)
                    ]
            except ValueError as exc:  # the validator's own bound: "Recursion limit reached"
                out.append(finding(ERROR, "invalid-document", "", f"cannot be validated: {_too_deep(exc)}"))
                return out
        schema_paths: set[str] = set()
        if errors:
            from ..fieldpath import format_path
            from .findings import explain_error

            documents = {schemas.DEFINITIONS_URI: _builtin(self.version, self.strict).document}
            for err in errors:
                for rule, parts, message in explain_error(err, documents, root):
                    message = secrets.scrub_text(message) if secrets else message
                    path = format_path(parts)
                    schema_paths.add(path)
                    out.append(finding(ERROR, rule, path, message))
        custom = group not in _builtin(self.version, self.strict).groups
        content = _Content(doc)
        for parts, message in _semantic_findings(
            doc, group, kind, custom, content if self._cache_results and secrets is None else None
        ):
            from ..fieldpath import format_path  # a finding's path, in diff's notation

            path = format_path(parts)
            if path in schema_paths:
                continue  # the schema already said what is wrong here
            message = secrets.scrub_text(message) if secrets else message
            out.append(finding(ERROR, "semantic", path, message))
        if custom:
            crd = self.crds.lookup(group, version, kind)
            if crd is not None and crd.has_rules:
                if any(f.rule == "type" for f in out):
                    # as the API server: a value of the wrong type blocks the CEL rules
                    out.append(finding(ERROR, "cel", "", CEL_BLOCKED))
                else:
                    for severity, rule, path, message in _cel_findings(crd, doc, content):
                        out.append(finding(Severity(severity), rule, path, message))
        return out

    def _missing_schemas(self, missing: dict[str, list[tuple[str, str, Document]]]) -> list[Finding]:
        """One short finding per API group without schemas, instead of one per resource."""
        if self.options.ignore_missing_schemas or not missing:
            return []
        from ..findings import Finding, Location, ResourceRef

        severity = ERROR if self.options.require_schemas else WARNING
        out: list[Finding] = []
        for group, entries in missing.items():
            kinds = sorted({k for _, k, _ in entries})
            versions = sorted({v for v, _, _ in entries})
            count = len(entries)
            known = self.crds.kinds_of_group(group)
            hint = f" (CRDs given: {', '.join(known)})" if known else ""
            message = (
                f"no CRD for {group}: {', '.join(kinds)} not checked ({count} resource{'s' if count != 1 else ''})"
                f"{hint}; --crd DIR, LOGPILOT_CRD_PATH or --ignore-missing-schemas"
            )
            first = entries[0][2]
            out.append(
                Finding(
                    rule="missing-schema",
                    severity=severity,
                    resource=ResourceRef(
                        api_version=f"{group}/{versions[0]}", kind=kinds[0] if len(kinds) == 1 else ""
                    ),
                    message=message,
                    location=Location(file=first.source),
                )
            )
        return out

    def _validator_for(self, group: str, version: str, kind: str) -> tuple[Any, dict[str, Any]] | None:
        builtin = _builtin(self.version, self.strict)
        crd = None if group in builtin.groups else self.crds.lookup(group, version, kind)
        if crd is not None:
            key = (group, version, kind)
            if key not in self._crd_validators:
                validator = _compile(
                    crd.schema,
                    builtin.registry((_OBJECT_META,)),
                    f"{kind} {group}/{version} from {crd.source}",
                )
                self._crd_validators[key] = (validator, crd.schema)
                cache_write(COMPILES_CACHE, _compiles_key(crd, self.strict), [])
            return self._crd_validators[key]
        bkey = (self.version, self.strict, group, version, kind)
        if group not in builtin.groups:
            return None
        if bkey not in _BUILTIN_VALIDATORS:
            found = _kind_schema(bkey)
            if found is None:
                _BUILTIN_VALIDATORS[bkey] = None
            else:
                schema, refs = found
                compiled = _compile(schema, builtin.registry(refs), f"{kind} {version}")
                _BUILTIN_VALIDATORS[bkey] = (compiled, schema)
        return _BUILTIN_VALIDATORS[bkey]

    def _missing_schema(
        self, group: str, version: str, kind: str, finding: Callable[[Severity, str, str, str], Finding]
    ) -> Finding:
        api_version = f"{group}/{version}" if group else version
        builtin = _builtin(self.version, self.strict)
        if group in builtin.groups:
            served = builtin.served.get((group, kind))
            if served:
                versions = ", ".join(f"{group}/{v}" if group else v for v in sorted(set(served)))
                why = f"{kind} is served as {versions}"
            else:
                why = f"the {group or 'core'} API group has no kind {kind}"
            return finding(
                ERROR,
                "unknown-api",
                "",
                f"{api_version} {kind} is not served by Kubernetes {self.version}: {why}",
            )
        # one finding per API group is made from these in validate()
        return finding(ERROR if self.options.require_schemas else WARNING, "missing-schema", "", "")


def _sources_stamp(files: Iterable[Path]) -> bytes:
    """What identifies a set of source files in a cache key (path, size and modification time of each)."""
    return b"".join(file_stamp(f) for f in sorted(files))


class _Content:
    """An object's canonical JSON text, made once however many caches key by it (None when JSON cannot tell
    its values apart: see ``_canonical_json``)."""

    __slots__ = ("_doc", "_text", "_done")

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._text: bytes | None = None
        self._done = False

    @property
    def text(self) -> bytes | None:
        if not self._done:
            self._text, self._done = _canonical_json(self._doc), True
        return self._text


def _remembered(
    cache: str, head: bytes, content: _Content | None, evaluate: Callable[[], list[Any]]
) -> list[Any]:
    """``evaluate()``, whose JSON results are kept in ``cache`` under ``head`` (what decides them besides the
    object) and the object's content; evaluated afresh when there is no content to key by."""
    import hashlib

    body = content.text if content is not None else None
    if body is None:
        return evaluate()
    key = hashlib.sha256(head + b"\0" + body).hexdigest()
    cached = cache_read(cache, key)
    if isinstance(cached, list):
        return cached
    found = evaluate()
    cache_write(cache, key, found)
    return found


SEMANTIC_CACHE = "semantic-results"
_SEMANTIC_FORMAT = b"semantic-results-1"


@functools.cache
def _rules_stamp() -> bytes:
    """What decides the API server's rules besides the object: the source files of the rules and of the
    models they read."""
    package = Path(__file__).resolve().parent.parent
    return _sources_stamp(
        [*(package / "validate" / "semantic").glob("*.py"), *(package / "models").rglob("*.py")]
    )


def _semantic_findings(
    doc: dict[str, Any], group: str, kind: str, custom: bool, content: _Content | None
) -> list[tuple[list[str | int], str]]:
    """The API server's rejections of one object (path parts, message), kept by the object's content and by
    the rules' code when ``content`` is given: reading the typed models they need costs more than a whole
    validation of an unchanged object. Secrets are never kept (a message may quote a value)."""

    def evaluate() -> list[Any]:
        from .semantic import semantic_errors

        return [[list(e.path), e.message] for e in semantic_errors(doc, group, kind, custom=custom)]

    head = b"%s\0%s\0%s\0%s\0%d" % (_SEMANTIC_FORMAT, _rules_stamp(), group.encode(), kind.encode(), custom)
    return [
        (list(parts), str(message)) for parts, message in _remembered(SEMANTIC_CACHE, head, content, evaluate)
    ]


CEL_CACHE = "cel-results"


@functools.cache
def _cel_stamp() -> bytes:
    """What decides CEL results besides the CRD and the object: the evaluator and its library's sources (a
    rule reported as not evaluated by an older library is evaluated again)."""
    here = Path(__file__).resolve().parent
    return _sources_stamp([here / "cel.py", here / "quantity.py"])


def _cel_findings(crd: Any, doc: dict[str, Any], content: _Content) -> list[Any]:
    """The CEL findings of one custom resource, kept by the CRD's and the object's content: evaluating needs
    the CEL runtime, whose start costs more than a whole validation of an unchanged object."""

    def evaluate() -> list[Any]:
        from .cel import evaluate_rules

        return [[str(s), r, p, m] for s, r, p, m in evaluate_rules(crd.rules, doc)]

    return _remembered(CEL_CACHE, crd.key.encode() + b"\0" + _cel_stamp(), content, evaluate)


def _canonical_json(doc: Any) -> bytes | None:
    """The JSON text of ``doc`` with sorted keys, or None when JSON cannot tell its values apart: keys that
    are not strings (written as strings), dates and other values JSON has no form for, NaN."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(isinstance(k, str) for k in node):
                return None
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    try:
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError):  # ValueError: NaN, or a lone surrogate UTF-8 cannot encode
        return None


def builtin_groups(kube_version: str | None = None, strict: bool = True) -> frozenset[str]:
    """API groups that Kubernetes itself serves in a bundled version ("" is the core group)."""
    return _builtin(schemas.resolve_version(kube_version), strict).groups


def describe_type(value: Any) -> str:
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"


def _doc_problem(source: str, message: str) -> Finding:
    from ..findings import Finding, Location

    return Finding(rule="invalid-document", severity=ERROR, message=message, location=Location(file=source))


def _ref(d: Document) -> ResourceRef:
    from ..findings import ResourceRef

    md = d.obj.get("metadata") if isinstance(d.obj, dict) else None
    md = md if isinstance(md, dict) else {}
    return ResourceRef(
        kind=str(d.obj.get("kind") or ""),
        name=str(md.get("name") or ""),
        namespace=str(md.get("namespace") or ""),
        api_version=str(d.obj.get("apiVersion") or ""),
        source_name=d.source_name,
    )


def validate_objects(
    docs: Iterable[Document | tuple[Any, str]], options: ValidateOptions | None = None
) -> list[Finding]:
    """Validate documents (or ``(object, source file)`` pairs); every finding, errors and warnings, in input
    order, then one per API group that has no schema."""
    return SchemaValidator(options or ValidateOptions()).validate(docs)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is ERROR for f in findings)


def _too_deep(exc: ValueError) -> str:
    text = str(exc)
    return "it nests too deeply" if "recursion" in text.lower() else text
