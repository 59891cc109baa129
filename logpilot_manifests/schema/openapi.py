"""The Kubernetes OpenAPI definitions, reduced to what strategic merge needs.

The definitions come from the ``kubernetes-validate`` package (its newest ``v1.X.0-local`` folder). They are
read lazily, once, on the first lookup, so commands that apply no strategic merge patch never pay for them.
Each definition becomes a :class:`FieldSchema` the first time a patch walks into it; ``$ref`` chains are
resolved once and the resulting nodes are shared.

kustomize v5.5.0 merges with the schema of Kubernetes 1.21 built into it, so the lookup keeps to what that
schema knows: only the resource types it has (a type added later, e.g. ``autoscaling/v2``, has no schema
there, so its lists are replaced), types removed since then take the schema of their group's newest version,
and the few merge lists the API gained after 1.21 are left without a schema.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar, Token
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PACKAGE = "kubernetes_validate"
_SCHEMA_FOLDER = "kubernetes-json-schema"
_DEFINITIONS_FILE = "_definitions.json"
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local$")

_PATCH_STRATEGY = "x-kubernetes-patch-strategy"
_PATCH_MERGE_KEY = "x-kubernetes-patch-merge-key"
_LIST_MAP_KEYS = "x-kubernetes-list-map-keys"
_GVK = "x-kubernetes-group-version-kind"


# The resource types of kustomize v5.5.0's built-in schema (Kubernetes 1.21), by apiVersion.
_KUSTOMIZE_TYPES: dict[str, tuple[str, ...]] = {
    "admissionregistration.k8s.io/v1": ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
    "admissionregistration.k8s.io/v1beta1": (
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ),
    "apiextensions.k8s.io/v1": ("CustomResourceDefinition",),
    "apiextensions.k8s.io/v1beta1": ("CustomResourceDefinition",),
    "apiregistration.k8s.io/v1": ("APIService",),
    "apiregistration.k8s.io/v1beta1": ("APIService",),
    "apps/v1": ("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"),
    "autoscaling/v1": ("HorizontalPodAutoscaler", "Scale"),
    "autoscaling/v2beta1": ("HorizontalPodAutoscaler",),
    "autoscaling/v2beta2": ("HorizontalPodAutoscaler",),
    "batch/v1": ("CronJob", "Job"),
    "batch/v1beta1": ("CronJob",),
    "certificates.k8s.io/v1": ("CertificateSigningRequest",),
    "certificates.k8s.io/v1beta1": ("CertificateSigningRequest",),
    "coordination.k8s.io/v1": ("Lease",),
    "coordination.k8s.io/v1beta1": ("Lease",),
    "discovery.k8s.io/v1": ("EndpointSlice",),
    "discovery.k8s.io/v1beta1": ("EndpointSlice",),
    "events.k8s.io/v1": ("Event",),
    "events.k8s.io/v1beta1": ("Event",),
    "extensions/v1beta1": ("Ingress",),
    "flowcontrol.apiserver.k8s.io/v1beta1": ("FlowSchema", "PriorityLevelConfiguration"),
    "networking.k8s.io/v1": ("Ingress", "IngressClass", "NetworkPolicy"),
    "networking.k8s.io/v1beta1": ("Ingress", "IngressClass"),
    "node.k8s.io/v1": ("RuntimeClass",),
    "node.k8s.io/v1beta1": ("RuntimeClass",),
    "policy/v1": ("PodDisruptionBudget",),
    "policy/v1beta1": ("PodDisruptionBudget", "PodSecurityPolicy"),
    "rbac.authorization.k8s.io/v1": ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    "rbac.authorization.k8s.io/v1beta1": ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    "scheduling.k8s.io/v1": ("PriorityClass",),
    "scheduling.k8s.io/v1beta1": ("PriorityClass",),
    "storage.k8s.io/v1": ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
    "storage.k8s.io/v1beta1": (
        "CSIDriver",
        "CSINode",
        "CSIStorageCapacity",
        "StorageClass",
        "VolumeAttachment",
    ),
    "v1": (
        "ComponentStatus",
        "ConfigMap",
        "Endpoints",
        "Event",
        "LimitRange",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Pod",
        "PodTemplate",
        "ReplicationController",
        "ResourceQuota",
        "Secret",
        "Service",
        "ServiceAccount",
    ),
}

# A removed type whose kind lives on in another group.
_MOVED_GROUPS = {("extensions", "Ingress"): "networking.k8s.io"}

# Merge lists added to the API after Kubernetes 1.21: kustomize has no schema for them (they are replaced).
_NEWER_FIELDS = frozenset(
    {
        ("io.k8s.api.core.v1.PodSpec", "schedulingGates"),
        ("io.k8s.api.core.v1.PodSpec", "resourceClaims"),
        ("io.k8s.api.core.v1.PodSpec", "evictionResponders"),
        ("io.k8s.api.core.v1.PodStatus", "hostIPs"),
        ("io.k8s.api.core.v1.PodStatus", "resourceClaimStatuses"),
        ("io.k8s.api.core.v1.PodStatus", "nodeAllocatableResourceClaimStatuses"),
        ("io.k8s.api.core.v1.ContainerStatus", "allocatedResourcesStatus"),
        ("io.k8s.api.core.v1.ContainerStatus", "volumeMounts"),
        ("io.k8s.api.admissionregistration.v1.MutatingWebhook", "matchConditions"),
        ("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "matchConditions"),
        ("io.k8s.api.batch.v1.JobSpec", "schedulingConfiguration"),
        ("io.k8s.api.storage.v1.CSINodeStatus", "storageHealth"),
        (
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
            "x-kubernetes-validations",
        ),
        # reached only as the schema of the removed autoscaling/v2beta1 and v2beta2, which did not merge it
        ("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus", "conditions"),
    }
)

_VERSION_RANK = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def _version_key(version: str) -> tuple[int, int, int]:
    """Sort key of an API version: GA above beta above alpha, then by number."""
    match = _VERSION_RANK.match(version)
    if match is None:
        return (-1, 0, 0)
    stage = {"alpha": 0, "beta": 1, None: 2}[match[2]]
    return (stage, int(match[1]), int(match[3] or 0))


class FieldSchema:
    """The schema of one field: its sub-fields, its list elements and its patch strategy and merge keys."""

    __slots__ = (
        "_index",
        "_raw",
        "_name",
        "_fields",
        "_elements",
        "_additional",
        "strategy",
        "merge_keys",
        "associative",
    )

    def __init__(self, index: _Index, raw: dict[str, Any], name: str = "") -> None:
        self._index = index
        self._raw = raw
        self._name = name  # the definition's name; empty for inline schemas
        self._fields: dict[str, FieldSchema | None] = {}
        self._elements: FieldSchema | None | Literal[False] = False  # False: not computed yet
        self._additional: FieldSchema | None | Literal[False] = False
        strategy = raw.get(_PATCH_STRATEGY)
        if isinstance(strategy, str):
            self.strategy = strategy
            # Several merge keys (x-kubernetes-list-map-keys) win over the single patch merge key, as in kyaml.
            keys = raw.get(_LIST_MAP_KEYS)
            if isinstance(keys, list) and keys:
                self.merge_keys: tuple[str, ...] = tuple(str(k) for k in keys)
            else:
                key = raw.get(_PATCH_MERGE_KEY)
                self.merge_keys = (key,) if isinstance(key, str) else ()
        else:
            self.strategy = ""
            self.merge_keys = ()
        self.associative = "merge" in self.strategy.split(",")

    def field(self, name: str) -> FieldSchema | None:
        """Schema of the map entry ``name``: a declared property, else the map's value schema, else None."""
        try:
            return self._fields[name]
        except KeyError:
            pass
        sub = self._raw.get("properties", {}).get(name)
        if sub is None:
            return self._map_values()
        if (self._name, name) in _NEWER_FIELDS:
            self._fields[name] = None
            return None
        result = self._fields[name] = self._index.node(sub)
        return result

    def _map_values(self) -> FieldSchema | None:
        """The one schema shared by every value of a map (``additionalProperties``), built once."""
        if self._additional is False:
            extra = self._raw.get("additionalProperties")
            self._additional = self._index.node(extra) if isinstance(extra, dict) else None
        return self._additional

    def elements(self) -> FieldSchema | None:
        """Schema of the elements of an array field; None for anything that is not an array."""
        if self._elements is False:
            raw = self._raw
            types = raw.get("type")
            type_list = [types] if isinstance(types, str) else list(types or [])
            is_array = "array" in type_list and all(t in ("array", "null") for t in type_list)
            items = raw.get("items")
            self._elements = self._index.node(items) if is_array and isinstance(items, dict) else None
        return self._elements


