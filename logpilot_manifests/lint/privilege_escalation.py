"""Containers that are privileged or may gain privileges (setuid binaries, file capabilities)."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext

ID = "privilege-escalation"
SEVERITY = ERROR
SUMMARY = "A container is privileged or may escalate its privileges"
FIX = "set securityContext.allowPrivilegeEscalation: false (and never privileged: true)"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            sc = c.get("securityContext") if isinstance(c.get("securityContext"), dict) else {}
            name = c.get("name")
            if sc.get("privileged") is True:
                yield finding(
                    ID, w.resource, f"{path}.securityContext.privileged", f"container '{name}' is privileged"
                )
            elif sc.get("allowPrivilegeEscalation") is not False:
                yield finding(
                    ID,
                    w.resource,
                    f"{path}.securityContext.allowPrivilegeEscalation",
                    f"container '{name}' does not set allowPrivilegeEscalation: false",
                )
