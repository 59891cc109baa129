"""Name references: after renames, point every field that names another object at that object's new name.

The rules say which fields of which kinds hold the name of which kind of object (kustomize's default
name-reference table, written here as data). For each such field the referred object is chosen among the
renamed objects by its earlier names, the same way kustomize v5 chooses it: same kind, one of its previous
names, reachable from the referrer's namespace, and, when several remain, the one whose name prefixes and
suffixes agree with the referrer's. Candidates are found through an index on earlier names, so the cost
grows with the number of reference fields, not with their product with the number of objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ...errors import BuildError
from ...yaml.scalars import scalar_text
from ..fieldspec import split_path
from ..resource import Resource, is_cluster_scoped, split_api_version

# ---------------------------------------------------------------------------------------------------------
# The rule table.
#
# Each entry: the kind referred to (group, version, kind; empty = any) and the fields that may hold its name,
# as (path, kind, group, version) of the referring object. Paths use the field-spec notation of fieldspec.py.
# ---------------------------------------------------------------------------------------------------------

# Where a pod spec sits inside each kind that carries one.
_POD_SPEC_AT = {
    "Pod": "spec",
    "PodTemplate": "template/spec",
    "Deployment": "spec/template/spec",
    "ReplicaSet": "spec/template/spec",
    "DaemonSet": "spec/template/spec",
    "StatefulSet": "spec/template/spec",
    "Job": "spec/template/spec",
    "CronJob": "spec/jobTemplate/spec/template/spec",
    "ReplicationController": "spec/template/spec",
}
_CONFIG_KINDS = (
    "Pod",
    "PodTemplate",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "CronJob",
)
_SA_KINDS = ("Pod", "StatefulSet", "Deployment", "ReplicationController", "CronJob", "Job", "DaemonSet")

_CONFIGMAP_IN_POD = (
    "volumes/configMap/name",
    "containers/env/valueFrom/configMapKeyRef/name",
    "initContainers/env/valueFrom/configMapKeyRef/name",
    "containers/envFrom/configMapRef/name",
    "initContainers/envFrom/configMapRef/name",
    "volumes/projected/sources/configMap/name",
)
_SECRET_IN_POD = (
    "volumes/secret/secretName",
    "containers/env/valueFrom/secretKeyRef/name",
    "initContainers/env/valueFrom/secretKeyRef/name",
    "containers/envFrom/secretRef/name",
    "initContainers/envFrom/secretRef/name",
    "imagePullSecrets/name",
    "volumes/projected/sources/secret/name",
)

Field = tuple[str, str, str, str]  # path, referrer kind, referrer group, referrer version


def _in_pods(kinds: Iterable[str], subpaths: Iterable[str]) -> list[Field]:
    """The given pod-spec fields in every listed kind (a bare Pod only in core v1)."""
    subpaths = tuple(subpaths)
    out: list[Field] = []
    for kind in kinds:
        version = "v1" if kind == "Pod" else ""
        out += [(f"{_POD_SPEC_AT[kind]}/{sub}", kind, "", version) for sub in subpaths]
    return out


_RBAC = "rbac.authorization.k8s.io"
_ADMISSION = "admissionregistration.k8s.io"

# (target group, target version, target kind) -> referring fields
DEFAULT_RULES: tuple[tuple[tuple[str, str, str], tuple[Field, ...]], ...] = (
    *(
        (("", "", workload), (("spec/scaleTargetRef/name", "HorizontalPodAutoscaler", "", ""),))
        for workload in ("Deployment", "ReplicationController", "ReplicaSet", "StatefulSet")
    ),
    (
        ("", "v1", "ConfigMap"),
        (
            *_in_pods(_CONFIG_KINDS, _CONFIGMAP_IN_POD),
            ("spec/configSource/configMap", "Node", "", ""),
            ("rules/resourceNames", "Role", "", ""),
            ("rules/resourceNames", "ClusterRole", "", ""),
            (
                "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
                "Ingress",
                "",
                "",
            ),
        ),
    ),
    (
        ("", "v1", "Secret"),
        (
            *_in_pods(_CONFIG_KINDS, _SECRET_IN_POD),
            ("spec/tls/secretName", "Ingress", "", ""),
            ("metadata/annotations/ingress.kubernetes.io\\/auth-secret", "Ingress", "", ""),
            ("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret", "Ingress", "", ""),
            ("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret", "Ingress", "", ""),
            # kustomize lists this one twice; applying it twice is harmless and keeps the order faithful
            ("spec/tls/secretName", "Ingress", "", ""),
            ("imagePullSecrets/name", "ServiceAccount", "", ""),
            ("parameters/secretName", "StorageClass", "", ""),
            ("parameters/adminSecretName", "StorageClass", "", ""),
            ("parameters/userSecretName", "StorageClass", "", ""),
            ("parameters/secretRef", "StorageClass", "", ""),
            ("rules/resourceNames", "Role", "", ""),
            ("rules/resourceNames", "ClusterRole", "", ""),
            (
                "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
                "Service",
                "serving.knative.dev",
                "v1",
            ),
            ("spec/azureFile/secretName", "PersistentVolume", "", ""),
        ),
    ),
    (
        ("", "v1", "Service"),
        (
            ("spec/serviceName", "StatefulSet", "apps", ""),
            ("spec/rules/http/paths/backend/serviceName", "Ingress", "", ""),
            ("spec/backend/serviceName", "Ingress", "", ""),
            ("spec/rules/http/paths/backend/service/name", "Ingress", "", ""),
            ("spec/defaultBackend/service/name", "Ingress", "", ""),
            ("spec/service/name", "APIService", "apiregistration.k8s.io", ""),
            ("webhooks/clientConfig/service", "ValidatingWebhookConfiguration", _ADMISSION, ""),
            ("webhooks/clientConfig/service", "MutatingWebhookConfiguration", _ADMISSION, ""),
        ),
    ),
    ((_RBAC, "", "Role"), (("roleRef/name", "RoleBinding", _RBAC, ""),)),
    (
        (_RBAC, "", "ClusterRole"),
        (("roleRef/name", "RoleBinding", _RBAC, ""), ("roleRef/name", "ClusterRoleBinding", _RBAC, "")),
    ),
    (
        ("", "v1", "ServiceAccount"),
        (
            ("subjects", "RoleBinding", _RBAC, ""),
            ("subjects", "ClusterRoleBinding", _RBAC, ""),
            *((f"{_POD_SPEC_AT[k]}/serviceAccountName", k, "", "") for k in _SA_KINDS),
        ),
    ),
    (
        ("", "v1", "PersistentVolumeClaim"),
        tuple((f"{_POD_SPEC_AT[k]}/volumes/persistentVolumeClaim/claimName", k, "", "") for k in _SA_KINDS),
    ),
    (
        ("", "v1", "PersistentVolume"),
        (
            ("spec/volumeName", "PersistentVolumeClaim", "", ""),
            ("rules/resourceNames", "ClusterRole", "", ""),
        ),
    ),
    (
        ("storage.k8s.io", "v1", "StorageClass"),
        (
            ("spec/storageClassName", "PersistentVolume", "", ""),
            ("spec/storageClassName", "PersistentVolumeClaim", "", ""),
            ("spec/volumeClaimTemplates/spec/storageClassName", "StatefulSet", "", ""),
        ),
    ),
    (
        ("scheduling.k8s.io", "v1", "PriorityClass"),
        tuple((f"{_POD_SPEC_AT[k]}/priorityClassName", k, "", "") for k in _SA_KINDS),
    ),
    # kustomize v5.5.0 writes this target's group as "networking.k8s.io/v1", which no object's group
    # equals: IngressClass renames therefore never reach Ingress objects. Kept as is to match its output.
    (("networking.k8s.io/v1", "v1", "IngressClass"), (("spec/ingressClassName", "Ingress", "", ""),)),
    (
        (_ADMISSION, "", "ValidatingAdmissionPolicy"),
        (("spec/policyName", "ValidatingAdmissionPolicyBinding", _ADMISSION, ""),),
    ),
)

# kustomize's legacy kind order, used (as kustomize does) to order the rule table.
_ORDER_FIRST = (
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
    "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
    "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
    "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
)  # fmt: skip
_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
_KIND_RANK = {k: i - len(_ORDER_FIRST) for i, k in enumerate(_ORDER_FIRST)} | {
    k: i + 1 for i, k in enumerate(_ORDER_LAST)
}


class Gvk(NamedTuple):
    """A group/version/kind used as a selector: an empty part matches anything."""

    group: str = ""
    version: str = ""
    kind: str = ""

    def selects(self, group: str, version: str, kind: str) -> bool:
        return (
            (not self.group or self.group == group)
            and (not self.version or self.version == version)
            and (not self.kind or self.kind == kind)
        )

    def sort_key(self) -> tuple[int, str]:
        parts = (self.group or "~G", self.version or "~V", self.kind or "~K")
        return _KIND_RANK.get(self.kind, 0), "_".join(parts)


class RefField(NamedTuple):
    """A field of the referring kind (``gvk``) that holds a name: ``path`` in field-spec notation."""

    path: str
    gvk: Gvk


class NameRefRule(NamedTuple):
    """Objects of kind ``target`` may be named by any of ``fields`` (a list that merging extends)."""

    target: Gvk
    fields: list[RefField]


def _default_rules() -> list[NameRefRule]:
    return [
        NameRefRule(Gvk(*target), [RefField(p, Gvk(g, v, k)) for p, k, g, v in fields])
        for target, fields in DEFAULT_RULES
    ]


def merge_rules(base: Sequence[NameRefRule], extra: Iterable[Mapping[str, Any]]) -> list[NameRefRule]:
    """Add ``nameReference`` entries of a transformer configuration to ``base``, as kustomize merges them.

    Entries for a target already present extend its fields; a new field is skipped when one with the same
    path and a kind it selects is there already. The result is ordered by target kind.
    """
    rules = [NameRefRule(r.target, list(r.fields)) for r in base]
    for entry in extra:
        if not isinstance(entry, Mapping):
            raise BuildError(f"nameReference entry must be a mapping, got {entry!r}")
        target = Gvk(
            str(entry.get("group") or ""), str(entry.get("version") or ""), str(entry.get("kind") or "")
        )
        fields: list[RefField] = []
        for spec in entry.get("fieldSpecs") or []:
            if not isinstance(spec, Mapping) or not spec.get("path"):
                raise BuildError(f"nameReference fieldSpec must be a mapping with a path, got {spec!r}")
            spec_gvk = Gvk(
                str(spec.get("group") or ""), str(spec.get("version") or ""), str(spec.get("kind") or "")
            )
            fields.append(RefField(str(spec["path"]), spec_gvk))
        existing = next((r for r in rules if r.target == target), None)
        if existing is None:
            rules.append(NameRefRule(target, fields))
            continue
        for f in fields:
            if not any(
                o.path == f.path and f.gvk.selects(o.gvk.group, o.gvk.version, o.gvk.kind)
                for o in existing.fields
            ):
                existing.fields.append(f)
    rules.sort(key=lambda r: r.target.sort_key())
    return rules


RULES: list[NameRefRule] = sorted(_default_rules(), key=lambda r: r.target.sort_key())

# ---------------------------------------------------------------------------------------------------------
# The pass.
# ---------------------------------------------------------------------------------------------------------


def _scalar_text(value: Any) -> str | None:
    """The YAML text of a scalar as kustomize compares it, or None for nulls, maps and lists."""
    return None if value is None or isinstance(value, dict | list) else scalar_text(value)


def _ends_alike(a: list[str], b: list[str]) -> bool:
    """True when the shorter list equals the tail of the longer one (two empty lists are alike)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return not long_
    return long_[len(long_) - len(short) :] == short


