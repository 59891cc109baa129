"""hostPath volumes of the node's system directories (/, /etc, /proc, /var/lib/kubelet...)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .host_paths import host_paths
from .rule import ERROR, Rule

_SENSITIVE = (
    "/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/root", "/home", "/var/run", "/run",
    "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/etc/kubernetes", "/var/log",
)  # fmt: skip


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, host, _ in host_paths(w):
            if host in _SENSITIVE:
                yield RULE.finding(w.resource, path, f"the pod mounts the node's {host}")


RULE = Rule(
    id="sensitive-host-mount",
    severity=ERROR,
    summary="A pod mounts a sensitive directory of the node",
    description=(
        "Mounting the node's system directories (/, /etc, /proc, /sys, /dev, the kubelet's and runtime's "
        "state) exposes credentials and lets a container change the node. Covers kube-linter's "
        "sensitive-host-mounts list plus /var/run, /var/lib/kubelet and the runtimes' state; a runtime "
        "socket is docker-socket. Log collectors that must read /var/log opt out with a reason."
    ),
    fix="remove the hostPath volume (use a ConfigMap, Secret, emptyDir or a CSI volume)",
    kinds=WORKLOAD_KINDS,
    covers=("sensitive-host-mounts",),
    check=check,
)
