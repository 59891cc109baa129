"""Namespaces the manifests create, run workloads in, and give no LimitRange."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    limited = {r.namespace for r in ctx.of_kind("LimitRange")}
    for ns in ctx.of_kind("Namespace"):
        if ns.name not in limited and ctx.workloads_in(ns.name):
            yield RULE.finding(
                ns, "metadata.name", f"namespace '{ns.name}' runs workloads and has no LimitRange"
            )


RULE = Rule(
    id="limitrange-missing",
    severity=WARNING,
    summary="A namespace running workloads has no LimitRange",
    description=(
        "A LimitRange gives containers that forget their resources a default request and limit, and caps "
        "what any one container may ask for. Only namespaces the manifests create are checked: a shared "
        "namespace's LimitRange belongs to whoever owns it."
    ),
    fix="add a LimitRange (type: Container, default and defaultRequest, max) to the namespace",
    kinds=("Namespace", "LimitRange"),
    tags=("reliability",),
    check=check,
)
