"""The API server's semantic rules: what it rejects beyond the OpenAPI schema, checked offline.

``semantic_errors(obj, group, kind, custom=...)`` returns ``FieldError``s worded as the API server words
them. The per-kind tables are in ``kinds`` (``NAME_FORMATS``, ``KIND_RULES``); the string formats in
``names``; quantities in ``quantity``; CronJob schedules in ``cron``.
"""

from __future__ import annotations

from typing import Any

from .errors import ErrorList, FieldError
from .kinds import KIND_RULES, NAME_FORMATS
from .meta import validate_object_meta
from .names import is_dns1123_subdomain, is_path_segment_name

__all__ = ["FieldError", "semantic_errors"]

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


def semantic_errors(obj: dict[str, Any], group: str, kind: str, *, custom: bool) -> list[FieldError]:
    """Every semantic rejection of one object. Custom resources get the metadata rules only (their names
    must be DNS subdomains); built-in kinds without a name rule get the floor every name must meet."""
    errs = ErrorList()
    name_check = NAME_FORMATS.get((group, kind)) or (is_dns1123_subdomain if custom else is_path_segment_name)
    # the namespace of a cluster-scoped object is dropped by the API server, never validated
    namespaced = None if custom else (group, kind) not in CLUSTER_SCOPED
    validate_object_meta(obj.get("metadata"), name_check, namespaced, errs)
    for rule in KIND_RULES.get((group, kind), ()):
        rule(obj, errs)
    return errs
