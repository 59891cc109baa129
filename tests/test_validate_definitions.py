"""The bundled shared definitions, prepared once per content (``validate.definitions``): descriptions dropped,
each definition parsed only when a kind checked reaches it, and the findings those give the same as against
the whole file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from logpilot_manifests.validate import ValidateOptions, engine, validate_objects
from logpilot_manifests.validate import definitions as definitions_module
from logpilot_manifests.validate.cache import cache_dir
from logpilot_manifests.validate.definitions import (
    CACHE,
    Definitions,
    prepare,
    references,
    without_descriptions,
)
from logpilot_manifests.validate.formats import FORMAT_CHECKERS, add_formats
from logpilot_manifests.validate.schemas import (
    DEFINITIONS_URI,
    latest_version,
    load_definitions,
    load_kind_schema,
)

FIXTURES = Path(__file__).resolve().parent / "validate_fixtures"
POD_SPEC = "io.k8s.api.core.v1.PodSpec"
CONFIG_MAP = "io.k8s.api.core.v1.ConfigMap"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def fresh_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's process-wide caches emptied for one test."""
    monkeypatch.setattr(engine, "_BUILTINS", {})
    monkeypatch.setattr(engine, "_BUILTIN_VALIDATORS", {})
    monkeypatch.setattr(engine, "_KIND_SCHEMAS", {})


def test_descriptions_go_but_a_field_named_description_and_values_stay() -> None:
    schema = {
        "description": "a widget",
        "type": "object",
        "properties": {
            "description": {"type": "string", "description": "what it is"},
            "mode": {"enum": [{"description": "kept"}], "default": {"description": "kept"}},
        },
        "items": {"description": "x", "type": "string"},
        "oneOf": [{"description": "y", "type": "integer"}],
        "additionalProperties": {"description": "z"},
    }
    assert without_descriptions(schema) == {
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "mode": {"enum": [{"description": "kept"}], "default": {"description": "kept"}},
        },
        "items": {"type": "string"},
        "oneOf": [{"type": "integer"}],
        "additionalProperties": {},
    }


def test_references_are_the_definitions_pointed_at_anywhere() -> None:
    schema = {
        "properties": {
            "a": {"$ref": "#/$defs/x.A"},
            "b": {"items": {"$ref": "/api/_definitions.json#/$defs/x.B"}},
        },
        "allOf": [{"$ref": "#/$defs/x.A"}, {"$ref": "https://example.com/other.json"}],
    }
    assert references(schema) == {"x.A", "x.B"}


def test_prepared_once_per_content(monkeypatch: pytest.MonkeyPatch) -> None:
    version = latest_version()
    first = Definitions.load(version, True)
    [entry] = list(cache_dir(CACHE).glob("*.bin"))

    def no_parse(*_: Any) -> Any:
        raise AssertionError("the definitions were parsed again although their preparation is cached")

    monkeypatch.setattr(definitions_module, "load_definitions", no_parse)
    again = Definitions.load(version, True)
    assert again.served == first.served and again.groups == first.groups
    assert ("apps", "Deployment") in again.served and "" in again.groups
    # the other strictness is another file, with another content
    monkeypatch.setattr(definitions_module, "load_definitions", load_definitions)
    Definitions.load(version, False)
    assert len(list(cache_dir(CACHE).glob("*.bin"))) == 2
    assert entry.exists()


def test_a_damaged_entry_is_prepared_again() -> None:
    version = latest_version()
    Definitions.load(version, True)
    [entry] = list(cache_dir(CACHE).glob("*.bin"))
    entry.write_bytes(b'{"names": []}\nnot definitions')
    assert ("apps", "Deployment") in Definitions.load(version, True).served
    assert entry.read_bytes().startswith(b'{"top"')


def test_only_what_the_kinds_reach_is_parsed() -> None:
    defs = Definitions.load(latest_version(), True)
    small = defs.registry([CONFIG_MAP])
    loaded = set(defs.document["$defs"])
    assert {CONFIG_MAP, OBJECT_META} <= loaded and POD_SPEC not in loaded
    assert "description" not in defs.document["$defs"][CONFIG_MAP]
    assert defs.registry([CONFIG_MAP]) is small  # nothing new: the same registry
    larger = defs.registry([POD_SPEC])
    assert larger is not small and POD_SPEC in defs.document["$defs"]
    assert "io.k8s.api.core.v1.Container" in defs.document["$defs"]
    assert loaded < set(defs.document["$defs"])


def test_one_registry_for_the_kinds_of_one_validation(
    fresh_engine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Any] = []
    real = jsonschema_rs.Registry

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonschema_rs, "Registry", counting)
    path = FIXTURES / "valid" / "builtin.yaml"  # a Deployment, a Service and a ConfigMap
    docs = [(d, path.name) for d in yaml.safe_load_all(path.read_text()) if d is not None]
    assert len(docs) == 3
    assert validate_objects(docs, ValidateOptions()) == []
    assert len(made) == 1


def _errors(validator: Any, doc: Any) -> list[tuple[Any, ...]]:
    return [
        (e.kind.name, e.instance_path, e.schema_path, e.absolute_keyword_location, e.message)
        for e in validator.iter_errors(doc)
    ]


def _fixture_objects() -> list[dict[str, Any]]:
    out = []
    for folder in ("valid", "invalid", "bad", "apiserver"):
        for path in sorted((FIXTURES / folder).glob("*.yaml")):
            try:
                docs = list(yaml.safe_load_all(path.read_text()))
            except yaml.YAMLError:
                continue  # the fixtures of files that are not YAML
            out.extend(d for d in docs if isinstance(d, dict) and isinstance(d.get("apiVersion"), str))
    return out


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "non-strict"])
def test_schema_errors_equal_those_against_the_whole_definitions(strict: bool) -> None:
    version = latest_version()
    whole = load_definitions(version, strict)
    add_formats(whole)
    whole_registry = jsonschema_rs.Registry([(DEFINITIONS_URI, whole)])
    defs = Definitions(prepare(load_definitions(version, strict)))
    compared = 0
    for doc in _fixture_objects():
        group, _, api_version = doc["apiVersion"].rpartition("/")
        schema = load_kind_schema(version, strict, group, api_version, str(doc.get("kind")))
        if schema is None:
            continue
        options = {"validate_formats": True, "formats": FORMAT_CHECKERS}
        against_whole = jsonschema_rs.Draft202012Validator(schema, registry=whole_registry, **options)
        prepared = jsonschema_rs.Draft202012Validator(
            schema, registry=defs.registry(references(schema)), **options
        )
        assert _errors(prepared, doc) == _errors(against_whole, doc), doc["metadata"]
        compared += 1
    assert compared > 50


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "non-strict"])
def test_the_references_prepared_are_those_in_the_parsed_definitions(strict: bool) -> None:
    version = latest_version()
    prepared = Definitions(prepare(load_definitions(version, strict)))
    whole = load_definitions(version, strict)["$defs"]
    position = {name: i for i, name in enumerate(whole)}
    for i, definition in enumerate(whole.values()):
        assert prepared._refs[i] == sorted(position[r] for r in references(definition) if r in position)
