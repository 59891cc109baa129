"""What the lint rules look at: the rendered resources, indexed once (by kind, by namespace, workloads and their
pod templates by label), plus helpers every rule shares. Every index is built in one pass, so a rule that
looks objects up through them stays linear in the objects it reads.

An object of a workload kind without a pod template (a stub that a patch was meant to complete; ``validate``
rejects it) is not a workload here, so no container or pod rule reports it; checkov fails it on every pod
check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from ..kustomize.resource import Resource
from ..models import Model, ModelError, decode, typed_or_none
from ..models.crds import argoproj_io_v1alpha1 as argo
from ..models.k8s import apps_v1, autoscaling_v1, autoscaling_v2, core_v1, meta_v1
from ..models.selectors import selector_is_empty, selector_matches

M = TypeVar("M", bound=Model)
# Both served versions of HorizontalPodAutoscaler name their target and minimum alike.
Autoscaler = autoscaling_v1.HorizontalPodAutoscaler | autoscaling_v2.HorizontalPodAutoscaler
# An ephemeral container has a container's fields (and a target): rules read them alike.
AnyContainer = core_v1.Container | core_v1.EphemeralContainer

# The kinds whose spec.replicas says how many pods run (a DaemonSet runs one per node: counted as one).
Replicated = (
    apps_v1.Deployment
    | apps_v1.StatefulSet
    | apps_v1.ReplicaSet
    | core_v1.ReplicationController
    | argo.Rollout
)

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
    "PodTemplate": ("template",),
}
WORKLOAD_KINDS = (*_POD_TEMPLATE_PATHS, "Pod")
# Workloads that run until stopped (probes and disruption budgets make sense for them, not for jobs).
LONG_RUNNING = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Rollout", "Pod"}
)
SCALABLE = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout"})
# Kinds that live outside namespaces (the built-in ones that manifests commonly carry).
CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass", "PodSecurityPolicy",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "CSIDriver",
        "VolumeSnapshotClass", "ClusterIssuer", "GatewayClass", "CertificateSigningRequest",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "FlowSchema",
        "PriorityLevelConfiguration", "ClusterRoleList", "ComponentStatus", "CSINode", "VolumeAttachment",
    }
)  # fmt: skip


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class Workload:
    """A resource that runs pods: its pod template's labels and spec (typed as ``pod``), and where the
    template sits."""

    resource: Resource
    template_path: str
    labels: dict[str, str]
    pod: core_v1.PodSpec
    # The pod template's annotations (a Pod's own).
    annotations: dict[str, str]
    # False when the pod template does not fit its schema: the workload is still selected by labels (so a
    # Service selecting it is not reported as selecting nothing), but its pod reads as empty and it is not in
    # ``LintContext.workloads``, which the pod and container rules read.
    readable: bool = True

    @property
    def labels_path(self) -> str:
        return f"{self.template_path}.metadata.labels" if self.template_path else "metadata.labels"

    @property
    def spec_path(self) -> str:
        return f"{self.template_path}.spec" if self.template_path else "spec"

    def containers(self, *, init: bool = True) -> Iterator[tuple[str, AnyContainer]]:
        """(path, container) for every container (and init and ephemeral container) of the pod spec."""
        sections: list[tuple[str, list[core_v1.Container] | list[core_v1.EphemeralContainer] | None]] = [
            ("initContainers", self.pod.initContainers),
            ("containers", self.pod.containers),
            ("ephemeralContainers", self.pod.ephemeralContainers),
        ]
        for section, found in sections if init else sections[1:2]:
            for c in found or []:
                yield f"{self.spec_path}.{section}[name={c.name}]", c


def get_in(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


@dataclass
class Coverage:
    """Workloads selected by some object: by identity, or whole namespaces."""

    ids: set[int] = field(default_factory=set)
    namespaces: set[str] = field(default_factory=set)

    def __contains__(self, w: Workload) -> bool:
        return w.resource.namespace in self.namespaces or id(w) in self.ids


@dataclass
class LintContext:
    """Everything a rule may consult. ``production`` turns on the production-only rules."""

    resources: list[Resource]
    production: bool = False
    root: Path | None = None
    workloads: list[Workload] = field(default_factory=list)
    by_kind: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    _by_label: dict[tuple[str, str, str], list[Workload]] = field(default_factory=lambda: defaultdict(list))
    _by_namespace: dict[str, list[Workload]] = field(default_factory=lambda: defaultdict(list))
    _names: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    # Objects (or their pod templates) that do not fit their kind's schema: reported by ``unfit-object``
    # and skipped by every other rule that would read them typed.
    unfit: list[tuple[Resource, str]] = field(default_factory=list)
    _models: dict[int, Model | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.resources:
            self.by_kind[r.kind].append(r)
            self._names[(r.kind, r.namespace)].add(r.name)
            try:
                w = _workload(r)
            except ModelError as exc:
                self.unfit.append((r, str(exc)))
                w = _workload(r, readable=False)
            if w is None:
                continue
            if w.readable:
                self.workloads.append(w)
            self._by_namespace[w.resource.namespace].append(w)
            for k, v in w.labels.items():
                self._by_label[(w.resource.namespace, k, v)].append(w)

    def of_kind(self, kind: str) -> list[Resource]:
        return self.by_kind.get(kind, [])

    def model(self, r: Resource) -> Model | None:
        """The typed model of ``r``, built once; None for a kind without a model or an object that does not
        fit its schema (recorded in ``unfit``)."""
        key = id(r)
        if key not in self._models:
            try:
                self._models[key] = typed_or_none(r.obj, older_versions=True)
            except ModelError as exc:
                self._models[key] = None
                if all(u is not r for u, _ in self.unfit):
                    self.unfit.append((r, str(exc)))
        return self._models[key]

    def models(self, kind: str, cls: type[M]) -> Iterator[tuple[Resource, M]]:
        """(resource, model) for the objects of ``kind`` whose model is ``cls`` (other API versions of the
        kind, and objects that do not fit, are left out)."""
        for r in self.of_kind(kind):
            m = self.model(r)
            if isinstance(m, cls):
                yield r, m

    def has(self, kind: str, namespace: str, name: str) -> bool:
        """Whether the manifests define ``kind`` ``namespace/name``."""
        return name in self._names.get((kind, namespace), ())

    def workloads_in(self, namespace: str) -> list[Workload]:
        return self._by_namespace.get(namespace, [])

    def selected(self, namespace: str, selector: meta_v1.LabelSelector | None) -> list[Workload]:
        """The workloads in ``namespace`` whose pod template ``selector`` matches (none for no selector);
        through the label index, so a selector costs the size of its smallest matchLabels bucket, not the
        namespace."""
        if selector is None:
            return []
        if selector.matchLabels:
            buckets = [self._by_label.get((namespace, k, v), []) for k, v in selector.matchLabels.items()]
            candidates = min(buckets, key=len)
        else:
            candidates = self.workloads_in(namespace)
        return [w for w in candidates if selector_matches(selector, w.labels)]

    def selected_by_map(self, namespace: str, selector: Mapping[str, str] | None) -> list[Workload]:
        """The workloads a plain label map (a Service's ``spec.selector``) selects; empty selects none."""
        if not selector:
            return []
        return self.selected(namespace, meta_v1.LabelSelector(matchLabels=dict(selector)))

    def covered_by(
        self, kind: str, cls: type[M], selector_of: Callable[[M], meta_v1.LabelSelector | None]
    ) -> Coverage:
        """The workloads that some object of ``kind`` (read as ``cls``) selects: a PDB, a NetworkPolicy...
        A selector that selects everything covers its namespace at once, so a namespace-wide policy per copy
        of an application stays linear."""
        cover = Coverage()
        for r, model in self.models(kind, cls):
            selector = selector_of(model)
            if selector is not None and selector_is_empty(selector):
                cover.namespaces.add(r.namespace)
            elif r.namespace not in cover.namespaces:
                cover.ids.update(id(w) for w in self.selected(r.namespace, selector))
        return cover

    def autoscalers(self) -> Iterator[tuple[Resource, Autoscaler]]:
        """(resource, model) for the HorizontalPodAutoscalers of every served version, in object order."""
        for r in self.of_kind("HorizontalPodAutoscaler"):
            model = self.model(r)
            if isinstance(
                model, autoscaling_v1.HorizontalPodAutoscaler | autoscaling_v2.HorizontalPodAutoscaler
            ):
                yield r, model

    @cached_property
    def _hpa_minimum(self) -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = {}
        for r, hpa in self.autoscalers():
            ref, minimum = hpa.spec.scaleTargetRef, hpa.spec.minReplicas
            key = (r.namespace, ref.kind, ref.name)
            out[key] = max(out.get(key, 1), minimum if minimum is not None else 1)
        return out

    def replicas(self, w: Workload) -> int | None:
        """The most replicas a workload asks for: ``spec.replicas`` or an HPA's minimum, whichever is larger;
        None when the workload does not fit its schema (unfit-object reports it; its count is unknown)."""
        if not w.readable:
            return None
        model = self.model(w.resource)
        if model is None and w.resource.kind != "Pod":
            return None
        count = _spec_replicas(model)
        r = w.resource
        return max(count if count is not None else 1, self._hpa_minimum.get((r.namespace, r.kind, r.name), 0))


def _spec_replicas(model: Model | None) -> int | None:
    """``spec.replicas`` of the kinds that run that many pods (a DaemonSet runs one per node: None here)."""
    if isinstance(model, apps_v1.Deployment | apps_v1.StatefulSet | apps_v1.ReplicaSet | argo.Rollout):
        return model.spec.replicas
    if isinstance(model, core_v1.ReplicationController):
        return model.spec.replicas if model.spec else None
    return None


def _template(r: Resource, template: dict[str, Any], at: str, readable: bool) -> core_v1.PodTemplateSpec:
    if not readable:
        return core_v1.PodTemplateSpec()
    return decode(template, core_v1.PodTemplateSpec, f"{r.kind} {r.name}", at)


def _workload(r: Resource, readable: bool = True) -> Workload | None:
    """The workload view of ``r``; ModelError when its pod template does not fit the PodTemplateSpec schema
    (unless ``readable`` is False: then its pod reads as empty). A Pod is its own template."""
    if r.kind == "Pod":
        path: tuple[str, ...] = ()
        template: Any = {"metadata": r.obj.get("metadata"), "spec": r.obj.get("spec")}
    elif r.kind in _POD_TEMPLATE_PATHS:
        path = _POD_TEMPLATE_PATHS[r.kind]
        template = get_in(r.obj, path)
    else:
        return None
    if not isinstance(template, dict) or (r.kind == "Pod" and not isinstance(template["spec"], dict)):
        return None
    labels = as_dict(get_in(template, ("metadata", "labels")))
    typed = _template(r, template, ".".join(path), readable)
    meta = typed.metadata
    return Workload(
        r,
        ".".join(path),
        {str(k): str(v) for k, v in labels.items()},
        typed.spec or core_v1.PodSpec(containers=[]),
        dict(meta.annotations or {}) if meta else {},
        readable,
    )
