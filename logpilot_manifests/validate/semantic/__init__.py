"""The API server's semantic rules: what it rejects beyond the OpenAPI schema, checked offline.

``semantic_errors(obj, group, kind, custom=...)`` returns ``FieldError``s worded as the API server words
them. The per-kind tables are in ``kinds`` (``NAME_FORMATS``, ``KIND_RULES``); the string formats in
``names``; quantities in ``quantity``; CronJob schedules in ``cron``.
"""

from __future__ import annotations

from typing import Any

from ...kustomize.resource import CLUSTER_SCOPED
from .errors import ErrorList, FieldError
from .kinds import KIND_RULES, NAME_FORMATS
from .meta import validate_object_meta
from .names import is_dns1123_subdomain, is_path_segment_name

__all__ = ["FieldError", "semantic_errors"]

# The API server scopes by kind: FlowSchema is cluster-scoped in every version it serves, even those
# kustomize's older embedded schema lacks (and so namespaces).
_CLUSTER_SCOPED_KINDS = frozenset(kind for _, kind in CLUSTER_SCOPED)


def semantic_errors(obj: dict[str, Any], group: str, kind: str, *, custom: bool) -> list[FieldError]:
    """Every semantic rejection of one object. Custom resources get the metadata rules only (their names
    must be DNS subdomains); built-in kinds without a name rule get the floor every name must meet."""
    errs = ErrorList()
    name_check = NAME_FORMATS.get((group, kind)) or (is_dns1123_subdomain if custom else is_path_segment_name)
    # the namespace of a cluster-scoped object is dropped by the API server, never validated
    namespaced = None if custom else kind not in _CLUSTER_SCOPED_KINDS
    validate_object_meta(obj.get("metadata"), name_check, namespaced, errs)
    for rule in KIND_RULES.get((group, kind), ()):
        rule(obj, errs)
    return errs
