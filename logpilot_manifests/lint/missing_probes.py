"""Long-running containers without liveness and readiness probes: Kubernetes cannot tell a hung or
starting container from a healthy one."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LONG_RUNNING, LintContext

ID = "missing-probes"
SEVERITY = ERROR
SUMMARY = "A long-running container has no liveness or readiness probe"
FIX = "add livenessProbe and readinessProbe (and a startupProbe for slow starts) to the container"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.resource.kind not in LONG_RUNNING:
            continue
        for path, c in w.containers(init=False):
            missing = [p for p in ("livenessProbe", "readinessProbe") if not c.get(p)]
            if missing:
                yield finding(
                    ID, w.resource, path, f"container '{c.get('name')}' has no {' or '.join(missing)}"
                )
