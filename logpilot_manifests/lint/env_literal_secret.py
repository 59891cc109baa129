"""Secrets written as literal environment values (``DB_PASSWORD=hunter2``), committed with the manifests."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from .context import WORKLOAD_KINDS, LintContext
from .rule import ERROR, Rule
from .secret_text import is_placeholder, secret_key_name, secret_value_shape


def check(ctx: LintContext) -> Iterator[Finding]:
    for w in ctx.workloads:
        for path, c in w.containers():
            for e in c.env or []:
                name, value = e.name, e.value
                if value is None or is_placeholder(value):
                    continue
                if secret_key_name(name) or secret_value_shape(value):
                    yield RULE.finding(
                        w.resource,
                        f"{path}.env[name={name}].value",
                        f"container '{c.name}' sets '{name}' to a literal secret-looking value",
                    )


RULE = Rule(
    id="env-literal-secret",
    severity=ERROR,
    summary="An environment variable holds a literal secret",
    description=(
        "A literal env value is committed with the manifests and shown by kubectl describe. Names that say "
        "secret (password, token, api-key, secret...) with a non-placeholder value, and values shaped like "
        "credentials, are flagged; names that only point at a secret (*_FILE, *_PATH) are not. kube-linter's "
        "env-var-secret matches any name containing 'secret'; this rule knows more names and fewer false "
        "positives."
    ),
    fix="take the value from a Secret: env[].valueFrom.secretKeyRef (or mount the Secret as a file)",
    kinds=WORKLOAD_KINDS,
    tags=("security", "secrets"),
    covers=("env-var-secret",),
    check=check,
)
