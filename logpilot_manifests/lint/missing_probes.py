"""Long-running containers without liveness and readiness probes: Kubernetes cannot tell a hung or
starting container from a healthy one."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import LONG_RUNNING, WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule

_EMPTY = core_v1.Probe()


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.resource.kind not in LONG_RUNNING:
            continue
        for path, c in w.containers(init=False):
            probes = (("livenessProbe", c.livenessProbe), ("readinessProbe", c.readinessProbe))
            # An empty probe (``livenessProbe: {}``) probes nothing: it counts as missing.
            missing = [name for name, probe in probes if probe is None or probe == _EMPTY]
            if missing:
                yield RULE.finding(w.resource, path, f"container '{c.name}' has no {' or '.join(missing)}")


RULE = Rule(
    id="missing-probes",
    severity=ERROR,
    summary="A long-running container has no liveness or readiness probe",
    description=(
        "Without a readiness probe a starting or overloaded pod receives traffic; without a liveness probe a "
        "hung one is never restarted. Jobs and CronJobs are exempt (they end on their own), as checkov's "
        "CKV_K8S_8/9 also exempt them."
    ),
    fix="add livenessProbe and readinessProbe (and a startupProbe for slow starts) to the container",
    kinds=WORKLOAD_KINDS,
    tags=("reliability",),
    covers=("CKV_K8S_8", "CKV_K8S_9", "no-liveness-probe", "no-readiness-probe"),
    check=check,
)
