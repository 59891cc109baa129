"""Secrets handed to containers as environment variables rather than files."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext, as_dict, as_list
from .rule import WARNING, Rule


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for e in as_list(c.get("env")):
                ref = as_dict(
                    as_dict(e.get("valueFrom") if isinstance(e, dict) else None).get("secretKeyRef")
                )
                if ref:
                    yield RULE.finding(
                        w.resource,
                        f"{path}.env[name={e.get('name', '')}].valueFrom.secretKeyRef",
                        f"container '{c.get('name')}' reads Secret '{ref.get('name')}' into an environment variable",
                    )
            for e in as_list(c.get("envFrom")):
                ref = as_dict(e.get("secretRef") if isinstance(e, dict) else None)
                if ref:
                    yield RULE.finding(
                        w.resource,
                        f"{path}.envFrom",
                        f"container '{c.get('name')}' reads all of Secret '{ref.get('name')}' into its environment",
                    )


RULE = Rule(
    id="secret-in-env",
    severity=WARNING,
    summary="A container reads a Secret through environment variables",
    description=(
        "Environment variables leak into child processes, crash reports and debug endpoints; a Secret "
        "mounted as a file does not, and is updated in place. CIS 5.4.1, checkov's CKV_K8S_35 and "
        "kube-linter's read-secret-from-env-var. Applications that can only read their environment opt out "
        "with a reason."
    ),
    fix="mount the Secret as a volume and read the file (or opt out where the program reads only env)",
    kinds=WORKLOAD_KINDS,
    tags=("security", "secrets"),
    precision="medium",
    covers=("CKV_K8S_35", "read-secret-from-env-var"),
    check=check,
)
