"""Where a value came from: snapshots of every resource after each build step, and the history of one field.

The build calls :meth:`Tracer.on_step` after loading a file, each generator, each patch and each
transformer. A resource is followed across renames by identity (the same ``Resource`` object flows through the
build) or, where a step replaces the object (a generator with ``behavior: merge``), by its earlier ids.
"""

from __future__ import annotations

import contextlib
import functools
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diff import Change, diff_values
from .errors import ManifestError, UsageError
from .fieldpath import MISSING, PathSeg, format_path, get_path, parse_field, step_into
from .kustomize import KUSTOMIZATION_FILES
from .kustomize.resource import Resource
from .masking import mask_secrets


@functools.lru_cache(maxsize=64)
def _load_round_trip(path: str) -> tuple[Any, ...]:
    """The documents of a YAML file with their line numbers (ruamel round-trip); empty if unreadable."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return tuple(YAML(typ="rt").load_all(Path(path).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError, ValueError):
        return ()


def locate(path: Path, kind: str, name: str, segs: list[PathSeg] | None) -> int | None:
    """The 1-based line of a field (or of the object when ``segs`` is None) in a YAML file, or None."""
    for doc in _load_round_trip(str(path)):
        if not isinstance(doc, dict) or doc.get("kind") != kind:
            continue
        md = doc.get("metadata")
        if not isinstance(md, dict) or (name and md.get("name") != name):
            continue
        if not segs:
            return doc.lc.line + 1 if hasattr(doc, "lc") else None
        node: Any = doc
        line: int | None = None
        for seg in segs:
            child, key = step_into(node, seg)
            if child is MISSING:
                return line
            lc = getattr(node, "lc", None)
            if lc is not None:
                with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
                    line = (lc.key(key) if isinstance(node, dict) else lc.item(key))[0] + 1
            node = child
        return line
    return None


@dataclass
class Step:
    label: str
    source: str
    snapshots: list[tuple[Resource, tuple[Any, ...], bytes]]


@dataclass
class Tracer:
    """Records a cheap snapshot (pickled) of every resource after each build step."""

    steps: list[Step] = field(default_factory=list)

    def on_step(self, label: str, source: str, resources: list[Resource]) -> None:
        snaps = [
            (r, tuple(r.all_ids()), pickle.dumps(r.obj, protocol=pickle.HIGHEST_PROTOCOL)) for r in resources
        ]
        self.steps.append(Step(label, source, snaps))


@dataclass
class Event:
    """A step that set or changed the explained value (or resource)."""

    number: int
    label: str
    source: str
    line: int | None
    created: bool
    changes: list[Change]


def _snapshot_of(step: Step, target: Resource, ids: set[Any]) -> bytes | None:
    for r, _, blob in step.snapshots:
        if r is target:
            return blob
    for _, rids, blob in step.snapshots:
        if rids and rids[-1] in ids:
            return blob
    return None


_STEP_KEY = re.compile(r"^([A-Za-z0-9]+)(?:\[(\d+)\])?")


def locate_in_kustomization(path: Path, label: str, name: str) -> int | None:
    """The line in a kustomization file of what a step did: the generator entry, the transformer's field."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    m = _STEP_KEY.match(label)
    if m is None:
        return None
    try:
        doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError, ValueError):
        return None
    key, index = m.group(1), m.group(2)
    # the round-trip loader reads every mapping as a CommentedMap, which knows its keys' lines
    if not isinstance(doc, CommentedMap) or key not in doc:
        return None
    value = doc[key]
    if isinstance(value, list) and hasattr(value, "lc"):
        for i, item in enumerate(value):
            if (index is not None and i == int(index)) or (
                index is None and isinstance(item, dict) and item.get("name") == name
            ):
                return int(value.lc.item(i)[0]) + 1
    return int(doc.lc.key(key)[0]) + 1


def _source_file(root: Path, source: str) -> Path | None:
    if not source or source.startswith("<"):
        return None
    p = (root / source) if not Path(source).is_absolute() else Path(source)
    return p if p.is_file() else None


