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


# --- the Kubernetes library's object-valued functions: url(), ip(), cidr(), quantity() ----------------------


def network(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "test.logpilot.io/v1", "kind": "Network", "metadata": {"name": "n"}, "spec": spec}


def network_findings(**spec: Any) -> list[tuple[str, str, str]]:
    opts = ValidateOptions(crd_paths=[FIXTURES / "network-crd.yaml"])
    return [
        (str(f.severity), f.path, f.message) for f in validate_objects([(network(**spec), "n.yaml")], opts)
    ]


def test_a_rule_once_reported_as_not_evaluated_is_evaluated_with_the_url_library() -> None:
    # url() and its members were unknown to the evaluator: the rule was a warning, now it rejects
    found = findings_for(limit({"min": 1, "max": 3, "owner": "t", "endpoint": "http://example.com"}))
    assert ("error", "spec.endpoint", 'Invalid value: "object": the endpoint must use https') in found
    assert not any("url(self.endpoint)" in m for _, _, m in found)
    assert not any("endpoint must use https" in m for _, _, m in findings_for(limit({"min": 1, "max": 3})))


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://example.com/api",
        "https://user:pw@example.com:443/api/v1?q=1&q=2#top",
        "https://[2001:db8::1]/api",
    ],
)
def test_url_members_accept(endpoint: str) -> None:
    assert network_findings(endpoint=endpoint) == []


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("http://example.com/api", "must be an https URL under /api without debug"),
        ("https://example.com:8443/api", "must be an https URL under /api without debug"),
        ("https://example.com/other", "must be an https URL under /api without debug"),
        ("https://example.com/api?debug", "must be an https URL under /api without debug"),
        ("https://[::1]:443/api", "must not be the local host"),
    ],
)
def test_url_members_reject(endpoint: str, message: str) -> None:
    assert network_findings(endpoint=endpoint) == [
        ("error", "spec.endpoint", f'Invalid value: "{endpoint}": {message}')
    ]


def test_an_error_of_the_library_fails_the_rule_and_names_it() -> None:
    # url() of a string that is not a URL is an error in the API server too: the rule is not evaluated
    found = network_findings(endpoint="https://a:b:c/")
    assert [(s, p) for s, p, _ in found] == [("warning", "spec.endpoint"), ("warning", "spec.endpoint")]
    assert all("not evaluated" in m and "URL parse error" in m for _, _, m in found)
    assert any("url(self).getHost()" in m for _, _, m in found)
    [(_, _, message)] = network_findings(gateway="10.0.0.010")
    assert "not evaluated" in message and "ip(self).family()" in message
    [(_, _, message)] = network_findings(limit="12K")
    assert "not evaluated" in message and "quantity(self).isInteger()" in message


def test_ip_members() -> None:
    assert network_findings(gateway="192.0.2.1") == []
    for gateway in ("127.0.0.1", "0.0.0.0", "169.254.0.1", "224.0.0.5", "255.255.255.255", "2001:db8::1"):
        assert network_findings(gateway=gateway) == [
            ("error", "spec.gateway", f'Invalid value: "{gateway}": must be a global unicast IPv4 address')
        ]
    # IPv4-mapped IPv6 addresses and zones are errors of ip(), as in the API server
    for gateway in ("::ffff:192.0.2.1", "fe80::1%eth0"):
        [(severity, _, message)] = network_findings(gateway=gateway)
        assert severity == "warning" and "not allowed" in message


def test_cidr_members() -> None:
    assert network_findings(subnet="10.1.0.0/16", gateway="10.1.2.3", dns="10.1.0.10") == []
    assert network_findings(subnet="10.1.0.0/16", gateway="10.2.0.1", dns="10.3.0.1") == [
        ("error", "spec.gateway", 'Invalid value: "object": the gateway must be inside the subnet'),
        ("error", "spec", 'Invalid value: "object": the DNS server must be inside the subnet'),
    ]
    msg = "must be a network address of at least 16 bits"
    assert network_findings(subnet="10.0.0.0/8") == [
        ("error", "spec.subnet", f'Invalid value: "10.0.0.0/8": {msg}')
    ]
    assert network_findings(subnet="10.1.2.3/16") == [
        ("error", "spec.subnet", f'Invalid value: "10.1.2.3/16": {msg}'),
        ("error", "spec.subnet", 'Invalid value: "10.1.2.3/16": must have no host bits'),
    ]
    assert network_findings(subnet="192.168.0.0/16") == [
        ("error", "spec.subnet", 'Invalid value: "192.168.0.0/16": must be inside 10.0.0.0/8')
    ]
    # a mask or a padded prefix length is not CIDR notation for the API server
    [(severity, _, _), *_] = network_findings(subnet="10.1.0.0/255.255.0.0")
    assert severity == "warning"


def test_quantity_members() -> None:
    assert network_findings(request="1Gi", limit="2Gi") == []
    assert network_findings(request="1500M", limit="1.5G") == []
    assert network_findings(request="2Gi", limit="1Gi") == [
        ("error", "spec.request", 'Invalid value: "object": request must not exceed limit')
    ]
    assert network_findings(request="1Gi", limit="3Gi") == [
        ("error", "spec", 'Invalid value: "object": limit may exceed request by 1Gi at most')
    ]
    bad = "must be a positive whole quantity of at most 64Gi"
    for limit_ in ("500m", "0", "-1", "65Gi"):
        assert network_findings(limit=limit_) == [
            ("error", "spec.limit", f'Invalid value: "{limit_}": {bad}')
        ]


def test_cel_results_are_cached_per_evaluator_source(monkeypatch: pytest.MonkeyPatch) -> None:
    # results computed by an older evaluator (say, a rule it could not evaluate) are not read back by a newer one
    from logpilot_manifests.validate import engine

    obj = limit({"min": 1, "max": 3, "owner": "t"})
    first = findings_for(obj)
    assert len(list(cache_dir("cel-results").glob("*.json"))) == 1
    monkeypatch.setattr(engine, "_cel_stamp", lambda: b"another evaluator")
    assert findings_for(obj) == first
    assert len(list(cache_dir("cel-results").glob("*.json"))) == 2


def test_url_query_is_read_as_the_api_server_reads_it() -> None:
    from logpilot_manifests.validate.cel import _evaluate

    query = "url(self).getQuery() == {'b': ['1', '2'], 'c': [''], 'k 1': ['v w']}"
    assert _evaluate(query, "https://x/?b=1&b=2&c&k+1=v%20w&bad=%zz&semi=a;b") == (True, None)
    assert _evaluate("url(self).getEscapedPath()", "https://x/a%2Fb c")[0] == "/a/b%20c"
    assert _evaluate("isURL(self)", "/absolute-path") == (True, None)
