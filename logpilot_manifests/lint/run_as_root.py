"""Containers that may run as root: neither runAsNonRoot nor a non-zero runAsUser, in the container or the pod."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext

ID = "run-as-root"
SEVERITY = ERROR
SUMMARY = "A container may run as root"
FIX = "set securityContext.runAsNonRoot: true and a non-zero runAsUser (pod or container level)"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        pod_sc = (
            w.pod_spec.get("securityContext") if isinstance(w.pod_spec.get("securityContext"), dict) else {}
        )
        for path, c in w.containers():
            sc = c.get("securityContext") if isinstance(c.get("securityContext"), dict) else {}
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            if user == 0:
                yield finding(
                    ID, w.resource, f"{path}.securityContext", f"container '{c.get('name')}' runs as uid 0"
                )
            elif non_root is not True and not (isinstance(user, int) and user > 0):
                yield finding(
                    ID,
                    w.resource,
                    f"{path}.securityContext",
                    f"container '{c.get('name')}' sets neither runAsNonRoot: true nor a non-zero runAsUser",
                )
