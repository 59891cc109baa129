"""Images tagged ``latest`` or not tagged at all: what runs changes without any change to the manifests."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .images import split_image
from .rule import ERROR, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            image = c.image or ""
            _, tag, digest = split_image(image)
            if not digest and tag in ("", "latest"):
                what = "is tagged 'latest'" if tag else "has no tag"
                yield RULE.finding(w.resource, f"{path}.image", f"image '{image}' {what}")


RULE = Rule(
    id="image-latest",
    severity=ERROR,
    summary="An image uses the 'latest' tag or no tag",
    description=(
        "A moving tag makes two applies of the same manifests run different code, and a rollback cannot go "
        "back. An image pinned by digest passes whatever its tag. checkov's CKV_K8S_14 also passes a "
        "'latest' image pinned by digest."
    ),
    fix="use an explicit version tag (or a digest), e.g. with the kustomization's images: newTag",
    kinds=WORKLOAD_KINDS,
    tags=("reliability", "supply-chain"),
    covers=("CKV_K8S_14", "latest-tag"),
    check=check,
)
