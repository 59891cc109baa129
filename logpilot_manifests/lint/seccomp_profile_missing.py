"""Pods and containers without a seccomp profile: every system call is allowed."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule

_GOOD = ("RuntimeDefault", "Localhost")
_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        pod_sc = w.pod.securityContext
        pod_type = pod_sc.seccompProfile.type if pod_sc and pod_sc.seccompProfile else None
        legacy = w.annotations.get(_ANNOTATION, "")
        pod_ok = (
            pod_type in _GOOD
            or legacy in ("runtime/default", "docker/default")
            or legacy.startswith("localhost/")
        )
        for path, c in w.containers():
            sc = c.securityContext
            own = sc.seccompProfile.type if sc and sc.seccompProfile else None
            if own == "Unconfined" or (own not in _GOOD and not pod_ok):
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.seccompProfile",
                    f"container '{c.name}' runs without a seccomp profile"
                    + (" (Unconfined)" if "Unconfined" in (own, pod_type) else ""),
                )


RULE = Rule(
    id="seccomp-profile-missing",
    severity=WARNING,
    summary="A container runs without a seccomp profile",
    description=(
        "Without seccompProfile RuntimeDefault (or Localhost) a container may make any system call, the "
        "kernel's largest attack surface. Pod Security 'restricted' requires it. The pod's profile or the "
        "legacy pod annotation count for every container, as in checkov's CKV_K8S_31; unlike it, a Localhost "
        "profile (one the cluster operator wrote) passes."
    ),
    fix="set securityContext.seccompProfile.type: RuntimeDefault in the pod spec",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_31",),
    check=check,
)
