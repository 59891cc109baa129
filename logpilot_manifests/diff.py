"""A semantic diff of two sets of Kubernetes objects: matched by kind/namespace/name, compared field by field.

Pure functions over plain dicts; the CLI (``cli/diff.py``) loads the two sides and prints the result.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .fieldpath import PathSeg, format_path
from .masking import mask_secrets

# kustomize's generated-name hash: 10 characters of hex where 0,1,3,a,e became g,h,k,m,t (so never a vowel).
_HASH_SUFFIX = re.compile(r"-[2456789bcdfghkmt]{10}$")
_GENERATED_KINDS = frozenset({"ConfigMap", "Secret"})


@dataclass(frozen=True, order=True)
class Key:
    """How a resource is matched between the two sides."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Change:
    """One changed field: ``op`` is ``changed``, ``added`` (only in B) or ``removed`` (only in A)."""

    path: str
    op: str
    old: Any = None
    new: Any = None


@dataclass
class ResourceDiff:
    """A resource present on both sides; ``key_a``/``key_b`` differ when matched across generated names."""

    key_a: Key
    key_b: Key
    changes: list[Change]


@dataclass
class DiffResult:
    only_a: list[Key] = field(default_factory=list)
    only_b: list[Key] = field(default_factory=list)
    changed: list[ResourceDiff] = field(default_factory=list)
    identical: int = 0

    @property
    def differs(self) -> bool:
        return bool(self.only_a or self.only_b or self.changed)


def key_of(obj: dict[str, Any]) -> Key:
    md = obj.get("metadata")
    if not isinstance(md, dict):
        md = {}
    return Key(str(obj.get("kind") or ""), str(md.get("namespace") or ""), str(md.get("name") or ""))


def strip_hash(kind: str, name: str) -> str:
    """A generated ConfigMap/Secret name without kustomize's content-hash suffix."""
    return _HASH_SUFFIX.sub("", name) if kind in _GENERATED_KINDS else name


def _named_items(items: list[Any]) -> dict[str, Any] | None:
    """Index a list of objects by their unique ``name`` (containers, env, ports, volumes); None if not such a list."""
    index: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or item["name"] in index:
            return None
        index[item["name"]] = item
    return index


