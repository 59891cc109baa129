"""A probe that names a port the container does not declare never succeeds (the pod is never ready)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, as_list
from .rule import ERROR, Rule

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            names = {p.get("name") for p in as_list(c.get("ports")) if isinstance(p, dict) and p.get("name")}
            for probe in _PROBES:
                spec = c.get(probe)
                if not isinstance(spec, dict):
                    continue
                for handler in ("httpGet", "tcpSocket"):
                    action = spec.get(handler)
                    port = action.get("port") if isinstance(action, dict) else None
                    if isinstance(port, str) and not port.isdigit() and port not in names:
                        yield RULE.finding(
                            w.resource,
                            f"{path}.{probe}.{handler}.port",
                            f"container '{c.get('name')}' {probe} uses port '{port}', which it does not declare",
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
