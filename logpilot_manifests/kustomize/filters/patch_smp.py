"""Strategic merge patches, merged the way kustomize v5 (kyaml's merge2 walker) merges them.

The walk visits the target and the patch side by side:

* maps merge key by key; a ``null`` in the patch deletes the field (and adds nothing where there was none);
  ``$patch: delete`` removes the map, ``$patch: replace`` puts the patch's map in its place;
* a list whose schema has the ``merge`` patch strategy is merged element by element, matched on its merge
  key(s) (``x-kubernetes-list-map-keys`` when the schema has them, else ``x-kubernetes-patch-merge-key``;
  primitive lists such as finalizers match on the value). Patch elements come first in patch order, then the
  target's remaining elements in their order. ``$patch: delete`` inside an element removes it; a
  ``{$patch: replace|delete}`` element alone replaces or removes the whole list;
* every other list, and every list of a kind without a schema (custom kinds), is replaced by the patch's;
* scalars are replaced.

kyaml's quirks are kept, since the output must be kustomize's: ``$setElementOrder``, ``$retainKeys`` and
``$deleteFromPrimitiveList`` are not directives there, so like any unknown field they are copied into the
result; explicit nulls of the target survive where the patch does not touch them, but entries written with
no value at all (``a:``) are dropped from every map the walk visits; merge lists the patch
does not touch are rebuilt too (empty and null elements dropped, duplicate keys collapsed); a merge key
that only some elements set is matched with blanks as wildcards (so a patch port naming a protocol can
miss a target port that names none); an element without its merge key can wipe the list; ``$patch:
replace`` inside an existing element changes nothing (kyaml puts the target's element back). A top-level
``$patch: replace`` leaves the target unchanged (kustomize merges into a new node that it then discards).
After the merge the target keeps its apiVersion, kind, name and namespace (a patch cannot move a
resource), unless the patch entry allows a name or kind change.
"""

from __future__ import annotations

from typing import Any, Final

from ...errors import BuildError
from ...schema.openapi import FieldSchema, schema_for
from ...yaml.scalars import resolve, scalar_text

PATCH_KEY: Final = "$patch"


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# No value at all (kyaml: a nil node): the field is absent on that side.
_MISSING: Any = _Sentinel("MISSING")
# The target's own explicit null, kept in the result (kyaml: a "persistent" null node).
_KEEP_NULL: Any = _Sentinel("KEEP_NULL")

_MAP, _SEQ, _SCALAR, _NONE = 1, 2, 3, 0
_KIND_NAMES = {_MAP: "MappingNode", _SEQ: "SequenceNode", _SCALAR: "ScalarNode"}


class SmpError(BuildError):
    """A strategic merge patch kustomize would refuse: unknown ``$patch`` value, map against list, ..."""


def strategic_merge(
    target: dict[str, Any],
    patch: dict[str, Any],
    *,
    allow_name_change: bool = False,
    allow_kind_change: bool = False,
) -> dict[str, Any] | None:
    """Apply ``patch`` to ``target`` (which it may change in place) and return the result.

    Returns None when the patch deletes the whole object (``$patch: delete`` at the top). The patch itself
    is never modified, so one patch can be applied to many targets.
    """
    if not isinstance(target, dict) or not isinstance(patch, dict):
        raise SmpError("a strategic merge patch and its target must both be maps")
    name, namespace, kind = _meta_str(target, "name"), _meta_str(target, "namespace"), target.get("kind")
    api_version = target.get("apiVersion")
    walker = _Walker()
    merged = walker.walk(target, _copy(patch), None, ())
    if not isinstance(merged, dict) or not target:
        return None
    # kustomize keeps the target node it merged into in place: a top-level ``$patch: replace`` builds a new
    # node that it then drops, leaving the target as it was.
    result = target
    if api_version is not None:
        result["apiVersion"] = api_version
    if not allow_kind_change:
        result["kind"] = kind if isinstance(kind, str) else ""
    if not allow_name_change:
        _metadata(result)["name"] = name
    if namespace:
        _metadata(result)["namespace"] = namespace
    else:
        meta = result.get("metadata")
        if isinstance(meta, dict):
            meta.pop("namespace", None)
    return result