class _Index:
    """The parsed definitions, indexed by resource type, with one FieldSchema per resolved definition."""

    def __init__(
        self,
        definitions: Mapping[str, Any],
        version: str,
        gvks: Iterable[tuple[str, Any]] | None = None,
    ) -> None:
        """``gvks``: (definition name, its x-kubernetes-group-version-kind list) pairs, when known without
        reading every definition; by default they are read from ``definitions``."""
        self.version = version
        self._definitions = definitions
        self._by_name: dict[str, FieldSchema] = {}
        self._lock = threading.Lock()
        self.by_type: dict[tuple[str, str], str] = {}
        if gvks is None:
            gvks = ((name, definition.get(_GVK, ())) for name, definition in definitions.items())
        for name, gvk_list in gvks:
            for gvk in gvk_list:
                group, version_, kind = gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")
                api_version = f"{group}/{version_}" if group else version_
                self.by_type[(api_version, kind)] = name

    def named(self, name: str) -> FieldSchema | None:
        """The FieldSchema of definition ``name``, built on first use."""
        node = self._by_name.get(name)
        if node is None:
            raw = self._definitions.get(name)
            if raw is None:
                return None
            with self._lock:
                node = self._by_name.setdefault(name, FieldSchema(self, raw, name))
        return node

    def node(self, raw: dict[str, Any]) -> FieldSchema | None:
        """The FieldSchema of an inline schema; a ``$ref`` is followed to its definition (its chain resolved)."""
        seen = 0
        while "$ref" in raw:
            ref = raw["$ref"]
            name = ref.rsplit("/", 1)[-1]
            target = self._definitions.get(name)
            if target is None or seen > 32:
                return None
            if "$ref" not in target:
                return self.named(name)
            raw = target
            seen += 1
        return FieldSchema(self, raw)


