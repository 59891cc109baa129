"""Containers with a writable root filesystem: an intruder can change binaries; state belongs on volumes."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            sc = c.securityContext
            if sc is None or sc.readOnlyRootFilesystem is not True:
                yield RULE.finding(
                    w.resource,
                    f"{path}.securityContext.readOnlyRootFilesystem",
                    f"container '{c.name}' has a writable root filesystem",
                )


RULE = Rule(
    id="writable-root-filesystem",
    severity=WARNING,
    summary="A container's root filesystem is writable",
    description=(
        "A read-only root filesystem stops an intruder from replacing binaries or planting tools; what the "
        "application writes goes to an emptyDir or a volume."
    ),
    fix="set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_22", "no-read-only-root-fs"),
    check=check,
)
