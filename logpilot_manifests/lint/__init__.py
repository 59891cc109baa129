"""Policy checks over rendered manifests. Each rule is one module defining ``RULE`` (a :class:`Rule`: id,
severity, summary, description, fix, the kinds it reads, its check); :data:`RULES` lists them in the order
they are reported.

A resource opts out of a rule with the annotation ``lint.logpilot.io/disable-<rule-id>: "<reason>"``; the
reason is required, so every exception is explained where it is made. A project's ``.logpilot-lint.yaml``
(see :mod:`.config`) turns rules off, changes severities and excludes objects, each exclusion with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..findings import Finding, Severity
from ..kustomize.resource import Resource
from . import (
    alerts_missing,
    capabilities_added,
    capabilities_not_dropped,
    cluster_addon,
    cluster_admin_binding,
    default_namespace,
    default_service_account,
    deprecated_api,
    deprecated_service_account_field,
    docker_socket,
    env_literal_secret,
    git_sync_git_command,
    host_ipc,
    host_network,
    host_pid,
    host_port,
    hpa_target_missing,
    image_digest_invalid,
    image_latest,
    image_not_pinned,
    image_pull_policy,
    ingress_snippet,
    limitrange_missing,
    missing_probes,
    missing_resources,
    mutable_selector_label,
    network_policy_missing,
    pdb_blocks_eviction,
    pdb_missing,
    pod_security_not_enforced,
    privilege_escalation,
    privileged_container,
    probe_port_unknown,
    qos_class,
    rbac_dangerous_permissions,
    rbac_wildcard,
    replicas_not_spread,
    run_as_high_uid,
    run_as_root,
    seccomp_profile_missing,
    secret_in_configmap,
    secret_in_env,
    security_context_missing,
    selector_mismatch,
    sensitive_host_mount,
    service_account_missing,
    service_account_token_mounted,
    service_selector_unmatched,
    ssh_port,
    target_port_unknown,
    unfit_object,
    unsafe_sysctls,
    writable_root_filesystem,
    zone_spread_missing,
)
from .config import LintConfig
from .context import LintContext
from .rule import ERROR, Rule

OPT_OUT_PREFIX = "lint.logpilot.io/disable-"
INVALID_OPT_OUT = "invalid-lint-disable"

# The report order: the host and privilege rules first, then the rest of security, then reliability.
RULES: dict[str, Rule] = {
    m.RULE.id: m.RULE
    for m in (
        privileged_container,
        privilege_escalation,
        host_network,
        host_pid,
        host_ipc,
        host_port,
        docker_socket,
        sensitive_host_mount,
        capabilities_added,
        capabilities_not_dropped,
        unsafe_sysctls,
        run_as_root,
        run_as_high_uid,
        seccomp_profile_missing,
        security_context_missing,
        writable_root_filesystem,
        pod_security_not_enforced,
        secret_in_configmap,
        env_literal_secret,
        secret_in_env,
        cluster_admin_binding,
        rbac_wildcard,
        rbac_dangerous_permissions,
        default_service_account,
        service_account_missing,
        service_account_token_mounted,
        deprecated_service_account_field,
        image_latest,
        image_digest_invalid,
        image_not_pinned,
        image_pull_policy,
        cluster_addon,
        ingress_snippet,
        git_sync_git_command,
        ssh_port,
        default_namespace,
        deprecated_api,
        network_policy_missing,
        missing_resources,
        qos_class,
        limitrange_missing,
        missing_probes,
        probe_port_unknown,
        pdb_missing,
        pdb_blocks_eviction,
        replicas_not_spread,
        zone_spread_missing,
        mutable_selector_label,
        selector_mismatch,
        service_selector_unmatched,
        target_port_unknown,
        hpa_target_missing,
        alerts_missing,
        # last: it names the objects the rules above could not read
        unfit_object,
    )
}


def _no_check(ctx: LintContext) -> Iterator[Finding]:
    return iter(())


# The opt-out annotation is checked like a rule, so a typo in it is a finding rather than silently ignored.
META_RULE = Rule(
    id=INVALID_OPT_OUT,
    severity=ERROR,
    summary="A lint opt-out annotation names an unknown rule or gives no reason",
    description="Opt-outs are annotations so that each exception is explained where it is made.",
    fix=f'write {OPT_OUT_PREFIX}<rule-id>: "<why this resource is an exception>"',
    kinds=("*",),
    tags=("maintainability",),
    precision="very-high",
    check=_no_check,
)


def _opt_outs(resource: Resource, problems: list[Finding]) -> set[str]:
    """The rules this resource opts out of; malformed opt-outs are added to ``problems``."""
    out: set[str] = set()
    annotations = resource.obj.get("metadata", {}).get("annotations") or {}
    for key, value in annotations.items() if isinstance(annotations, dict) else []:
        if not str(key).startswith(OPT_OUT_PREFIX):
            continue
        rule_id = str(key)[len(OPT_OUT_PREFIX) :]
        path = f'metadata.annotations["{key}"]'
        if rule_id not in RULES:
            problems.append(META_RULE.finding(resource, path, f"unknown rule '{rule_id}'"))
        elif not str(value or "").strip():
            problems.append(META_RULE.finding(resource, path, f"opting out of '{rule_id}' needs a reason"))
        else:
            out.add(rule_id)
    return out


def run_lint(
    resources: list[Resource],
    *,
    disabled: frozenset[str] = frozenset(),
    production: bool = False,
    root: Path | None = None,
    config: LintConfig | None = None,
) -> list[Finding]:
    """All findings of the enabled rules, minus those the resources opt out of by annotation and those the
    project configuration excludes; severities as the configuration overrides them."""
    config = config or LintConfig()
    ctx = LintContext(resources, production=production, root=root)
    findings: list[Finding] = []
    opted: dict[tuple[str, str, str], set[str]] = {}
    for r in resources:
        opted[(r.kind, r.namespace, r.name)] = _opt_outs(r, findings)
    for rule in RULES.values():
        if rule.id in disabled or not config.enabled(rule.id):
            continue
        for f in rule.check(ctx):
            if f.rule not in opted.get(f.resource.key(), set()):
                findings.append(f)
    if INVALID_OPT_OUT in disabled:
        findings = [f for f in findings if f.rule != INVALID_OPT_OUT]
    findings = [_configured(f, config) for f in findings if not config.excluded(f)]
    order = {rid: i for i, rid in enumerate([INVALID_OPT_OUT, *RULES])}
    findings.sort(key=lambda f: (*f.resource.key(), order[f.rule], f.path))
    return findings


def _configured(f: Finding, config: LintConfig) -> Finding:
    severity = config.severity(f.rule)
    return f if severity is None or severity is f.severity else replace(f, severity=severity)


def all_rules(config: LintConfig | None = None) -> list[Rule]:
    """Every rule (with the project's severity overrides applied), the opt-out check last."""
    config = config or LintConfig()
    out = []
    for r in [*RULES.values(), META_RULE]:
        severity = config.severity(r.id)
        out.append(r if severity is None else replace(r, severity=severity))
    return out


__all__ = [
    "INVALID_OPT_OUT",
    "META_RULE",
    "OPT_OUT_PREFIX",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "all_rules",
    "run_lint",
]
