"""Where in the user's files each finding's field is: file and line, through the build's patches.

Validation itself only knows each object's origin file. Lines are found afterwards, and only when there are
findings: a rendered file is searched for the object and the field; a kustomization is built again with
``explain``'s tracer, and the finding points at the last step (base file, patch, generator or transformer)
that set the offending value, as ``logpilot-manifests explain`` would show it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ManifestError, UsageError
from ..findings import Finding, Location
from .engine import Document


def _display(path: Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _segments(path: str) -> list[Any] | None:
    from ..explain import parse_field

    try:
        return parse_field(path) if path else []
    except UsageError:
        return None


def _trimmed(obj: Any, segs: list[Any]) -> list[Any]:
    """The longest prefix of ``segs`` that exists in ``obj`` (a required field points at its parent)."""
    from ..explain import MISSING, get_path

    while segs and get_path(obj, segs) is MISSING:
        segs = segs[:-1]
    return segs


def locate_findings(findings: Sequence[Finding], documents: Sequence[Document]) -> list[Finding]:
    """The findings with ``location`` naming the file and line of the offending field, where it can be found."""
    by_key: dict[tuple[str, str, str, str], Document] = {}
    for d in documents:
        if isinstance(d.obj, dict):
            md = d.obj.get("metadata") if isinstance(d.obj.get("metadata"), dict) else {}
            key = (
                str(d.obj.get("kind") or ""),
                str(md.get("namespace") or ""),
                str(md.get("name") or ""),
                d.source,
            )
            by_key.setdefault(key, d)
    traces: dict[Path, Any] = {}
    out: list[Finding] = []
    for f in findings:
        doc = by_key.get((*f.resource.key(), f.location.file if f.location else ""))
        location = None
        if doc is not None and f.resource.kind:
            try:
                location = _locate(f, doc, traces)
            except (ManifestError, OSError, ValueError, RecursionError):
                location = None  # the line is a help, never a reason to fail
        out.append(dataclasses.replace(f, location=location) if location else f)
    return out


def _locate(f: Finding, doc: Document, traces: dict[Path, Any]) -> Location | None:
    from ..explain import locate

    segs = _segments(f.path)
    if segs is None:
        return None
    segs = _trimmed(doc.obj, segs)
    if doc.root is not None and doc.index >= 0:
        return _locate_in_build(doc, segs, traces)
    path = Path(doc.source)
    if not path.is_file():
        return None
    line = locate(path, f.resource.kind, f.resource.name, segs or None)
    return Location(file=doc.source, line=line) if line else None


def _locate_in_build(doc: Document, segs: list[Any], traces: dict[Path, Any]) -> Location | None:
    from ..explain import Tracer, history
    from ..kustomize.build import build_resources

    assert doc.root is not None
    if doc.root not in traces:
        tracer = Tracer()
        with contextlib.redirect_stderr(io.StringIO()):  # its warnings were printed by the first build
            resources = build_resources(doc.root, tracer=tracer)
        traces[doc.root] = (tracer, resources)
    tracer, resources = traces[doc.root]
    if doc.index >= len(resources):
        return None
    events = history(tracer, resources[doc.index], segs, doc.root, show_secrets=True)
    for event in reversed(events):
        if event.line is not None and event.source and not event.source.startswith("<"):
            source = Path(event.source)
            return Location(
                file=_display(source if source.is_absolute() else doc.root / source), line=event.line
            )
    return None
