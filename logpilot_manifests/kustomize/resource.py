"""A Resource is the plain object plus where it came from and the ids it had before renames."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Kinds kustomize v5.5.0 treats as cluster-scoped: those of the Kubernetes 1.21 schema it embeds. Kinds it does
# not know (custom kinds, and built-in kinds added after 1.21) are namespaced for it, and so for us.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CSIDriver",
        "CSINode",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CustomResourceDefinition",
        "FlowSchema",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PodSecurityPolicy",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "StorageClass",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)


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
    def effective_namespace(self) -> str:
        if self.kind in CLUSTER_SCOPED_KINDS:
            return ""
        return self.namespace or "default"

    def same_gvk(self, other: ResId) -> bool:
        return self.group == other.group and self.version == other.version and self.kind == other.kind


def split_api_version(api_version: str) -> tuple[str, str]:
    """'apps/v1' -> ('apps', 'v1'); 'v1' -> ('', 'v1')."""
    group, _, version = api_version.rpartition("/")
    return group, version


@dataclass(slots=True)
class GeneratorMeta:
    """What a configMapGenerator / secretGenerator said about the object it made."""

    behavior: str = "create"  # create | merge | replace
    hash_suffix: bool = True  # False with disableNameSuffixHash
    # The data keys given as ``literals`` (text committed in the kustomization file), for lint.
    literal_keys: tuple[str, ...] = ()


@dataclass(slots=True)
class Resource:
    """One Kubernetes object in a build.

    ``obj`` is the plain dict as loaded (and then transformed); ``origin`` the file it was read from
    (relative to the top kustomization root) or the generator that made it; ``prev_ids`` the ids it had
    before namespace, prefix/suffix and hash renames, oldest first, so name references can be updated.
    """

    obj: dict[str, Any]
    origin: str = ""
    prev_ids: list[ResId] = field(default_factory=list)
    generator: GeneratorMeta | None = None
    # namePrefix / nameSuffix values applied so far, outermost last (kustomize's name-reference
    # transformer uses them to tell apart candidates with the same original name).
    prefixes: list[str] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)
    # True while some label or annotation value is shared by several fields (see links.py)
    linked: bool = False

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
        return self.kind in CLUSTER_SCOPED_KINDS

    def labels(self) -> dict[str, Any]:
        return self.metadata.get("labels") or {}

    def annotations(self) -> dict[str, Any]:
        return self.metadata.get("annotations") or {}
