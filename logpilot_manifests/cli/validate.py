"""`logpilot-manifests validate TARGET...`: check manifests against the Kubernetes schemas and CRDs, offline."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ManifestError, UsageError
from .common import EXIT_FAILURE, resolve_target, run_guarded

if TYPE_CHECKING:
    from ..validate import Document, Finding, SchemaValidator


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


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
IgnoreMissingSchemasOption = Annotated[
    bool,
    typer.Option("--ignore-missing-schemas", help="Say nothing about kinds without a schema (no CRD given)."),
]
SkipOption = Annotated[
    list[str] | None,
    typer.Option(
        "--skip",
        metavar="KIND",
        help="Do not check this kind (or apiVersion/KIND); repeatable, or comma-separated.",
    ),
]


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


def display_origin(root: Path, origin: str) -> str:
    """A resource's origin as a path from the current directory when it names a file, else as given."""
    if origin and not os.path.isabs(origin) and (root / origin).is_file():
        origin = str(root / origin)
    if origin and os.path.isabs(origin):
        relative = os.path.relpath(origin)
        return origin if relative.startswith("..") else relative
    return os.path.normpath(origin) if origin else str(root)


def _documents(text: str, source: str) -> list[Document]:
    from ..kustomize.yamlio import load_documents
    from ..validate import Document

    out: list[Document] = []
    for doc in load_documents(text, source):
        if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(Document(item, source) for item in doc["items"])
        else:
            out.append(Document(doc, source))
    return out


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ManifestError("not a YAML file: the content is not UTF-8 text", file=str(path)) from None
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def collect(targets: Sequence[str]) -> list[Document]:
    """The objects of every target with their source file: YAML files, ``-`` (stdin), or kustomizations."""
    from ..validate import Document

    docs: list[Document] = []
    stdin_used = False
    for target in targets:
        if target == "-":
            if stdin_used:
                raise UsageError("'-' (standard input) can be given only once")
            stdin_used = True
            try:
                # bytes, then a strict decode: the locale's decoder lets invalid bytes through as surrogates
                text = sys.stdin.buffer.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ManifestError(
                    "not a YAML file: the content is not UTF-8 text", file="<stdin>"
                ) from None
            docs.extend(_documents(text, "<stdin>"))
            continue
        path = Path(target)
        if path.is_file():
            docs.extend(_documents(_read_file(path), target))
            continue
        root = resolve_target(target)
        from ..kustomize.build import build_resources

        docs.extend(
            Document(r.obj, display_origin(root, r.origin), r.orig_id().name, root, i)
            for i, r in enumerate(build_resources(root))
        )
    return docs


def report(
    findings: Sequence[Finding],
    checked: int,
    validator: SchemaValidator,
    fmt: OutputFormat,
    quiet: bool = False,
) -> None:
    """Findings as a table on stderr (text) or as one JSON object on stdout (json); ``quiet``: no summary
    line when there is nothing to report."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    mode = "strict" if validator.strict else "non-strict"
    if fmt is OutputFormat.json:
        payload = {
            "valid": errors == 0,
            "kubernetesVersion": validator.version,
            "strict": validator.strict,
            "resources": checked,
            "errors": errors,
            "warnings": warnings,
            "findings": [f.to_dict() for f in findings],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        sys.stdout.flush()
        return
    summary = (
        f"{checked} resource{'s' if checked != 1 else ''} checked against Kubernetes {validator.version} "
        f"({mode}): {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    # kinds without a schema: one plain line per API group, not a table row per resource
    for f in findings:
        if f.rule == "missing-schema":
            print(f"{f.severity}: {f.message}", file=sys.stderr)
    findings = [f for f in findings if f.rule != "missing-schema"]
    if not findings:
        if not quiet or warnings:
            print(summary, file=sys.stderr)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(stderr=True, highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 500)  # logs and pipes: one line per finding, greppable
    table = Table(show_lines=False, header_style="bold")
    for column in ("severity", "resource", "field", "problem", "source"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = "red" if f.severity == "error" else "yellow"
        # Text cells: field values such as patterns ("^[a-z]+$") must not be read as rich markup.
        table.add_row(
            Text(f.severity, style=style),
            Text(f.resource.label),
            Text(f.path),
            Text(f.message),
            Text(f.source),
        )
    console.print(table)
    console.print(summary, markup=False)


def validate_documents(
    docs: Sequence[Document],
    validator: SchemaValidator,
    fmt: OutputFormat = OutputFormat.text,
    quiet: bool = False,
) -> bool:
    """Validate and report (each finding with the file and line of its field); True when there is no error
    (warnings allowed)."""
    from ..validate.locations import locate_findings

    findings = locate_findings(validator.validate(docs), docs)
    report(findings, len(docs), validator, fmt, quiet)
    return not any(f.severity == "error" for f in findings)


def validate(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Environment names, kustomization directories, rendered YAML files, or - for stdin.",
            show_default=False,
        ),
    ],
    kube_version: KubeVersionOption = None,
    strict: StrictOption = True,
    crd: CrdOption = None,
    require_schemas: RequireSchemasOption = False,
    ignore_missing_schemas: IgnoreMissingSchemasOption = False,
    skip: SkipOption = None,
    output: Annotated[
        OutputFormat, typer.Option("--output", help="text: a table on stderr; json: a report on stdout.")
    ] = OutputFormat.text,
) -> None:
    """Validate manifests offline against the Kubernetes schemas and CRD schemas.

    Exit 0 when valid, 1 when any resource is invalid, 2 on wrong usage.

    Example: logpilot-manifests validate production --crd crds/
    """

    def run() -> bool:
        validator = make_validator(kube_version, strict, crd, require_schemas, ignore_missing_schemas, skip)
        return validate_documents(collect(targets), validator, output)

    if not run_guarded(run):
        raise SystemExit(EXIT_FAILURE)
