"""In production every image is pinned by digest, so a re-pushed tag cannot change what runs."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .images import split_image
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    for w in ctx.workloads:
        for path, c in w.containers():
            image = c.image or ""
            if not split_image(image)[2]:
                yield RULE.finding(w.resource, f"{path}.image", f"image '{image}' is not pinned by a digest")


RULE = Rule(
    id="image-not-pinned",
    severity=ERROR,
    summary="A production image is not pinned by digest",
    description=(
        "Tags can be re-pushed; a digest names exactly one image. Applies to the environments the project "
        "configuration counts as production (checkov's CKV_K8S_43 applies it everywhere; outside production "
        "this rule stays silent on purpose). A digest that is not well formed is image-digest-invalid."
    ),
    fix="pin the image by digest in the production overlay (images: digest: sha256:...)",
    kinds=WORKLOAD_KINDS,
    tags=("supply-chain",),
    production_only=True,
    covers=("CKV_K8S_43",),
    check=check,
)
