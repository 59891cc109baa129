"""``crds``: field specs read from OpenAPI definitions of custom types, as kustomize reads them.

Each file maps a type name (``example.com/pkg/apis/v1.Widget``; the kind is the part after the last dot)
to ``{Schema: ..., Dependencies: ...}``. A type whose schema has ``kind``, ``apiVersion`` and ``metadata``
properties is a kind; walking its properties (through ``$ref`` to other definitions of the file):
``x-kubernetes-annotation`` marks an annotations map, ``x-kubernetes-label-selector`` a labels map to get
common labels, ``x-kubernetes-identity`` a name to get the name prefix, and
``x-kubernetes-object-ref-kind`` with ``x-kubernetes-object-ref-api-version`` (and optionally
``x-kubernetes-object-ref-name-key``, default ``name``) a reference by name to another kind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import BuildError, YamlError
from .documents import load_documents
from .fieldspec import FieldSpec
from .loader import Loader
from .tconfig import EMPTY, NameReference, TransformerConfig

_ANNOTATION = "x-kubernetes-annotation"
_LABEL_SELECTOR = "x-kubernetes-label-selector"
_IDENTITY = "x-kubernetes-identity"
_REF_VERSION = "x-kubernetes-object-ref-api-version"
_REF_KIND = "x-kubernetes-object-ref-kind"
_REF_NAME_KEY = "x-kubernetes-object-ref-name-key"


def _definitions(text: str, shown: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text) if text.startswith("{") else _one_document(text, shown)
    except (ValueError, YamlError) as exc:
        raise BuildError(f"unable to parse open API definition: {exc}", file=shown) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BuildError(
            "unable to parse open API definition: expected a map of type names to {Schema: ...} "
            "(a CustomResourceDefinition manifest is not read here)",
            file=shown,
        )
    return data


def _one_document(text: str, shown: str) -> Any:
    docs = load_documents(text, shown)
    return docs[0] if docs else None


def _schema(definition: Mapping[str, Any]) -> Mapping[str, Any]:
    # Go's JSON decoding matches the field name Schema case-insensitively
    for key, value in definition.items():
        if key.lower() == "schema" and isinstance(value, dict):
            return value
    return {}


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    props = schema.get("properties")
    return props if isinstance(props, dict) else {}


def _string_ext(prop: Mapping[str, Any], key: str) -> str | None:
    value = prop.get(key)
    return value if isinstance(value, str) else None


class _Collector:
    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self.definitions = definitions
        self.annotations: list[FieldSpec] = []
        self.labels: list[FieldSpec] = []
        self.prefix: list[FieldSpec] = []
        self.refs: list[NameReference] = []

    def walk(self, kind: str, type_name: str, path: tuple[str, ...], seen: frozenset[str]) -> None:
        definition = self.definitions.get(type_name)
        if not isinstance(definition, dict) or type_name in seen:
            return
        for name, prop in _properties(_schema(definition)).items():
            if not isinstance(prop, dict):
                continue
            here = (*path, str(name))
            spec = FieldSpec(here, kind)
            if _string_ext(prop, _ANNOTATION) is not None:
                self.annotations.append(spec)
            if _string_ext(prop, _LABEL_SELECTOR) is not None:
                self.labels.append(spec)
            if _string_ext(prop, _IDENTITY) is not None:
                self.prefix.append(spec)
            version, ref_kind = _string_ext(prop, _REF_VERSION), _string_ext(prop, _REF_KIND)
            if version is not None and ref_kind is not None:
                key = _string_ext(prop, _REF_NAME_KEY) or "name"
                self.refs.append(NameReference("", version, ref_kind, (FieldSpec((*here, key), kind),)))
            ref = prop.get("$ref")
            if isinstance(ref, str) and ref:
                self.walk(kind, ref, here, seen | {type_name})


def config_from_crds(ldr: Loader, paths: list[str]) -> TransformerConfig:
    """The transformer configuration the kustomization's ``crds`` files declare."""
    tc = EMPTY
    for rel in paths:
        text, shown = ldr.read_text(rel)
        definitions = _definitions(text, shown)
        for type_name, definition in definitions.items():
            props = _properties(_schema(definition))
            if not all(k in props for k in ("kind", "apiVersion", "metadata")):
                continue
            found = _Collector(definitions)
            found.walk(str(type_name).split(".")[-1], str(type_name), (), frozenset())
            try:
                tc = tc.merge(
                    TransformerConfig(
                        name_prefix=tuple(found.prefix),
                        common_labels=tuple(found.labels),
                        common_annotations=tuple(found.annotations),
                        name_reference=tuple(found.refs),
                    )
                )
            except BuildError as exc:
                exc.file = exc.file or shown
                raise
    return tc