def history(
    tracer: Tracer, target: Resource, segs: list[PathSeg], root: Path, *, show_secrets: bool = False
) -> list[Event]:
    """Each step that created the resource or changed the value at ``segs`` (all fields when empty), in order."""
    ids = set(target.all_ids())
    events: list[Event] = []
    prev: Any = MISSING
    prev_obj: dict[str, Any] | None = None
    for n, step in enumerate(tracer.steps, start=1):
        blob = _snapshot_of(step, target, ids)
        if blob is None:
            continue
        obj = pickle.loads(blob)
        if not show_secrets:
            obj = mask_secrets(obj)
        value = get_path(obj, segs)
        if prev_obj is not None and value == prev:
            prev_obj = obj
            continue
        created = prev_obj is None
        before = None if prev is MISSING else prev
        after = None if value is MISSING else value
        if created:
            changes = (
                [] if value is MISSING else [Change(format_path(segs) or "(object)", "added", new=after)]
            )
        elif prev is MISSING:
            changes = [Change(format_path(segs), "added", new=after)]
        elif value is MISSING:
            changes = [Change(format_path(segs), "removed", old=before)]
        else:
            changes = [
                Change(
                    format_path([*segs, *parse_field(c.path)]) if c.path else format_path(segs),
                    c.op,
                    c.old,
                    c.new,
                )
                for c in diff_values(before, after)
            ]
        line = None
        src = _source_file(root, step.source)
        if src is not None:
            md = obj.get("metadata") or {}
            kind, name = str(obj.get("kind") or ""), str(md.get("name") or "")
            if src.name in KUSTOMIZATION_FILES:
                line = locate_in_kustomization(src, step.label, name)
            else:
                # A patch may name its target loosely (it applies by selector): then any object of the kind.
                line = locate(src, kind, name, segs or None) or locate(src, kind, "", segs or None)
        if created or changes:
            events.append(Event(n, step.label, step.source, line, created, changes))
        prev, prev_obj = value, obj
    return events


# Fields another object sets at run time, so the build leaves them unset on purpose.
_SCALERS = {"HorizontalPodAutoscaler": ("spec", "scaleTargetRef")}


def field_owner(resources: list[Resource], target: Resource, segs: list[PathSeg]) -> Resource | None:
    """The object that owns ``segs`` of ``target`` in the cluster: the HorizontalPodAutoscaler scaling it,
    for ``spec.replicas`` (it sets replicas, so a build that also set them would fight it)."""
    if list(segs) != ["spec", "replicas"]:
        return None
    for r in resources:
        if r.kind not in _SCALERS or r.namespace != target.namespace:
            continue
        ref = (r.obj.get("spec") or {}).get("scaleTargetRef")
        if isinstance(ref, dict) and ref.get("kind") == target.kind and ref.get("name") == target.name:
            return r
    return None


def find_resource(resources: list[Resource], ref: str, namespace: str | None) -> Resource:
    """The resource named by ``KIND/NAME`` or ``KIND.GROUP/NAME`` (case-insensitive kind and group, plurals
    and kubectl's short names, as in `kubectl get deploy.apps/web`; also the name before prefixes and
    hashes)."""
    from .diff import strip_hash
    from .kinds import canonical_kind, resolve_kind

    kind, sep, name = ref.partition("/")
    if not sep or not kind or not name:
        raise UsageError(f"'{ref}': name the resource as KIND/NAME, e.g. Deployment/logpilot-all")
    kind, dot, group = kind.partition(".")
    kind = resolve_kind(kind, {r.kind for r in resources}) or canonical_kind(kind)
    of_kind = [r for r in resources if r.kind == kind]
    if dot:
        of_kind = [r for r in of_kind if r.id.group.lower() == group.lower()]
    if namespace is not None:
        of_kind = [r for r in of_kind if r.namespace == namespace]
    for match in (
        lambda r: r.name == name,
        lambda r: strip_hash(r.kind, r.name) == name,
        lambda r: any(i.name == name for i in r.all_ids()),
    ):
        found = [r for r in of_kind if match(r)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            if len({r.namespace for r in found}) > 1:
                where = ", ".join(f"{r.namespace or '(no namespace)'}" for r in found)
                raise UsageError(f"'{ref}' is in several namespaces ({where}); choose one with --namespace")
            versions = ", ".join(f"'{r.api_version}'" if r.api_version else "none" for r in found)
            if len({r.id.group for r in found}) == len(found):
                refs = ", ".join(f"{r.kind}.{r.id.group}/{name}" for r in found)
                raise UsageError(
                    f"'{ref}' names resources of several API groups (apiVersion {versions}); "
                    f"qualify the kind with the group: {refs} (an empty group is the core one)"
                )
            raise ManifestError(f"'{ref}' names several resources of one group (apiVersion {versions})")
    names = ", ".join(sorted(r.name for r in of_kind)) or "none"
    raise ManifestError(f"no {kind} named '{name}' in the build; {kind} names: {names}")
