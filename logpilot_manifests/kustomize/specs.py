"""kustomize's default field specs: which paths of which kinds each transformer touches."""

from __future__ import annotations

from .fieldspec import FieldSpec, fs

_WORKLOAD_TEMPLATE_KINDS = (
    ("", "v1", "ReplicationController"),
    ("", "", "Deployment"),
    ("", "", "ReplicaSet"),
    ("", "", "DaemonSet"),
    ("apps", "", "StatefulSet"),
    ("batch", "", "Job"),
)

_AFFINITY_PATHS = (
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
)


def _metadata_labels() -> list[FieldSpec]:
    out = [fs("metadata/labels", create=True)]
    for group, version, kind in _WORKLOAD_TEMPLATE_KINDS:
        out.append(fs("spec/template/metadata/labels", kind=kind, group=group, version=version, create=True))
        if kind == "StatefulSet":
            out.append(fs("spec/volumeClaimTemplates[]/metadata/labels", kind=kind, group=group, create=True))
    out.append(fs("spec/jobTemplate/metadata/labels", kind="CronJob", group="batch", create=True))
    out.append(
        fs("spec/jobTemplate/spec/template/metadata/labels", kind="CronJob", group="batch", create=True)
    )
    return out


def _selector_labels() -> list[FieldSpec]:
    out = [
        fs("spec/selector", kind="Service", version="v1", create=True),
        fs("spec/selector", kind="ReplicationController", version="v1", create=True),
        fs("spec/selector/matchLabels", kind="Deployment", create=True),
    ]
    out += [fs(p, kind="Deployment", group="apps") for p in _AFFINITY_PATHS]
    out += [
        fs("spec/selector/matchLabels", kind="ReplicaSet", create=True),
        fs("spec/selector/matchLabels", kind="DaemonSet", create=True),
        fs("spec/selector/matchLabels", kind="StatefulSet", group="apps", create=True),
    ]
    out += [fs(p, kind="StatefulSet", group="apps") for p in _AFFINITY_PATHS]
    out += [
        fs("spec/selector/matchLabels", kind="Job", group="batch"),
        fs("spec/jobTemplate/spec/selector/matchLabels", kind="CronJob", group="batch"),
        fs("spec/selector/matchLabels", kind="PodDisruptionBudget", group="policy"),
        fs("spec/podSelector/matchLabels", kind="NetworkPolicy", group="networking.k8s.io"),
        fs("spec/ingress/from/podSelector/matchLabels", kind="NetworkPolicy", group="networking.k8s.io"),
        fs("spec/egress/to/podSelector/matchLabels", kind="NetworkPolicy", group="networking.k8s.io"),
    ]
    return out


# metadata labels of objects and of the pod templates inside workloads
TEMPLATE_LABELS: tuple[FieldSpec, ...] = tuple(_metadata_labels())
# commonLabels / labels with includeSelectors: selectors too
COMMON_LABELS: tuple[FieldSpec, ...] = tuple(_selector_labels() + _metadata_labels())
METADATA_LABELS_ONLY: tuple[FieldSpec, ...] = (fs("metadata/labels", create=True),)


def _annotations() -> list[FieldSpec]:
    out = [fs("metadata/annotations", create=True)]
    for group, version, kind in _WORKLOAD_TEMPLATE_KINDS:
        # kustomize's annotation specs name StatefulSet without a group, unlike its label specs
        g = "" if kind == "StatefulSet" else group
        out.append(fs("spec/template/metadata/annotations", kind=kind, group=g, version=version, create=True))
    out.append(fs("spec/jobTemplate/metadata/annotations", kind="CronJob", group="batch", create=True))
    out.append(
        fs("spec/jobTemplate/spec/template/metadata/annotations", kind="CronJob", group="batch", create=True)
    )
    return out


COMMON_ANNOTATIONS: tuple[FieldSpec, ...] = tuple(_annotations())

NAMESPACE: tuple[FieldSpec, ...] = (
    fs("spec/service/namespace", kind="APIService", group="apiregistration.k8s.io", create=True),
    fs(
        "spec/conversion/webhook/clientConfig/service/namespace",
        kind="CustomResourceDefinition",
        group="apiextensions.k8s.io",
    ),
)

REPLICA_KINDS: tuple[tuple[str, str, str], ...] = (
    ("", "", "Deployment"),
    ("", "", "ReplicationController"),
    ("", "", "ReplicaSet"),
    ("", "", "StatefulSet"),
)

REPLICAS: tuple[FieldSpec, ...] = tuple(
    fs("spec/replicas", kind=kind, create=True) for _, _, kind in REPLICA_KINDS
)

# kustomize's images field specs (besides its walk over every containers/initContainers list)
IMAGES: tuple[FieldSpec, ...] = tuple(
    fs(f"{at}{field}[]/image", create=True)
    for at in ("spec/", "spec/template/spec/")
    for field in ("containers", "initContainers")
)

_VAR_POD_FIELDS = tuple(
    f"{containers}/{field}"
    for containers in ("containers", "initContainers")
    for field in ("args", "command", "env/value", "volumeMounts/mountPath")
)


def _var_reference() -> list[FieldSpec]:
    """Where `$(VAR)` is substituted: pod specs of the workload kinds, and a few fields of others."""
    out: list[FieldSpec] = []
    pod_at = (
        (
            "CronJob",
            "spec/jobTemplate/spec/template/spec/",
            "spec/jobTemplate/spec/template/volumes/nfs/server",
        ),
        ("DaemonSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
        ("Deployment", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
    )
    for kind, at, nfs in pod_at:
        out += [fs(at + f, kind=kind) for f in _VAR_POD_FIELDS] + [fs(nfs, kind=kind)]
    out.append(fs("spec/template/metadata/annotations", kind="Deployment"))
    out += [fs(p, kind="Ingress") for p in ("spec/rules/host", "spec/tls/hosts", "spec/tls/secretName")]
    for kind, at, nfs in (
        ("Job", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
        ("Pod", "spec/", "spec/volumes/nfs/server"),
        ("ReplicaSet", "spec/template/spec/", "spec/template/spec/volumes/nfs/server"),
    ):
        out += [fs(at + f, kind=kind) for f in _VAR_POD_FIELDS] + [fs(nfs, kind=kind)]
    out += [fs("spec/ports/port", kind="Service"), fs("spec/ports/targetPort", kind="Service")]
    out += [fs("spec/template/spec/" + f, kind="StatefulSet") for f in _VAR_POD_FIELDS]
    out.append(fs("spec/volumeClaimTemplates/spec/nfs/server", kind="StatefulSet"))
    out += [fs("spec/nfs/server", kind="PersistentVolume"), fs("metadata/labels"), fs("metadata/annotations")]
    return out


VAR_REFERENCE: tuple[FieldSpec, ...] = tuple(_var_reference())
