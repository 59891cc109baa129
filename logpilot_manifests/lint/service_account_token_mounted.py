"""Pods that mount a ServiceAccount token they do not declare they need."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.pod.automountServiceAccountToken is not False:
            yield RULE.finding(
                w.resource,
                f"{w.spec_path}.automountServiceAccountToken",
                "the pod mounts a ServiceAccount token (automountServiceAccountToken is not false)",
            )


RULE = Rule(
    id="service-account-token-mounted",
    severity=WARNING,
    summary="A pod mounts a ServiceAccount token",
    description=(
        "A mounted token lets anyone who gets into the container call the API server as the pod. Pods that "
        "do not talk to the API should set automountServiceAccountToken: false in the pod spec; ones that do "
        "opt out with a reason. Like checkov's CKV_K8S_38, the ServiceAccount's own setting is not counted: "
        "the pod's field is what a reviewer of the workload sees."
    ),
    fix="set automountServiceAccountToken: false in the pod spec (or opt out where the pod calls the API)",
    kinds=WORKLOAD_KINDS,
    tags=("security", "rbac"),
    covers=("CKV_K8S_38",),
    check=check,
)
