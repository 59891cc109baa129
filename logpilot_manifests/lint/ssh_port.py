"""Containers exposing port 22: an SSH server in a container is a second way in that bypasses kubectl."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for p in c.ports or []:
                if p.containerPort == 22 and p.protocol in (None, "TCP"):
                    yield RULE.finding(
                        w.resource,
                        f"{path}.ports[{p.name or 22}]",
                        f"container '{c.name}' exposes port 22",
                    )


RULE = Rule(
    id="ssh-port",
    severity=WARNING,
    summary="A container exposes port 22 (SSH)",
    description=(
        "Port 22 usually means an SSH server inside the container: its own users and keys, outside the "
        "cluster's RBAC and audit log. Use kubectl exec for access."
    ),
    fix="remove the SSH server and port 22; use kubectl exec / debug for access",
    kinds=WORKLOAD_KINDS,
    precision="medium",
    covers=("ssh-port",),
    check=check,
)
