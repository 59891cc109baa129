"""Namespaces the manifests create without Pod Security 'restricted' enforced."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import LintContext
from .rule import WARNING, Rule

LABEL = "pod-security.kubernetes.io/enforce"


def check(ctx: LintContext) -> Iterator[Finding]:
    for ns, model in ctx.models("Namespace", core_v1.Namespace):
        labels = model.metadata.labels if model.metadata else None
        level = labels.get(LABEL) if labels else None
        if level != "restricted" and ctx.workloads_in(ns.name):
            shown = f"'{level}'" if level else "not set"
            yield RULE.finding(
                ns, f'metadata.labels["{LABEL}"]', f"Pod Security enforce level is {shown}, not 'restricted'"
            )


RULE = Rule(
    id="pod-security-not-enforced",
    severity=WARNING,
    summary="A namespace running workloads does not enforce Pod Security 'restricted'",
    description=(
        "The Pod Security admission controller rejects pods that break the level a namespace enforces; "
        "'restricted' makes the container rules of this linter hold in the cluster, not only in review. "
        "Only namespaces the manifests create and run workloads in are checked."
    ),
    fix='label the Namespace pod-security.kubernetes.io/enforce: "restricted"',
    kinds=("Namespace", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"),
    check=check,
)
