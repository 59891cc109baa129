"""Schemas cut down to the objects they are about to check, for a first verdict that compiles less.

Compiling a kind's whole schema costs more than checking a few objects with it: a Deployment's schema reaches
some 150 definitions (every volume source, affinity, ephemeral containers) that a given Deployment mostly
does not use. So for a few objects the schema is first cut down to what those objects reach, and compiled:

- a property that none of the values checked at that place has keeps its name (``additionalProperties:
  false`` still knows it) and gets the schema ``true``;
- the schema of additional properties or of items that no value reaches becomes ``true``;
- the shared definitions no value reaches are left out, and descriptions are dropped.

JSON Schema applies a property's schema only to a value that is there, and the schema of additional
properties or items only to values that are there, so each object walked is valid against the cut-down
schema exactly when it is valid against the whole one. A definition used at several places is cut down to
what all of them reach. The engine takes a valid verdict as final and checks an invalid object again against
the whole schema, whose errors make the findings.

Only schemas made of the keywords in ``_KEYWORDS`` are cut down, with references into the shared definitions
in the forms the bundled schemas write; anything else (or an object too large to walk cheaply) is left to
the whole schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .schemas import DEFINITIONS_URI

# Keywords whose values are not schemas (checked where they are, or annotations).
_LOCAL = frozenset(
    (
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "required",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
    )
)
# Keywords whose values are schemas, as the walk follows them.
_APPLICATORS = frozenset(
    ("properties", "additionalProperties", "items", "allOf", "anyOf", "oneOf", "not", "$ref")
)
_KEYWORDS = _LOCAL | _APPLICATORS
_BRANCHES = ("allOf", "anyOf", "oneOf")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_IN_DEFINITIONS = DEFINITIONS_URI + "#/$defs/"
# Where a bundled kind schema's ``$id`` lives; its references are paths on the same host.
_BUNDLED_HOST = "https://kubernetes.io/"
_FROM_KIND = "/api/_definitions.json#/$defs/"
_FROM_DEFINITIONS = "#/$defs/"
# Where a schema node lies, which decides what its references mean.
_BUNDLED_KIND, _OTHER_ROOT, _DEFINITIONS = 0, 1, 2
# The values JSON has, besides objects and arrays; anything else is left to the whole schema.
_SCALARS = (str, int, float)


class _Plan:
    """A schema as the walk uses it: the schemas that apply to the same value (its reference, its branches),
    and those of its properties, additional properties and items."""

    __slots__ = ("where", "same", "props", "present", "extra", "items")

    def __init__(self, where: int) -> None:
        self.where = where
        self.same: list[_Plan] = []
        self.props: dict[str, Any] | None = None
        self.present: set[str] = set()
        self.extra: dict[str, Any] | None = None
        self.items: dict[str, Any] | None = None


class NotSpecializable(Exception):
    """The schema (or the object) is one this module leaves to the whole schema."""


class Specializer:
    """Walks objects with their schemas, then builds the cut-down schemas and definitions.

    ``definition(name)`` gives a shared definition (parsed) or None; ``budget`` bounds the schema nodes
    visited over every walk, past which ``walk`` raises ``NotSpecializable``."""

    def __init__(self, definition: Callable[[str], Any], budget: int) -> None:
        self._definition = definition
        self._budget = budget
        self._present: dict[int, set[str]] = {}  # object schema -> property names that had a value
        self._reached: set[int] = set()  # additionalProperties/items schemas that a value reached
        self._definitions: dict[str, Any] = {}  # name -> definition, for those a value reached
        self._plans: dict[int, _Plan] = {}  # by schema: what visiting it means
        self._made: list[int] = []  # the schemas with a plan, in the order they got it

    def walk(self, root: dict[str, Any], objs: list[Any]) -> None:
        """Record what ``objs`` reach in ``root`` (a kind's schema); raises NotSpecializable."""
        if not isinstance(root, dict):
            raise NotSpecializable("not a schema")
        base = root.get("$id")
        where = _OTHER_ROOT
        if isinstance(base, str) and base.startswith(_BUNDLED_HOST) and "#" not in base:
            where = _BUNDLED_KIND
        elif base is not None:
            raise NotSpecializable("$id")
        made = len(self._made)
        try:
            plan = self._plan(root, where, ("$schema", "$id"))
            for obj in objs:
                self._visit(plan, obj)
        except (NotSpecializable, RecursionError) as exc:
            # the plans this walk made may be half made (a failure midway): none is left for a later walk
            for key in self._made[made:]:
                del self._plans[key]
            del self._made[made:]
            if isinstance(exc, RecursionError):
                raise NotSpecializable("too deep") from None
            raise

    def _plan(self, node: Any, where: int, allowed: tuple[str, ...] = ()) -> _Plan | None:
        """What visiting ``node`` means, worked out once per schema (None for ``true`` and ``false``)."""
        if node is True or node is False:
            return None
        if not isinstance(node, dict):
            raise NotSpecializable("not a schema")
        plan = self._plans.get(id(node))
        if plan is not None:
            return plan
        for key in node:
            if key not in _KEYWORDS and key not in allowed and not key.startswith("x-"):
                raise NotSpecializable(key)
        props = node.get("properties")
        extra = node.get("additionalProperties")
        items = node.get("items")
        if props is not None and not isinstance(props, dict):
            raise NotSpecializable("properties")
        for name, value in (("additionalProperties", extra), ("items", items)):
            if value is not None and not isinstance(value, (bool, dict)):
                raise NotSpecializable(name)
        plan = _Plan(where)
        self._plans[id(node)] = plan  # before the parts: a schema may reach itself
        self._made.append(id(node))
        plan.same = self._same(node, where)
        if props:
            plan.present = self._present.setdefault(id(node), set())
            plan.props = props
        if isinstance(extra, dict):
            plan.extra = extra
        if isinstance(items, dict):
            plan.items = items
        return plan

    def _same(self, node: dict[str, Any], where: int) -> list[_Plan]:
        """The plans of the schemas that apply to the same value as ``node``: its reference, its branches."""
        same: list[_Plan] = []
        ref = node.get("$ref")
        if ref is not None:
            target = self._plan(self._resolve(ref, where), _DEFINITIONS)
            if target is not None:
                same.append(target)
        for key in _BRANCHES:
            branches = node.get(key)
            if branches is not None:
                if not isinstance(branches, list):
                    raise NotSpecializable(key)
                same.extend(p for p in (self._plan(b, where) for b in branches) if p is not None)
        if "not" in node:
            negated = self._plan(node["not"], where)
            if negated is not None:
                same.append(negated)
        return same

    def _visit(self, plan: _Plan | None, value: Any) -> None:
        if plan is None:
            return
        self._budget -= 1
        if self._budget < 0:
            raise NotSpecializable("too large")
        for other in plan.same:
            self._visit(other, value)
        if isinstance(value, dict):
            props, extra = plan.props, plan.extra
            for k, v in value.items():
                if props is not None and k in props:
                    plan.present.add(k)
                    self._visit(self._plan(props[k], plan.where), v)
                elif extra is not None:
                    self._reached.add(id(extra))
                    self._visit(self._plan(extra, plan.where), v)
                elif not isinstance(k, str):
                    raise NotSpecializable("a key that is not a string")
        elif isinstance(value, (list, tuple)):
            items = plan.items
            if items is not None and value:
                self._reached.add(id(items))
                item_plan = self._plan(items, plan.where)
                for v in value:
                    self._visit(item_plan, v)
        elif value is not None and not isinstance(value, _SCALARS):
            raise NotSpecializable(f"a {type(value).__name__} value")

    def _resolve(self, ref: Any, where: int) -> Any:
        """The definition a reference names, in the forms the bundled schemas and CRD translations write."""
        if not isinstance(ref, str):
            raise NotSpecializable("$ref")
        if ref.startswith(_IN_DEFINITIONS):
            name = ref[len(_IN_DEFINITIONS) :]
        elif where == _BUNDLED_KIND and ref.startswith(_FROM_KIND):
            name = ref[len(_FROM_KIND) :]
        elif where == _DEFINITIONS and ref.startswith(_FROM_DEFINITIONS):
            name = ref[len(_FROM_DEFINITIONS) :]
        else:
            raise NotSpecializable(f"$ref {ref}")
        found = self._definitions.get(name)
        if found is None:
            found = self._definition(name) if _NAME.fullmatch(name) else None
            if found is None:
                raise NotSpecializable(f"$ref {ref}")
            self._definitions[name] = found
        return found

    def schema(self, root: dict[str, Any]) -> dict[str, Any]:
        """``root`` cut down to what the walked objects reach."""
        cut: dict[str, Any] = self._cut(root)
        return cut

    def definitions(self) -> dict[str, Any]:
        """The definitions the walked objects reach, cut down alike."""
        return {name: self._cut(d) for name, d in self._definitions.items()}

    def _cut(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties":
                present = self._present.get(id(node), ())
                out[key] = {k: self._cut(v) if k in present else True for k, v in value.items()}
            elif key in ("additionalProperties", "items"):
                out[key] = (
                    self._cut(value) if not isinstance(value, dict) or id(value) in self._reached else True
                )
            elif key in _BRANCHES:
                out[key] = [self._cut(b) for b in value]
            elif key == "not":
                out[key] = self._cut(value)
            elif key != "description":
                out[key] = value
        return out
