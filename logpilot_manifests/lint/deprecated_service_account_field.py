"""Pods using the deprecated ``serviceAccount`` field."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        old, new = w.pod.serviceAccount, w.pod.serviceAccountName
        if old and old != new:
            what = "without serviceAccountName" if not new else f"'{old}' while serviceAccountName is '{new}'"
            yield RULE.finding(
                w.resource, f"{w.spec_path}.serviceAccount", f"the pod sets serviceAccount {what}"
            )


RULE = Rule(
    id="deprecated-service-account-field",
    severity=WARNING,
    summary="A pod uses the deprecated serviceAccount field",
    description=(
        "serviceAccount is a deprecated alias of serviceAccountName; when both are set and differ, which one "
        "wins is easy to get wrong. Matching values are accepted, as kube-linter does."
    ),
    fix="use serviceAccountName (and drop serviceAccount)",
    kinds=WORKLOAD_KINDS,
    tags=("maintainability",),
    covers=("deprecated-service-account-field",),
    check=check,
)
