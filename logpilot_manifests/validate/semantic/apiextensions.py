"""The ``apiextensions.k8s.io`` group: CustomResourceDefinition names and scope (``apiextensions/validation``)."""

from __future__ import annotations

from ...models.k8s import apiextensions_v1
from .errors import ErrorList

SCOPES = ("Cluster", "Namespaced")


def custom_resource_definition(obj: apiextensions_v1.CustomResourceDefinition, errs: ErrorList) -> None:
    spec = obj.spec
    name = obj.metadata.name if obj.metadata else None
    if spec.names.plural and spec.group and name is not None and name != f"{spec.names.plural}.{spec.group}":
        errs.invalid(("metadata", "name"), name, 'must be spec.names.plural+"."+spec.group')
    if spec.scope not in SCOPES:
        errs.not_supported(("spec", "scope"), spec.scope, SCOPES)
