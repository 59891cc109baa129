"""Containers running with a user id below 10000, which may be a user of the node itself."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule

MIN_UID = 10000


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        if w.pod.hostUsers is False:
            continue  # a user namespace: uids in the pod are not the node's
        pod_uid = w.pod.securityContext.runAsUser if w.pod.securityContext else None
        for path, c in w.containers():
            own = c.securityContext.runAsUser if c.securityContext else None
            uid = own if own is not None else pod_uid
            if uid is None:
                message = f"container '{c.name}' sets no runAsUser (the image's user applies)"
            elif 0 < uid < MIN_UID:
                message = f"container '{c.name}' runs as uid {uid}, below {MIN_UID}"
            else:
                continue  # uid 0 is run-as-root's finding
            yield RULE.finding(w.resource, f"{path}.securityContext.runAsUser", message)


RULE = Rule(
    id="run-as-high-uid",
    severity=WARNING,
    summary="A container runs with a user id below 10000 (or the image's)",
    description=(
        "A low uid can collide with a user of the node: a container escape then acts as that user. As in "
        "checkov's CKV_K8S_40, an unset runAsUser is flagged, since the image decides. uid 0 is reported by "
        "run-as-root instead (checkov reports it under both). Pods with hostUsers: false (a user namespace) "
        "pass, as in checkov."
    ),
    fix="set securityContext.runAsUser (pod or container) to 10000 or above",
    kinds=WORKLOAD_KINDS,
    covers=("CKV_K8S_40",),
    check=check,
)
