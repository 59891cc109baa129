"""Object metadata and label selectors (``ValidateObjectMeta``, ``ValidateLabels``, ``ValidateLabelSelector``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...models.k8s.meta_v1 import LabelSelector, ObjectMeta
from .errors import ErrorList, Path
from .names import NameCheck, is_dns1123_label, is_qualified_name, is_valid_label_value

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
# Finalizers Kubernetes defines without a domain prefix (``IsStandardFinalizerName``); any other needs one.
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def validate_labels(labels: Mapping[str, str] | None, path: Path, errs: ErrorList) -> None:
    """Label keys and values; the API server reports both at the map itself (the value names the key)."""
    for key, value in (labels or {}).items():
        errs.invalid_each(path, key, is_qualified_name(key))
        errs.invalid_each(path, value, is_valid_label_value(value))


def validate_annotations(annotations: Mapping[str, str] | None, path: Path, errs: ErrorList) -> None:
    total = 0
    for key, value in (annotations or {}).items():
        errs.invalid_each(path, key, is_qualified_name(key.lower()))
        total += len(key.encode()) + len(value.encode())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT)


def validate_finalizer_name(value: str, path: Path, kube_path: Path | None, errs: ErrorList) -> None:
    """A finalizer is a qualified name; built-in kinds (``kube_path`` given) also refuse an unprefixed name
    that is not one of the standard finalizers (custom resources only get a warning for it)."""
    errs.invalid_each(path, value, is_qualified_name(value))
    if kube_path is not None and "/" not in value and value not in STANDARD_FINALIZERS:
        errs.invalid(kube_path, value, "name is neither a standard finalizer name nor is it fully qualified")


def _finalizers(finalizers: Sequence[str], path: Path, kube: bool, errs: ErrorList) -> None:
    for i, finalizer in enumerate(finalizers):
        validate_finalizer_name(finalizer, path, (*path, i) if kube else None, errs)
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set")


def validate_object_meta(
    meta: ObjectMeta | None,
    name_check: NameCheck | None,
    namespaced: bool | None,
    errs: ErrorList,
    path: Path = ("metadata",),
) -> None:
    """Name format (per kind), namespace format, labels and annotations of an object or a template; the
    finalizers of an object's own metadata (a template passes no ``name_check``). ``namespaced`` is None for
    custom resources."""
    if meta is None:
        return
    if meta.name and name_check is not None:
        errs.invalid_each((*path, "name"), meta.name, name_check(meta.name))
    if meta.namespace and namespaced is not False:
        errs.invalid_each((*path, "namespace"), meta.namespace, is_dns1123_label(meta.namespace))
    validate_labels(meta.labels, (*path, "labels"), errs)
    validate_annotations(meta.annotations, (*path, "annotations"), errs)
    if name_check is not None and meta.finalizers:
        _finalizers(meta.finalizers, (*path, "finalizers"), namespaced is not None, errs)


def validate_label_selector(selector: LabelSelector | None, path: Path, errs: ErrorList) -> None:
    if selector is None:
        return
    for i, requirement in enumerate(selector.matchExpressions or ()):
        here = (*path, "matchExpressions", i)
        op, values = requirement.operator, requirement.values or []
        if op in ("In", "NotIn"):
            if not values:
                errs.required((*here, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.forbidden(
                    (*here, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
        else:
            errs.invalid((*here, "operator"), op, "not a valid selector operator")
        errs.invalid_each((*here, "key"), requirement.key, is_qualified_name(requirement.key))
        for j, value in enumerate(values):
            errs.invalid_each((*here, "values", j), value, is_valid_label_value(value))
    validate_labels(selector.matchLabels, (*path, "matchLabels"), errs)
