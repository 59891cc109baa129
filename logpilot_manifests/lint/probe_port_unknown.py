"""A probe that names a port the container does not declare never succeeds (the pod is never ready)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            names = {p.name for p in c.ports or [] if p.name}
            probes = (
                ("livenessProbe", c.livenessProbe),
                ("readinessProbe", c.readinessProbe),
                ("startupProbe", c.startupProbe),
            )
            for probe, spec in probes:
                if spec is None:
                    continue
                actions = (("httpGet", spec.httpGet), ("tcpSocket", spec.tcpSocket))
                for handler, action in actions:
                    port = action.port if action else None
                    if isinstance(port, str) and not port.isdigit() and port not in names:
                        yield RULE.finding(
                            w.resource,
                            f"{path}.{probe}.{handler}.port",
                            f"container '{c.name}' {probe} uses port '{port}', which it does not declare",
                        )


RULE = Rule(
    id="probe-port-unknown",
    severity=ERROR,
    summary="A probe uses a port name the container does not declare",
    description="A named probe port must be one of the container's ports; otherwise the probe never succeeds.",
    fix="use a port name from the container's ports (or the port number)",
    kinds=WORKLOAD_KINDS,
    tags=("reliability",),
    check=check,
)
