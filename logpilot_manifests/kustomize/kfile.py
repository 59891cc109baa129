"""Reading a kustomization file fast, with the pydantic model of ``kustomization.py`` as the authority.

Importing pydantic and building the models costs more than a whole small build, so the common case (a
valid file) is checked (``schema.conforms``) against the JSON schema generated from those models
(``schema/kustomization.schema.json``, kept in sync by ``make schemas`` and a test) and read through a
light attribute view. Only when that check fails is the pydantic model run, to report the precise error.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import KustomizationError
from ..schema.conforms import conforms, resolve
from ..yaml.scalars import YAML11_BOOLS

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "kustomization.schema.json"

KUSTOMIZATION_API_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_API_VERSION = "kustomize.config.k8s.io/v1alpha1"

# Deprecated fields: they keep working; each use prints one warning naming the replacement.
DEPRECATIONS = {
    "bases": "'bases' is deprecated; list bases under 'resources'",
    "commonLabels": "'commonLabels' is deprecated; use 'labels' (with includeSelectors: true for the same effect)",
    "imageTags": "'imageTags' is deprecated; use 'images'",
    "patchesStrategicMerge": "'patchesStrategicMerge' is deprecated; use 'patches'",
    "patchesJson6902": "'patchesJson6902' is deprecated; use 'patches'",
}

UNSUPPORTED = ("validators",)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _resolve(s: dict[str, Any]) -> dict[str, Any]:
    return resolve(s, schema())


def _default(prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return copy.copy(prop["default"])
    s = _resolve(prop)
    t = s.get("type")
    if t == "array":
        return []
    if t == "object" and "properties" not in s:
        return {}
    return None


def _model_schema(prop: dict[str, Any], value: Any) -> dict[str, Any] | None:
    """The object-model schema ``value`` is an instance of, if any (through $ref / anyOf)."""
    s = _resolve(prop)
    for alt in s.get("anyOf", ()):
        alt = _resolve(alt)
        if alt.get("type") == "object" and "properties" in alt and isinstance(value, dict):
            return alt
    return s if s.get("type") == "object" and "properties" in s else None


class View:
    """Read-only attribute access to a validated mapping, with the schema's defaults for absent fields."""

    __slots__ = ("_data", "_schema")

    def __init__(self, data: dict[str, Any], s: dict[str, Any]) -> None:
        self._data = data
        self._schema = s

    def __getattr__(self, name: str) -> Any:
        props = self._schema.get("properties", {})
        prop = props.get(name)
        if prop is None:
            raise AttributeError(name)
        value = self._data[name] if name in self._data else _default(prop)
        return _wrap(value, prop)

    def get_raw(self, name: str) -> Any:
        return self._data.get(name)

    def __repr__(self) -> str:
        return f"View({self._data!r})"


