"""Containers with a writable root filesystem: an intruder can change binaries; state belongs on volumes."""

from __future__ import annotations

from collections.abc import Iterator

from . import WARNING, Finding, finding
from .context import LintContext

ID = "writable-root-filesystem"
SEVERITY = WARNING
SUMMARY = "A container's root filesystem is writable"
FIX = "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            sc = c.get("securityContext") if isinstance(c.get("securityContext"), dict) else {}
            if sc.get("readOnlyRootFilesystem") is not True:
                yield finding(
                    ID,
                    w.resource,
                    f"{path}.securityContext.readOnlyRootFilesystem",
                    f"container '{c.get('name')}' has a writable root filesystem",
                )
