"""Containers that may run as root: neither runAsNonRoot nor a non-zero runAsUser, in the container or the pod."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        pod_sc = w.pod.securityContext or core_v1.PodSecurityContext()
        for path, c in w.containers():
            sc = c.securityContext or core_v1.SecurityContext()
            non_root = sc.runAsNonRoot if sc.runAsNonRoot is not None else pod_sc.runAsNonRoot
            user = sc.runAsUser if sc.runAsUser is not None else pod_sc.runAsUser
            if user == 0:
                yield RULE.finding(
                    w.resource, f"{path}.securityContext", f"container '{c.name}' runs as uid 0"
                )
            elif non_root is not True and not (user is not None and user > 0):
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext",
                    f"container '{c.name}' sets neither runAsNonRoot: true nor a non-zero runAsUser",
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
