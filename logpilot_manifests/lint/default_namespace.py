"""Namespaced objects without a namespace, or in ``default``."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import CLUSTER_SCOPED, LintContext
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for r in ctx.resources:
        if r.kind in CLUSTER_SCOPED or not r.kind:
            continue
        if r.namespace == "default":
            yield RULE.finding(r, "metadata.namespace", "is in the 'default' namespace")
        elif not r.namespace:
            yield RULE.finding(
                r, "metadata.namespace", "has no namespace (it lands in kubectl's current one)"
            )


RULE = Rule(
    id="default-namespace",
    severity=WARNING,
    summary="An object has no namespace or is in 'default'",
    description=(
        "The default namespace mixes unrelated workloads under one set of policies and quotas (CIS 5.7.4); an "
        "object without a namespace goes wherever the applier's context points. Set the kustomization's "
        "namespace. checkov's CKV_K8S_21 flags the same objects; kinds it does not know as cluster-scoped "
        "(custom resources) may differ."
    ),
    fix="set namespace: in the kustomization (or metadata.namespace) to the application's namespace",
    kinds=("*",),
    tags=("maintainability", "security"),
    precision="medium",
    covers=("CKV_K8S_21", "use-namespace"),
    check=check,
)
