"""In production every image is pinned by digest, so a re-pushed tag cannot change what runs."""

from __future__ import annotations

from collections.abc import Iterator

from . import ERROR, Finding, finding
from .context import LintContext
from .images import split_image

ID = "image-not-pinned"
SEVERITY = ERROR
SUMMARY = "A production image is not pinned by digest"
FIX = "pin the image by digest in the production overlay (images: digest: sha256:...)"


def check(ctx: LintContext) -> Iterator[Finding]:
    if not ctx.production:
        return
    for w in ctx.workloads:
        for path, c in w.containers():
            image = str(c.get("image") or "")
            if not split_image(image)[2].startswith("sha256:"):
                yield finding(
                    ID, w.resource, f"{path}.image", f"image '{image}' is not pinned by a sha256 digest"
                )
