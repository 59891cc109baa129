"""A container runtime's socket mounted into a pod: whoever talks to it controls every container on the node."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .host_paths import host_paths
from .rule import ERROR, Rule

_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "dockershim.sock", "podman.sock")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, host, _ in host_paths(w):
            name = host.rsplit("/", 1)[-1]
            if name in _SOCKETS or host in ("/var/run/docker", "/run/containerd", "/var/run/containerd"):
                yield RULE.finding(w.resource, path, f"the pod mounts the container runtime socket {host}")


RULE = Rule(
    id="docker-socket",
    severity=ERROR,
    summary="A pod mounts the container runtime's socket",
    description=(
        "The Docker, containerd or CRI-O socket lets a process start privileged containers on the node: "
        "full control of the host. checkov's CKV_K8S_27 looks for /var/run/docker.sock only; this rule also "
        "knows the other runtimes' sockets and paths written with extra slashes."
    ),
    fix="remove the hostPath volume of the runtime socket (build images with a rootless builder instead)",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_27", "docker-sock"),
    check=check,
)
