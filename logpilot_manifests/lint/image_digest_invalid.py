"""Image references whose digest is not well formed (``@sha256:aaaa``): the pull fails."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .images import split_image
from .rule import ERROR, Rule

# The OCI digest grammar with the lengths of the registered algorithms.
_DIGEST = re.compile(r"(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})")
_OTHER = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            image = c.image or ""
            digest = split_image(image)[2]
            if "@" in image and not (
                _DIGEST.fullmatch(digest)
                or (not digest.startswith(("sha256:", "sha512:")) and _OTHER.fullmatch(digest))
            ):
                yield RULE.finding(
                    w.resource, f"{path}.image", f"image '{image}' has a malformed digest '{digest}'"
                )


RULE = Rule(
    id="image-digest-invalid",
    severity=ERROR,
    summary="An image digest is malformed",
    description=(
        "A digest is an algorithm and its full hex value (sha256: and 64 lowercase hex digits); anything else "
        "makes every pull fail. image-not-pinned only asks for a digest; this rule checks its form."
    ),
    fix="copy the full digest (e.g. from `crane digest IMAGE:TAG`) into the images: digest field",
    kinds=WORKLOAD_KINDS,
    tags=("reliability", "supply-chain"),
    precision="very-high",
    check=check,
)
