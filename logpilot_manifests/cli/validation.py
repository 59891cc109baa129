"""Validation as the commands run it: the options `validate` and `render` share, the validator they make,
and the report of its findings through the output layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..findings import Finding, Location, ResourceRef, Severity
from .output import OutputFormat

if TYPE_CHECKING:
    from ..validate import SchemaValidator
    from .placing import Trace


KubeVersionOption = Annotated[
    str | None,
    typer.Option(
        "--kube-version",
        metavar="MAJOR.MINOR",
        help="Kubernetes version whose schemas to use (default: the newest bundled).",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict/--no-strict", help="Unknown fields are errors (the default).")
]
CrdOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--crd",
        metavar="FILE_OR_DIR",
        help="CustomResourceDefinition manifests for custom kinds (repeatable; also LOGPILOT_CRD_PATH).",
    ),
]
RequireSchemasOption = Annotated[
    bool, typer.Option("--require-schemas", help="A kind without a schema is an error, not a warning.")
]


def make_validator(
    kube_version: str | None, strict: bool, crd: Sequence[Path] | None, require_schemas: bool
) -> SchemaValidator:
    """The validator for the command-line options; ``--crd`` paths come first, then LOGPILOT_CRD_PATH."""
    from ..validate import SchemaValidator, ValidateOptions
    from ..validate.crds import crd_paths_from_env

    paths = [*(crd or []), *crd_paths_from_env()]
    return SchemaValidator(ValidateOptions(kube_version, strict, paths, require_schemas))


def as_finding(f: Any, trace: Trace | None = None) -> Finding:
    """A validation finding as the shared finding type, placed at its field: where the build set it when
    ``trace`` is given, else in its ``source`` file."""
    from .placing import FieldRef, place

    if isinstance(f, Finding):
        return f
    located = place(FieldRef(f.kind, f.namespace, f.name, f.path), f.source, trace) if f.source else None
    return Finding(
        rule=f.rule,
        severity=Severity(f.severity),
        resource=ResourceRef(kind=f.kind, name=f.name, namespace=f.namespace, api_version=f.api_version),
        path=f.path,
        message=f.message,
        location=located or (Location(file=f.source) if f.source else None),
    )


@dataclass(frozen=True)
class _Check:
    """A validation check as SARIF describes it (lint's rules carry their own metadata)."""

    id: str
    severity: str
    summary: str
    fix: str = ""


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
    if not findings and quiet:
        return
    print_text(findings, summary, stderr=True)


def validate_documents(
    docs: Sequence[tuple[Any, str]],
    validator: SchemaValidator,
    fmt: OutputFormat = OutputFormat.text,
    quiet: bool = False,
    trace: Trace | None = None,
) -> bool:
    """Validate and report; True when there is no error (warnings allowed)."""
    findings = [as_finding(f, trace) for f in validator.validate(docs)]
    report(findings, len(docs), validator, fmt, quiet)
    return not any(f.severity is Severity.ERROR for f in findings)
