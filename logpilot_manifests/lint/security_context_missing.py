"""Pods and containers with no securityContext at all: every setting is the permissive default."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule

_NO_POD_SETTINGS = core_v1.PodSecurityContext()
_NO_SETTINGS = core_v1.SecurityContext()


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        # A securityContext with nothing set ({}, only nulls or unknown keys) is as missing as an absent one.
        if w.pod.securityContext in (None, _NO_POD_SETTINGS):
            yield RULE.finding(w.resource, f"{w.spec_path}.securityContext", "the pod has no securityContext")
        for path, c in w.containers():
            if c.securityContext in (None, _NO_SETTINGS):
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext",
                    f"container '{c.name}' has no securityContext",
                )


RULE = Rule(
    id="security-context-missing",
    severity=WARNING,
    summary="A pod or container has no securityContext",
    description=(
        "An empty securityContext leaves root, privilege escalation, a writable root filesystem and all "
        "default capabilities in place; the specific rules say which. Covers checkov's CKV_K8S_29 (pod) and "
        "CKV_K8S_30 (container)."
    ),
    fix="set securityContext on the pod (runAsNonRoot, seccompProfile) and on each container",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_29", "CKV_K8S_30"),
    check=check,
)
