"""`logpilot-manifests validate TARGET...`: check manifests against the Kubernetes schemas and CRDs, offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from .common import run_guarded
from .inputs import complete_target
from .output import OutputFormat, error_writer
from .placing import Trace
from .validation import (
    CrdOption,
    KubeVersionOption,
    RequireSchemasOption,
    StrictOption,
    make_validator,
    validate_documents,
)


def collect(targets: Sequence[str]) -> tuple[list[tuple[Any, str]], Trace | None]:
    """The objects of every target with their source file: YAML files, ``-`` (stdin), or kustomizations;
    with one kustomization, the trace of its build (to place findings where values were set)."""
    from ..explain import Tracer
    from .inputs import STDIN, build, documents, is_file_target, read_text, resolve_target, shown_origin

    docs: list[tuple[Any, str]] = []
    trace: Trace | None = None
    if list(targets).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for target in targets:
        if is_file_target(target):
            text, label = read_text(target)
            docs.extend((doc, label) for doc in documents(text, label))
            continue
        root = resolve_target(target)
        tracer = Tracer() if len(targets) == 1 else None
        resources = build(root, tracer=tracer)
        docs.extend((r.obj, shown_origin(root, r.origin)) for r in resources)
        if tracer is not None:
            trace = Trace.of(root, tracer, resources)
    return docs, trace


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
        docs, trace = collect(targets)
        return validate_documents(docs, validator, output, trace=trace)

    ok = run_guarded(run, error_writer(output, command="validate", sarif_name="logpilot-manifests validate"))
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)
