"""A Resource is the plain object plus where it came from and the ids it had before renames."""

from __future__ import annotations

from typing import Any, NamedTuple

# The (apiVersion, kind) pairs kustomize v5.5.0 treats as cluster-scoped: those the Kubernetes 1.21 schema it
# embeds serves at a GET path without a namespace. Scope goes by version: flowcontrol.apiserver.k8s.io/v1beta1
# FlowSchema is cluster-scoped, its v1 and v1beta3 (which 1.21 lacks) are namespaced for kustomize, as are
# custom kinds and every other kind or version the schema does not have.
CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    {
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1", "APIService"),
        ("apiregistration.k8s.io/v1beta1", "APIService"),
        ("certificates.k8s.io/v1", "CertificateSigningRequest"),
        ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("networking.k8s.io/v1beta1", "IngressClass"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("node.k8s.io/v1beta1", "RuntimeClass"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("storage.k8s.io/v1", "CSIDriver"),
        ("storage.k8s.io/v1", "CSINode"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("storage.k8s.io/v1", "VolumeAttachment"),
        ("storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1beta1", "VolumeAttachment"),
        ("v1", "ComponentStatus"),
        ("v1", "Namespace"),
        ("v1", "Node"),
        ("v1", "NodeProxyOptions"),
        ("v1", "PersistentVolume"),
    }
)


def is_cluster_scoped(api_version: str, kind: str) -> bool:
    """Whether kustomize treats objects of this apiVersion and kind as cluster-scoped."""
    return (api_version, kind) in CLUSTER_SCOPED


class ResId(NamedTuple):
    """Identity of a resource as kustomize sees it: group, version, kind, name, namespace."""

    group: str
    version: str
    kind: str
    name: str
    namespace: str  # "" for cluster-scoped kinds or when unset

    def __str__(self) -> str:
        gvk = "/".join(p for p in (self.group, self.version, self.kind) if p)
        ns = f"[ns:{self.namespace}]" if self.namespace else ""
        return f"{gvk}|{self.name}{ns}"

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def effective_namespace(self) -> str:
        if is_cluster_scoped(self.api_version, self.kind):
            return ""
        return self.namespace or "default"

    def same_gvk(self, other: ResId) -> bool:
        return self.group == other.group and self.version == other.version and self.kind == other.kind


def split_api_version(api_version: str) -> tuple[str, str]:
    """'apps/v1' -> ('apps', 'v1'); 'v1' -> ('', 'v1')."""
    group, _, version = api_version.rpartition("/")
    return group, version


# Plain classes, not dataclasses: every module a build imports stays clear of the dataclasses module, whose
# import (it loads inspect) and generated methods cost several milliseconds of each command's start-up.


class GeneratorMeta:
    """What a configMapGenerator / secretGenerator said about the object it made."""

    __slots__ = ("behavior", "hash_suffix", "literal_keys")

    def __init__(
        self, behavior: str = "create", hash_suffix: bool = True, literal_keys: tuple[str, ...] = ()
    ) -> None:
        self.behavior = behavior  # create | merge | replace
        self.hash_suffix = hash_suffix  # False with disableNameSuffixHash
        # The data keys given as ``literals`` (text committed in the kustomization file), for lint.
        self.literal_keys = literal_keys


class Resource:
    """One Kubernetes object in a build.

    ``obj`` is the plain dict as loaded (and then transformed); ``origin`` the file it was read from
    (relative to the top kustomization root) or the generator that made it; ``prev_ids`` the ids it had
    before namespace, prefix/suffix and hash renames, oldest first, so name references can be updated.
    """

    __slots__ = ("obj", "origin", "prev_ids", "generator", "prefixes", "suffixes", "linked", "var_names")

    def __init__(
        self,
        obj: dict[str, Any],
        origin: str = "",
        generator: GeneratorMeta | None = None,
    ) -> None:
        self.obj = obj
        self.origin = origin
        self.prev_ids: list[ResId] = []
        self.generator = generator
        # namePrefix / nameSuffix values applied so far, outermost last (kustomize's name-reference
        # transformer uses them to tell apart candidates with the same original name).
        self.prefixes: list[str] = []
        self.suffixes: list[str] = []
        # True while some label or annotation value is shared by several fields (see links.py)
        self.linked = False
        # the vars (see vars.py) whose value is read from this object
        self.var_names: list[str] = []

    def __repr__(self) -> str:
        return f"Resource({self.id}, origin={self.origin!r})"

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion") or "")

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind") or "")

    @property
    def metadata(self) -> dict[str, Any]:
        md = self.obj.get("metadata")
        if not isinstance(md, dict):
            md = {}
            self.obj["metadata"] = md
        return md

    @property
    def name(self) -> str:
        md = self.obj.get("metadata")
        return str(md.get("name") or "") if isinstance(md, dict) else ""

    @property
    def namespace(self) -> str:
        md = self.obj.get("metadata")
        return str(md.get("namespace") or "") if isinstance(md, dict) else ""

    @property
    def id(self) -> ResId:
        group, version = split_api_version(self.api_version)
        return ResId(group, version, self.kind, self.name, self.namespace)

    def orig_id(self) -> ResId:
        """The id this resource had when it was first loaded or generated."""
        return self.prev_ids[0] if self.prev_ids else self.id

    def all_ids(self) -> list[ResId]:
        """Every id this resource has had, oldest first, ending with the current one."""
        return [*self.prev_ids, self.id]

    def remember_id(self) -> None:
        """Record the current id before a transformer renames the object."""
        cur = self.id
        if not self.prev_ids or self.prev_ids[-1] != cur:
            self.prev_ids.append(cur)

    def set_name(self, name: str) -> None:
        self.remember_id()
        self.metadata["name"] = name

    def set_namespace(self, namespace: str) -> None:
        self.remember_id()
        self.metadata["namespace"] = namespace

    def is_cluster_scoped(self) -> bool:
        return is_cluster_scoped(self.api_version, self.kind)

    def labels(self) -> dict[str, Any]:
        return self.metadata.get("labels") or {}

    def annotations(self) -> dict[str, Any]:
        return self.metadata.get("annotations") or {}
