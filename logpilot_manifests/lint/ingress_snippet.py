"""NGINX Ingress snippet annotations: raw NGINX configuration from anyone who can write an Ingress."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import LintContext, as_dict, get_in
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for ing in ctx.of_kind("Ingress"):
        for key in as_dict(get_in(ing.obj, ("metadata", "annotations"))):
            if str(key).startswith("nginx.") and str(key).endswith("-snippet"):
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
