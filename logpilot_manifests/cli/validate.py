"""`logpilot-manifests validate TARGET...`: check manifests against the Kubernetes schemas and CRDs, offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from .common import build_options, run_guarded
from .inputs import complete_target
from .options import (
    CRD,
    ENABLE_HELM,
    IGNORE_MISSING_SCHEMAS,
    KUBE_VERSION,
    LOAD_RESTRICTOR,
    REQUIRE_SCHEMAS,
    SKIP,
    STRICT,
)
from .output import OutputFormat, error_writer
from .params import (
    CrdOption,
    EnableHelmOption,
    IgnoreMissingSchemasOption,
    KubeVersionOption,
    LoadRestrictorOption,
    RequireSchemasOption,
    SkipOption,
    StrictOption,
)
from .validation import make_validator, validate_documents

if TYPE_CHECKING:
    from ..kustomize.build import BuildOptions
    from ..locations import Document


def collect(targets: Sequence[str], options: BuildOptions | None = None) -> list[Document]:
    """The objects of every target with their source file: YAML files, ``-`` (stdin), or kustomizations
    (each built object with its root and place in the build, to trace its fields when a finding needs it)."""
    from ..locations import Document, built_documents
    from .inputs import STDIN, build, documents, is_file_target, read_text, resolve_target

    docs: list[Document] = []
    if list(targets).count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    for target in targets:
        if is_file_target(target):
            text, label = read_text(target)
            docs.extend(Document(doc, label) for doc in documents(text, label))
            continue
        root = resolve_target(target)
        docs.extend(built_documents(root, build(root, options=options)))
    return docs


def validate(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Environment names, kustomization directories, rendered YAML files, or - for stdin.",
            autocompletion=complete_target,
            show_default=False,
        ),
    ],
    kube_version: KubeVersionOption = KUBE_VERSION.default,
    strict: StrictOption = STRICT.default,
    crd: CrdOption = CRD.default,
    require_schemas: RequireSchemasOption = REQUIRE_SCHEMAS.default,
    ignore_missing_schemas: IgnoreMissingSchemasOption = IGNORE_MISSING_SCHEMAS.default,
    skip: SkipOption = SKIP.default,
    output: Annotated[
        OutputFormat,
        typer.Option(
            "--output",
            help="text: findings on stderr; json: a report on stdout; sarif: a SARIF 2.1.0 log on stdout. "
            "json and sarif are written also when the command fails (an error object).",
        ),
    ] = OutputFormat.text,
    load_restrictor: LoadRestrictorOption = LOAD_RESTRICTOR.default,
    enable_helm: EnableHelmOption = ENABLE_HELM.default,
) -> None:
    """Validate manifests offline against the Kubernetes schemas and CRD schemas.

    Exit codes: 0 valid (warnings allowed), 1 a resource is invalid, 2 usage error or a target that cannot
    be read or built.

    Example: logpilot-manifests validate production
    """

    def run() -> bool:
        validator = make_validator(kube_version, strict, crd, require_schemas, ignore_missing_schemas, skip)
        return validate_documents(
            collect(targets, build_options(load_restrictor, enable_helm)), validator, output
        )

    ok = run_guarded(run, error_writer(output, command="validate", sarif_name="logpilot-manifests validate"))
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)
