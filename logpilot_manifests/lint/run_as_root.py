"""Containers that may run as root: neither runAsNonRoot nor a non-zero runAsUser, in the container or the pod."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, container_security_context
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        pod_sc = w.pod_security_context
        for path, c in w.containers():
            sc = container_security_context(c)
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            if user == 0:
                yield RULE.finding(
                    w.resource, f"{path}.securityContext", f"container '{c.get('name')}' runs as uid 0"
                )
            elif non_root is not True and not (isinstance(user, int) and user > 0):
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext",
                    f"container '{c.get('name')}' sets neither runAsNonRoot: true nor a non-zero runAsUser",
                )


RULE = Rule(
    id="run-as-root",
    severity=ERROR,
    summary="A container may run as root",
    description=(
        "A process running as uid 0 that escapes its container is root on the node. The container's setting "
        "wins over the pod's, as in Kubernetes. checkov's CKV_K8S_23 accepts runAsNonRoot: true together with "
        "runAsUser: 0 (the kubelet then refuses to start the pod); this rule flags it."
    ),
    fix="set securityContext.runAsNonRoot: true and a non-zero runAsUser (pod or container level)",
    kinds=WORKLOAD_KINDS,
    # uid 0 is also what checkov's CKV_K8S_40 (uid below 10000) fails first; run-as-high-uid leaves it here.
    covers=("CKV_K8S_23", "CKV_K8S_40", "run-as-non-root"),
    check=check,
)
