"""The ``rbac.authorization.k8s.io`` group: roles and their bindings (``pkg/apis/rbac/validation``)."""

from __future__ import annotations

from collections.abc import Sequence

from ...models.k8s import rbac_v1
from .errors import ErrorList
from .meta import validate_label_selector
from .names import is_dns1123_subdomain, is_path_segment_name

RBAC_GROUP = "rbac.authorization.k8s.io"
SUBJECT_KINDS = ("ServiceAccount", "User", "Group")


def _policy_rules(rules: Sequence[rbac_v1.PolicyRule], errs: ErrorList, namespaced: bool) -> None:
    for i, rule in enumerate(rules):
        here = ("rules", i)
        if not rule.verbs:
            errs.required((*here, "verbs"), "verbs must contain at least one value")
        if rule.nonResourceURLs:
            if namespaced:
                errs.invalid(
                    (*here, "nonResourceURLs"),
                    rule.nonResourceURLs,
                    "namespaced rules cannot apply to non-resource URLs",
                )
            if rule.apiGroups or rule.resources or rule.resourceNames:
                errs.invalid(
                    (*here, "nonResourceURLs"),
                    rule.nonResourceURLs,
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            continue
        if not rule.apiGroups:
            errs.required((*here, "apiGroups"), "resource rules must supply at least one api group")
        if not rule.resources:
            errs.required((*here, "resources"), "resource rules must supply at least one resource")


def role(obj: rbac_v1.Role, errs: ErrorList) -> None:
    _policy_rules(obj.rules or (), errs, namespaced=True)


def cluster_role(obj: rbac_v1.ClusterRole, errs: ErrorList) -> None:
    _policy_rules(obj.rules or (), errs, namespaced=False)
    if obj.aggregationRule is not None:
        selectors = obj.aggregationRule.clusterRoleSelectors or []
        path = ("aggregationRule", "clusterRoleSelectors")
        if not selectors:
            errs.required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil")
        for i, selector in enumerate(selectors):
            validate_label_selector(selector, (*path, i), errs)


def _binding(
    ref: rbac_v1.RoleRef,
    subjects: Sequence[rbac_v1.Subject],
    errs: ErrorList,
    kinds: tuple[str, ...],
    namespaced: bool,
) -> None:
    # an empty apiGroup is defaulted to the RBAC group before validation (SetDefaults_RoleBinding)
    group = ref.apiGroup or RBAC_GROUP
    if group != RBAC_GROUP:
        errs.not_supported(("roleRef", "apiGroup"), group, (RBAC_GROUP,))
    if ref.kind not in kinds:
        errs.not_supported(("roleRef", "kind"), ref.kind, kinds)
    if not ref.name:
        errs.required(("roleRef", "name"))
    else:
        errs.invalid_each(("roleRef", "name"), ref.name, is_path_segment_name(ref.name))
    for i, subject in enumerate(subjects):
        here = ("subjects", i)
        if not subject.name:
            errs.required((*here, "name"))
        if subject.kind == "ServiceAccount":
            if subject.name:
                errs.invalid_each((*here, "name"), subject.name, is_dns1123_subdomain(subject.name))
            if subject.apiGroup:
                errs.not_supported((*here, "apiGroup"), subject.apiGroup, ("",))
            if not namespaced and not subject.namespace:
                errs.required((*here, "namespace"))
        elif subject.kind in ("User", "Group"):
            if (subject.apiGroup or RBAC_GROUP) != RBAC_GROUP:  # empty is defaulted (SetDefaults_Subject)
                errs.not_supported((*here, "apiGroup"), subject.apiGroup, (RBAC_GROUP,))
        else:
            errs.not_supported((*here, "kind"), subject.kind, SUBJECT_KINDS)


def role_binding(obj: rbac_v1.RoleBinding, errs: ErrorList) -> None:
    _binding(obj.roleRef, obj.subjects or (), errs, ("Role", "ClusterRole"), namespaced=True)


def cluster_role_binding(obj: rbac_v1.ClusterRoleBinding, errs: ErrorList) -> None:
    _binding(obj.roleRef, obj.subjects or (), errs, ("ClusterRole",), namespaced=False)