def _affixes_equal(a: Resource, b: Resource, allow_empty: bool) -> bool:
    if allow_empty:
        return (not a.prefixes or not b.prefixes or _ends_alike(a.prefixes, b.prefixes)) and (
            not a.suffixes or not b.suffixes or _ends_alike(a.suffixes, b.suffixes)
        )
    return _ends_alike(a.prefixes, b.prefixes) and _ends_alike(a.suffixes, b.suffixes)


class _Cand:
    """What the selection needs to know about a renamed object, computed when it is first considered."""

    __slots__ = ("res", "group", "version", "prev_kinds", "cluster", "cur_ns", "raw_ns", "org_ns", "name")

    def __init__(self, res: Resource) -> None:
        self.res = res
        # kustomize keeps the current group/version with each earlier kind
        obj = res.obj
        md = obj.get("metadata") or {}
        self.group, self.version = split_api_version(str(obj.get("apiVersion") or ""))
        self.prev_kinds = frozenset(p.kind for p in res.prev_ids)
        self.cluster = is_cluster_scoped(str(obj.get("apiVersion") or ""), str(obj.get("kind") or ""))
        self.raw_ns = str(md.get("namespace") or "")
        self.cur_ns = "" if self.cluster else (self.raw_ns or "default")
        self.org_ns = "" if self.cluster else (res.prev_ids[0].namespace or "default")
        self.name = str(md.get("name") or "")

    def kind_selected(self, gvk: Gvk) -> bool:
        """Whether an earlier id of this object is of the selected kind."""
        return (
            (not gvk.group or gvk.group == self.group)
            and (not gvk.version or gvk.version == self.version)
            and (not gvk.kind or gvk.kind in self.prev_kinds)
        )


