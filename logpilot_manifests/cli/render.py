"""`logpilot-manifests render TARGET`: build a kustomization and print or write the manifests."""

from __future__ import annotations

import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import EXIT_FAILURE, resolve_target, run_guarded, write_text_atomic
from .validate import (
    CrdOption,
    IgnoreMissingSchemasOption,
    KubeVersionOption,
    RequireSchemasOption,
    SkipOption,
    StrictOption,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class RenderFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def _json_list(objs: list[Any]) -> str:
    return (
        json.dumps({"apiVersion": "v1", "kind": "List", "items": objs}, indent=2, ensure_ascii=False) + "\n"
    )


def _write_dir(directory: Path, objs: list[dict[str, Any]], fmt: RenderFormat) -> None:
    """One file per resource, ``<kind>-<name>.yaml`` (the namespace joins the name when two would clash)."""
    from ..kustomize.yamlio import dump_documents

    ext = "json" if fmt is RenderFormat.json else "yaml"
    names: dict[str, int] = {}
    planned: list[tuple[str, dict[str, Any]]] = []
    for obj in objs:
        md = obj.get("metadata") or {}
        base = f"{obj.get('kind', '')}-{md.get('name', '')}".lower()
        names[base] = names.get(base, 0) + 1
        planned.append((base, obj))
    for base, obj in planned:
        if names[base] > 1:
            md = obj.get("metadata") or {}
            base = f"{obj.get('kind', '')}-{md.get('namespace', '')}-{md.get('name', '')}".lower()
        text = (
            json.dumps(obj, indent=2, ensure_ascii=False) + "\n" if ext == "json" else dump_documents([obj])
        )
        write_text_atomic(directory / f"{_UNSAFE.sub('_', base)}.{ext}", text)


def render(
    target: Annotated[
        str, typer.Argument(help="Environment name (folder under overlays/) or kustomization dir.")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Write to this file (atomically) instead of stdout; to a directory (existing, or ending in '/'): "
            "one file per resource, <kind>-<name>.yaml.",
        ),
    ] = None,
    fmt: Annotated[
        RenderFormat, typer.Option("--format", help="yaml (multi-document) or json (a Kubernetes List).")
    ] = RenderFormat.yaml,
    origin: Annotated[
        bool,
        typer.Option(
            "--origin",
            help="Annotate every resource with the file it came from (config.kubernetes.io/origin).",
        ),
    ] = False,
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Validate what is rendered (schemas, CRDs and LogPilot's application.yml); errors stop the output.",
        ),
    ] = True,
    kube_version: KubeVersionOption = None,
    strict: StrictOption = True,
    crd: CrdOption = None,
    require_schemas: RequireSchemasOption = False,
    ignore_missing_schemas: IgnoreMissingSchemasOption = False,
    skip: SkipOption = None,
) -> None:
    """Render the manifests of TARGET as multi-document YAML.

    Example: logpilot-manifests render production | kubectl apply -f -
    """

    def run() -> None:
        from ..kustomize.build import build_resources
        from ..kustomize.yamlio import dump_documents
        from .validate import display_origin, make_validator, validate_documents

        checker = (
            make_validator(kube_version, strict, crd, require_schemas, ignore_missing_schemas, skip)
            if validate
            else None
        )
        root = resolve_target(target)
        resources = build_resources(root, origin_annotations=origin)
        objs = [r.obj for r in resources]
        if checker is not None:
            from ..typed.appconfig import check_application_configs

            # LogPilot's own configuration files (application.yml in ConfigMaps) must satisfy the service.
            check_application_configs(objs)
            from ..validate import Document

            docs = [
                Document(r.obj, display_origin(root, r.origin), r.orig_id().name, root, i)
                for i, r in enumerate(resources)
            ]
            if not validate_documents(docs, checker, quiet=True):
                raise SystemExit(EXIT_FAILURE)
        if output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
            _write_dir(Path(output), objs, fmt)
            return
        text = _json_list(objs) if fmt is RenderFormat.json else dump_documents(objs)
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_text_atomic(Path(output), text)

    run_guarded(run)