def _schema_folder() -> Traversable:
    """The package's schema folder, located without importing the package (its import is slow)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None:
        raise RuntimeError(f"the {_PACKAGE} package is not installed: it provides the Kubernetes schemas")
    for location in spec.submodule_search_locations or ():
        folder = Path(location) / _SCHEMA_FOLDER
        if folder.is_dir():
            return folder
    from importlib import resources  # only for a package not installed as plain files (a zip); slow to import

    return resources.files(_PACKAGE) / _SCHEMA_FOLDER


def _newest_definitions() -> tuple[bytes, str]:
    """Content and version of the newest ``_definitions.json`` that kubernetes-validate ships."""
    folder = _schema_folder()
    best: tuple[tuple[int, int, int], str] | None = None
    for entry in folder.iterdir():
        match = _VERSION_DIR.match(entry.name)
        if match is None:
            continue
        key = (int(match[1]), int(match[2]), int(match[3]))
        if best is None or key > best[0]:
            best = (key, entry.name)
    if best is None:
        raise RuntimeError(f"no Kubernetes schema folder found in the {_PACKAGE} package")
    data = (folder / best[1] / _DEFINITIONS_FILE).read_bytes()
    return data, best[1].removesuffix("-local")


class _LazyDefinitions(Mapping[str, Any]):
    """The definitions of a ``_definitions.json``, each decoded the first time it is asked for.

    A build reads a handful of the file's ~900 definitions, and decoding all of them costs about as much as
    the rest of a small build. Where each definition lies is found from the layout kubernetes-validate writes:
    one key per line, the definitions' keys at one indentation. JSON strings hold no raw line break, so a line
    break followed by exactly that indentation and a quote can only start one of those keys.
    """

    def __init__(self, data: bytes, spans: dict[str, tuple[int, int]]) -> None:
        self._data = data
        self._spans = spans  # name -> (start, end) of its value in data
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._decoded[name]
        except KeyError:
            start, end = self._spans[name]
            value = self._decoded[name] = json.loads(self._data[start:end].rstrip(b", \n"))
            return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def _scan_definitions(data: bytes) -> tuple[_LazyDefinitions, list[tuple[str, Any]]] | None:
    """The definitions of an indented ``_definitions.json`` (undecoded) and each one's GVK list; None when the
    file is not laid out one key per line."""
    opening = re.search(rb'\n( *)"(?:\$defs|definitions)": \{\n( *)"', data)
    if opening is None:
        return None
    outer, indent = opening.group(1), opening.group(2)
    # The searches are regular expressions: bytes.find is several times slower on these needles (a line
    # break and spaces, which JSON indented this way repeats on every line).
    closing = re.compile(re.escape(b"\n" + outer + b"}")).search(data, opening.end())
    if closing is None:
        return None
    end = closing.start()
    key_at = b"\n" + indent + b'"'
    names: list[str] = []
    lines: list[int] = []  # where each key's line begins
    starts: list[int] = []  # where each value begins
    for key in re.compile(re.escape(key_at)).finditer(data, opening.start(2) - 1, end):
        pos = key.start()
        colon = data.find(b'": ', pos)
        quoted = data[pos + len(key_at) - 1 : colon + 1]
        names.append(json.loads(quoted) if b"\\" in quoted else quoted[1:-1].decode())
        lines.append(pos)
        starts.append(colon + 3)
    # a value ends where the next key's line (or the closing brace of the definitions) begins
    spans = dict(zip(names, zip(starts, [*lines[1:], end], strict=True), strict=True))
    gvk_key = b"\n" + indent + b'  "' + _GVK.encode() + b'": '
    gvks: list[tuple[str, Any]] = []
    decoder = json.JSONDecoder()
    for found in re.compile(re.escape(gvk_key)).finditer(data, opening.end(), end):
        pos = found.start()
        owner = names[bisect.bisect_right(lines, pos) - 1]
        value = data[pos + len(gvk_key) : spans[owner][1]].decode()
        gvks.append((owner, decoder.raw_decode(value)[0]))  # the list, and not what follows it
    return _LazyDefinitions(data, spans), gvks


@functools.cache
def _index() -> _Index:
    data, version = _newest_definitions()
    scanned = _scan_definitions(data)
    if scanned is not None:
        lazy, gvks = scanned
        return _Index(lazy, version, gvks)
    whole = json.loads(data)
    definitions = whole.get("$defs") or whole.get("definitions") or {}
    return _Index(definitions, version)


# A schema file a kustomization names in ``openapi: {path: ...}``: while set, kustomize merges with it
# alone (its built-in Kubernetes schema is no longer consulted). Set for the length of one build.
_CUSTOM: ContextVar[_Index | None] = ContextVar("logpilot_custom_openapi", default=None)


def use_custom_schema(definitions: dict[str, Any]) -> Token[_Index | None]:
    """Merge with these OpenAPI ``definitions`` only, until the returned token is passed to ``reset_schema``."""
    return _CUSTOM.set(_Index(definitions, "custom"))


def reset_schema(token: Token[_Index | None]) -> None:
    _CUSTOM.reset(token)


def custom_schema_active() -> bool:
    return _CUSTOM.get() is not None


def schema_for(api_version: str, kind: str) -> FieldSchema | None:
    """The schema kustomize merges a resource type with; None for types it has no schema for (custom kinds,
    and built-in types newer than its Kubernetes 1.21 schema)."""
    custom = _CUSTOM.get()
    if custom is not None:
        name = custom.by_type.get((api_version, kind))
        return custom.named(name) if name is not None else None
    if kind not in _KUSTOMIZE_TYPES.get(api_version, ()):
        return None
    index = _index()
    name = index.by_type.get((api_version, kind))
    if name is None:
        name = _newest_version_of(index, api_version, kind)
    return index.named(name) if name is not None else None


def _newest_version_of(index: _Index, api_version: str, kind: str) -> str | None:
    """The definition of the newest version of a removed type's group and kind (or of its new group)."""
    group = api_version.rpartition("/")[0]
    group = _MOVED_GROUPS.get((group, kind), group)
    best: tuple[tuple[int, int, int], str] | None = None
    for (candidate, candidate_kind), name in index.by_type.items():
        candidate_group, _, version = candidate.rpartition("/")
        if candidate_kind != kind or candidate_group != group:
            continue
        key = _version_key(version)
        if best is None or key > best[0]:
            best = (key, name)
    return best[1] if best is not None else None


def schema_version() -> str:
    """The Kubernetes version of the loaded definitions, e.g. ``v1.37.0``."""
    return _index().version
