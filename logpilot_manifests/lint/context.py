"""What the lint rules look at: the rendered resources, indexed once (workloads and their pod templates,
services, disruption budgets, network policies), plus helpers every rule shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kustomize.resource import Resource

# Where the pod template sits in each workload kind (Argo Rollouts' Rollout has a Deployment's shape).
_POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "Rollout": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
# Workloads that run until stopped (probes and disruption budgets make sense for them, not for jobs).
LONG_RUNNING = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Rollout"}
)
SCALABLE = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"})


@dataclass
class Workload:
    """A resource that runs pods: its pod template's labels and spec, and where the template sits."""

    resource: Resource
    template_path: str
    labels: dict[str, str]
    pod_spec: dict[str, Any]

    def containers(self, *, init: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, container) for every container (and init container) of the pod spec."""
        sections = ("initContainers", "containers") if init else ("containers",)
        for section in sections:
            items = self.pod_spec.get(section)
            for c in items if isinstance(items, list) else []:
                if isinstance(c, dict):
                    yield f"{self.template_path}.spec.{section}[name={c.get('name', '')}]", c


def get_in(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels + matchExpressions) against a label set; empty matches all."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, dict) or not isinstance(expressions, list):
        return False
    if any(labels.get(str(k)) != str(v) for k, v in match_labels.items()):
        return False
    for expr in expressions:
        if not isinstance(expr, dict):
            return False
        key, op = str(expr.get("key")), expr.get("operator")
        raw = expr.get("values") or []
        values = [str(v) for v in raw] if isinstance(raw, list) else []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


@dataclass
class LintContext:
    """Everything a rule may consult. ``production`` turns on the production-only rules."""

    resources: list[Resource]
    production: bool = False
    root: Path | None = None
    workloads: list[Workload] = field(default_factory=list)
    by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for r in self.resources:
            self.by_kind[r.kind].append(r)
            path = _POD_TEMPLATE_PATHS.get(r.kind)
            if path is None:
                continue
            template = get_in(r.obj, path)
            if not isinstance(template, dict):
                continue
            labels = get_in(template, ("metadata", "labels"))
            labels = labels if isinstance(labels, dict) else {}
            spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
            self.workloads.append(
                Workload(r, ".".join(path), {str(k): str(v) for k, v in labels.items()}, spec)
            )

    def of_kind(self, kind: str) -> list[Resource]:
        return self.by_kind.get(kind, [])

    def replicas(self, w: Workload) -> int:
        """The most replicas a workload asks for: ``spec.replicas`` or an HPA's minimum, whichever is larger."""
        count = get_in(w.resource.obj, ("spec", "replicas"))
        count = count if isinstance(count, int) and not isinstance(count, bool) else 1
        for hpa in self.of_kind("HorizontalPodAutoscaler"):
            ref = get_in(hpa.obj, ("spec", "scaleTargetRef"))
            if (
                isinstance(ref, dict)
                and ref.get("kind") == w.resource.kind
                and ref.get("name") == w.resource.name
                and hpa.namespace == w.resource.namespace
            ):
                minimum = get_in(hpa.obj, ("spec", "minReplicas"))
                count = max(
                    count, minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else 1
                )
        return count
