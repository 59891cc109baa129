"""The ``apiextensions.k8s.io`` group: CustomResourceDefinition names, group, scope and versions
(``apiextensions-apiserver/pkg/apis/apiextensions/validation``)."""

from __future__ import annotations

from ...models.k8s import apiextensions_v1
from .errors import ErrorList
from .names import is_dns1035_label, is_dns1123_subdomain

SCOPES = ("Cluster", "Namespaced")


def custom_resource_definition(obj: apiextensions_v1.CustomResourceDefinition, errs: ErrorList) -> None:
    spec = obj.spec
    name = obj.metadata.name if obj.metadata else None
    if spec.names.plural and spec.group and name is not None and name != f"{spec.names.plural}.{spec.group}":
        errs.invalid(("metadata", "name"), name, 'must be spec.names.plural+"."+spec.group')
    if not spec.group:
        errs.required(("spec", "group"))
    elif group_errors := is_dns1123_subdomain(spec.group):
        errs.invalid(("spec", "group"), spec.group, ",".join(group_errors))
    elif "." not in spec.group:
        errs.invalid(("spec", "group"), spec.group, "should be a domain with at least one dot")
    if not spec.scope:
        errs.required(("spec", "scope"))
    elif spec.scope not in SCOPES:
        errs.not_supported(("spec", "scope"), spec.scope, SCOPES)
    names: set[str] = set()
    for i, version in enumerate(spec.versions):
        if version_errors := is_dns1035_label(version.name):
            errs.invalid(("spec", "versions", i, "name"), version.name, ",".join(version_errors))
        names.add(version.name)
    # the API server shows the whole list of versions as the value; the findings show their names
    shown = [v.name for v in spec.versions]
    if len(names) < len(spec.versions):
        errs.invalid(("spec", "versions"), shown, "must contain unique version names")
    if sum(1 for v in spec.versions if v.storage) != 1:
        errs.invalid(("spec", "versions"), shown, "must have exactly one version marked as storage version")
