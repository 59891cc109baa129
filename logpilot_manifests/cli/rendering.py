"""Rendering a kustomization to stdout, a file or a folder: what `logpilot-manifests render` does once its
command line is parsed.

Nothing here imports the command-line framework, so that plain `render` command lines run without loading it
(see ``main.py``): on a small kustomization, start-up is most of what users wait for.
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

from ..errors import EXIT_FINDINGS, ManifestError, UsageError
from ..paths import shown
from .common import LoadRestrictor, build_options, run_guarded, write_text_atomic

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class RenderFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def _json_list(objs: list[Any]) -> str:
    return (
        json.dumps({"apiVersion": "v1", "kind": "List", "items": objs}, indent=2, ensure_ascii=False) + "\n"
    )


# What a render into a folder wrote there, so that ``--prune`` removes exactly that and nothing else.
RENDER_MANIFEST = ".logpilot-render.json"
# Applied before anything that lives in them or is an instance of them.
_FIRST_KINDS = ("Namespace", "CustomResourceDefinition")


def _apply_order(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Namespaces, then CRDs, then the rest, each in build order (kustomize's order already puts them
    first unless sortOptions says otherwise)."""
    rank = {k: i for i, k in enumerate(_FIRST_KINDS)}
    return sorted(objs, key=lambda o: rank.get(str(o.get("kind", "")), len(rank)))


def file_names(objs: list[dict[str, Any]], ext: str) -> list[str]:
    """``000-namespace-logpilot.yaml``: the number is the apply order (``kubectl apply -f DIR`` reads a folder
    in name order), then kind, namespace when two objects share kind and name, and name."""
    width = max(3, len(str(len(objs) - 1)))
    seen: dict[str, int] = {}
    for obj in objs:
        md = obj.get("metadata") or {}
        key = f"{obj.get('kind', '')}-{md.get('name', '')}".lower()
        seen[key] = seen.get(key, 0) + 1
    out = []
    for i, obj in enumerate(objs):
        md = obj.get("metadata") or {}
        kind, name = str(obj.get("kind", "")).lower(), str(md.get("name", "")).lower()
        stem = f"{kind}-{name}"
        if seen[stem] > 1 and md.get("namespace"):
            stem = f"{kind}-{str(md['namespace']).lower()}-{name}"
        out.append(f"{i:0{width}d}-{_UNSAFE.sub('_', stem)}.{ext}")
    return out


def _previous_render(directory: Path) -> list[str] | None:
    """The files an earlier render wrote into ``directory`` (None when it did not write its manifest)."""
    try:
        data = json.loads((directory / RENDER_MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ManifestError(
            f"unreadable render manifest: {exc}", file=shown(directory / RENDER_MANIFEST)
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) and "/" not in f for f in files):
        raise ManifestError("not a render manifest", file=shown(directory / RENDER_MANIFEST))
    return files


def _write_dir(directory: Path, objs: list[dict[str, Any]], fmt: RenderFormat, prune: bool) -> None:
    """One file per resource, numbered in apply order, and the manifest naming them.

    A folder that holds anything is refused unless ``prune``; then the files the earlier render listed are
    removed (only those: anything else stays, with a warning)."""
    from ..kustomize.documents import dump_documents

    entries = sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
    previous: list[str] = []
    if entries:
        listed = _previous_render(directory)
        where = shown(directory)
        if not prune:
            raise UsageError(
                f"{where}/ is not empty: files left from another render would be applied with this one; "
                "choose an empty folder, or --prune to replace an earlier render"
                + ("" if listed is not None else " (there is none here)")
            )
        if listed is None:
            raise UsageError(
                f"{where}/ holds files no render wrote (no {RENDER_MANIFEST}); --prune removes only what an "
                "earlier render wrote: choose an empty folder"
            )
        previous = listed
        others = [e for e in entries if e not in listed and e != RENDER_MANIFEST]
        if others:
            print(
                f"warning: {where}/ also holds files no render wrote, left as they are: {', '.join(others)}",
                file=sys.stderr,
            )
    ext = "json" if fmt is RenderFormat.json else "yaml"
    ordered = _apply_order(objs)
    names = file_names(ordered, ext)
    for name in previous:
        if name not in names:
            (directory / name).unlink(missing_ok=True)
    for name, obj in zip(names, ordered, strict=True):
        text = (
            json.dumps(obj, indent=2, ensure_ascii=False) + "\n" if ext == "json" else dump_documents([obj])
        )
        write_text_atomic(directory / name, text)
    manifest = {"generator": "logpilot-manifests render", "files": names}
    write_text_atomic(directory / RENDER_MANIFEST, json.dumps(manifest, indent=2) + "\n")


def render_manifests(
    target: str,
    *,
    output: str | None,
    prune: bool,
    fmt: RenderFormat,
    origin: bool,
    validate: bool,
    kube_version: str | None,
    strict: bool,
    crd: Sequence[Path] | None,
    require_schemas: bool,
    ignore_missing_schemas: bool,
    skip: Sequence[str] | None,
    load_restrictor: LoadRestrictor,
    enable_helm: bool,
) -> None:
    """Build ``target`` and print or write the manifests, with the command line's options (their defaults
    are in ``options.RENDER_OPTIONS``); errors become a message and an exit code."""

    def run() -> None:
        from ..kustomize.documents import dump_documents
        from .inputs import build, resolve_target

        checker = None
        if validate:
            from .validation import make_validator

            checker = make_validator(kube_version, strict, crd, require_schemas, ignore_missing_schemas, skip)
        root = resolve_target(target)
        resources = build(
            root, origin_annotations=origin, options=build_options(load_restrictor, enable_helm)
        )
        objs = [r.obj for r in resources]
        if checker is not None:
            from ..locations import built_documents
            from ..typed.appconfig import check_application_configs
            from .validation import validate_documents

            # LogPilot's own configuration files (application.yml in ConfigMaps) must satisfy the service.
            check_application_configs(objs)
            # Findings are placed where their values were set; the build is traced (built again) only when
            # there is an error, so a clean render pays for one build.
            if not validate_documents(built_documents(root, resources), checker, quiet=True):
                raise SystemExit(EXIT_FINDINGS)
        if output not in (None, "-") and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
            _write_dir(Path(output), objs, fmt, prune)
            return
        if prune:
            raise UsageError("--prune applies only to -o DIR/")
        text = _json_list(objs) if fmt is RenderFormat.json else dump_documents(objs)
        if output in (None, "-"):
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_text_atomic(Path(output), text)

    run_guarded(run)
