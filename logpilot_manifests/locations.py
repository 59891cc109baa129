"""Where in the user's files a finding's field is: file and line, through the build's patches.

Validation and lint only know each object's origin file. Lines are found afterwards, and only for the
findings there are: a rendered file is searched for the object and the field; a kustomization's build is
traced (with ``explain``'s tracer, built again only when no trace is at hand), and the finding points at the
last step (base file, patch, generator or transformer) that set the offending value, as
``logpilot-manifests explain`` would show it.

Paths are shown as ``paths.shown`` writes them.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ManifestError, UsageError
from .paths import STDIN_LABEL, shown, shown_origins

if TYPE_CHECKING:
    from .explain import Tracer
    from .findings import Finding, Location
    from .kustomize.resource import Resource


class Document:
    """One object a command judges, the file it was read from (as shown), and for a built object its name in
    that file, the build's root and its position in the build's output (to trace its fields). A plain class,
    as ``Trace``: a dataclass or a named tuple of string annotations costs far more to create at start-up."""

    __slots__ = ("obj", "source", "source_name", "root", "position")

    def __init__(
        self, obj: Any, source: str, source_name: str = "", root: Path | None = None, position: int = -1
    ) -> None:
        self.obj = obj
        self.source = source
        self.source_name = source_name
        self.root = root
        self.position = position


class Trace:
    """A traced build: the tracer's steps and the resources the build produced, in order."""

    __slots__ = ("tracer", "resources")

    def __init__(self, tracer: Tracer, resources: list[Resource]) -> None:
        self.tracer = tracer
        self.resources = resources


def built_documents(root: Path, resources: Sequence[Resource]) -> list[Document]:
    """The documents of a build of ``root``, each with its origin as shown and its place in the output."""
    sources = shown_origins(root, [r.origin for r in resources])
    return [
        Document(r.obj, source, r.orig_id().name, root, i)
        for i, (r, source) in enumerate(zip(resources, sources, strict=True))
    ]


def locate_findings(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    traces: Mapping[Path, Trace] | None = None,
    *,
    trace_builds: bool = True,
) -> list[Finding]:
    """The findings with ``location`` naming the file and line of the offending field, where it can be found.

    ``traces``: builds already traced, by root. Without one, a root is built again traced when
    ``trace_builds`` (the cost of a second build, paid only when there is a finding to place); else a built
    object's finding points at its line in its origin file.
    """
    if not findings:
        return []
    by_key: dict[tuple[str, str, str], list[Document]] = {}
    for d in documents:
        if isinstance(d.obj, dict):
            md = d.obj.get("metadata")
            if not isinstance(md, dict):
                md = {}
            key = (str(d.obj.get("kind") or ""), str(md.get("namespace") or ""), str(md.get("name") or ""))
            by_key.setdefault(key, []).append(d)
    known: dict[Path, Trace | None] = dict(traces or {})
    out: list[Finding] = []
    for f in findings:
        candidates = by_key.get(f.resource.key(), []) if f.resource.kind else []
        file = f.location.file if f.location else ""
        doc = next((d for d in candidates if d.source == file), candidates[0] if candidates else None)
        location = None
        if doc is not None:
            try:
                location = _locate(f, doc, known, trace_builds)
            except (ManifestError, OSError, ValueError, RecursionError):
                location = None  # the line is a help, never a reason to fail
        if location:
            import dataclasses

            f = dataclasses.replace(f, location=location)
        out.append(f)
    return out


def _segments(path: str) -> list[Any] | None:
    from .fieldpath import parse_field

    try:
        return parse_field(path) if path else []
    except UsageError:
        return None


def _trimmed(obj: Any, segs: list[Any]) -> list[Any]:
    """The longest prefix of ``segs`` that exists in ``obj`` (a required field points at its parent)."""
    from .fieldpath import MISSING, get_path

    while segs and get_path(obj, segs) is MISSING:
        segs = segs[:-1]
    return segs


def _locate(
    f: Finding, doc: Document, traces: dict[Path, Trace | None], trace_builds: bool
) -> Location | None:
    segs = _segments(f.path)
    if segs is None:
        return None
    segs = _trimmed(doc.obj, segs)
    if doc.root is not None and doc.position >= 0:
        trace = _trace(doc.root, traces, trace_builds)
        location = _locate_in_build(doc, trace, segs) if trace is not None else None
        if location is not None:
            return location
    return _locate_in_file(f, doc, segs)


def _trace(root: Path, traces: dict[Path, Trace | None], trace_builds: bool) -> Trace | None:
    if root not in traces:
        if not trace_builds:
            return None
        from .explain import Tracer
        from .kustomize.build import build_resources

        tracer = Tracer()
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # its warnings were printed by the first build
                traces[root] = Trace(tracer, build_resources(root, tracer=tracer))
        except (ManifestError, OSError, RecursionError):
            traces[root] = None
    return traces[root]


def _locate_in_build(doc: Document, trace: Trace, segs: list[Any]) -> Location | None:
    """The last step of the build that set the field (for the object itself: the step that created it)."""
    from .explain import history
    from .findings import Location

    assert doc.root is not None
    if doc.position >= len(trace.resources):
        return None
    events = history(trace.tracer, trace.resources[doc.position], segs, doc.root, show_secrets=True)
    placed = [e for e in events if e.line is not None and e.source and not e.source.startswith("<")]
    if segs:
        placed = [e for e in placed if e.changes] or placed
        event = placed[-1] if placed else None
    else:
        event = placed[0] if placed and placed[0].created else None
    if event is None:
        return None
    source = Path(event.source)
    path = source if source.is_absolute() else doc.root.resolve() / source
    return Location(file=shown(path), line=event.line) if path.is_file() else None


def _locate_in_file(f: Finding, doc: Document, segs: list[Any]) -> Location | None:
    """The field's line in the object's origin file; for a generated object, its generator's entry."""
    from .explain import locate, locate_in_kustomization
    from .findings import Location
    from .kustomize import KUSTOMIZATION_FILES

    if not doc.source or doc.source == STDIN_LABEL:
        return None
    path = Path(doc.source)
    if not path.is_file():
        return None
    name = doc.source_name or f.resource.source_name or f.resource.name
    if path.name in KUSTOMIZATION_FILES:
        generator = "secretGenerator" if f.resource.kind == "Secret" else "configMapGenerator"
        line = locate_in_kustomization(path, generator, name)
    else:
        line = locate(path, f.resource.kind, name, segs or None) or locate(path, f.resource.kind, name, None)
    return Location(file=doc.source, line=line)
