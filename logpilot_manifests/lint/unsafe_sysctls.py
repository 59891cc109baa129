"""Pods setting kernel parameters outside Kubernetes' safe set."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule

# Kubernetes' safe sysctls (namespaced and isolated per pod); anything else is unsafe.
SAFE = frozenset(
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)  # fmt: skip


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        sysctls = w.pod.securityContext.sysctls if w.pod.securityContext else None
        for s in sysctls or []:
            if s.name and s.name not in SAFE:
                yield RULE.finding(
                    w.resource,
                    f"{w.spec_path}.securityContext.sysctls[name={s.name}]",
                    f"unsafe sysctl '{s.name}'",
                )


RULE = Rule(
    id="unsafe-sysctls",
    severity=ERROR,
    summary="A pod sets an unsafe sysctl",
    description=(
        "Sysctls outside Kubernetes' safe set affect the whole node or other pods (kernel.msg*, kernel.sem, "
        "fs.mqueue.*, most of net.*); the kubelet rejects them unless allowed, and Pod Security 'baseline' "
        "forbids them. Stricter than kube-linter's prefix list: anything not on the safe list is flagged."
    ),
    fix="remove the sysctl, or set it on the node if the whole node needs it",
    kinds=WORKLOAD_KINDS,
    covers=("unsafe-sysctls",),
    check=check,
)
