"""Containers that may gain privileges (setuid binaries, file capabilities) beyond their parent process."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            sc = c.securityContext
            if sc is None or sc.allowPrivilegeEscalation is not False:
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.allowPrivilegeEscalation",
                    f"container '{c.name}' does not set allowPrivilegeEscalation: false",
                )


RULE = Rule(
    id="privilege-escalation",
    severity=ERROR,
    summary="A container may escalate its privileges",
    description=(
        "Unless allowPrivilegeEscalation is false, a setuid binary or file capability lets a process gain more "
        "privileges than its parent (no_new_privs is unset). Pod Security 'restricted' requires false. Like "
        "checkov's CKV_K8S_20, an unset field is flagged (the default is true)."
    ),
    fix="set securityContext.allowPrivilegeEscalation: false on every container",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_20", "privilege-escalation-container"),
    check=check,
)
