"""CEL rules of CRDs (x-kubernetes-validations), evaluated offline as the API server evaluates them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from logpilot_manifests.validate import ERROR, ValidateOptions, validate_objects
from logpilot_manifests.validate.cache import Packed, cache_dir
from logpilot_manifests.validate.crds import SCHEMA_CACHE, CrdSet

from .test_validate import shared_crds

FIXTURES = Path(__file__).parent / "validate_fixtures" / "cel"


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty cache, so CEL results are computed, not read back."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def limit(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "test.logpilot.io/v1", "kind": "Limit", "metadata": {"name": "l"}, "spec": spec}


def findings_for(obj: dict[str, Any]) -> list[tuple[str, str, str]]:
    opts = ValidateOptions(crd_paths=[FIXTURES / "rules-crd.yaml"])
    return [(str(f.severity), f.path, f.message) for f in validate_objects([(obj, "l.yaml")], opts)]


def test_message_expression_and_field_path_name_the_offending_field() -> None:
    found = findings_for(limit({"min": 5, "max": 3, "owner": "team"}))
    assert ("error", "spec.min", 'Invalid value: "object": min (5) must not exceed max (3)') in found


def test_defaults_apply_before_rules_and_reason_sets_the_error_type() -> None:
    # mode defaults to Strict, so the owner becomes required
    found = findings_for(limit({"min": 1, "max": 3}))
    assert ("error", "spec.owner", "Required value: a Strict limit needs an owner") in found
    assert not [f for f in findings_for(limit({"min": 1, "max": 3, "mode": "Open"})) if f[0] == "error"]


def test_a_rule_that_cannot_be_evaluated_is_a_warning_naming_it() -> None:
    found = findings_for(limit({"min": 1, "max": 3, "owner": "t"}))
    [(severity, path, message)] = found
    assert (severity, path) == ("warning", "spec")
    assert "self.endpoint.isNoSuchFunction()" in message and "not evaluated" in message


def test_transition_rules_are_skipped_and_kubernetes_functions_work() -> None:
    found = findings_for(
        limit({"min": 1, "max": 3, "owner": "t", "urls": ["https://a.example", "not a url"]})
    )
    assert ("error", "spec.urls[1]", 'Invalid value: "not a url": must be a URL') in found
    assert not any("immutable" in m for _, _, m in found)


def test_gateway_api_rules_reject_what_the_api_server_rejects() -> None:
    crds = shared_crds()
    if crds is None:
        pytest.skip("the upstream CRDs (../shared/crds or LOGPILOT_CRD_PATH) are not present")
    docs = [
        (d, "route.yaml") for d in yaml.safe_load_all((FIXTURES / "gateway-api-violations.yaml").read_text())
    ]
    found = {
        (f.resource.kind, f.path, f.message)
        for f in validate_objects(docs, ValidateOptions(crd_paths=[crds]))
    }
    assert found == {
        (
            "HTTPRoute",
            "spec.rules[0].matches[0].path",
            "Invalid value: \"object\": value must be an absolute path and start with '/' when type one of "
            "['Exact', 'PathPrefix']",
        ),
        (
            "HTTPRoute",
            "spec.rules[1]",
            'Invalid value: "object": RequestRedirect filter must not be used together with backendRefs',
        ),
        (
            "HTTPRoute",
            "spec.rules[1].filters",
            'Invalid value: "array": May specify either httpRouteFilterRequestRedirect or '
            "httpRouteFilterRequestRewrite, but not both",
        ),
        (
            "Gateway",
            "spec.listeners",
            'Invalid value: "array": Listener name must be unique within the Gateway',
        ),
        # listeners are a list-type map keyed by name: the API server also reports the repeated key
        ("Gateway", "spec.listeners[2]", 'Duplicate value: {"name": "http"}'),
    }
    assert all(f.severity is ERROR for f in validate_objects(docs, ValidateOptions(crd_paths=[crds])))


def test_parsed_crds_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    crd = tmp_path / "crd.yaml"
    crd.write_text((FIXTURES / "rules-crd.yaml").read_text())
    opts = ValidateOptions(crd_paths=[crd])
    first = validate_objects([(limit({"min": 5, "max": 3, "owner": "t"}), "l.yaml")], opts)
    [entry] = list(cache_dir(SCHEMA_CACHE).glob("*.bin"))
    packed = Packed(entry.read_bytes())
    assert [kind for _, _, kind in packed.header["kinds"]] == ["Limit"]
    assert packed.value(0)["properties"]["spec"]["properties"]["max"]["type"] == ["integer", "null"]
    assert validate_objects([(limit({"min": 5, "max": 3, "owner": "t"}), "l.yaml")], opts) == first
    # the CEL findings of an unchanged object are read back from the cache, equal to the computed ones
    assert len(list(cache_dir("cel-results").glob("*.json"))) == 1
    # a changed file is parsed again: its content is the key
    crd.write_text(crd.read_text().replace("a Strict limit needs an owner", "owner required"))
    validate_objects([(limit({"min": 1, "max": 3}), "l.yaml")], opts)
    assert len(list(cache_dir(SCHEMA_CACHE).glob("*.bin"))) == 2


def test_a_cached_crd_file_gives_each_kind_on_first_use(tmp_path: Path) -> None:
    crd = yaml.safe_load((FIXTURES / "rules-crd.yaml").read_text())
    beta = {**crd["spec"]["versions"][0], "name": "v1beta1", "storage": False}
    crd["spec"]["versions"].append(beta)
    path = tmp_path / "crd.yaml"
    path.write_text(yaml.safe_dump(crd))
    group = "test.logpilot.io"

    first = CrdSet([path], strict=True)
    limit_v1 = first.lookup(group, "v1", "Limit")
    assert limit_v1 is not None and limit_v1.rules is not None
    # the other served version stays in the file's entry until asked for
    assert first.kinds_of_group(group) == ["Limit v1", "Limit v1beta1"]
    assert (group, "v1beta1", "Limit") not in first._schemas
    assert first.lookup(group, "v1beta1", "Limit") is not None

    again = CrdSet([path], strict=True).lookup(group, "v1", "Limit")
    assert again is not None
    # read from the cache, its rules are parsed only when they are needed (CEL results read back are not)
    assert again.has_rules and again._rules_text is not None
    assert (again.schema, again.rules, again.key, again.source) == (
        limit_v1.schema,
        limit_v1.rules,
        limit_v1.key,
        limit_v1.source,
    )
    # an entry this version did not write is parsed again, and replaced
    [entry] = list(cache_dir(SCHEMA_CACHE).glob("*.bin"))
    entry.write_bytes(b'{"starts": [0]}\n')
    third = CrdSet([path], strict=True).lookup(group, "v1", "Limit")
    assert third is not None and third.schema == limit_v1.schema
    assert Packed(entry.read_bytes()).header["kinds"] == [[group, "v1", "Limit"], [group, "v1beta1", "Limit"]]


def test_a_required_field_with_a_default_is_not_missing() -> None:
    # the API server defaults before it validates (found in a public project's OpenTelemetryCollector)
    crd = yaml.safe_load((FIXTURES / "rules-crd.yaml").read_text())
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec["required"] = ["mode"]
    spec.pop("x-kubernetes-validations")
    assert validate_objects([(crd, "crd.yaml"), (limit({}), "l.yaml")]) == []
