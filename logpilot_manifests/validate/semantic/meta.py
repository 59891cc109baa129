"""Object metadata and label selectors (``ValidateObjectMeta``, ``ValidateLabels``, ``ValidateLabelSelector``)."""

from __future__ import annotations

from typing import Any

from .access import items, mapping, str_map, text
from .errors import ErrorList, Path
from .names import NameCheck, is_dns1123_label, is_qualified_name, is_valid_label_value

TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_labels(labels: Any, path: Path, errs: ErrorList) -> None:
    for key, value in str_map(labels).items():
        errs.invalid_each((*path, key), key, is_qualified_name(key))
        if isinstance(value, str):
            errs.invalid_each((*path, key), value, is_valid_label_value(value))


def validate_annotations(annotations: Any, path: Path, errs: ErrorList) -> None:
    total = 0
    for key, value in str_map(annotations).items():
        errs.invalid_each((*path, key), key, is_qualified_name(key.lower()))
        total += len(key.encode()) + (len(value.encode()) if isinstance(value, str) else 0)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT)


def validate_object_meta(
    meta: Any,
    name_check: NameCheck | None,
    namespaced: bool | None,
    errs: ErrorList,
    path: Path = ("metadata",),
) -> None:
    """Name format (per kind), namespace format, labels and annotations of an object or a template."""
    md = mapping(meta)
    name = text(md.get("name"))
    if name and name_check is not None:
        errs.invalid_each((*path, "name"), name, name_check(name))
    namespace = text(md.get("namespace"))
    if namespace and namespaced is not False:
        errs.invalid_each((*path, "namespace"), namespace, is_dns1123_label(namespace))
    validate_labels(md.get("labels"), (*path, "labels"), errs)
    validate_annotations(md.get("annotations"), (*path, "annotations"), errs)


def validate_label_selector(selector: Any, path: Path, errs: ErrorList) -> None:
    sel = mapping(selector)
    for i, expr in enumerate(items(sel.get("matchExpressions"))):
        e = mapping(expr)
        here = (*path, "matchExpressions", i)
        op = e.get("operator")
        values = items(e.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.required((*here, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.forbidden(
                    (*here, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
        elif isinstance(op, str):
            errs.invalid((*here, "operator"), op, "not a valid selector operator")
        key = text(e.get("key"))
        if key is not None:
            errs.invalid_each((*here, "key"), key, is_qualified_name(key))
        for j, v in enumerate(values):
            if isinstance(v, str):
                errs.invalid_each((*here, "values", j), v, is_valid_label_value(v))
    validate_labels(sel.get("matchLabels"), (*path, "matchLabels"), errs)


def selector_is_empty(selector: Any) -> bool:
    sel = mapping(selector)
    return not str_map(sel.get("matchLabels")) and not items(sel.get("matchExpressions"))


def selector_matches(selector: Any, labels: Any) -> bool:
    """Whether a label selector selects a set of labels (as labels.Selector.Matches)."""
    sel = mapping(selector)
    have = {k: str(v) for k, v in str_map(labels).items()}
    for k, v in str_map(sel.get("matchLabels")).items():
        if have.get(k) != str(v):
            return False
    for expr in items(sel.get("matchExpressions")):
        e = mapping(expr)
        key, op = e.get("key"), e.get("operator")
        values = {str(v) for v in items(e.get("values"))}
        # label values are strings, so None means the key is absent (or not a string, which no label has)
        current = have.get(key) if isinstance(key, str) else None
        present = current is not None
        if op == "In" and (current is None or current not in values):
            return False
        if op == "NotIn" and current is not None and current in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True
