"""Schemas cut down to the objects they check (``validate.specialize``): an object is valid against the cut-down
schema exactly when it is valid against the whole one, and the engine's findings do not depend on it."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logpilot_manifests.errors import ManifestError
from logpilot_manifests.validate import ValidateOptions, engine, validate_objects
from logpilot_manifests.validate.cache import cache_dir
from logpilot_manifests.validate.crds import CrdSet
from logpilot_manifests.validate.definitions import Definitions, references
from logpilot_manifests.validate.formats import FORMAT_CHECKERS
from logpilot_manifests.validate.schemas import DEFINITIONS_URI, latest_version, load_kind_schema
from logpilot_manifests.validate.specialize import NotSpecializable, Specializer

from .test_validate import shared_crds

FIXTURES = Path(__file__).resolve().parent / "validate_fixtures"
VERSION = latest_version()
WIDGETS = FIXTURES / "crds" / "widgets.yaml"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def fresh_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's process-wide caches emptied for one test."""
    monkeypatch.setattr(engine, "_BUILTINS", {})
    monkeypatch.setattr(engine, "_BUILTIN_VALIDATORS", {})
    monkeypatch.setattr(engine, "_KIND_SCHEMAS", {})


def _no_definitions(name: str) -> Any:
    return None


def cut(root: dict[str, Any], objs: list[Any], definition: Any = _no_definitions) -> Specializer:
    walker = Specializer(definition, 10_000)
    walker.walk(root, objs)
    return walker


def compile_schema(schema: Any, registry: Any = None) -> Any:
    return jsonschema_rs.Draft202012Validator(
        schema, registry=registry, validate_formats=True, formats=FORMAT_CHECKERS
    )


# --- what is cut ----------------------------------------------------------------------------------------


def test_a_property_no_object_has_keeps_its_name_with_the_schema_true() -> None:
    root = {
        "type": "object",
        "description": "dropped",
        "properties": {"a": {"type": "string", "description": "dropped"}, "b": {"type": "integer"}},
        "additionalProperties": False,
    }
    walker = cut(root, [{"a": "x"}])
    assert walker.schema(root) == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": True},
        "additionalProperties": False,
    }


def test_additional_properties_and_items_no_value_reaches_become_true() -> None:
    root = {
        "type": "object",
        "properties": {
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "list": {"type": "array", "items": {"type": "integer"}},
            "empty": {"type": "array", "items": {"type": "integer"}},
            "closed": {"type": "object", "additionalProperties": False},
        },
    }
    walker = cut(root, [{"labels": {}, "list": [1], "empty": [], "closed": {}}])
    assert walker.schema(root)["properties"] == {
        "labels": {"type": "object", "additionalProperties": True},
        "list": {"type": "array", "items": {"type": "integer"}},
        "empty": {"type": "array", "items": True},
        "closed": {"type": "object", "additionalProperties": False},
    }


def test_branches_and_references_apply_to_the_same_value() -> None:
    definitions = {
        "x.Port": {"type": "object", "properties": {"port": {"type": "integer"}, "name": {"type": "string"}}},
    }
    root = {
        "type": "object",
        "properties": {
            "a": {"$ref": DEFINITIONS_URI + "#/$defs/x.Port"},
            "b": {"anyOf": [{"type": "integer"}, {"type": "object", "properties": {"p": {}, "q": {}}}]},
        },
    }
    walker = cut(root, [{"a": {"port": 1}, "b": {"p": 2}}], definitions.get)
    assert walker.schema(root)["properties"]["b"] == {
        "anyOf": [{"type": "integer"}, {"type": "object", "properties": {"p": {}, "q": True}}]
    }
    assert walker.definitions() == {
        "x.Port": {"type": "object", "properties": {"port": {"type": "integer"}, "name": True}}
    }


@pytest.mark.parametrize(
    "root",
    [
        {"patternProperties": {"^a": {"type": "string"}}},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "string"}}},
        {"properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": {}}},
        {"properties": {"a": {"$ref": DEFINITIONS_URI + "#/$defs/no.such.Definition"}}},
        {"properties": {"a": {"$ref": "https://example.com/other.json"}}},
        {"properties": {"a": {"items": [{"type": "string"}]}}},
        {"$id": "https://example.com/widget", "type": "object"},
    ],
    ids=[
        "patternProperties",
        "nested-id",
        "own-defs",
        "unknown-definition",
        "other-document",
        "items-list",
        "id",
    ],
)
def test_schemas_outside_the_handled_keywords_are_left_whole(root: dict[str, Any]) -> None:
    with pytest.raises(NotSpecializable):
        cut(root, [{"a": ["x"]}])


