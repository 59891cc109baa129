"""git-sync told which git binary to run (``GITSYNC_GIT``): whoever sets it runs any program in the pod."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule

_VARIABLES = ("GITSYNC_GIT", "GIT_SYNC_GIT")


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for e in c.env or []:
                if e.name in _VARIABLES:
                    yield RULE.finding(
                        w.resource,
                        f"{path}.env[name={e.name}]",
                        f"container '{c.name}' sets {e.name}",
                    )


RULE = Rule(
    id="git-sync-git-command",
    severity=ERROR,
    summary="git-sync is told which git command to run (GITSYNC_GIT)",
    description=(
        "git-sync runs the program GITSYNC_GIT names in place of git; anyone who can edit the workload, or "
        "the values feeding it, runs code in the pod and reaches the repository credentials. checkov's "
        "CKV_K8S_159; this rule also knows git-sync v3's GIT_SYNC_GIT."
    ),
    fix="remove GITSYNC_GIT and use the git binary in the git-sync image",
    kinds=WORKLOAD_KINDS,
    precision="very-high",
    covers=("CKV_K8S_159",),
    check=check,
)
