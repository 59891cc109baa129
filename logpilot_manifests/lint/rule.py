"""What a lint rule is: its metadata (id, severity, what it checks and why, the fix, the kinds it reads) and
its check, plus the one way rules build findings. Rule modules import this, never the package."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..findings import Finding, Location, ResourceRef, Severity
from ..kustomize.resource import Resource

if TYPE_CHECKING:
    from .context import LintContext

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# SARIF's security-severity (0.0-10.0) by our severity: code-scanning UIs rank alerts by it.
_SECURITY_SEVERITY = {Severity.ERROR: "7.5", Severity.WARNING: "4.0"}


def resource_ref(resource: Resource) -> ResourceRef:
    return ResourceRef(
        kind=resource.kind,
        name=resource.name,
        namespace=resource.namespace,
        api_version=resource.api_version,
        source_name=resource.orig_id().name,
    )


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One policy rule. ``summary`` is one line; ``description`` says why it matters and where it knowingly
    differs from kube-linter or checkov; ``kinds`` are the object kinds its check reads."""

    id: str
    severity: Severity
    summary: str
    description: str
    fix: str
    kinds: tuple[str, ...]
    tags: tuple[str, ...] = ("security",)
    # How often a finding is a real problem: SARIF's "precision" (very-high, high, medium, low).
    precision: str = "high"
    production_only: bool = False
    # The checks of other tools this rule covers (kube-linter names, checkov ids), for the docs and SARIF.
    covers: tuple[str, ...] = ()
    check: Callable[[LintContext], Iterable[Finding]] = field(repr=False, compare=False)

    @property
    def security_severity(self) -> str:
        return _SECURITY_SEVERITY[self.severity]

    def finding(self, resource: Resource, path: str, message: str) -> Finding:
        """A finding of this rule on ``resource``, at field ``path``, located in the file it came from."""
        return Finding(
            rule=self.id,
            severity=self.severity,
            resource=resource_ref(resource),
            path=path,
            message=message,
            fix=self.fix,
            location=Location(file=resource.origin) if resource.origin else None,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": str(self.severity),
            "summary": self.summary,
            "description": self.description,
            "fix": self.fix,
            "kinds": list(self.kinds),
            "tags": list(self.tags),
            "precision": self.precision,
            "productionOnly": self.production_only,
            "covers": list(self.covers),
        }
