"""NGINX Ingress snippet annotations: raw NGINX configuration from anyone who can write an Ingress."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import networking_v1
from .context import LintContext
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for ing, model in ctx.models("Ingress", networking_v1.Ingress):
        annotations = model.metadata.annotations if model.metadata else None
        for key in annotations or {}:
            if key.startswith("nginx.") and key.endswith("-snippet"):
                yield RULE.finding(
                    ing, f'metadata.annotations["{key}"]', f"uses the snippet annotation '{key}'"
                )


RULE = Rule(
    id="ingress-snippet-annotation",
    severity=ERROR,
    summary="An Ingress uses an NGINX snippet annotation",
    description=(
        "configuration-snippet, server-snippet and the other *-snippet annotations paste text into the "
        "controller's nginx.conf: with them an Ingress author can read the controller's ServiceAccount token "
        "(CVE-2021-25742) or serve files through alias and Lua. checkov's CKV_K8S_152 and CKV_K8S_154 fail "
        "only snippets containing Lua or alias, CKV_K8S_153 any snippet; this rule fails any snippet."
    ),
    fix="use the controller's dedicated annotations, or a ConfigMap the cluster operator owns",
    kinds=("Ingress",),
    covers=("CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154"),
    check=check,
)
