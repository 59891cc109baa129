"""Objects in API versions that current Kubernetes no longer serves (extensions/v1beta1, PodSecurityPolicy...)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext
from .rule import ERROR, Rule

# (group/version, kind or "*") -> the Kubernetes release that stopped serving it, and the replacement.
_REMOVED: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "*"): ("1.16/1.22", "apps/v1, networking.k8s.io/v1"),
    ("apps/v1beta1", "*"): ("1.16", "apps/v1"),
    ("apps/v1beta2", "*"): ("1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "*"): ("1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "*"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "*"): ("1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "*"): ("1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "*"): ("1.22", "admissionregistration.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "*"): ("1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): ("1.22", "storage.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "*"): ("1.22", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "*"): ("1.22", "coordination.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ("1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("1.25", "Pod Security admission (namespace labels)"),
    ("discovery.k8s.io/v1beta1", "*"): ("1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "*"): ("1.25", "events.k8s.io/v1"),
    ("autoscaling/v2beta1", "*"): ("1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "*"): ("1.26", "autoscaling/v2"),
    ("node.k8s.io/v1beta1", "*"): ("1.25", "node.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "*"): ("1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "*"): ("1.29", "flowcontrol.apiserver.k8s.io/v1"),
}


def check(ctx: LintContext) -> Iterator[Finding]:
    for r in ctx.resources:
        removed = _REMOVED.get((r.api_version, r.kind)) or _REMOVED.get((r.api_version, "*"))
        if removed:
            release, use = removed
            yield RULE.finding(
                r,
                "apiVersion",
                f"{r.api_version} {r.kind} is no longer served since Kubernetes {release}; use {use}",
            )


RULE = Rule(
    id="deprecated-api",
    severity=ERROR,
    summary="An object uses an API version Kubernetes no longer serves",
    description=(
        "The API server rejects objects in removed API versions. PodSecurityPolicy itself is gone (1.25): "
        "every PSP object is flagged here, which covers checkov's PodSecurityPolicy checks (CKV_K8S_1 to "
        "CKV_K8S_7, 24, 32, 36) object for object; the replacement is Pod Security admission."
    ),
    fix="move the object to the API version named in the message",
    kinds=("*",),
    tags=("reliability",),
    precision="very-high",
    covers=(
        "no-extensions-v1beta",
        "CKV_K8S_1",
        "CKV_K8S_2",
        "CKV_K8S_3",
        "CKV_K8S_4",
        "CKV_K8S_5",
        "CKV_K8S_6",
        "CKV_K8S_7",
        "CKV_K8S_24",
        "CKV_K8S_32",
        "CKV_K8S_36",
    ),
    check=check,
)