def _wrap(value: Any, prop: dict[str, Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        model = _model_schema(prop, value)
        return View(value, model) if model is not None else value
    if isinstance(value, list):
        items = _resolve(prop).get("items")
        if items is not None and _model_schema(items, {}) is not None:
            return [_wrap(v, items) for v in value]
    return value


def _zero(s: dict[str, Any]) -> Any:
    """The zero value Go gives a field of this schema's type when the YAML says null."""
    s = _resolve(s)
    alts = [_resolve(a) for a in s.get("anyOf", ()) if _resolve(a).get("type") != "null"]
    t = (alts[0] if alts else s).get("type")
    zeros: dict[str | None, Any] = {"string": "", "boolean": False, "integer": 0, "array": [], "object": {}}
    return zeros.get(t)


def _nulls_as_zero(value: Any, s: dict[str, Any]) -> Any:
    """``value`` with kustomize's reading (JSON decoding into Go types): a null field is absent, a null list
    item or map value is the zero value of its type ("" for a string, {} for an object), and a field name
    written in other letter case (``Pairs``) is the field itself, as Go's decoder matches struct fields
    case-insensitively (map keys stay as written)."""
    s = _resolve(s)
    alts = [_resolve(a) for a in s.get("anyOf", ()) if _resolve(a).get("type") != "null"]
    if alts:
        s = next((a for a in alts if (a.get("type") == "object") == isinstance(value, dict)), alts[0])
    if isinstance(value, dict) and s.get("type") == "object":
        props = s.get("properties")
        extra = s.get("additionalProperties")
        out: dict[str, Any] = {}
        folded = {name.casefold(): name for name in props} if props else {}
        for key, v in value.items():
            if props and key not in props and isinstance(key, str):
                key = folded.get(key.casefold(), key)
            sub = props.get(key) if props else None
            if sub is None and isinstance(extra, dict):
                out[key] = _zero(extra) if v is None else _nulls_as_zero(v, extra)
            elif sub is not None:
                if v is not None:
                    out[key] = _nulls_as_zero(v, sub)
            else:
                out[key] = v  # unknown fields are left for validation; free-form values stay as written
        return out
    if isinstance(value, list) and s.get("type") == "array" and isinstance(s.get("items"), dict):
        items = s["items"]
        return [_zero(items) if v is None else _nulls_as_zero(v, items) for v in value]
    return value


def _first_mismatch(value: Any, s: dict[str, Any], path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The path of a value that does not satisfy the schema (the deepest one ``conforms`` can point to)."""
    s = _resolve(s)
    if "anyOf" in s:
        candidates = [a for a in s["anyOf"] if _resolve(a).get("type") != "null"]
        if value is not None and len(candidates) == 1:
            return _first_mismatch(value, candidates[0], path)
        return path
    t = s.get("type")
    if t == "array" and isinstance(value, list) and isinstance(s.get("items"), dict):
        for i, v in enumerate(value):
            if not conforms(v, schema(), s["items"]):
                return _first_mismatch(v, s["items"], (*path, i))
    if t == "object" and isinstance(value, dict):
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for key, v in value.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None and not conforms(v, schema(), sub):
                return _first_mismatch(v, sub, (*path, key))
    return path


def _accepts_string(s: dict[str, Any]) -> bool:
    s = _resolve(s)
    return s.get("type") == "string" or any(_accepts_string(a) for a in s.get("anyOf", ()))


def _schema_at(path: tuple[str | int, ...]) -> dict[str, Any] | None:
    s: dict[str, Any] | None = schema()
    for step in path:
        if s is None:
            return None
        s = _resolve(s)
        alts = [_resolve(a) for a in s.get("anyOf", ()) if _resolve(a).get("type") != "null"]
        if alts:
            s = alts[0]
        if isinstance(step, int):
            s = s.get("items")
        else:
            extra = s.get("additionalProperties")
            s = s.get("properties", {}).get(step, extra if isinstance(extra, dict) else None)
    return s


Locate = Callable[[Sequence[str | int]], "tuple[int, str | None] | None"]


def _invalid(data: Any, source: str, locate: Locate | None) -> KustomizationError:
    """The precise error, from the authoritative pydantic model (imported only on this path), with the line
    of the first value that does not fit when ``locate`` can find it."""
    path = _first_mismatch(data, schema(), ())
    where = locate(path) if locate is not None and path else None
    line = where[0] if where else None
    value: Any = data
    for step in path:
        value = value[step]
    written = where[1] if where else None
    expected = _schema_at(path)
    if (
        isinstance(value, bool)
        and written in YAML11_BOOLS
        and expected is not None
        and _accepts_string(expected)
    ):
        dotted = ".".join(str(p) for p in path)
        return _at(
            KustomizationError(
                f"field '{dotted}': {written} is a boolean, not a string, in a kustomization file (kustomize "
                f'reads it with YAML 1.1 rules); quote it ("{written}") to mean the text',
                file=source,
                line=line,
            ),
            *path,
        )
    from .kustomization import first_error_path, validation_message

    exc = KustomizationError(validation_message(data), file=source, line=line)
    # the key the problem is about (an unknown field has no value path), to point at its line and column
    # the key the problem is about, to point at its line and column: the model's path when it goes deeper
    # (an unknown field below the first value that does not fit), else that value's
    deeper = first_error_path(data)
    exc.key_path = deeper if deeper[: len(path)] == path and len(deeper) > len(path) else path or deeper
    return exc


def _at(exc: KustomizationError, *key_path: str | int) -> KustomizationError:
    """``exc`` remembering the key it is about, so the caller can point at its line and column."""
    exc.key_path = key_path
    return exc


def locate_key(text: str, key_path: Sequence[str | int]) -> tuple[int, int] | None:
    """1-based line and column of the deepest key of ``key_path`` found in the YAML ``text`` (its first
    document), or None. A list index points at the item."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    found: yaml.Node | None = None
    for key in key_path:
        if isinstance(node, yaml.MappingNode):
            match = next((k for k, _ in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            found, node = match, next(v for k, v in node.value if k is match)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            found = node = node.value[key]
        else:
            break
    if found is None:
        return None
    return found.start_mark.line + 1, found.start_mark.column + 1


def parse(data: Any, source: str, locate: Locate | None = None) -> tuple[View, list[str]]:
    """Validate the loaded YAML of a kustomization file; return a view of it and deprecation warnings.

    ``locate`` finds the line (and written text) of a value by its path, for error messages.
    """
    if data is None:
        raise KustomizationError("kustomization file is empty", file=source)
    if not isinstance(data, dict):
        raise KustomizationError(
            f"a kustomization must be a YAML mapping, not {type(data).__name__}", file=source
        )
    data = _nulls_as_zero(data, schema())
    if not conforms(data, schema()):
        raise _invalid(data, source, locate)
    kind = data.get("kind", "")
    if kind not in ("", "Kustomization", "Component"):
        raise _at(
            KustomizationError(f"kind should be Kustomization or Component, not '{kind}'", file=source),
            "kind",
        )
    required = COMPONENT_API_VERSION if kind == "Component" else KUSTOMIZATION_API_VERSION
    api_version = data.get("apiVersion", "")
    if api_version and api_version != required:
        raise _at(
            KustomizationError(
                f"apiVersion for {kind or 'Kustomization'} should be {required}, not '{api_version}'",
                file=source,
            ),
            "apiVersion",
        )
    unsupported = [f for f in UNSUPPORTED if data.get(f)]
    if "transformerAnnotations" in (data.get("buildMetadata") or []):
        unsupported.append("buildMetadata: transformerAnnotations")
    if unsupported:
        raise _at(
            KustomizationError(
                f"field '{unsupported[0]}' is not supported by logpilot-manifests (plugins, Helm, vars, CRD and "
                "configuration files); render with kustomize instead",
                file=source,
            ),
            unsupported[0].split(":")[0],
        )
    # kustomize compares the decoded file with an empty one: an empty list or map is not empty, "" is
    if not any(v not in (None, "", False, 0) for k, v in data.items() if k not in ("apiVersion", "kind")):
        raise KustomizationError("kustomization file is empty", file=source)
    warnings = [f"{source}: {DEPRECATIONS[f]}" for f in DEPRECATIONS if f in data]
    # kustomize's own normalisation of deprecated fields, on a copy
    data = dict(data)
    data["resources"] = [*(data.get("resources") or []), *(data.pop("bases", None) or [])]
    data["images"] = [*(data.get("images") or []), *(data.pop("imageTags", None) or [])]
    for key in ("configMapGenerator", "secretGenerator"):
        gens = []
        for g in data.get(key) or []:
            if g.get("env"):
                g = {**g, "envs": [*(g.get("envs") or []), g["env"]]}
                g.pop("env")
            gens.append(g)
        data[key] = gens
    return View(data, schema()), warnings