@pytest.mark.parametrize(
    "value", [datetime.date(2024, 1, 2), b"bytes", {1: "a"}], ids=["date", "bytes", "int-key"]
)
def test_values_json_has_no_form_for_are_left_to_the_whole_schema(value: Any) -> None:
    root = {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {}}}}}
    with pytest.raises(NotSpecializable):
        cut(root, [{"a": {"b": value} if not isinstance(value, dict) else value}])


def test_a_walk_that_fails_midway_leaves_nothing_half_made_for_the_next() -> None:
    definitions = {
        "x.A": {
            "type": "object",
            "properties": {"p": {"type": "string"}},
            "allOf": [{"$ref": "#/$defs/x.Missing"}],
        }
    }
    walker = Specializer(definitions.get, 10_000)
    with pytest.raises(NotSpecializable):
        walker.walk({"properties": {"a": {"$ref": DEFINITIONS_URI + "#/$defs/x.A"}}}, [{"a": {"p": 1}}])
    # another kind reaching the same definition is not cut down with what the failed walk left
    with pytest.raises(NotSpecializable):
        walker.walk({"properties": {"b": {"$ref": DEFINITIONS_URI + "#/$defs/x.A"}}}, [{"b": {"p": 1}}])


def test_the_walk_stops_past_its_budget() -> None:
    root = {"type": "array", "items": {"type": "integer"}}
    walker = Specializer(_no_definitions, 50)
    with pytest.raises(NotSpecializable):
        walker.walk(root, [list(range(100))])


