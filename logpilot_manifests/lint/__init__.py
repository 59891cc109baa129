"""Policy checks over rendered manifests. Each rule is one module with ``ID``, ``SEVERITY``, ``SUMMARY``,
``FIX`` (one line) and ``check(ctx)``; :data:`RULES` lists them in the order they are reported.

A resource opts out of a rule with the annotation ``lint.logpilot.io/disable-<rule-id>: "<reason>"``; the
reason is required, so every exception is explained where it is made.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..kustomize.resource import Resource
from .context import LintContext

ERROR = "error"
WARNING = "warning"
OPT_OUT_PREFIX = "lint.logpilot.io/disable-"
INVALID_OPT_OUT = "invalid-lint-disable"

_RULE_MODULES = (
    "missing_probes",
    "missing_resources",
    "run_as_root",
    "privilege_escalation",
    "writable_root_filesystem",
    "image_latest",
    "image_not_pinned",
    "pdb_missing",
    "mutable_selector_label",
    "network_policy_missing",
    "secret_in_configmap",
    "service_selector_unmatched",
    "probe_port_unknown",
)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str
    fix: str
    module: ModuleType


@dataclass(frozen=True)
class Finding:
    """One problem: which rule, on which resource and field, what is wrong, and where the resource came from."""

    rule: str
    severity: str
    kind: str
    namespace: str
    name: str
    path: str
    message: str
    fix: str
    origin: str = ""
    source_name: str = ""  # the name in the origin file, before prefixes, suffixes and hashes

    @property
    def resource(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


def finding(
    rule_id: str, resource: Resource | None, path: str, message: str, *, kind: str = "", name: str = ""
) -> Finding:
    """A finding of ``rule_id`` on ``resource`` (or on a named object that has no rendered resource)."""
    rule = RULES.get(rule_id, META_RULE)
    if resource is None:
        return Finding(rule.id, rule.severity, kind, "", name, path, message, rule.fix)
    return Finding(
        rule.id,
        rule.severity,
        resource.kind,
        resource.namespace,
        resource.name,
        path,
        message,
        rule.fix,
        resource.origin,
        resource.orig_id().name,
    )


def _load_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for name in _RULE_MODULES:
        mod = importlib.import_module(f"{__name__}.{name}")
        rules[mod.ID] = Rule(mod.ID, mod.SEVERITY, mod.SUMMARY, mod.FIX, mod)
    return rules


RULES: dict[str, Rule] = _load_rules()
# The opt-out annotation is checked like a rule, so a typo in it is a finding rather than silently ignored.
META_RULE = Rule(
    INVALID_OPT_OUT,
    ERROR,
    "A lint opt-out annotation names an unknown rule or gives no reason",
    f'write {OPT_OUT_PREFIX}<rule-id>: "<why this resource is an exception>"',
    importlib.import_module(__name__),
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
            problems.append(finding(INVALID_OPT_OUT, resource, path, f"unknown rule '{rule_id}'"))
        elif not str(value or "").strip():
            problems.append(
                finding(INVALID_OPT_OUT, resource, path, f"opting out of '{rule_id}' needs a reason")
            )
        else:
            out.add(rule_id)
    return out


def run_lint(
    resources: list[Resource],
    *,
    disabled: frozenset[str] = frozenset(),
    production: bool = False,
    root: Path | None = None,
) -> list[Finding]:
    """All findings of the enabled rules, minus those the resources opt out of by annotation."""
    ctx = LintContext(resources, production=production, root=root)
    findings: list[Finding] = []
    opted: dict[tuple[str, str, str], set[str]] = {}
    for r in resources:
        opted[(r.kind, r.namespace, r.name)] = _opt_outs(r, findings)
    for rule in RULES.values():
        if rule.id in disabled:
            continue
        for f in rule.module.check(ctx):
            if f.rule not in opted.get((f.kind, f.namespace, f.name), set()):
                findings.append(f)
    if INVALID_OPT_OUT in disabled:
        findings = [f for f in findings if f.rule != INVALID_OPT_OUT]
    order = {rid: i for i, rid in enumerate([INVALID_OPT_OUT, *RULES])}
    findings.sort(key=lambda f: (f.kind, f.namespace, f.name, order[f.rule], f.path))
    return findings


def all_rules() -> list[Rule]:
    return [*RULES.values(), META_RULE]
