"""The API server's semantic rules: what it rejects beyond the OpenAPI schema, checked offline.

``semantic_errors(obj, group, kind, custom=...)`` returns ``FieldError``s worded as the API server words
them. As in the API server, an object is decoded first and validated after: the rules read the typed model of
the object's kind (``logpilot_manifests.models``), so an object that does not fit its model (a type the
schema does not allow) gets no semantic finding at all, its schema findings say what is wrong. The tables are
in ``rules`` (``NAME_FORMATS``, ``RULES``), the rules in one module per API group (``apps``,
``batch``, ``core``, ``networking``...), the string formats in ``names``, quantities in ``..quantity``, CronJob
schedules in ``cron``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from ..nulls import without_nulls
from .errors import ErrorList, FieldError
from .names import is_dns1123_subdomain, is_path_segment_name
from .rules import NAME_FORMATS, RULES

__all__ = ["FieldError", "semantic_errors"]

Rule = Callable[[Any, ErrorList], None]

# The built-in kinds the API server serves without a namespace, by (group, kind), every served version alike
# (kustomize's own table differs: it follows the 1.21 schema it embeds, so its scope of flowcontrol kinds
# depends on the version; the API server's does not).
CLUSTER_SCOPED = frozenset(
    {
        ("", "ComponentStatus"),
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
    }
)


@cache
def _rule(api_version: str, kind: str) -> tuple[Any, Rule] | None:
    """The model class and the rule for objects of ``apiVersion``/``kind``, or None when no rule reads them."""
    from ...models import reading_class

    model = reading_class(api_version, kind)
    name = RULES.get((model.API_VERSION, kind)) if model is not None else None
    if name is None:
        return None
    module_name, function = name.rsplit(".", 1)
    module = importlib.import_module(f"{__name__}.{module_name}")
    rule: Rule = getattr(module, function)
    return model, rule


def _decoded(obj: dict[str, Any], kind: str, cls: Any) -> tuple[Any, Any]:
    """The object's model (when a rule reads it) and its metadata; ModelError when they do not decode."""
    from ...models import decode
    from ...models.k8s.meta_v1 import ObjectMeta

    if cls is not None:
        model = decode(obj, cls, kind)
        return model, model.metadata
    metadata = obj.get("metadata")
    return None, None if metadata is None else decode(metadata, ObjectMeta, kind, "metadata")


def semantic_errors(obj: dict[str, Any], group: str, kind: str, *, custom: bool) -> list[FieldError]:
    """Every semantic rejection of one object. Custom resources get the metadata rules only (their names
    must be DNS subdomains); built-in kinds without a name rule get the floor every name must meet."""
    from ...models import ModelError

    errs = ErrorList()
    api_version = obj.get("apiVersion")
    found = None if custom or not isinstance(api_version, str) else _rule(api_version, kind)
    try:
        model, meta = _decoded(obj, kind, found[0] if found is not None else None)
    except ModelError:
        try:
            model, meta = _decoded(without_nulls(obj), kind, found[0] if found is not None else None)
        except ModelError:
            return errs  # as the API server: what does not decode is not validated; the schema says why
    name_check = NAME_FORMATS.get((group, kind)) or (is_dns1123_subdomain if custom else is_path_segment_name)
    # the namespace of a cluster-scoped object is dropped by the API server, never validated
    namespaced = None if custom else (group, kind) not in CLUSTER_SCOPED
    from .meta import validate_object_meta

    validate_object_meta(meta, name_check, namespaced, errs)
    if found is not None:
        found[1](model, errs)
    return errs
