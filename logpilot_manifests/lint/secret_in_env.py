"""Secrets handed to containers as environment variables rather than files."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import WORKLOAD_KINDS, LintContext
from .rule import WARNING, Rule

_NO_SECRET = core_v1.SecretEnvSource()


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for e in c.env or []:
                key_ref = e.valueFrom.secretKeyRef if e.valueFrom else None
                if key_ref is not None:
                    yield RULE.finding(
                        w.resource,
                        f"{path}.env[name={e.name}].valueFrom.secretKeyRef",
                        f"container '{c.name}' reads Secret '{key_ref.name}' into an environment variable",
                    )
            for source in c.envFrom or []:
                ref = source.secretRef
                if ref is not None and ref != _NO_SECRET:  # secretRef: {} names no Secret
                    yield RULE.finding(
                        w.resource,
                        f"{path}.envFrom",
                        f"container '{c.name}' reads all of Secret '{ref.name}' into its environment",
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
