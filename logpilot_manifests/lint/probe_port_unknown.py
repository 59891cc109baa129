"""A probe that names a port the container does not declare never succeeds (the pod is never ready)."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext

ID = "probe-port-unknown"
SEVERITY = ERROR
SUMMARY = "A probe uses a port name the container does not declare"
FIX = "use a port name from the container's ports (or the port number)"

_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            ports = c.get("ports") if isinstance(c.get("ports"), list) else []
            names = {p.get("name") for p in ports if isinstance(p, dict) and p.get("name")}
            for probe in _PROBES:
                spec = c.get(probe)
                if not isinstance(spec, dict):
                    continue
                for handler in ("httpGet", "tcpSocket"):
                    action = spec.get(handler)
                    port = action.get("port") if isinstance(action, dict) else None
                    if isinstance(port, str) and not port.isdigit() and port not in names:
                        yield finding(
                            ID,
                            w.resource,
                            f"{path}.{probe}.{handler}.port",
                            f"container '{c.get('name')}' {probe} uses port '{port}', which it does not declare",
                        )
