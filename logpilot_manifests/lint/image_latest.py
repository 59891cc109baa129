"""Images tagged ``latest`` or not tagged at all: what runs changes without any change to the manifests."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext
from .images import split_image

ID = "image-latest"
SEVERITY = ERROR
SUMMARY = "An image uses the 'latest' tag or no tag"
FIX = "use an explicit version tag (or a digest), e.g. with the kustomization's images: newTag"


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            image = str(c.get("image") or "")
            _, tag, digest = split_image(image)
            if not digest and tag in ("", "latest"):
                what = "is tagged 'latest'" if tag else "has no tag"
                yield finding(ID, w.resource, f"{path}.image", f"image '{image}' {what}")