class _Referrer(NamedTuple):
    """The object whose fields are being fixed, with the facts every selection about it needs."""

    res: Resource
    cluster: bool
    ns: str  # effective namespace, "" when cluster-scoped
    sa_namespaces: frozenset[str]  # namespaces of ServiceAccount subjects of a RoleBinding

    def can_see(self, c: _Cand) -> bool:
        """kustomize's 'subset that could be referenced by' this referrer."""
        return self.cluster or c.cluster or c.cur_ns == self.ns or c.raw_ns in self.sa_namespaces


# target, path as written, whether it is a binding's roleRef name
_Action = tuple[Gvk, str, bool]


class _TrieNode:
    """Field paths of one referring kind, merged on common steps so each step is looked up once."""

    __slots__ = ("children", "actions", "steps")

    def __init__(self) -> None:
        self.children: dict[str, _TrieNode] = {}
        self.actions: list[_Action] = []
        # (key, actions, child or None) per child: all the walk's inner loop reads
        self.steps: tuple[tuple[str, tuple[_Action, ...], _TrieNode | None], ...] = ()

    def freeze(self) -> None:
        for child in self.children.values():
            child.freeze()
        self.steps = tuple(
            (key, tuple(child.actions), child if child.children else None)
            for key, child in self.children.items()
        )


