"""Patch and replacement targets: gvk, name/namespace regexes, label and annotation selectors."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import BuildError
from .resource import Resource

if TYPE_CHECKING:
    from .plugins import Selector

Requirement = Callable[[dict[str, str]], bool]

_REQ = re.compile(
    r"""\s*(?:
        (?P<notkey>!\s*(?P<nk>[^\s,!=()]+)) |
        (?P<key>[^\s,!=()]+)\s*(?:
            (?P<op>==|!=|=)\s*(?P<val>[^\s,()]*) |
            (?P<setop>in|notin)\s*\((?P<set>[^)]*)\)
        )?
    )\s*""",
    re.X,
)


def _present(k: str) -> Requirement:
    return lambda labels: k in labels


def _absent(k: str) -> Requirement:
    return lambda labels: k not in labels


def _equal(k: str, v: str) -> Requirement:
    return lambda labels: labels.get(k) == v


def _not_equal(k: str, v: str) -> Requirement:
    return lambda labels: labels.get(k) != v


def _in(k: str, values: frozenset[str]) -> Requirement:
    return lambda labels: labels.get(k) in values


def _not_in(k: str, values: frozenset[str]) -> Requirement:
    return lambda labels: labels.get(k) not in values


@lru_cache(maxsize=256)
def parse_label_selector(text: str) -> tuple[Requirement, ...]:
    """Kubernetes label selector syntax: ``a=b,c!=d,e in (f,g),h notin (i),j,!k``."""
    reqs: list[Requirement] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _REQ.match(text, pos)
        if not m or m.end() == pos:
            raise BuildError(f"invalid label selector '{text}'")
        if m.group("notkey"):
            k = m.group("nk")
            reqs.append(_absent(k))
        elif m.group("op"):
            k, v, op = m.group("key"), m.group("val"), m.group("op")
            reqs.append(_not_equal(k, v) if op == "!=" else _equal(k, v))
        elif m.group("setop"):
            k = m.group("key")
            values = frozenset(s.strip() for s in m.group("set").split(",") if s.strip())
            reqs.append(_in(k, values) if m.group("setop") == "in" else _not_in(k, values))
        else:
            k = m.group("key")
            reqs.append(_present(k))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                raise BuildError(f"invalid label selector '{text}'")
            pos += 1
    return tuple(reqs)


def _as_str_map(m: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in m.items()} if isinstance(m, dict) else {}


def _anchored(pattern: str) -> re.Pattern[str] | None:
    return re.compile(f"^(?:{pattern})$") if pattern else None


class SelectorMatcher:
    """A compiled Selector (kustomize anchors name and namespace regexes at both ends)."""

    def __init__(self, sel: Selector) -> None:
        self.sel = sel
        try:
            self.name_re = _anchored(sel.name)
            self.ns_re = _anchored(sel.namespace)
            self.group_re = _anchored(sel.group)
            self.version_re = _anchored(sel.version)
            self.kind_re = _anchored(sel.kind)
        except re.error as exc:
            raise BuildError(f"invalid regular expression in target: {exc}") from None
        self.labels = parse_label_selector(sel.label_selector) if sel.label_selector else ()
        self.annotations = parse_label_selector(sel.annotation_selector) if sel.annotation_selector else ()

    def matches(self, res: Resource) -> bool:
        cur, org = res.id, res.orig_id()
        if self.ns_re and not (
            self.ns_re.match(org.effective_namespace) or self.ns_re.match(cur.effective_namespace)
        ):
            return False
        if self.name_re and not (self.name_re.match(org.name) or self.name_re.match(cur.name)):
            return False
        if self.group_re and not self.group_re.match(cur.group):
            return False
        if self.version_re and not self.version_re.match(cur.version):
            return False
        if self.kind_re and not self.kind_re.match(cur.kind):
            return False
        if self.labels:
            labels = _as_str_map(res.labels())
            if not all(r(labels) for r in self.labels):
                return False
        if self.annotations:
            annotations = _as_str_map(res.annotations())
            if not all(r(annotations) for r in self.annotations):
                return False
        return True


def select(resources: list[Resource], sel: Selector) -> list[Resource]:
    matcher = SelectorMatcher(sel)
    return [r for r in resources if matcher.matches(r)]