def _meta_str(obj: dict[str, Any], field: str) -> str:
    meta = obj.get("metadata")
    value = meta.get(field) if isinstance(meta, dict) else None
    return value if isinstance(value, str) else ""


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


def _copy(value: Any) -> Any:
    """Deep copy of plain YAML data (much faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _drop_valueless(node: dict[str, Any]) -> None:
    """kyaml's walk drops the entries of a map it visits that were written with no value (``a:``, ``{a: }``)
    and still have none; an explicit null (``a: ~``) stays."""
    keys = getattr(node, "valueless", None)
    if keys:
        for key in keys:
            if key in node and node[key] in (None, ""):
                del node[key]


def _kind(value: Any) -> int:
    if value is _MISSING or value is None or value is _KEEP_NULL:
        return _NONE
    if isinstance(value, dict):
        return _MAP
    if isinstance(value, list):
        return _SEQ
    return _SCALAR


def _text(value: Any) -> str:
    """The scalar text kyaml compares: a node's raw value (maps and lists have none)."""
    return scalar_text(value)


def _key_text(value: Any) -> str:
    """A merge key's value as kyaml lists it: empty for null, empty maps and empty lists."""
    if value is None or value == {} or value == []:
        return ""
    return _text(value)


def _scalar_from_text(text: str) -> Any:
    """A plain YAML scalar's value (kyaml writes a merge key it restores as an untagged scalar)."""
    return resolve(text)[1]


# Where the walk is, for error messages: (parent path, field name), built without copying.
_Path = tuple[Any, ...]


def _render(path: _Path) -> str:
    names: list[str] = []
    while path:
        path, name = path
        names.append(name)
    return ".".join(reversed(names)) or "<root>"