class _Pass:
    def __init__(self, resources: list[Resource], rules: Sequence[NameRefRule]) -> None:
        self.resources = resources
        self.rules = rules
        self.by_name: dict[str, list[Resource]] = {}
        self.cands: dict[int, _Cand] = {}
        self.all_ns_org: dict[str, list[Resource]] = {}
        self.tries: dict[tuple[str, str], _TrieNode | None] = {}
        for res in resources:
            prev = res.prev_ids
            if not prev:
                continue
            if len(prev) == 1:
                self.by_name.setdefault(prev[0].name, []).append(res)
                continue
            for name in dict.fromkeys(p.name for p in prev):
                self.by_name.setdefault(name, []).append(res)
        self._ns_groups_built = False

    def _cand(self, res: Resource) -> _Cand:
        c = self.cands.get(id(res))
        if c is None:
            c = self.cands[id(res)] = _Cand(res)
        return c

    # -- namespace groups (for map references with a namespace field) -------------------------------------

    def _build_ns_groups(self) -> None:
        """Every object by original effective namespace (cluster-scoped ones left out)."""
        for res in self.resources:
            if res.is_cluster_scoped():
                continue
            self.all_ns_org.setdefault(res.orig_id().namespace or "default", []).append(res)
        self._ns_groups_built = True

    @staticmethod
    def _group_exists(groups: dict[str, list[Resource]], ns: str, ref: _Referrer) -> bool:
        """Whether some object the referrer can see is in group ``ns`` (kustomize groups its visible set)."""
        return any(
            ref.cluster or (res.namespace or "default") == ref.ns or res.namespace in ref.sa_namespaces
            for res in groups.get(ns, ())
        )

    # -- compiled field paths per referring gvk --------------------------------------------------------------

    def _trie(self, api_version: str, kind: str) -> _TrieNode | None:
        key = (api_version, kind)
        if key in self.tries:
            return self.tries[key]
        group, version = split_api_version(api_version)
        root = _TrieNode()
        found = False
        for rule in self.rules:
            for f in rule.fields:
                if not f.gvk.selects(group, version, kind):
                    continue
                node = root
                for part in split_path(f.path):
                    part = part[:-2] if part.endswith("[]") else part
                    node = node.children.setdefault(part, _TrieNode())
                node.actions.append((rule.target, f.path, f.path.endswith("roleRef/name")))
                found = True
        root.freeze()
        self.tries[key] = root if found else None
        return self.tries[key]

    # -- running ------------------------------------------------------------------------------------------------

    def run(self) -> None:
        for res in self.resources:
            obj = res.obj
            # referrers are chosen by the kind they were loaded with, as kustomize does
            kind = res.prev_ids[0].kind if res.prev_ids else str(obj.get("kind") or "")
            trie = self._trie(str(obj.get("apiVersion") or ""), kind)
            if trie is None:
                continue
            cluster = res.is_cluster_scoped()
            ns = "" if cluster else (res.namespace or "default")
            self._walk(_Referrer(res, cluster, ns, _sa_subject_namespaces(res)), obj, trie)

    def _walk(self, ref: _Referrer, obj: dict[str, Any], trie: _TrieNode) -> None:
        """Follow the compiled paths in ``obj`` (a map), walking lists element by element."""
        for key, actions, child in trie.steps:
            if key == "*":
                # kustomize's field walk has no wildcard: a '*' step reached at a map is an error
                found = actions or (_leaf_actions(child) if child is not None else [])
                path = found[0][1] if found else key
                raise BuildError(
                    f"updating name reference in '{path}' field of '{ref.res.id}': "
                    "fieldName: *: a wildcard is not supported in a field spec path"
                )
            if key not in obj:
                continue
            for target, path, is_role_ref in actions:
                self._set(ref, obj, key, target, path, is_role_ref)
            if child is not None:
                value = obj[key]
                if isinstance(value, dict):
                    self._walk(ref, value, child)
                elif value is not None:
                    self._descend(ref, value, child, key)

    def _descend(self, ref: _Referrer, value: Any, trie: _TrieNode, key: str) -> None:
        """Continue below ``key``: into a map, or into each element of a list; a scalar there is an error."""
        if value is None:
            return
        if isinstance(value, dict):
            self._walk(ref, value, trie)
        elif isinstance(value, list):
            for item in value:
                self._descend(ref, item, trie, key)
        else:
            path = _leaf_actions(trie)[0][1]
            raise BuildError(
                f"updating name reference in '{path}' field of '{ref.res.id}': "
                f"expected sequence or mapping node below '{key}'"
            )

    def _set(
        self, ref: _Referrer, parent: dict[str, Any], key: str, target: Gvk, path: str, role_ref: bool
    ) -> None:
        value = parent[key]
        if value is None:
            return
        try:
            if isinstance(value, dict):
                self._set_mapping(ref, value, target, path, role_ref)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        self._set_mapping(ref, item, target, path, role_ref)
                    elif isinstance(item, list):
                        raise BuildError(f"{item!r} is expected to be either a string or a map of string")
                    elif item is not None:
                        new = self._set_scalar(ref, item, target, role_ref)
                        if new is not None:
                            value[i] = new
            else:
                new = self._set_scalar(ref, value, target, role_ref)
                if new is not None:
                    parent[key] = new
        except BuildError as err:
            raise BuildError(
                f"updating name reference in '{path}' field of '{ref.res.id}': {err.message}"
            ) from None

    def _set_scalar(self, ref: _Referrer, value: Any, target: Gvk, role_ref: bool) -> str | None:
        """The new text of a scalar name field, or None to leave it."""
        old = _scalar_text(value)
        if old is None:
            return None
        found = self.by_name.get(old)
        if not found:
            return None
        cands = self.cands
        pool = [cands.get(id(r)) or self._cand(r) for r in found]
        chosen = self._select(ref, pool, target, role_ref, with_namespace=False)
        if chosen is None or chosen.name == old:
            return None
        return chosen.name

    def _set_mapping(
        self, ref: _Referrer, node: dict[str, Any], target: Gvk, path: str, role_ref: bool
    ) -> None:
        if "name" not in node:
            raise BuildError("path config error; no 'name' field in node")
        old = _scalar_text(node["name"])
        if old is None:
            old = ""
        found = self.by_name.get(old)
        if not found:
            return
        pool = [self._cand(r) for r in found]
        if "namespace" in node:
            ns = _scalar_text(node["namespace"]) or ""
            if not self._ns_groups_built:
                self._build_ns_groups()
            # candidates from the group of this original namespace if any visible object has it, else current
            if self._group_exists(self.all_ns_org, ns, ref):
                pool = [c for c in pool if not c.cluster and c.org_ns == ns]
            else:
                pool = [c for c in pool if not c.cluster and c.cur_ns == ns]
        chosen = self._select(ref, pool, target, role_ref, with_namespace=True)
        if chosen is None:
            return
        new_ns = chosen.raw_ns
        if chosen.name == old and not new_ns:
            return
        node["name"] = chosen.name
        if new_ns:
            node["namespace"] = new_ns

    def _select(
        self, ref: _Referrer, pool: list[_Cand], target: Gvk, role_ref: bool, with_namespace: bool
    ) -> _Cand | None:
        """kustomize's choice among the objects once named as the field says; an error when ambiguous."""
        role_gvk = _role_ref_gvk(ref.res) if role_ref else None
        cands = [
            c
            for c in pool
            if ref.can_see(c)
            and c.kind_selected(target)
            and (role_gvk is None or c.kind_selected(role_gvk))
            and (ref.cluster or c.cluster or c.res.kind == "ServiceAccount" or c.cur_ns == ref.ns)
        ]
        if len(cands) == 1:
            return cands[0]
        cands = [c for c in cands if _affixes_equal(c.res, ref.res, True)]
        if len(cands) > 1:
            cands = [c for c in cands if _affixes_equal(c.res, ref.res, False)]
        if len(cands) == 1:
            return cands[0]
        if not cands:
            return None
        first = cands[0]
        if all(c.name == first.name and (not with_namespace or c.raw_ns == first.raw_ns) for c in cands):
            return first
        ids = ", ".join(str(c.res.id) for c in cands)
        raise BuildError(f"found multiple possible referrals: {ids}")


