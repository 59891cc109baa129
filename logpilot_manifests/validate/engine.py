"""Validate plain Kubernetes objects against compiled schemas, compiling each schema once per process.

Speed comes from three choices: the 1.8 MB shared definitions are parsed once per (Kubernetes version,
strictness) and handed to one jsonschema-rs registry; each kind's schema is compiled once and cached; and a
valid object costs one ``is_valid`` call in Rust, with error reporting only for the objects that fail.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ManifestError
from ..fieldpath import format_path
from . import schemas
from .crds import CrdSet, is_crd
from .findings import ERROR, WARNING, Finding, explain_error


@dataclass(slots=True)
class ValidateOptions:
    """How to validate: against which Kubernetes version, how strictly, with which CRDs."""

    kube_version: str | None = None  # None: the newest bundled version
    strict: bool = True  # unknown fields are errors
    crd_paths: Sequence[Path] = field(default_factory=tuple)
    require_schemas: bool = False  # a kind without a schema is an error, not a warning


@dataclass(slots=True)
class _Builtin:
    """The shared definitions of one bundled version, their registry, and what Kubernetes serves there."""

    definitions: dict[str, Any]
    registry: Any
    groups: frozenset[str]
    served: dict[tuple[str, str], list[str]]  # (group, kind) -> versions


# What the API server accepts: a DNS-subdomain group (or none) and a version; a kind is an identifier.
_API_VERSION = re.compile(r"^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[a-z0-9]+$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

# Process-wide caches: keyed by everything that changes the compiled result.
_BUILTINS: dict[tuple[str, bool], _Builtin] = {}
_BUILTIN_VALIDATORS: dict[tuple[str, bool, str, str, str], tuple[Any, dict[str, Any]] | None] = {}


def _builtin(version: str, strict: bool) -> _Builtin:
    key = (version, strict)
    if key not in _BUILTINS:
        import jsonschema_rs

        defs = schemas.load_definitions(version, strict)
        served: dict[tuple[str, str], list[str]] = {}
        for d in defs.get("$defs", {}).values():
            for gvk in d.get("x-kubernetes-group-version-kind") or ():
                served.setdefault((gvk.get("group", ""), gvk.get("kind", "")), []).append(
                    gvk.get("version", "")
                )
        registry = jsonschema_rs.Registry([(schemas.DEFINITIONS_URI, defs)])
        groups = frozenset(g for g, _ in served)
        _BUILTINS[key] = _Builtin(defs, registry, groups, served)
    return _BUILTINS[key]


def _compile(schema: dict[str, Any], registry: Any, what: str) -> Any:
    import jsonschema_rs

    try:
        return jsonschema_rs.Draft202012Validator(schema, registry=registry, validate_formats=False)
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


class SchemaValidator:
    """Validates objects for one set of options; reuse it (and its compiled schemas) across calls."""

    def __init__(self, options: ValidateOptions) -> None:
        self.options = options
        self.version = schemas.resolve_version(options.kube_version)
        self.strict = options.strict
        self.crds = CrdSet(options.crd_paths, options.strict)
        self._crd_validators: dict[tuple[str, str, str], tuple[Any, dict[str, Any]]] = {}

    def validate(self, docs: Iterable[tuple[Any, str]]) -> list[Finding]:
        """Findings for ``(object, source)`` pairs in order; CRDs among them define kinds for the rest."""
        items = list(docs)
        crd_problems: dict[int, Finding] = {}
        for i, (doc, source) in enumerate(items):
            if is_crd(doc):
                try:
                    self.crds.add_document(doc, source)
                except ManifestError as exc:
                    name = str((doc.get("metadata") or {}).get("name") or "")
                    crd_problems[i] = Finding(
                        ERROR,
                        "invalid-crd",
                        doc["kind"],
                        "",
                        name,
                        doc["apiVersion"],
                        "",
                        exc.message,
                        source,
                    )
        findings: list[Finding] = []
        for i, (doc, source) in enumerate(items):
            findings.extend(self.validate_one(doc, source))
            if i in crd_problems:
                findings.append(crd_problems[i])
        return findings

    def validate_one(self, doc: Any, source: str) -> list[Finding]:
        if not isinstance(doc, dict):
            what = "a list" if isinstance(doc, list) else describe_type(doc)
            return [_doc_problem(source, f"document is {what}, not a Kubernetes object")]
        api_version, kind = doc.get("apiVersion"), doc.get("kind")
        md = doc.get("metadata")
        name = str(md.get("name") or "") if isinstance(md, dict) else ""
        namespace = str(md.get("namespace") or "") if isinstance(md, dict) else ""
        missing = [
            f for f, v in (("apiVersion", api_version), ("kind", kind)) if not isinstance(v, str) or not v
        ]
        if missing:
            return [
                Finding(
                    ERROR,
                    "invalid-document",
                    kind if isinstance(kind, str) else "",
                    namespace,
                    name,
                    api_version if isinstance(api_version, str) else "",
                    f,
                    f"missing {f}" if doc.get(f) in (None, "") else f"{f} must be a string",
                    source,
                )
                for f in missing
            ]
        assert isinstance(api_version, str) and isinstance(kind, str)

        def finding(severity: str, rule: str, path: str, message: str) -> Finding:
            return Finding(severity, rule, kind, namespace, name, api_version, path, message, source)

        if not _API_VERSION.match(api_version) or not _KIND.match(kind):
            field, value = (
                ("apiVersion", api_version) if not _API_VERSION.match(api_version) else ("kind", kind)
            )
            return [finding(ERROR, "invalid-document", field, f"malformed {field} {json.dumps(value)}")]
        group, _, version = api_version.rpartition("/")
        compiled = self._validator_for(group, version, kind)
        out: list[Finding] = []
        if not name and not (isinstance(md, dict) and md.get("generateName")):
            out.append(finding(ERROR, "required", "metadata.name", 'missing required field "name"'))
        if compiled is None:
            out.append(self._missing_schema(group, version, kind, finding))
            return out
        validator, root = compiled
        try:
            try:
                valid = validator.is_valid(doc)
            except ValueError:
                doc = _json_compatible(doc)
                valid = validator.is_valid(doc)
            if valid:
                return out
            errors = list(validator.iter_errors(doc))
        except ValueError as exc:  # the validator's own bound: "Recursion limit reached"
            out.append(finding(ERROR, "invalid-document", "", f"cannot be validated: {_too_deep(exc)}"))
            return out
        documents = {schemas.DEFINITIONS_URI: _builtin(self.version, self.strict).definitions}
        secrets = None
        if kind == "Secret" and not group:
            from ..kustomize.redact import SecretValues

            # findings quote wrong values; a Secret's must stay out of them
            secrets = SecretValues()
            secrets.add_object(doc)
        for err in errors:
            for rule, parts, message in explain_error(err, documents, root):
                message = secrets.scrub_text(message) if secrets else message
                out.append(finding(ERROR, rule, format_path(parts), message))
        return out

    def _validator_for(self, group: str, version: str, kind: str) -> tuple[Any, dict[str, Any]] | None:
        builtin = _builtin(self.version, self.strict)
        crd = None if group in builtin.groups else self.crds.lookup(group, version, kind)
        if crd is not None:
            key = (group, version, kind)
            if key not in self._crd_validators:
                validator = _compile(
                    crd.schema, builtin.registry, f"{kind} {group}/{version} from {crd.source}"
                )
                self._crd_validators[key] = (validator, crd.schema)
            return self._crd_validators[key]
        bkey = (self.version, self.strict, group, version, kind)
        if group not in builtin.groups:
            return None
        if bkey not in _BUILTIN_VALIDATORS:
            schema = schemas.load_kind_schema(self.version, self.strict, group, version, kind)
            if schema is None:
                _BUILTIN_VALIDATORS[bkey] = None
            else:
                compiled = _compile(schema, builtin.registry, f"{kind} {version}")
                _BUILTIN_VALIDATORS[bkey] = (compiled, schema)
        return _BUILTIN_VALIDATORS[bkey]

    def _missing_schema(self, group: str, version: str, kind: str, finding: Any) -> Finding:
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
        known = self.crds.kinds_of_group(group)
        hint = f" (CRDs given for {group}: {', '.join(known)})" if known else ""
        message = (
            f"no schema for {api_version} {kind}{hint}: pass its CRD with --crd FILE or LOGPILOT_CRD_PATH "
            f"(kubectl get crd <plural>.{group} -o yaml)"
        )
        return finding(ERROR if self.options.require_schemas else WARNING, "missing-schema", "", message)


def builtin_groups(kube_version: str | None = None, strict: bool = True) -> frozenset[str]:
    """API groups that Kubernetes itself serves in a bundled version ("" is the core group)."""
    return _builtin(schemas.resolve_version(kube_version), strict).groups


def describe_type(value: Any) -> str:
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"


def _doc_problem(source: str, message: str) -> Finding:
    return Finding(ERROR, "invalid-document", "", "", "", "", "", message, source)


def validate_objects(
    docs: Iterable[tuple[Any, str]], options: ValidateOptions | None = None
) -> list[Finding]:
    """Validate ``(object, source file)`` pairs; returns every finding (errors and warnings) in input order."""
    return SchemaValidator(options or ValidateOptions()).validate(docs)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def _too_deep(exc: ValueError) -> str:
    text = str(exc)
    return "it nests too deeply" if "recursion" in text.lower() else text
