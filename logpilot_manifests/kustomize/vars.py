"""``vars``: values read from one object's field, substituted for ``$(NAME)`` in the var-reference fields.

As in kustomize, each kustomization's vars are matched to the object they name when its build is done
(every kustomization including it sees the same object, whatever it is renamed to), the var sets of bases
are joined (a name declared twice is an error), and the substitution runs once, at the top, after name
references are fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import BuildError, KustomizationError
from .fieldspec import FieldSpec, visit
from .resource import Resource, is_cluster_scoped, split_api_version

if TYPE_CHECKING:
    from .accumulator import Accumulator


class Var(NamedTuple):
    name: str
    group: str
    version: str
    kind: str
    obj_name: str
    namespace: str
    field_path: str

    def describe(self) -> str:
        return f"{self.name} ({self.kind} '{self.obj_name}', {self.field_path})"


def _get(entry: dict[str, Any], key: str) -> Any:
    """A field as Go's JSON decoding finds it: the exact key, else one equal ignoring case (``fieldpath``)."""
    if key in entry:
        return entry[key]
    lowered = key.lower()
    return next((v for k, v in entry.items() if isinstance(k, str) and k.lower() == lowered), None)


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = _get(entry, key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise KustomizationError(f"vars: '{key}' must be a string, not {value!r}", file=where)
    return value


def parse_var(raw: Any, where: str) -> Var:
    if not isinstance(raw, dict):
        raise KustomizationError("vars: each var must be a mapping", file=where)
    unknown = sorted(k for k in raw if str(k).lower() not in ("name", "objref", "fieldref"))
    if unknown:
        raise KustomizationError(f"vars: unknown field '{unknown[0]}'", file=where)
    name = _text(raw, "name", where)
    objref = _get(raw, "objref") or {}
    fieldref = _get(raw, "fieldref") or {}
    if not isinstance(objref, dict) or not isinstance(fieldref, dict):
        raise KustomizationError(f"vars: objref and fieldref of '{name}' must be mappings", file=where)
    group, version = _text(objref, "group", where), _text(objref, "version", where)
    api_version = _text(objref, "apiVersion", where)
    if api_version:
        group, version = split_api_version(api_version)
    return Var(
        name,
        group,
        version,
        _text(objref, "kind", where),
        _text(objref, "name", where),
        _text(objref, "namespace", where),
        _text(fieldref, "fieldPath", where) or "metadata.name",
    )


def merge_var_sets(mine: list[Var], incoming: Iterable[Var], where: str | None = None) -> list[Var]:
    out = list(mine)
    names = {v.name for v in out}
    for v in incoming:
        if v.name in names:
            raise BuildError(f"var '{v.name}' already encountered", file=where)
        names.add(v.name)
        out.append(v)
    return out


def merge_vars(ra: Accumulator, raw_vars: list[Any], where: str) -> None:
    """Declare a kustomization's vars: each is tied to the one object it names, if it is there now."""
    declared = [parse_var(raw, where) for raw in raw_vars]
    for v in declared:
        # scope by apiVersion and kind, as kustomize asks its embedded schema
        cluster = is_cluster_scoped(f"{v.group}/{v.version}" if v.group else v.version, v.kind)
        # an empty namespace matches any namespace, unless the kind is cluster-scoped (kustomize's rule);
        # otherwise namespaces compare as kustomize compares them, '' being 'default'
        wanted = "" if cluster else (v.namespace or "default")
        matched = []
        for res in ra.items:
            for rid in res.all_ids():
                if (rid.group, rid.version, rid.kind, rid.name) != (v.group, v.version, v.kind, v.obj_name):
                    continue
                if (v.namespace or cluster) and rid.effective_namespace != wanted:
                    continue
                matched.append(res)
                break
        if len(matched) > 1:
            raise BuildError(
                f"found {len(matched)} resId matches for var {v.describe()} (unable to disambiguate)",
                file=where,
            )
        if matched:
            matched[0].var_names.append(v.name)
    ra.vars = merge_var_sets(ra.vars, declared, where)


# --- reading the value ---------------------------------------------------------------------------------

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def _field_value(obj: Any, path: str) -> Any:
    """A field by kustomize's var field path: ``spec.ports[0].port``, ``a.b[name=x].c``."""
    node = obj
    for m in _SEGMENT.finditer(path):
        key, bracket = m.group(1), m.group(2)
        if key is not None:
            if not isinstance(node, dict) or key not in node:
                raise KeyError(path)
            node = node[key]
            continue
        if not isinstance(node, list):
            raise KeyError(path)
        if bracket.isdigit():
            index = int(bracket)
            if index >= len(node):
                raise KeyError(path)
            node = node[index]
            continue
        k, _, val = bracket.partition("=")
        found = [e for e in node if isinstance(e, dict) and str(e.get(k)) == val]
        if not found:
            raise KeyError(path)
        node = found[0]
    return node


def _values(items: list[Resource], declared: list[Var]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v in sorted(declared, key=lambda v: v.name):
        holder = next((r for r in items if v.name in r.var_names), None)
        if holder is None:
            raise BuildError(
                f"var '{v.describe()}' cannot be mapped to a field in the set of known resources"
            )
        try:
            out[v.name] = _field_value(holder.obj, v.field_path)
        except KeyError:
            raise BuildError(
                f"field specified in var '{v.describe()}' not found in corresponding resource"
            ) from None
    return out


# --- substitution --------------------------------------------------------------------------------------


def _go_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return str(value)


def expand(text: str, lookup: dict[str, Any], used: set[str]) -> Any:
    """kustomize's ``$(NAME)`` expansion: ``$$`` is a literal ``$``, an unknown name stays as written, and
    a string that is exactly one known reference takes the value's own type."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    n = len(text)
    while cursor < n:
        if text[cursor] == "$" and cursor + 1 < n:
            out.append(text[checkpoint:cursor])
            nxt = text[cursor + 1]
            if nxt == "$":
                out.append("$")
                advance = 1
            elif nxt == "(":
                close = text.find(")", cursor + 2)
                if close < 0:
                    out.append("$(")
                    advance = 1
                else:
                    name = text[cursor + 2 : close]
                    mapped = _lookup(name, lookup, used)
                    if text == f"$({name})":
                        return mapped
                    out.append(_go_text(mapped))
                    advance = close - cursor
            else:
                out.append("$" + nxt)
                advance = 1
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def _lookup(name: str, lookup: dict[str, Any], used: set[str]) -> Any:
    if name in lookup:
        value = lookup[name]
        if isinstance(value, str | int | float | bool):
            used.add(name)
            return value
    return f"$({name})"


def resolve_vars(items: list[Resource], declared: list[Var], specs: Iterable[FieldSpec]) -> list[str]:
    """Substitute every var in the var-reference fields; return the names of vars nothing referred to."""
    lookup = _values(items, declared)
    if not lookup:
        return []
    used: set[str] = set()
    specs = tuple(specs)

    def setter(parent: dict[str, Any], key: str) -> None:
        value = parent.get(key)
        if isinstance(value, str):
            parent[key] = expand(value, lookup, used)
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str):
                    value[k] = expand(v, lookup, used)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if not isinstance(v, str):
                    raise BuildError(
                        "vars: invalid value type in a list of a var reference field: expected a string"
                    )
                value[i] = expand(v, lookup, used)

    for res in items:
        for spec in specs:
            if spec.applies_to(res):
                visit(res.obj, spec.path, setter, owner=res.id)
    return sorted(set(lookup) - used)
