"""The transformer configuration: which field paths of which kinds each transformer touches.

kustomize starts every kustomization from its built-in tables (``specs.py`` and the name-reference table of
``filters/nameref.py``), merges in the kustomization's ``configurations`` files and the name references its
``crds`` declare, and hands the merged tables up to the kustomization that includes it: an overlay
transforms with its bases' custom field specs too. Merging follows kustomize's ``FsSlice.MergeAll``: a
field spec already present (same path, and a kind the new one selects) is kept once; the same path with a
different ``create`` is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ..errors import BuildError
from .fieldspec import FieldSpec, fs, split_path

# The sections of a configurations file, by their YAML names.
SECTIONS = {
    "namePrefix": "name_prefix",
    "nameSuffix": "name_suffix",
    "namespace": "namespace",
    "commonLabels": "common_labels",
    "labels": "labels",
    "templateLabels": "template_labels",
    "commonAnnotations": "common_annotations",
    "nameReference": "name_reference",
    "varReference": "var_reference",
    "images": "images",
    "replicas": "replicas",
}
_YAML_NAMES = {attr: key for key, attr in SECTIONS.items()}
_FIELD_SPEC_KEYS = {"path", "group", "version", "kind", "create"}


class NameReference(NamedTuple):
    """Objects of kind ``group/version/kind`` may be named by the fields ``referrers``."""

    group: str
    version: str
    kind: str
    referrers: tuple[FieldSpec, ...]

    def as_rule(self) -> dict[str, Any]:
        """The mapping form ``filters.nameref.merge_rules`` reads."""
        return {
            "group": self.group,
            "version": self.version,
            "kind": self.kind,
            "fieldSpecs": [
                {"path": _join(f.path), "group": f.group, "version": f.version, "kind": f.kind}
                for f in self.referrers
            ],
        }


class TransformerConfig(NamedTuple):
    """Field specs per transformer; ``name_reference`` holds only entries beyond kustomize's defaults."""

    name_prefix: tuple[FieldSpec, ...] = ()
    name_suffix: tuple[FieldSpec, ...] = ()
    namespace: tuple[FieldSpec, ...] = ()
    common_labels: tuple[FieldSpec, ...] = ()
    labels: tuple[FieldSpec, ...] = ()
    template_labels: tuple[FieldSpec, ...] = ()
    common_annotations: tuple[FieldSpec, ...] = ()
    name_reference: tuple[NameReference, ...] = ()
    var_reference: tuple[FieldSpec, ...] = ()
    images: tuple[FieldSpec, ...] = ()
    replicas: tuple[FieldSpec, ...] = ()

    def merge(self, other: TransformerConfig) -> TransformerConfig:
        if other is self or other == EMPTY:
            return self
        if self == EMPTY:
            # every configuration is built by merging, so ``other`` holds no duplicates to fold
            return other
        changes: dict[str, Any] = {}
        for name, mine, theirs in zip(self._fields, self, other, strict=True):
            if not theirs:
                continue
            # Iterating a NamedTuple yields the join of its field types (object); the field name decides which
            # of the two element types a pair holds, which mypy cannot follow.
            if name == "name_reference":
                changes[name] = _merge_name_refs(mine, theirs)  # type: ignore[arg-type]
            else:
                changes[name] = merge_field_specs(mine, theirs, _YAML_NAMES[name])  # type: ignore[arg-type]
        return self._replace(**changes) if changes else self

    def name_reference_rules(self) -> list[dict[str, Any]]:
        return [n.as_rule() for n in self.name_reference]


EMPTY = TransformerConfig()


def _join(path: tuple[str, ...]) -> str:
    return "/".join(p.replace("/", "\\/") for p in path)


def _same(a: FieldSpec, b: FieldSpec) -> bool:
    """kustomize's ``effectivelyEquals``: same path, and ``a``'s kind is selected by ``b``'s."""
    return (
        a.path == b.path
        and (not b.group or a.group == b.group)
        and (not b.version or a.version == b.version)
        and (not b.kind or a.kind == b.kind)
    )


def merge_field_specs(
    base: Iterable[FieldSpec], incoming: Iterable[FieldSpec], what: str = "field specs"
) -> tuple[FieldSpec, ...]:
    out = list(base)
    for spec in incoming:
        present = next((o for o in out if _same(o, spec)), None)
        if present is None:
            out.append(spec)
        elif present.create != spec.create:
            raise BuildError(
                f"conflicting fieldspecs in {what}: '{_join(spec.path)}'"
                + (f" of kind {spec.kind}" if spec.kind else "")
                + " is listed both with and without create"
            )
    return tuple(out)


