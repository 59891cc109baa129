"""`logpilot-manifests lint`: every rule fires on a fixture built to break it, and only there."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from logpilot_manifests.cli.app import app
from logpilot_manifests.diff import diff_objects
from logpilot_manifests.kustomize.resource import Resource
from logpilot_manifests.lint import RULES, run_lint

FIXTURES = Path(__file__).parent / "fixtures_cli"
CLEAN = FIXTURES / "lint" / "clean.yaml"
PROJECT = FIXTURES / "project"
REPO = Path(__file__).resolve().parent.parent


def run(*args: str, root: Path = PROJECT, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LOGPILOT_ROOT": str(root)}, input=input)
    return result.exit_code, result.stdout, result.stderr


def lint_json(*args: str, root: Path = PROJECT) -> tuple[int, dict[str, Any]]:
    code, out, err = run("lint", *args, "--output", "json", root=root)
    assert code in (0, 1), err
    return code, json.loads(out)


def clean_docs() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(CLEAN.read_text()) if d]


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind)


def container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return by_kind(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def write(tmp_path: Path, docs: list[dict[str, Any]]) -> str:
    path = tmp_path / "manifests.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(path)


def _no_probes(d: list[dict[str, Any]]) -> None:
    del container(d)["readinessProbe"]


def _no_limits(d: list[dict[str, Any]]) -> None:
    del container(d)["resources"]["limits"]["memory"]


def _root(d: list[dict[str, Any]]) -> None:
    pod = by_kind(d, "Deployment")["spec"]["template"]["spec"]
    del pod["securityContext"]


def _uid0(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["runAsUser"] = 0


def _escalate(d: list[dict[str, Any]]) -> None:
    del container(d)["securityContext"]["allowPrivilegeEscalation"]


def _privileged(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["privileged"] = True
    container(d)["securityContext"]["allowPrivilegeEscalation"] = True


def _writable(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["readOnlyRootFilesystem"] = False


def _latest(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:latest"


def _untagged(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com:5000/app"


def _tag_only(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:1.2.3"


def _no_pdb(d: list[dict[str, Any]]) -> None:
    d.remove(by_kind(d, "PodDisruptionBudget"))


def _hpa_without_pdb(d: list[dict[str, Any]]) -> None:
    _no_pdb(d)
    by_kind(d, "Deployment")["spec"]["replicas"] = 1
    d.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "app", "namespace": "demo"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "app"},
                "minReplicas": 2,
                "maxReplicas": 5,
            },
        }
    )


def _mutable_selector(d: list[dict[str, Any]]) -> None:
    deploy = by_kind(d, "Deployment")
    deploy["spec"]["selector"]["matchLabels"]["app.kubernetes.io/version"] = "1.2.3"


def _no_netpol(d: list[dict[str, Any]]) -> None:
    by_kind(d, "NetworkPolicy")["spec"]["podSelector"] = {"matchLabels": {"app.kubernetes.io/name": "other"}}


def _secret_key(d: list[dict[str, Any]]) -> None:
    by_kind(d, "ConfigMap")["data"]["DB_PASSWORD"] = "hunter2-sup3r"


def _secret_in_file(d: list[dict[str, Any]]) -> None:
    cm = by_kind(d, "ConfigMap")
    cm["data"]["application.yml"] = cm["data"]["application.yml"].replace("${DB_PASSWORD}", "hunter2-sup3r")


def _secret_url(d: list[dict[str, Any]]) -> None:
    by_kind(d, "ConfigMap")["data"]["DATABASE"] = "postgresql://logpilot:hunter2-sup3r@db:5432/logpilot"


def _service_nowhere(d: list[dict[str, Any]]) -> None:
    by_kind(d, "Service")["spec"]["selector"] = {"app.kubernetes.io/name": "ap"}


def _probe_port(d: list[dict[str, Any]]) -> None:
    container(d)["livenessProbe"]["httpGet"]["port"] = "managment"


BREAKERS: list[tuple[str, Callable[[list[dict[str, Any]]], None], str]] = [
    ("missing-probes", _no_probes, "readinessProbe"),
    ("missing-resources", _no_limits, "limits.memory"),
    ("run-as-root", _root, "neither runAsNonRoot"),
    ("run-as-root", _uid0, "uid 0"),
    ("privilege-escalation", _escalate, "allowPrivilegeEscalation"),
    ("privilege-escalation", _privileged, "privileged"),
    ("writable-root-filesystem", _writable, "writable root filesystem"),
    ("image-latest", _latest, "tagged 'latest'"),
    ("image-latest", _untagged, "has no tag"),
    ("image-not-pinned", _tag_only, "not pinned"),
    ("pdb-missing", _no_pdb, "2 replicas"),
    ("pdb-missing", _hpa_without_pdb, "2 replicas"),
    ("mutable-selector-label", _mutable_selector, "app.kubernetes.io/version"),
    ("network-policy-missing", _no_netpol, "NetworkPolicy"),
    ("secret-in-configmap", _secret_key, "DB_PASSWORD"),
    ("secret-in-configmap", _secret_in_file, "application.yml: password"),
    ("secret-in-configmap", _secret_url, "DATABASE"),
    ("service-selector-unmatched", _service_nowhere, "app.kubernetes.io/name=ap"),
    ("probe-port-unknown", _probe_port, "managment"),
]


def test_clean_fixture_has_no_findings() -> None:
    code, doc = lint_json(str(CLEAN), "--production")
    assert (code, doc["findings"]) == (0, [])


def test_every_rule_is_exercised_by_a_breaker() -> None:
    code, out, _ = run("lint", "--list-rules")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")}
    assert listed - {"invalid-lint-disable"} == {rule for rule, _, _ in BREAKERS}


@pytest.mark.parametrize(
    ("rule", "breaker", "says"), BREAKERS, ids=[f"{r}-{b.__name__}" for r, b, _ in BREAKERS]
)
def test_rule_flags_the_fixture_built_to_break_it(
    tmp_path: Path, rule: str, breaker: Callable[[list[dict[str, Any]]], None], says: str
) -> None:
    docs = copy.deepcopy(clean_docs())
    breaker(docs)
    code, doc = lint_json(
        write(tmp_path, docs), "--production" if rule == "image-not-pinned" else "--no-production"
    )
    assert {f["rule"] for f in doc["findings"]} == {rule}
    finding = doc["findings"][0]
    assert says in finding["message"]
    assert finding["fix"] and finding["location"]["file"].endswith("manifests.yaml")
    assert code == (1 if finding["severity"] == "error" else 0)


def test_secret_values_never_appear_in_findings(tmp_path: Path) -> None:
    docs = clean_docs()
    _secret_key(docs)
    _secret_url(docs)
    path = write(tmp_path, docs)
    for fmt in ("text", "json", "sarif"):
        _, out, err = run("lint", path, "--output", fmt)
        assert "hunter2" not in out and "hunter2" not in err


def test_disable_skips_a_rule_and_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    docs = clean_docs()
    _latest(docs)
    path = write(tmp_path, docs)
    assert run("lint", path)[0] == 1
    assert run("lint", path, "--disable", "image-latest")[0] == 0
    code, out, err = run("lint", path, "--disable", "no-such-rule")
    assert code == 2 and out == "" and "no-such-rule" in err and "image-latest" in err


def test_annotation_opts_out_with_a_reason_only(tmp_path: Path) -> None:
    docs = clean_docs()
    _latest(docs)
    deploy = by_kind(docs, "Deployment")
    deploy["metadata"]["annotations"] = {"lint.logpilot.io/disable-image-latest": "a scratch image for demos"}
    code, doc = lint_json(write(tmp_path, docs))
    assert (code, doc["findings"]) == (0, [])

    deploy["metadata"]["annotations"] = {"lint.logpilot.io/disable-image-latest": ""}
    code, doc = lint_json(write(tmp_path, docs))
    assert code == 1
    assert sorted(f["rule"] for f in doc["findings"]) == ["image-latest", "invalid-lint-disable"]

    deploy["metadata"]["annotations"] = {"lint.logpilot.io/disable-image-lastest": "typo"}
    code, doc = lint_json(write(tmp_path, docs))
    messages = [f["message"] for f in doc["findings"] if f["rule"] == "invalid-lint-disable"]
    assert code == 1 and messages == ["unknown rule 'image-lastest'"]


def test_production_rules_follow_the_target_name(tmp_path: Path) -> None:
    docs = clean_docs()
    _tag_only(docs)
    prod = tmp_path / "production.yaml"
    prod.write_text(yaml.safe_dump_all(docs))
    other = tmp_path / "staging.yaml"
    other.write_text(yaml.safe_dump_all(docs))
    assert [f["rule"] for f in lint_json(str(prod))[1]["findings"]] == ["image-not-pinned"]
    assert lint_json(str(other))[1]["findings"] == []
    assert lint_json(str(other), "--production")[1]["findings"] != []
    assert lint_json(str(prod), "--no-production")[1]["findings"] == []


def test_sarif_log_names_rules_files_and_lines(tmp_path: Path) -> None:
    docs = clean_docs()
    _latest(docs)
    _writable(docs)
    path = write(tmp_path, docs)
    code, out, _ = run("lint", path, "--output", "sarif")
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {"image-latest", "writable-root-filesystem"} <= {r["id"] for r in rules}
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"image-latest": "error", "writable-root-filesystem": "warning"}
    text_lines = Path(path).read_text().splitlines()

    def line_with(text: str) -> int:
        return next(i for i, t in enumerate(text_lines, 1) if text in t)

    expected = {
        "image-latest": line_with("image: registry.example.com/app:latest"),
        "writable-root-filesystem": line_with("readOnlyRootFilesystem: false"),
    }
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("manifests.yaml")
        assert physical["region"]["startLine"] == expected[result["ruleId"]]


def test_text_output_and_stdin() -> None:
    code, out, err = run("lint", "-", input=CLEAN.read_text().replace("1.2.3@sha256", "latest@sha256"))
    assert code == 0 and err == ""
    assert out.strip().endswith("<stdin>: 0 error(s), 0 warning(s)")


def test_secret_generator_literal_is_flagged_without_its_value() -> None:
    code, doc = lint_json("development")
    assert code == 1
    [finding] = [f for f in doc["findings"] if f["rule"] == "secret-in-configmap"]
    assert finding["kind"] == "Secret" and finding["name"].startswith("dev-app-key-")
    assert "'api-key'" in finding["message"] and "development-only-key" not in json.dumps(doc)


def test_fixture_production_is_clean() -> None:
    code, doc = lint_json("production")
    assert (code, doc["findings"]) == (0, [])


def test_missing_environment_lists_available_ones() -> None:
    code, out, err = run("lint", "prod")
    assert code == 2 and out == "" and "development, production" in err


def test_help_has_an_example() -> None:
    code, out, _ = run("lint", "--help")
    assert code == 0 and "Example: logpilot-manifests lint" in out


def test_real_production_overlay_fails_only_for_its_images_not_yet_pinned_by_digest() -> None:
    code, doc = lint_json("production", root=REPO)
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert code == 1 and errors and {f["rule"] for f in errors} == {"image-not-pinned"}


# --- odd but valid objects never crash a rule ----------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 5),
    st.sampled_from(["", "x", "http", "latest", "a:b", "password"]),
)
_KEYS = st.sampled_from(
    [
        "spec", "template", "metadata", "labels", "selector", "matchLabels", "matchExpressions", "containers",
        "initContainers", "name", "image", "ports", "livenessProbe", "httpGet", "port", "securityContext",
        "runAsUser", "resources", "limits", "requests", "cpu", "replicas", "podSelector", "scaleTargetRef", "kind",
        "minReplicas", "data", "jobTemplate", "key", "operator", "values", "tcpSocket", "runAsNonRoot", "privileged",
    ]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(_KEYS, c, max_size=4)),
    max_leaves=25,
)
_KINDS = st.sampled_from(
    ["Deployment", "CronJob", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy",
     "HorizontalPodAutoscaler", "Secret", "Rollout"]
)  # fmt: skip
_OBJECTS = st.builds(
    lambda kind, name, spec, data, annotations: {
        "kind": kind,
        "metadata": {"name": name, "annotations": annotations},
        "spec": spec,
        "data": data,
    },
    _KINDS,
    st.text(max_size=5),
    _VALUES,
    _VALUES,
    st.dictionaries(st.sampled_from(["lint.logpilot.io/disable-image-latest", "x"]), _VALUES, max_size=2),
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(_OBJECTS, max_size=5), st.lists(_OBJECTS, max_size=3))
def test_rules_and_diff_survive_any_object_shape(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    findings = run_lint([Resource(o) for o in a], production=True)
    assert all(f.rule in RULES or f.rule == "invalid-lint-disable" for f in findings)
    result = diff_objects(a, b, match_generated=True)
    assert len(result.only_a) + len(result.changed) + result.identical <= len(a)
