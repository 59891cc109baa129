"""Pods that no NetworkPolicy selects accept traffic from anywhere in the cluster."""

from __future__ import annotations

from collections.abc import Iterator

from . import WARNING, Finding, finding
from .context import LintContext, get_in, selector_matches

ID = "network-policy-missing"
SEVERITY = WARNING
SUMMARY = "A workload's pods are not covered by any NetworkPolicy"
FIX = "add a NetworkPolicy in the namespace whose podSelector selects these pods"


def check(ctx: LintContext) -> Iterator[Finding]:
    policies = ctx.of_kind("NetworkPolicy")
    for w in ctx.workloads:
        covered = any(
            p.namespace == w.resource.namespace
            and selector_matches(get_in(p.obj, ("spec", "podSelector")), w.labels)
            for p in policies
        )
        if not covered:
            yield finding(
                ID, w.resource, f"{w.template_path}.metadata.labels", "no NetworkPolicy selects its pods"
            )
