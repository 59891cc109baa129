"""A semantic diff of two sets of Kubernetes objects: matched by kind/namespace/name, compared field by field.

Pure functions over plain dicts; the CLI (``cli/diff.py``) loads the two sides and prints the result.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import hmac
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# kustomize's generated-name hash: 10 characters of hex where 0,1,3,a,e became g,h,k,m,t (so never a vowel).
_HASH_SUFFIX = re.compile(r"-[2456789bcdfghkmt]{10}$")
_GENERATED_KINDS = frozenset({"ConfigMap", "Secret"})
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

# A process-wide key: masked tokens are equal for equal secret values within one run (so a change shows)
# and say nothing about the value across runs.
_MASK_KEY = secrets.token_bytes(32)

PathSeg = str | int | tuple[str, Any]


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
    md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return Key(str(obj.get("kind") or ""), str(md.get("namespace") or ""), str(md.get("name") or ""))


def strip_hash(kind: str, name: str) -> str:
    """A generated ConfigMap/Secret name without kustomize's content-hash suffix."""
    return _HASH_SUFFIX.sub("", name) if kind in _GENERATED_KINDS else name


def mask_token(value: Any) -> str:
    """A stand-in for a secret value: equal values give equal tokens in one run; the value cannot be read back."""
    digest = hmac.new(_MASK_KEY, repr(value).encode(), hashlib.sha256).hexdigest()[:8]
    return f"<secret {digest}>"


def mask_secrets(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with the values of a Secret's ``data`` and ``stringData`` masked (others unchanged)."""
    if obj.get("kind") != "Secret":
        return obj
    out = copy.copy(obj)
    for section in ("data", "stringData"):
        values = obj.get(section)
        if isinstance(values, dict):
            out[section] = {k: mask_token(v) for k, v in values.items()}
        elif section in obj and values is not None:
            # malformed (a list, a string): still secret, so masked whole
            out[section] = mask_token(values)
    return out


def format_path(path: Sequence[PathSeg]) -> str:
    """``spec.template.spec.containers[name=app].image``; odd keys as ``labels["app.kubernetes.io/name"]``."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif isinstance(seg, tuple):
            out.append(f"[{seg[0]}={seg[1]}]")
        elif _PLAIN_KEY.match(seg):
            out.append(f".{seg}" if out else seg)
        else:
            out.append(f'["{seg}"]')
    return "".join(out)


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


def _affix_candidates(name: str) -> Iterable[tuple[str, str, str]]:
    """Ways to read ``name`` as prefix + core + suffix, cutting at dashes: (prefix, core, suffix)."""
    parts = name.split("-")
    n = len(parts)
    for i in range(n):
        for j in range(i + 1, n + 1):
            if i == 0 and j == n:
                continue
            prefix = "".join(p + "-" for p in parts[:i])
            suffix = "".join("-" + p for p in parts[j:])
            yield prefix, "-".join(parts[i:j]), suffix


def _match_affixed(left_a: dict[Key, Any], left_b: dict[Key, Any]) -> list[tuple[Key, Key]]:
    """Pair leftovers whose names differ by an environment prefix/suffix, trying the most common affix first.

    A name in one side that is a dash-bounded part of a name of the same kind and namespace in the other side is
    a candidate; affixes shared by many pairs (like ``dev-`` on every resource) win over one-off coincidences.
    """
    index_b = {(k.kind, k.namespace, k.name): k for k in left_b}
    index_a = {(k.kind, k.namespace, k.name): k for k in left_a}
    candidates: list[tuple[str, str, str, Key, Key]] = []  # (side that has the affix, prefix, suffix, a, b)
    for ka in left_a:
        for prefix, core, suffix in _affix_candidates(ka.name):
            kb = index_b.get((ka.kind, ka.namespace, core))
            if kb is not None:
                candidates.append(("a", prefix, suffix, ka, kb))
    for kb in left_b:
        for prefix, core, suffix in _affix_candidates(kb.name):
            ka = index_a.get((kb.kind, kb.namespace, core))
            if ka is not None:
                candidates.append(("b", prefix, suffix, ka, kb))
    popularity = Counter((side, p, s) for side, p, s, _, _ in candidates)
    candidates.sort(key=lambda c: (-popularity[(c[0], c[1], c[2])], c[0], c[1], c[2], c[3], c[4]))
    pairs: list[tuple[Key, Key]] = []
    used_a: set[Key] = set()
    used_b: set[Key] = set()
    for _, _, _, ka, kb in candidates:
        if ka not in used_a and kb not in used_b:
            used_a.add(ka)
            used_b.add(kb)
            pairs.append((ka, kb))
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
    hashes (parallel to ``a``/``b``): the surest way to pair them. Without them, a prefix or suffix present on
    one side only is inferred from the names.
    """
    ia, ib = _index(a, match_generated, base_a), _index(b, match_generated, base_b)
    keys = [(k, k) for k in ia if k in ib]
    if match_generated:
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
    """A unified text diff of the two sides' YAML: matched objects side by side, then those on one side only."""
    from .kustomize.documents import dump_documents

    if not show_secrets:
        a = [mask_secrets(o) for o in a]
        b = [mask_secrets(o) for o in b]
    m = match_objects(a, b, match_generated=match_generated, base_a=base_a, base_b=base_b)
    side_a = [oa for oa, _ in m.pairs] + m.only_a
    side_b = [ob for _, ob in m.pairs] + m.only_b

    def lines(objs: list[dict[str, Any]]) -> list[str]:
        return dump_documents(objs).splitlines(keepends=True) if objs else []

    return "".join(
        difflib.unified_diff(lines(side_a), lines(side_b), fromfile=label_a, tofile=label_b, n=context)
    )
