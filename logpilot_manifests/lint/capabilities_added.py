"""Containers adding Linux capabilities beyond NET_BIND_SERVICE (SYS_ADMIN, NET_RAW, ALL...)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule

# The one capability Pod Security 'restricted' lets a container add.
ALLOWED = frozenset({"NET_BIND_SERVICE"})


def _name(cap: str) -> str:
    text = cap.upper()
    return text[4:] if text.startswith("CAP_") else text


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            caps = c.securityContext.capabilities if c.securityContext else None
            added = caps.add if caps and caps.add else []
            extra = [_name(a) for a in added if _name(a) not in ALLOWED]
            if extra:
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.capabilities.add",
                    f"container '{c.name}' adds {', '.join(extra)}",
                )


RULE = Rule(
    id="capabilities-added",
    severity=ERROR,
    summary="A container adds Linux capabilities (SYS_ADMIN, NET_RAW, ALL...)",
    description=(
        "Added capabilities widen what root in the container can do to the kernel: SYS_ADMIN is nearly "
        "root on the node, NET_RAW allows spoofing on the pod network. Pod Security 'restricted' allows only "
        "NET_BIND_SERVICE, so this rule does too; checkov's CKV_K8S_25 also fails NET_BIND_SERVICE (the one "
        "difference), and CKV_K8S_39 (SYS_ADMIN) is a subset of this rule."
    ),
    fix="remove capabilities.add (only NET_BIND_SERVICE is acceptable, to bind ports below 1024)",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_25", "CKV_K8S_39"),
    check=check,
)