class _Walker:
    """One merge of a patch into a target; mirrors kyaml's walker with the merge2 visitor, prepend mode."""

    __slots__ = ()

    def walk(self, dest: Any, origin: Any, schema: FieldSchema | None, path: _Path) -> Any:
        if origin is _MISSING:
            if isinstance(dest, (dict, list)):
                return self._dest_only(dest, schema, path)
            return _KEEP_NULL if dest is None else dest
        dest_kind, origin_kind = _kind(dest), _kind(origin)
        kind = dest_kind or origin_kind
        if schema is None:
            schema = _resource_schema(dest) or _resource_schema(origin)
        if dest_kind and origin_kind and dest_kind != origin_kind:
            raise SmpError(
                f"wrong node kind at {_render(path)}: expected {_KIND_NAMES[kind]} but got "
                f"{_KIND_NAMES[origin_kind]}"
            )
        if kind in (_MAP, _NONE):
            return self._walk_map(dest, origin, schema, path)
        if kind == _SEQ:
            if schema is not None and schema.associative:
                return self._walk_associative(dest, origin, schema, path)
            return origin if origin is not _MISSING else dest
        return origin if origin is not _MISSING else dest

    def _dest_only(self, dest: Any, schema: FieldSchema | None, path: _Path) -> Any:
        """The walk of a target value the patch does not mention: only its merge lists (kyaml rebuilds them,
        dropping empty elements and collapsing duplicate keys) and entries without a value can change."""
        if isinstance(dest, dict):
            _drop_valueless(dest)
            if schema is None:
                schema = _resource_schema(dest)
            for name, child in dest.items():
                if isinstance(child, (dict, list)):
                    sub = schema.field(name) if schema is not None else None
                    value = self._dest_only(child, sub, (path, name))
                    if value is not child:
                        dest[name] = value
            return dest
        if schema is not None and schema.associative:
            if not _is_canonical(dest, schema.merge_keys):
                return self._walk_associative(dest, _MISSING, schema, path)
            element_schema = schema.elements()
            for element in dest:
                if isinstance(element, dict):
                    self._dest_only(element, element_schema, path)
        return dest

    # -- maps ---------------------------------------------------------------------------------------------

    def _walk_map(self, dest: Any, origin: Any, schema: FieldSchema | None, path: _Path) -> Any:
        if dest is _MISSING or dest is None or dest is _KEEP_NULL:
            if isinstance(origin, dict):
                directive = _map_directive(origin, strict=False)
                if directive == "delete":
                    return _MISSING
            if origin is _MISSING and dest is not _MISSING:
                return _KEEP_NULL
            dest = origin
        elif origin is None:
            return _MISSING
        elif origin is not _MISSING:
            directive = _map_directive(origin, strict=True)
            if directive == "delete":
                return _MISSING
            if directive == "replace":
                dest = origin
        if not isinstance(dest, dict):
            return dest
        _drop_valueless(dest)
        source = origin if isinstance(origin, dict) else None
        names = set(dest)
        if source is not None and source is not dest:
            names.update(source)
        for name in sorted(names, key=_text):
            current = dest.get(name, _MISSING)
            change = source.get(name, _MISSING) if source is not None else _MISSING
            if change is _MISSING:
                if not isinstance(current, (dict, list)):
                    continue  # scalars and nulls the patch does not mention stay as they are
            elif (
                change is not None
                and not isinstance(change, (dict, list))
                and not isinstance(current, (dict, list))
            ):
                dest[name] = change  # a scalar replaces a scalar (or a null, or nothing)
                continue
            child_schema = schema.field(name) if schema is not None else None
            value = self.walk(current, change, child_schema, (path, name))
            if value is _MISSING or value is None:
                dest.pop(name, None)
            elif value is _KEEP_NULL:
                dest[name] = None
            else:
                dest[name] = value
        return dest

    # -- associative lists --------------------------------------------------------------------------------

    def _walk_associative(self, dest: Any, origin: Any, schema: FieldSchema, path: _Path) -> Any:
        if dest is _MISSING or dest is None or dest is _KEEP_NULL:
            dest = origin
        elif origin is None:
            return _MISSING
        elif origin is not _MISSING:
            directive = _list_directive(origin)
            if directive == "delete":
                return _MISSING
            if directive == "replace":
                dest = origin
        if not isinstance(dest, list):
            return dest
        keys = list(schema.merge_keys)
        values = _element_values(dest, origin, keys)
        if values or keys:
            return self._set_elements(values, keys, dest, origin, schema, path)
        return self._set_elements(_primitive_values(dest, origin), [""], dest, origin, schema, path)

    def _set_elements(
        self,
        values_list: list[list[str]],
        keys: list[str],
        dest: list[Any],
        origin: Any,
        schema: FieldSchema,
        path: _Path,
    ) -> Any:
        to_add: list[Any] = []
        element_schema = schema.elements()
        if len(keys) > 1:
            _merge_values(values_list)
        valid_keys: list[str] = []
        valid_values: list[str] = []
        present = _keys_present(values_list, keys)
        for values in values_list:
            if not values:
                continue
            valid_keys, valid_values = _valid_keys(present, values, keys)
            match_keys, match_values = _valid_keys(
                _keys_present([valid_values], valid_keys), valid_values, valid_keys
            )
            dest_elem = _find_element(dest, match_keys, match_values)
            origin_elem = (
                _find_element(origin, match_keys, match_values) if isinstance(origin, list) else None
            )
            value = self.walk(
                _MISSING if dest_elem is None else dest_elem[0],
                _MISSING if origin_elem is None else origin_elem[0],
                element_schema,
                path,
            )
            if value is _MISSING or value is None or value is _KEEP_NULL or value == {}:
                _set_element(dest, None, valid_keys, valid_values)
                continue
            if isinstance(value, dict):
                for key, key_value in zip(valid_keys, valid_values, strict=False):
                    if key_value != "" and key not in value:
                        value[key] = _scalar_from_text(key_value)
            _set_element(to_add, (value,), valid_keys, valid_values)
        if values_list:
            dest = _append_list(to_add, dest, valid_keys)
        return dest