def _merge_name_refs(
    base: tuple[NameReference, ...], incoming: tuple[NameReference, ...]
) -> tuple[NameReference, ...]:
    out = list(base)
    for ref in incoming:
        for i, o in enumerate(out):
            if (o.group, o.version, o.kind) == (ref.group, ref.version, ref.kind):
                out[i] = o._replace(referrers=merge_field_specs(o.referrers, ref.referrers, "nameReference"))
                break
        else:
            out.append(ref)
    return tuple(out)


def _default() -> TransformerConfig:
    from . import specs

    return TransformerConfig(
        name_prefix=(fs("metadata/name"),),
        name_suffix=(fs("metadata/name"),),
        namespace=(fs("metadata/name", kind="Namespace", create=True), *specs.NAMESPACE),
        common_labels=specs.COMMON_LABELS,
        template_labels=specs.TEMPLATE_LABELS,
        common_annotations=specs.COMMON_ANNOTATIONS,
        var_reference=specs.VAR_REFERENCE,
        images=specs.IMAGES,
        replicas=specs.REPLICAS,
    )


DEFAULT = _default()


# --- reading configurations files ---------------------------------------------------------------------


def _text(value: Any, where: str, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BuildError(f"{where}: '{key}' must be a string, not {value!r}")
    return value


def parse_field_spec(entry: Any, where: str) -> FieldSpec:
    """One field spec mapping (path, group, version, kind, create), checked strictly as kustomize does."""
    if not isinstance(entry, Mapping):
        raise BuildError(f"{where}: a field spec must be a mapping, not {entry!r}")
    unknown = sorted(set(entry) - _FIELD_SPEC_KEYS)
    if unknown:
        raise BuildError(f"{where}: unknown field '{unknown[0]}' in a field spec")
    create = entry.get("create", False)
    if create is None:
        create = False
    if not isinstance(create, bool):
        raise BuildError(f"{where}: 'create' must be true or false, not {create!r}")
    return FieldSpec(
        split_path(_text(entry.get("path"), where, "path")),
        _text(entry.get("kind"), where, "kind"),
        _text(entry.get("group"), where, "group"),
        _text(entry.get("version"), where, "version"),
        create,
    )


def parse_field_specs(entries: Any, where: str) -> tuple[FieldSpec, ...]:
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise BuildError(f"{where}: field specs must be a list")
    return tuple(parse_field_spec(e, where) for e in entries)


def _parse_name_reference(entry: Any, where: str) -> NameReference:
    if not isinstance(entry, Mapping):
        raise BuildError(f"{where}: a nameReference entry must be a mapping, not {entry!r}")
    unknown = sorted(set(entry) - {"group", "version", "kind", "fieldSpecs"})
    if unknown:
        raise BuildError(f"{where}: unknown field '{unknown[0]}' in a nameReference entry")
    return NameReference(
        _text(entry.get("group"), where, "group"),
        _text(entry.get("version"), where, "version"),
        _text(entry.get("kind"), where, "kind"),
        parse_field_specs(entry.get("fieldSpecs"), where),
    )


def parse_configuration(doc: Any, where: str) -> TransformerConfig:
    """One configurations file (already parsed YAML), strict like kustomize's ``UnmarshalStrict``."""
    if doc is None:
        return EMPTY
    if not isinstance(doc, Mapping):
        raise BuildError(f"{where}: a transformer configuration must be a mapping")
    unknown = sorted(set(doc) - set(SECTIONS))
    if unknown:
        raise BuildError(f"{where}: unknown field '{unknown[0]}' in a transformer configuration")
    values: dict[str, Any] = {}
    for key, attr in SECTIONS.items():
        if key not in doc:
            continue
        if attr == "name_reference":
            entries = doc[key] or []
            if not isinstance(entries, list):
                raise BuildError(f"{where}: 'nameReference' must be a list")
            values[attr] = tuple(_parse_name_reference(e, where) for e in entries)
        else:
            values[attr] = parse_field_specs(doc[key], where)
    return _merge_into_empty(values)


def _merge_into_empty(values: Mapping[str, Any]) -> TransformerConfig:
    out = EMPTY
    # a file's own entries merge one by one, so duplicates within a file collapse as in kustomize
    for attr, specs in values.items():
        out = out.merge(EMPTY._replace(**{attr: specs})) if specs else out
    return out


def from_name_rules(rules: Iterable[NameReference]) -> TransformerConfig:
    return TransformerConfig(name_reference=tuple(rules))
