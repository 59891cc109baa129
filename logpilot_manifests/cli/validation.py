"""Validation as the commands run it: the validator `validate` and `render` make from their options, and the
report of its findings through the output layer."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..severity import Severity
from .output import OutputFormat

if TYPE_CHECKING:
    from ..findings import Finding
    from ..locations import Document
    from ..validate import SchemaValidator

MISSING_SCHEMA = "missing-schema"


def make_validator(
    kube_version: str | None,
    strict: bool,
    crd: Sequence[Path] | None,
    require_schemas: bool,
    ignore_missing_schemas: bool = False,
    skip: Sequence[str] | None = None,
) -> SchemaValidator:
    """The validator for the command-line options; ``--crd`` paths come first, then LOGPILOT_CRD_PATH."""
    from ..validate import SchemaValidator, ValidateOptions
    from ..validate.crds import crd_paths_from_env

    if require_schemas and ignore_missing_schemas:
        raise UsageError("--require-schemas and --ignore-missing-schemas contradict each other")
    paths = [*(crd or []), *crd_paths_from_env()]
    kinds = tuple(k.strip() for entry in skip or () for k in entry.split(",") if k.strip())
    return SchemaValidator(
        ValidateOptions(
            kube_version,
            strict,
            paths,
            require_schemas,
            ignore_missing_schemas=ignore_missing_schemas,
            skip_kinds=kinds,
        )
    )


class _Check:
    """A validation check as SARIF describes it (lint's rules carry their own metadata). A plain class: a
    dataclass or a named tuple of string annotations costs far more to create at start-up."""

    __slots__ = ("id", "severity", "summary", "fix")

    def __init__(self, id: str, severity: str, summary: str, fix: str = "") -> None:
        self.id = id
        self.severity = severity
        self.summary = summary
        self.fix = fix

    def __repr__(self) -> str:  # the order checks are listed in
        return (
            f"_Check(id={self.id!r}, severity={self.severity!r}, summary={self.summary!r}, fix={self.fix!r})"
        )


def report(
    findings: Sequence[Finding],
    checked: int,
    validator: SchemaValidator,
    fmt: OutputFormat,
    quiet: bool = False,
) -> None:
    """Findings as text on stderr, or one JSON report / SARIF log on stdout; ``quiet``: no summary line when
    there is nothing to report."""
    from .output import findings_json, findings_sarif, print_text, write_json

    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    mode = "strict" if validator.strict else "non-strict"
    if fmt is OutputFormat.json:
        write_json(
            findings_json(
                findings,
                command="validate",
                valid=errors == 0,
                kubernetesVersion=validator.version,
                strict=validator.strict,
                resources=checked,
            )
        )
        return
    if fmt is OutputFormat.sarif:
        checks = sorted({f.rule: _Check(f.rule, str(f.severity), f.rule) for f in findings}.values(), key=str)
        write_json(findings_sarif(findings, checks, name="logpilot-manifests validate"))
        return
    summary = (
        f"{checked} resource{'s' if checked != 1 else ''} checked against Kubernetes {validator.version} "
        f"({mode}): {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    # kinds without a schema: one plain line per API group, not a block per resource
    for f in findings:
        if f.rule == MISSING_SCHEMA:
            print(f"{f.severity}: {f.message}", file=sys.stderr)
    findings = [f for f in findings if f.rule != MISSING_SCHEMA]
    if not findings and quiet and not warnings:
        return
    print_text(findings, summary, stderr=True)


def validate_documents(
    docs: Sequence[Document],
    validator: SchemaValidator,
    fmt: OutputFormat = OutputFormat.text,
    quiet: bool = False,
) -> bool:
    """Validate and report, each finding at the file and line of its field; True when there is no error
    (warnings allowed). A build is traced (built again) only when there is an error: a clean run pays for
    one build."""
    from ..locations import locate_findings

    found = validator.validate(docs)
    failed = any(f.severity is Severity.ERROR for f in found)
    findings = locate_findings(found, docs, trace_builds=failed)
    report(findings, len(docs), validator, fmt, quiet)
    return not failed
