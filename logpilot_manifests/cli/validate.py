"""`logpilot-manifests validate TARGET...`: check manifests against the Kubernetes schemas and CRDs, offline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from ..findings import Finding, Location, ResourceRef, Severity
from .common import run_guarded
from .inputs import complete_target
from .output import OutputFormat, error_writer

if TYPE_CHECKING:
    from ..validate import SchemaValidator


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


def collect(targets: Sequence[str]) -> list[tuple[Any, str]]:
    """The objects of every target with their source file: YAML files, ``-`` (stdin), or kustomizations."""
    from .inputs import STDIN, build, documents, is_file_target, read_text, resolve_target, shown_origin

    docs: list[tuple[Any, str]] = []
    if list(targets).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for target in targets:
        if is_file_target(target):
            text, label = read_text(target)
            docs.extend((doc, label) for doc in documents(text, label))
            continue
        root = resolve_target(target)
        docs.extend((r.obj, shown_origin(root, r.origin)) for r in build(root))
    return docs


def as_finding(f: Any) -> Finding:
    """A validation finding as the shared finding type (its ``source`` file becomes the location)."""
    if isinstance(f, Finding):
        return f
    return Finding(
        rule=f.rule,
        severity=Severity(f.severity),
        resource=ResourceRef(kind=f.kind, name=f.name, namespace=f.namespace, api_version=f.api_version),
        path=f.path,
        message=f.message,
        location=Location(file=f.source) if f.source else None,
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
) -> bool:
    """Validate and report; True when there is no error (warnings allowed)."""
    findings = [as_finding(f) for f in validator.validate(docs)]
    report(findings, len(docs), validator, fmt, quiet)
    return not any(f.severity is Severity.ERROR for f in findings)


def validate(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Environment names, kustomization directories, rendered YAML files, or - for stdin.",
            autocompletion=complete_target,
            show_default=False,
        ),
    ],
    kube_version: KubeVersionOption = None,
    strict: StrictOption = True,
    crd: CrdOption = None,
    require_schemas: RequireSchemasOption = False,
    output: Annotated[
        OutputFormat,
        typer.Option(
            "--output",
            help="text: findings on stderr; json: a report on stdout; sarif: a SARIF 2.1.0 log on stdout. "
            "json and sarif are written also when the command fails (an error object).",
        ),
    ] = OutputFormat.text,
) -> None:
    """Validate manifests offline against the Kubernetes schemas and CRD schemas.

    Exit codes: 0 valid (warnings allowed), 1 a resource is invalid, 2 usage error or a target that cannot
    be read or built.

    Example: logpilot-manifests validate production
    """

    def run() -> bool:
        validator = make_validator(kube_version, strict, crd, require_schemas)
        return validate_documents(collect(targets), validator, output)

    ok = run_guarded(run, error_writer(output, command="validate", sarif_name="logpilot-manifests validate"))
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)