def _is_canonical(elements: list[Any], keys: tuple[str, ...]) -> bool:
    """True when rebuilding this merge list alone would give it back unchanged: every element sets the same
    merge keys (primitive lists: every element is a non-empty scalar) and no two elements share them."""
    seen: set[Any] = set()
    if not keys:
        for element in elements:
            if isinstance(element, (dict, list)) or element is None:
                return False
            text = _text(element)
            if text == "" or text in seen:
                return False
            seen.add(text)
        return True
    pattern: tuple[bool, ...] | None = None
    for element in elements:
        if not isinstance(element, dict):
            return False
        values = tuple(_key_text(element.get(key)) for key in keys)
        shape = tuple(v != "" for v in values)
        if pattern is None:
            if not any(shape):
                return False
            pattern = shape
        elif shape != pattern or values in seen:
            return False
        seen.add(values)
    return True


def _resource_schema(value: Any) -> FieldSchema | None:
    """kyaml looks up a schema by apiVersion and kind wherever a map without a schema carries both."""
    if isinstance(value, dict):
        api_version, kind = value.get("apiVersion"), value.get("kind")
        if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
            return schema_for(api_version, kind)
    return None


def _map_directive(origin: dict[str, Any], *, strict: bool) -> str:
    """Read and remove the ``$patch`` directive of a patch map; 'merge' when there is none."""
    if PATCH_KEY not in origin:
        return "merge"
    value = _text(origin[PATCH_KEY])
    if value in ("delete", "replace", "merge"):
        del origin[PATCH_KEY]
        return value
    if strict:
        raise SmpError(f"unknown patch strategy '{value}'")
    return "unknown"


def _list_directive(origin: Any) -> str:
    """The list-level ``$patch`` element of a patch list (an element holding only ``$patch``), removed."""
    if not isinstance(origin, list):
        return "merge"
    found: dict[str, Any] | None = None
    for element in origin:
        if isinstance(element, dict) and PATCH_KEY in element:
            found = element
            break
    if found is None or len(found) > 1:
        return "merge"
    value = _text(found[PATCH_KEY])
    if value not in ("delete", "replace", "merge"):
        raise SmpError(f"unknown patch strategy '{value}'")
    _set_element(origin, None, [PATCH_KEY], [value])
    return value


def _element_values(dest: list[Any], origin: Any, keys: list[str]) -> list[list[str]]:
    """The merge-key values of every element, patch elements first, each distinct tuple once."""
    result: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for source in (origin, dest):
        if not isinstance(source, list):
            continue
        for element in source:
            if isinstance(element, dict):
                values = [_key_text(element.get(key)) for key in keys]
            else:
                values = [""] * len(keys)
            marker = tuple(values)
            if not values or marker in seen:
                continue
            result.append(values)
            seen.add(marker)
    return result


def _primitive_values(dest: list[Any], origin: Any) -> list[list[str]]:
    """The distinct values of a primitive merge list (e.g. finalizers), patch values first."""
    result: list[list[str]] = []
    seen: set[str] = set()
    for source in (origin, dest):
        if not isinstance(source, list):
            continue
        for element in source:
            text = _text(element)
            if text in seen:
                continue
            result.append([text])
            seen.add(text)
    return result


def _keys_present(values_list: list[list[str]], keys: list[str]) -> set[str]:
    """The merge keys that at least one element sets."""
    return {keys[i] for entry in values_list for i, v in enumerate(entry) if v != ""}


def _valid_keys(present: set[str], values: list[str], keys: list[str]) -> tuple[list[str], list[str]]:
    """Keep the merge keys that some element sets; all keys when none is set anywhere."""
    if not present or len(present) == len(keys):
        return keys, values
    return [k for k in keys if k in present], [v for i, v in enumerate(values) if keys[i] in present]