def _leaf_actions(trie: _TrieNode) -> list[tuple[Gvk, str, bool]]:
    out = list(trie.actions)
    for child in trie.children.values():
        out += _leaf_actions(child)
    return out


def _role_ref_gvk(res: Resource) -> Gvk | None:
    """The kind a binding's roleRef names, or None (accept any) when apiGroup or kind is missing."""
    role_ref = res.obj.get("roleRef")
    if not isinstance(role_ref, dict) or role_ref.get("apiGroup") is None or role_ref.get("kind") is None:
        return None
    return Gvk(group=str(role_ref["apiGroup"]), kind=str(role_ref["kind"]))


def _sa_subject_namespaces(res: Resource) -> frozenset[str]:
    """Namespaces of a RoleBinding's ServiceAccount subjects: objects there are visible to it."""
    if res.kind != "RoleBinding":
        return frozenset()
    subjects = res.obj.get("subjects")
    if not isinstance(subjects, list):
        return frozenset()
    out: set[str] = set()
    for s in subjects:
        if isinstance(s, dict) and "namespace" in s and s.get("kind") == "ServiceAccount":
            ns = s["namespace"]
            if not isinstance(ns, str):
                raise BuildError(f"Invalid Input: namespace is blank for resource {res.id}")
            out.add(ns)
    return frozenset(out)


def fix_name_references(
    resources: list[Resource], extra_rules: Iterable[Mapping[str, Any]] | None = None
) -> None:
    """Rewrite, in place, every name reference to an object that has been renamed.

    ``extra_rules`` are ``nameReference`` entries of a kustomization's ``configurations`` files, merged
    into the default table.
    """
    rules = merge_rules(RULES, extra_rules) if extra_rules else RULES
    _Pass(resources, rules).run()


__all__ = ["DEFAULT_RULES", "RULES", "Gvk", "NameRefRule", "RefField", "fix_name_references", "merge_rules"]
