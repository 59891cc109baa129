"""Containers whose image may be taken from the node's cache without the registry checking access."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .images import split_image
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            policy = c.imagePullPolicy
            image = c.image or ""
            if not image:
                yield RULE.finding(w.resource, f"{path}.image", f"container '{c.name}' has no image to pull")
                continue
            _, tag, digest = split_image(image)
            if policy == "Always" or (policy is None and not digest and tag in ("", "latest")):
                continue  # Kubernetes defaults to Always for latest and untagged images
            if digest:
                continue  # a digest names one image: the cache cannot serve a different one
            shown = f"'{policy}'" if policy else "unset (IfNotPresent for a tagged image)"
            yield RULE.finding(
                w.resource,
                f"{path}.imagePullPolicy",
                f"container '{c.name}' imagePullPolicy is {shown}",
            )


RULE = Rule(
    id="image-pull-policy",
    severity=WARNING,
    summary="A container's imagePullPolicy is not Always",
    description=(
        "With IfNotPresent or Never, a pod on a node that already holds the image starts without the "
        "registry checking the pod's pull credentials, and a re-pushed tag keeps running stale code. A "
        "digest-pinned image passes whatever its policy (the cache cannot hold a different image under a "
        "digest), as in checkov's CKV_K8S_15; so does a container without an image (a base that a patch "
        "completes), which checkov fails too."
    ),
    fix="set imagePullPolicy: Always (pulls are cheap: only the manifest is fetched when layers are cached)",
    kinds=WORKLOAD_KINDS,
    tags=("security", "supply-chain"),
    precision="medium",
    covers=("CKV_K8S_15",),
    check=check,
)