def _merge_values(values_list: list[list[str]]) -> None:
    """Multi-key elements that agree on one key and differ only by blanks are the same element."""
    for i in range(len(values_list)):
        first = values_list[i]  # fixed for the inner loop, as Go's range variable is
        for j in range(len(values_list)):
            merged = _match(first, values_list[j])
            if merged is not None:
                values_list[i] = merged
                values_list[j] = merged


def _match(first: list[str], second: list[str]) -> list[str] | None:
    if len(first) != len(second):
        return None
    common = False
    merged: list[str] = []
    for a, b in zip(first, second, strict=True):
        if a == b:
            common = True
            merged.append(a)
        elif a != "" and b != "":
            return None
        else:
            merged.append(a or b)
    return merged if common else None


def _find_element(elements: list[Any], keys: list[str], values: list[str]) -> tuple[Any] | None:
    """The first element matching every key/value pair (a primitive list matches on the value itself)."""
    if not keys or keys[0] == "":
        wanted = values[0] if values else ""
        for element in elements:
            if _text(element) == wanted:
                return (element,)
        return None
    for element in elements:
        if not isinstance(element, dict):
            continue
        if all(
            key in element and _text(element[key]) == value for key, value in zip(keys, values, strict=False)
        ):
            return (element,)
    return None


def _field_matches(element: Any, key: str, value: str) -> bool:
    """kyaml's field matcher: ``element`` has ``key`` (with text ``value`` unless it is empty)."""
    if element is None:
        return False
    if key == "":
        if isinstance(element, (dict, list)):
            raise SmpError(
                "wrong node kind: expected ScalarNode but got a collection in a primitive merge list"
            )
        return ("" if element is None else _text(element)) == value
    if not isinstance(element, dict):
        raise SmpError(
            f"wrong node kind: expected MappingNode but got {_text(element)!r} in a keyed merge list"
        )
    if key not in element:
        return False
    return value == "" or _text(element[key]) == value


def _set_element(elements: list[Any], element: tuple[Any] | None, keys: list[str], values: list[str]) -> None:
    """kyaml's element setter: replace every matching element by ``element`` (or drop them when None),
    appending it when nothing matches. Null and empty-map elements are dropped on the way."""
    if not keys:
        keys = [""]
    mapping_setter = keys[0] != "" and bool(values) and values[0] != ""
    kept: list[Any] = []
    found_any = False
    for item in elements:
        if item is None or item == {}:
            continue
        if mapping_setter and not isinstance(item, dict):
            kept.append(item)
            continue
        found = True
        matched = False
        for j, key in enumerate(keys):
            if j < len(values):
                matched = _field_matches(item, key, values[j])
            if not matched:
                found = False
                break
        if not found:
            if values:
                kept.append(item)
            continue
        found_any = True
        if element is not None:
            kept.append(element[0])
    elements[:] = kept
    if element is None or element[0] is None:
        return
    if not found_any:
        elements.append(element[0])


def _append_list(to_add: list[Any], dest: list[Any], keys: list[str]) -> list[Any]:
    """Put the target's (already merged) elements into the patch-ordered list, as kyaml's prepend does."""
    for element in dest:
        if keys[0] == "":
            _set_element(to_add, (element,), [""], [_text(element)])
            continue
        values: list[str] = []
        for key in keys:
            if element is None:
                present = False
            elif not isinstance(element, dict):
                raise SmpError(
                    f"wrong node kind: expected MappingNode but got {_text(element)!r} in a keyed merge list"
                )
            else:
                present = key in element
            if not present:
                to_add.append(element)
                continue
            values.append(_text(element[key]))
        if len(keys) > 1:
            _set_element(to_add, None, keys, values)
        _set_element(to_add, (element,), keys, values)
    return to_add
