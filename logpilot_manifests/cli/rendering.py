"""Rendering a kustomization to stdout, a file or a folder: what `logpilot-manifests render` does once its
arguments are parsed.

Nothing here imports the command-line framework, so that the plain forms of `render` (see ``main.py``) run
without loading it: on a small kustomization start-up is most of the time users wait.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from .common import EXIT_FAILURE, resolve_target, run_guarded, write_text_atomic

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


def render_manifests(
    target: str,
    *,
    output: str | None = None,
    fmt: RenderFormat = RenderFormat.yaml,
    origin: bool = False,
    validate: bool = True,
    kube_version: str | None = None,
    strict: bool = True,
    crd: Sequence[Path] | None = None,
    require_schemas: bool = False,
) -> None:
    """Build ``target`` and write the manifests (the defaults are the command line's); errors become a message
    and an exit code."""

    def run() -> None:
        from ..kustomize.build import build_resources
        from ..kustomize.yamlio import dump_documents

        checker = None
        if validate:
            from .validate import make_validator

            checker = make_validator(kube_version, strict, crd, require_schemas)
        root = resolve_target(target)
        resources = build_resources(root, origin_annotations=origin)
        objs = [r.obj for r in resources]
        if checker is not None:
            from ..typed.appconfig import check_application_configs
            from .validate import display_origin, validate_documents

            # LogPilot's own configuration files (application.yml in ConfigMaps) must satisfy the service.
            check_application_configs(objs)
            docs = [(r.obj, display_origin(root, r.origin)) for r in resources]
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
