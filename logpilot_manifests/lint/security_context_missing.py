"""Pods and containers with no securityContext at all: every setting is the permissive default."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if not w.pod_security_context:
            yield RULE.finding(w.resource, f"{w.spec_path}.securityContext", "the pod has no securityContext")
        for path, c in w.containers():
            if not isinstance(c.get("securityContext"), dict) or not c["securityContext"]:
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext",
                    f"container '{c.get('name')}' has no securityContext",
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