def diff_values(a: Any, b: Any, path: tuple[PathSeg, ...] = ()) -> list[Change]:
    """Every leaf-level difference between ``a`` and ``b``, depth first, in a stable order."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        changes: list[Change] = []
        for k in sorted(a.keys() | b.keys(), key=str):
            p = (*path, str(k))
            if k not in b:
                changes.append(Change(format_path(p), "removed", old=a[k]))
            elif k not in a:
                changes.append(Change(format_path(p), "added", new=b[k]))
            else:
                changes.extend(diff_values(a[k], b[k], p))
        return changes
    if isinstance(a, list) and isinstance(b, list) and a and b:
        na, nb = _named_items(a), _named_items(b)
        if na is not None and nb is not None:
            changes = []
            for name in [*na, *(n for n in nb if n not in na)]:
                p = (*path, ("name", name))
                if name not in nb:
                    changes.append(Change(format_path(p), "removed", old=na[name]))
                elif name not in na:
                    changes.append(Change(format_path(p), "added", new=nb[name]))
                else:
                    changes.extend(diff_values(na[name], nb[name], p))
            return changes
        # Dicts by position; scalars by position too when only some items changed (e.g. one line of a command).
        if all(isinstance(x, dict) for x in (*a, *b)) or (
            len(a) == len(b) and not any(isinstance(x, dict | list) for x in (*a, *b))
        ):
            changes = []
            for i in range(max(len(a), len(b))):
                p = (*path, i)
                if i >= len(b):
                    changes.append(Change(format_path(p), "removed", old=a[i]))
                elif i >= len(a):
                    changes.append(Change(format_path(p), "added", new=b[i]))
                else:
                    changes.extend(diff_values(a[i], b[i], p))
            return changes
    return [Change(format_path(path), "changed", old=a, new=b)]


def _readings(name: str) -> Iterable[tuple[str, str, str]]:
    """Ways to read ``name`` as prefix + core + suffix, cutting at dashes (the whole name included)."""
    parts = name.split("-")
    n = len(parts)
    for i in range(n):
        for j in range(i + 1, n + 1):
            prefix = "".join(p + "-" for p in parts[:i])
            suffix = "".join("-" + p for p in parts[j:])
            yield prefix, "-".join(parts[i:j]), suffix


def _match_affixed(left_a: dict[Key, Any], left_b: dict[Key, Any]) -> list[tuple[Key, Key]]:
    """Pair leftovers of rendered files whose names differ by one environment affix per side.

    An environment's prefix or suffix is on every object it renamed, so the affixes are inferred from the
    whole set: each way of stripping a dash-bounded prefix/suffix from A's names and from B's names is
    counted by the pairs it would make, and the best is used only when it is unambiguous: it makes at least
    two pairs, more than any other choice of affixes as short, each of its pairs is one-to-one, and it pairs
    most of the leftovers of a side it strips something from. ``dev-app`` lines up with
    ``app``, ``logpilot-all-blue`` with ``logpilot-all-green``; two different objects whose names merely
    contain each other (``logpilot`` and ``logpilot-tls``) are not paired by a one-off coincidence.
    """
    by_core_a: dict[tuple[str, str, str, str, str], list[Key]] = defaultdict(list)
    for ka in left_a:
        for prefix, core, suffix in _readings(ka.name):
            by_core_a[(ka.kind, ka.namespace, core, prefix, suffix)].append(ka)
    cores_a: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for kind, ns, core, prefix, suffix in by_core_a:
        cores_a[(kind, ns, core)].append((prefix, suffix))
    votes: Counter[tuple[str, str, str, str]] = Counter()
    for kb in left_b:
        for prefix_b, core, suffix_b in _readings(kb.name):
            for prefix_a, suffix_a in cores_a.get((kb.kind, kb.namespace, core), ()):
                if (prefix_a, suffix_a, prefix_b, suffix_b) != ("", "", "", ""):
                    votes[(prefix_a, suffix_a, prefix_b, suffix_b)] += 1
    # The most pairs first; among equals the shortest affixes (cutting ``logpilot-`` off both sides as well
    # makes the same pairs and says nothing more). A tie on both is ambiguous.
    ranked = sorted(votes.items(), key=lambda v: (-v[1], sum(map(len, v[0]))))[:2]
    if not ranked or ranked[0][1] < 2:
        return []
    if (
        len(ranked) > 1
        and ranked[1][1] == ranked[0][1]
        and sum(map(len, ranked[1][0])) == sum(map(len, ranked[0][0]))
    ):
        return []
    prefix_a, suffix_a, prefix_b, suffix_b = ranked[0][0]

    def core_of(key: Key, prefix: str, suffix: str) -> tuple[str, str, str] | None:
        name = key.name
        if len(name) <= len(prefix) + len(suffix) or not (name.startswith(prefix) and name.endswith(suffix)):
            return None
        return key.kind, key.namespace, name[len(prefix) : len(name) - len(suffix)]

    side_a: dict[tuple[str, str, str], list[Key]] = defaultdict(list)
    side_b: dict[tuple[str, str, str], list[Key]] = defaultdict(list)
    for ka in left_a:
        if (core_a := core_of(ka, prefix_a, suffix_a)) is not None:
            side_a[core_a].append(ka)
    for kb in left_b:
        if (core_b := core_of(kb, prefix_b, suffix_b)) is not None:
            side_b[core_b].append(kb)
    pairs = sorted(
        (side_a[c][0], side_b[c][0])
        for c in side_a.keys() & side_b.keys()
        if len(side_a[c]) == 1 and len(side_b[c]) == 1
    )
    # An environment renames what it holds: its affix accounts for most objects left unmatched on the side
    # that carries it. Two components that happen to share a naming pattern (``logpilot-nodeport`` and
    # ``logpilot-lb`` for a Service and a NetworkPolicy each) do not.
    for carried, left in ((prefix_a or suffix_a, left_a), (prefix_b or suffix_b, left_b)):
        if carried and 2 * len(pairs) <= len(left):
            return []
    return pairs


def _index(
    objs: Sequence[dict[str, Any]], match_generated: bool, base_names: Sequence[str] | None
) -> dict[Key, dict[str, Any]]:
    out: dict[Key, dict[str, Any]] = {}
    for i, obj in enumerate(objs):
        raw = key_of(obj)
        k = raw
        if match_generated:
            name = base_names[i] if base_names is not None else raw.name
            k = Key(raw.kind, raw.namespace, strip_hash(raw.kind, name))
        # Two objects that look alike once the hash is gone keep their full names, so neither is lost.
        out[raw if k in out else k] = obj
    return out


@dataclass
class Matching:
    """Objects paired between the sides (sorted by B's key), and those found on one side only."""

    pairs: list[tuple[dict[str, Any], dict[str, Any]]]
    only_a: list[dict[str, Any]]
    only_b: list[dict[str, Any]]


def match_objects(
    a: Sequence[dict[str, Any]],
    b: Sequence[dict[str, Any]],
    *,
    match_generated: bool = False,
    base_a: Sequence[str] | None = None,
    base_b: Sequence[str] | None = None,
) -> Matching:
    """Pair objects by kind/namespace/name; with ``match_generated`` also across hashes and name affixes.

    ``base_a``/``base_b`` are, when known, each object's name before the build added prefixes, suffixes and
    hashes (parallel to ``a``/``b``): the surest way to pair them, and then the only one. When a side has
    none (a rendered file), an environment prefix or suffix is inferred from the names where unambiguous.
    """
    ia, ib = _index(a, match_generated, base_a), _index(b, match_generated, base_b)
    keys = [(k, k) for k in ia if k in ib]
    if match_generated and (base_a is None or base_b is None):
        left_a = {k: v for k, v in ia.items() if k not in ib}
        left_b = {k: v for k, v in ib.items() if k not in ia}
        keys.extend(_match_affixed(left_a, left_b))
    matched_a = {ka for ka, _ in keys}
    matched_b = {kb for _, kb in keys}
    return Matching(
        pairs=sorted(((ia[ka], ib[kb]) for ka, kb in keys), key=lambda p: key_of(p[1])),
        only_a=sorted((v for k, v in ia.items() if k not in matched_a), key=key_of),
        only_b=sorted((v for k, v in ib.items() if k not in matched_b), key=key_of),
    )


def diff_objects(
    a: Sequence[dict[str, Any]],
    b: Sequence[dict[str, Any]],
    *,
    match_generated: bool = False,
    show_secrets: bool = False,
    base_a: Sequence[str] | None = None,
    base_b: Sequence[str] | None = None,
) -> DiffResult:
    """Compare two sets of objects. Secret values are masked unless ``show_secrets``."""
    if not show_secrets:
        a = [mask_secrets(o) for o in a]
        b = [mask_secrets(o) for o in b]
    m = match_objects(a, b, match_generated=match_generated, base_a=base_a, base_b=base_b)
    result = DiffResult(only_a=[key_of(o) for o in m.only_a], only_b=[key_of(o) for o in m.only_b])
    # With --match-generated a name that differs only by hash or affix is not a change, nor is a reference to it.
    renamed = {key_of(oa).name: key_of(ob).name for oa, ob in m.pairs} if match_generated else {}
    for oa, ob in m.pairs:
        changes = [
            c
            for c in diff_values(oa, ob)
            if not (c.op == "changed" and isinstance(c.old, str) and renamed.get(c.old, c.old) == c.new)
        ]
        if changes:
            result.changed.append(ResourceDiff(key_of(oa), key_of(ob), changes))
        else:
            result.identical += 1
    return result


def result_to_json(result: DiffResult, label_a: str, label_b: str) -> dict[str, Any]:
    """The machine-readable form of a diff (``--output json``)."""

    def k(key: Key) -> dict[str, str]:
        return {"kind": key.kind, "namespace": key.namespace, "name": key.name}

    return {
        "a": label_a,
        "b": label_b,
        "differs": result.differs,
        "onlyInA": [k(x) for x in result.only_a],
        "onlyInB": [k(x) for x in result.only_b],
        "changed": [
            {
                **k(rd.key_b),
                **({"nameInA": rd.key_a.name} if rd.key_a.name != rd.key_b.name else {}),
                "changes": [
                    {"path": c.path, "op": c.op}
                    | ({"old": c.old} if c.op != "added" else {})
                    | ({"new": c.new} if c.op != "removed" else {})
                    for c in rd.changes
                ],
            }
            for rd in result.changed
        ],
        "identical": result.identical,
    }


def unified_text(
    a: Sequence[dict[str, Any]],
    b: Sequence[dict[str, Any]],
    label_a: str,
    label_b: str,
    *,
    match_generated: bool = False,
    show_secrets: bool = False,
    base_a: Sequence[str] | None = None,
    base_b: Sequence[str] | None = None,
    context: int = 3,
) -> str:
    """A unified text diff of the two sides' YAML, one section per resource headed by the resource on each
    side (``--- A Deployment ns/name``), as ``kubectl diff`` gives one file per object: matched objects,
    then those on one side only (against nothing)."""
    from .kustomize.documents import dump_documents

    if not show_secrets:
        a = [mask_secrets(o) for o in a]
        b = [mask_secrets(o) for o in b]
    m = match_objects(a, b, match_generated=match_generated, base_a=base_a, base_b=base_b)
    sections = [
        *m.pairs,
        *((oa, None) for oa in m.only_a),
        *((None, ob) for ob in m.only_b),
    ]
    out: list[str] = []
    for oa, ob in sections:
        lines_a = dump_documents([oa]).splitlines(keepends=True) if oa is not None else []
        lines_b = dump_documents([ob]).splitlines(keepends=True) if ob is not None else []
        from_file = f"{label_a} {key_of(oa)}" if oa is not None else f"{label_a} (absent)"
        to_file = f"{label_b} {key_of(ob)}" if ob is not None else f"{label_b} (absent)"
        out.extend(difflib.unified_diff(lines_a, lines_b, fromfile=from_file, tofile=to_file, n=context))
    return "".join(out)
