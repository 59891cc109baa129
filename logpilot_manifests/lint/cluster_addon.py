"""Cluster add-ons known to be dangerous to deploy: Helm v2's Tiller and the Kubernetes dashboard."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .images import split_image
from .rule import ERROR, Rule

_ADDONS = {
    "tiller": "Helm v2's Tiller (unauthenticated cluster-admin API on port 44134)",
    "kubernetes-dashboard": "the Kubernetes dashboard (a web UI with the rights of its ServiceAccount)",
    "dashboard": "the Kubernetes dashboard (a web UI with the rights of its ServiceAccount)",
}


def _addon(repository: str) -> str | None:
    last = repository.rsplit("/", 1)[-1]
    if last == "dashboard" and "kubernetesui" not in repository:
        return None
    return _ADDONS.get(last)


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            what = _addon(split_image(c.image or "")[0])
            if what:
                yield RULE.finding(w.resource, f"{path}.image", f"deploys {what}")
    for svc, model in ctx.models("Service", core_v1.Service):
        labels = model.metadata.labels if model.metadata else None
        if labels and labels.get("app") == "helm" and labels.get("name") == "tiller":
            yield RULE.finding(svc, "metadata.labels", "exposes Helm v2's Tiller")


RULE = Rule(
    id="cluster-addon",
    severity=ERROR,
    summary="Tiller (Helm v2) or the Kubernetes dashboard is deployed",
    description=(
        "Tiller serves an unauthenticated gRPC API that can do anything cluster-admin can; the dashboard has "
        "been the entry point of public cluster compromises. Covers checkov's CKV_K8S_33, CKV_K8S_34, "
        "CKV_K8S_44 and CKV_K8S_45, which look at the same images and Tiller's Service labels."
    ),
    fix="remove it (Helm 3 needs no in-cluster component; use kubectl proxy or a read-only UI instead)",
    kinds=(*WORKLOAD_KINDS, "Service"),
    covers=("CKV_K8S_33", "CKV_K8S_34", "CKV_K8S_44", "CKV_K8S_45"),
    check=check,
)
