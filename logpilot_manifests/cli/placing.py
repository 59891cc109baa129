"""Placing a finding in the user's files: where the build last set the offending field (a patch, a generator,
a transformer, as ``explain`` traces it), else the field's line in the file its resource came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import Location


@dataclass(frozen=True)
class FieldRef:
    """The field a finding is about: its resource as rendered, the path, the name in the source file."""

    kind: str
    namespace: str
    name: str
    path: str
    source_name: str = ""


@dataclass
class Trace:
    """A build's step-by-step record, to place findings where their values were set."""

    root: Path
    tracer: Any
    resources: dict[tuple[str, str, str], Any]

    @classmethod
    def of(cls, root: Path, tracer: Any, resources: list[Any]) -> Trace:
        return cls(root, tracer, {(r.kind, r.namespace, r.name): r for r in resources})


def _segments(path: str) -> list[Any] | None:
    from ..errors import UsageError
    from ..fieldpath import parse_field

    try:
        return parse_field(path)
    except UsageError:
        return None


def _last_step(ref: FieldRef, trace: Trace) -> Location | None:
    from ..explain import history
    from .inputs import shown_origin

    resource = trace.resources.get((ref.kind, ref.namespace, ref.name))
    segs = _segments(ref.path) if ref.path else None
    if resource is None or not segs:
        return None
    placed = [
        e for e in history(trace.tracer, resource, segs, trace.root) if e.source and e.line and e.changes
    ]
    if not placed:
        return None
    source = shown_origin(trace.root, placed[-1].source)
    return Location(file=source, line=placed[-1].line) if Path(source).is_file() else None


def _line_in(ref: FieldRef, file: str) -> int | None:
    """The line of the field (or of its resource) in ``file``; a generated object's generator entry."""
    from ..explain import KUSTOMIZATION_FILES, locate, locate_in_kustomization

    name = ref.source_name or ref.name
    if Path(file).name in KUSTOMIZATION_FILES:
        generator = "secretGenerator" if ref.kind == "Secret" else "configMapGenerator"
        return locate_in_kustomization(Path(file), generator, name)
    segs = _segments(ref.path) or []
    return locate(Path(file), ref.kind, name, segs) or locate(Path(file), ref.kind, name, None)


def place(ref: FieldRef, file: str, trace: Trace | None) -> Location | None:
    """The location of ``ref``: traced through the build when ``trace`` is given, else in ``file`` (the
    resource's origin, as shown)."""
    from .inputs import STDIN_LABEL

    location = _last_step(ref, trace) if trace is not None else None
    if location is None and file and file != STDIN_LABEL and Path(file).is_file():
        location = Location(file=file, line=_line_in(ref, file))
    return location