def test_a_reference_from_a_bundled_kind_schema_is_resolved_against_its_host() -> None:
    root = load_kind_schema(VERSION, True, "", "v1", "ConfigMap")
    assert root is not None
    defs = Definitions.load(VERSION, True)
    walker = cut(
        root, [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}], defs.definition
    )
    meta = walker.definitions()["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]
    assert meta["properties"]["name"] == {"type": ["string", "null"]}
    assert meta["properties"]["labels"] is True


# --- valid against the cut-down schema exactly when valid against the whole one -------------------------


def _fixture_objects() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for folder in ("valid", "invalid", "apiserver", "upstream", "cel"):
        for path in sorted((FIXTURES / folder).glob("*.yaml")):
            try:
                docs = list(yaml.safe_load_all(path.read_text()))
            except yaml.YAMLError:
                continue
            out.extend(d for d in docs if isinstance(d, dict) and isinstance(d.get("apiVersion"), str))
    return out


def _schema_of(obj: dict[str, Any], crds: CrdSet) -> dict[str, Any] | None:
    group, _, version = obj["apiVersion"].rpartition("/")
    kind = str(obj.get("kind"))
    found = load_kind_schema(VERSION, True, group, version, kind)
    if found is None:
        crd = crds.lookup(group, version, kind)
        found = crd.schema if crd is not None else None
    return found


OBJECTS = _fixture_objects()
DEFINITIONS = Definitions.load(VERSION, True)
CRDS = CrdSet(
    [WIDGETS, FIXTURES / "cel" / "rules-crd.yaml", *([shared_crds()] if shared_crds() else [])], strict=True
)
WHOLE: dict[str, Any] = {}


def _whole(schema: dict[str, Any]) -> Any:
    key = json.dumps(schema, sort_keys=True)
    if key not in WHOLE:
        refs = references(schema) | {"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
        WHOLE[key] = compile_schema(schema, DEFINITIONS.registry(refs))
    return WHOLE[key]


def _agree(schema: dict[str, Any], objs: list[Any]) -> None:
    walker = Specializer(DEFINITIONS.definition, 100_000)
    try:
        walker.walk(schema, objs)
    except NotSpecializable:
        return
    registry = jsonschema_rs.Registry([(DEFINITIONS_URI, {**DEFINITIONS.top, "$defs": walker.definitions()})])
    quick = compile_schema(walker.schema(schema), registry)
    whole = _whole(schema)
    for obj in objs:
        assert quick.is_valid(obj) == whole.is_valid(obj), obj


def test_the_fixtures_are_valid_against_their_cut_down_schemas_as_against_the_whole() -> None:
    checked = 0
    for obj in OBJECTS:
        schema = _schema_of(obj, CRDS)
        if schema is not None:
            _agree(schema, [obj])
            checked += 1
    assert checked > 50


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few objects of one kind from the fixtures, each changed at a few places: a value replaced, a key
    added or removed."""
    base = draw(st.sampled_from([o for o in OBJECTS if _schema_of(o, CRDS) is not None]))
    objs = []
    for _ in range(draw(st.integers(1, 3))):
        obj = copy.deepcopy(base)
        for _ in range(draw(st.integers(1, 4))):
            path = draw(st.sampled_from(_paths(obj)[1:] or [()]))
            parent: Any = obj
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "add", "remove"]))
            if not path:
                continue
            last = path[-1]
            if action == "replace":
                parent[last] = draw(JSON)
            elif action == "add" and isinstance(parent[last], dict):
                parent[last][draw(st.sampled_from(["name", "type", "value", "x", "spec", "ports"]))] = draw(
                    JSON
                )
            elif action == "remove" and isinstance(parent, dict):
                del parent[last]
        if obj.get("apiVersion") == base["apiVersion"] and obj.get("kind") == base["kind"]:
            objs.append(obj)
    return objs or [base]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_changed_objects_are_valid_against_their_cut_down_schemas_as_against_the_whole(
    objs: list[dict[str, Any]],
) -> None:
    schema = _schema_of(objs[0], CRDS)
    assert schema is not None
    _agree(schema, objs)


# --- the engine ------------------------------------------------------------------------------------------


def _findings(paths: list[Path], **options: Any) -> list[Any]:
    docs = [(d, p.name) for p in paths for d in yaml.safe_load_all(p.read_text()) if d is not None]
    crds = [WIDGETS, FIXTURES / "cel" / "rules-crd.yaml", *([shared_crds()] if shared_crds() else [])]
    return validate_objects(docs, ValidateOptions(crd_paths=crds, **options))


FILES = [
    p
    for folder in ("valid", "invalid", "apiserver", "upstream", "cel")
    for p in sorted((FIXTURES / folder).glob("*.yaml"))
    if folder != "valid" or p.name != "flowschema-v1beta2.yaml"
]


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_findings_are_those_of_the_whole_schemas(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        first = _findings([path])  # CRD schemas are compiled whole once, and known to compile after
    except (yaml.YAMLError, ManifestError):
        return
    quick = _findings([path])
    monkeypatch.setattr(engine, "QUICK_MAX_OBJECTS", 0)
    assert _findings([path]) == quick == first


def test_a_valid_object_does_not_compile_its_kinds_whole_schema(fresh_engine: None) -> None:
    deployment = next(yaml.safe_load_all((FIXTURES / "valid" / "builtin.yaml").read_text()))
    assert deployment["kind"] == "Deployment"
    assert validate_objects([(deployment, "d.yaml")]) == []
    assert not engine._BUILTIN_VALIDATORS
    deployment["spec"]["replicas"] = "two"
    [finding] = validate_objects([(deployment, "d.yaml")])
    assert finding.rule == "type" and finding.path == "spec.replicas"
    assert list(engine._BUILTIN_VALIDATORS) == [(VERSION, True, "apps", "v1", "Deployment")]


def widget(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "test.logpilot.io/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}


def test_a_crd_schema_is_cut_down_once_it_is_known_to_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = engine._compile

    def counting(schema: Any, registry: Any, what: str) -> Any:
        compiled.append(what.split()[0])
        return real(schema, registry, what)

    monkeypatch.setattr(engine, "_compile", counting)
    opts = ValidateOptions(crd_paths=[WIDGETS])
    assert validate_objects([(widget({"size": 2}), "w.yaml")], opts) == []
    assert compiled == ["Widget"] and len(list(cache_dir(engine.COMPILES_CACHE).glob("*.json"))) == 1
    assert validate_objects([(widget({"size": 2}), "w.yaml")], opts) == []
    assert compiled == ["Widget"]  # known to compile: the cut-down schema decided
    [finding] = validate_objects([(widget({"size": 20}), "w.yaml")], opts)
    assert finding.path == "spec.size" and compiled == ["Widget", "Widget"]


def test_a_crd_schema_that_does_not_compile_is_reported_every_time(tmp_path: Path) -> None:
    crd = yaml.safe_load(WIDGETS.read_text())
    props = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    props["unused"] = {"type": "string", "pattern": "(unclosed"}
    path = tmp_path / "crd.yaml"
    path.write_text(yaml.safe_dump(crd))
    opts = ValidateOptions(crd_paths=[path])
    for _ in range(2):
        with pytest.raises(ManifestError, match="cannot compile the schema of Widget"):
            validate_objects([(widget({"size": 2}), "w.yaml")], opts)
