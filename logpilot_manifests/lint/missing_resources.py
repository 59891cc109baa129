"""Containers without CPU and memory requests and limits: the scheduler cannot place them well and one
runaway pod can starve its node."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext

ID = "missing-resources"
SEVERITY = ERROR
SUMMARY = "A container has no CPU/memory requests or limits"
FIX = "set resources.requests and resources.limits for cpu and memory on every container"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            res = c.get("resources") if isinstance(c.get("resources"), dict) else {}
            missing = [
                f"{section}.{what}"
                for section in ("requests", "limits")
                for what in ("cpu", "memory")
                if not (isinstance(res.get(section), dict) and res[section].get(what) not in (None, ""))
            ]
            if missing:
                yield finding(
                    ID,
                    w.resource,
                    f"{path}.resources",
                    f"container '{c.get('name')}' has no {', '.join(missing)}",
                )
