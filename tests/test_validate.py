"""Offline validation: one fixture per rule, the CRD translation, the command line end to end, the overlays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from logpilot_manifests.errors import ManifestError, UsageError
from logpilot_manifests.fieldpath import format_path
from logpilot_manifests.validate import ERROR, WARNING, Finding, ValidateOptions, validate_objects
from logpilot_manifests.validate.crds import crd_paths_from_env, openapi_to_jsonschema
from logpilot_manifests.validate.schemas import bundled_versions, latest_version, resolve_version
from tests.tools import in_ci, require_shared_crds, shared_crds

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "validate_fixtures"
TEST_CRDS = FIXTURES / "crds"


def docs_of(path: Path) -> list[tuple[Any, str]]:
    return [(d, path.name) for d in yaml.safe_load_all(path.read_text()) if d is not None]


def check(name: str, **options: Any) -> list[Finding]:
    options.setdefault("crd_paths", [TEST_CRDS])
    return validate_objects(docs_of(FIXTURES / name), ValidateOptions(**options))


def errors(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.rule, f.resource.label, f.path) for f in findings if f.severity == ERROR]


# --- one fixture per rule -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "valid").glob("*.yaml")))
def test_valid_fixtures_have_no_findings(name: str) -> None:
    kube = "1.28" if name == "flowschema-v1beta2.yaml" else None
    assert check(f"valid/{name}", kube_version=kube) == []


def test_wrong_type_names_the_field_and_both_types() -> None:
    [f] = check("invalid/wrong-type.yaml")
    assert (f.rule, f.resource.label, f.path) == ("type", "Deployment/prod/web", "spec.replicas")
    assert f.message == 'expected integer, got string "two"'
    assert f.source == "wrong-type.yaml"
    assert f.resource.api_version == "apps/v1"


def test_unknown_field_is_an_error_in_strict_mode_with_a_suggestion() -> None:
    [f] = check("invalid/unknown-field.yaml")
    assert f.rule == "unknown-field"
    assert f.path == "spec.template.spec.containers[0].ports[0].hostport"
    assert 'unknown field "hostport"' in f.message and 'did you mean "hostPort"' in f.message


def test_unknown_field_is_accepted_without_strict() -> None:
    assert check("invalid/unknown-field.yaml", strict=False) == []


def test_missing_required_field_names_the_missing_field() -> None:
    assert errors(check("invalid/missing-required.yaml")) == [
        ("required", "Deployment/prod/web", "spec.template.spec.containers[0].name")
    ]


def test_enum_violation_lists_the_allowed_values() -> None:
    [f] = check("invalid/enum.yaml")
    assert (f.rule, f.path) == ("enum", "spec.mode")
    assert f.message == '"reckless" is not one of: "fast", "safe"'


def test_crd_violations_cover_bounds_patterns_int_or_string_and_unknown_fields() -> None:
    found = {(f.rule, f.path): f.message for f in check("invalid/crd-violation.yaml")}
    assert set(found) == {
        ("maximum", "spec.size"),
        ("pattern", "spec.owner"),
        ("type", "spec.port"),
        ("unknown-field", "spec.colour"),
    }
    assert found[("type", "spec.port")] == "expected integer or string, got boolean true"
    assert "^[a-z]+$" in found[("pattern", "spec.owner")]


def test_crd_violations_pass_without_strict_except_value_rules() -> None:
    rules = {f.rule for f in check("invalid/crd-violation.yaml", strict=False)}
    assert rules == {"maximum", "pattern", "type"}


def test_missing_schema_is_a_warning_naming_the_kind_and_how_to_supply_it() -> None:
    [f] = check("invalid/missing-schema.yaml")
    assert (f.severity, f.rule, f.resource.kind) == (WARNING, "missing-schema", "Sprocket")
    assert "Sprocket" in f.message and "--crd" in f.message and "LOGPILOT_CRD_PATH" in f.message


def test_missing_schemas_are_one_finding_per_api_group() -> None:
    docs = [
        ({"apiVersion": f"{g}/v1", "kind": k, "metadata": {"name": n}}, "x.yaml")
        for g, k, n in (
            ("monitoring.coreos.com", "ServiceMonitor", "a"),
            ("monitoring.coreos.com", "PrometheusRule", "b"),
            ("monitoring.coreos.com", "ServiceMonitor", "c"),
            ("gateway.networking.k8s.io", "HTTPRoute", "d"),
        )
    ]
    found = validate_objects(docs)
    assert [(f.rule, f.message.split(":")[0]) for f in found] == [
        ("missing-schema", "no CRD for monitoring.coreos.com"),
        ("missing-schema", "no CRD for gateway.networking.k8s.io"),
    ]
    assert "PrometheusRule, ServiceMonitor not checked (3 resources)" in found[0].message
    assert validate_objects(docs, ValidateOptions(ignore_missing_schemas=True)) == []


def test_skip_leaves_a_kind_unchecked_by_kind_or_api_version_and_kind() -> None:
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}
    assert validate_objects([(bad, "x.yaml")])
    assert validate_objects([(bad, "x.yaml")], ValidateOptions(skip_kinds=("configmap",))) == []
    assert validate_objects([(bad, "x.yaml")], ValidateOptions(skip_kinds=("v1/ConfigMap",))) == []
    assert validate_objects([(bad, "x.yaml")], ValidateOptions(skip_kinds=("Secret",)))


def test_missing_schema_is_an_error_with_require_schemas() -> None:
    [f] = check("invalid/missing-schema.yaml", require_schemas=True)
    assert (f.severity, f.rule) == (ERROR, "missing-schema")


def test_unserved_crd_version_has_no_schema() -> None:
    doc = {"apiVersion": "test.logpilot.io/v1alpha1", "kind": "Widget", "metadata": {"name": "w"}}
    [f] = validate_objects([(doc, "w.yaml")], ValidateOptions(crd_paths=[TEST_CRDS]))
    assert f.rule == "missing-schema" and "Widget v1" in f.message


def test_crd_in_the_input_defines_its_kind_for_the_rest_of_the_input() -> None:
    docs = docs_of(FIXTURES / "valid/crd-and-widget.yaml")
    docs[1][0]["spec"]["color"] = "green"
    [f] = validate_objects(docs, ValidateOptions())
    assert (f.rule, f.resource.label, f.path) == ("enum", "Gadget/g", "spec.color")


def test_malformed_crd_in_the_input_is_a_finding_not_a_crash() -> None:
    crd = yaml.safe_load((FIXTURES / "valid/crd-and-widget.yaml").read_text().split("---")[0])
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["type"] = 5
    found = {(f.rule, f.resource.label) for f in validate_objects([(crd, "crd.yaml")]) if f.severity == ERROR}
    assert ("invalid-crd", "CustomResourceDefinition/gadgets.test.logpilot.io") in found


def test_document_without_kind_is_an_error() -> None:
    [f] = check("invalid/no-kind.yaml")
    assert (f.rule, f.path, f.message) == ("invalid-document", "kind", "missing kind")


@pytest.mark.parametrize(
    ("api_version", "kind", "field"),
    [
        ("apps/v1/x", "Deployment", "apiVersion"),
        ("Apps/v1", "Deployment", "apiVersion"),
        ("v1", "../pod", "kind"),
    ],
)
def test_malformed_api_version_or_kind_is_an_error(api_version: str, kind: str, field: str) -> None:
    doc = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    [f] = validate_objects([(doc, "x.yaml")])
    assert (f.rule, f.path) == ("invalid-document", field) and "malformed" in f.message


def test_non_mapping_document_is_an_error() -> None:
    [f] = validate_objects([(["a", "b"], "list.yaml")])
    assert f.rule == "invalid-document" and "not a Kubernetes object" in f.message


def test_missing_metadata_name_is_an_error() -> None:
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}, "data": {"a": "b"}}
    assert errors(validate_objects([(doc, "cm.yaml")])) == [("required", "ConfigMap", "metadata.name")]


def test_custom_resource_metadata_is_checked_as_object_meta() -> None:
    doc = {"apiVersion": "test.logpilot.io/v1", "kind": "Widget", "metadata": {"name": "w", "labels": []}}
    doc["spec"] = {"size": 1}
    found = errors(validate_objects([(doc, "w.yaml")], ValidateOptions(crd_paths=[TEST_CRDS])))
    assert found == [("type", "Widget/w", "metadata.labels")]


def test_yaml_dates_and_non_string_keys_are_read_as_the_api_server_reads_them() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {released: 2024-01-31, 8080: port}\n"
    assert validate_objects([(yaml.safe_load(text), "c.yaml")]) == []


# --- Kubernetes versions --------------------------------------------------------------------------------


def test_kube_version_selects_that_versions_schemas() -> None:
    assert check("valid/flowschema-v1beta2.yaml", kube_version="1.28") == []
    [f] = check("valid/flowschema-v1beta2.yaml", kube_version="1.29")
    assert f.rule == "unknown-api" and "flowcontrol.apiserver.k8s.io/v1" in f.message


def test_every_bundled_version_is_selectable() -> None:
    versions = bundled_versions()
    assert len(versions) >= 2 and latest_version() == versions[-1]
    for version in versions:
        assert check("valid/builtin.yaml", kube_version=version) == [], version
        assert errors(check("invalid/wrong-type.yaml", kube_version=version)), version


@pytest.mark.parametrize("spelling", ["1.30", "v1.30", "1.30.7"])
def test_kube_version_spellings(spelling: str) -> None:
    assert resolve_version(spelling) == "1.30"


@pytest.mark.parametrize("bad", ["1.2", "2.0", "latest", ""])
def test_unknown_kube_version_is_a_usage_error(bad: str) -> None:
    if not bad:
        assert resolve_version(bad) == latest_version()
        return
    with pytest.raises(UsageError, match="choose one of"):
        resolve_version(bad)


# --- CRD sources and translation --------------------------------------------------------------------------


def test_malformed_crd_names_the_file_and_the_problem() -> None:
    doc = {"apiVersion": "test.logpilot.io/v1", "kind": "Widget", "metadata": {"name": "w"}}
    with pytest.raises(ManifestError, match="malformed CRD: spec.names.kind is missing") as info:
        validate_objects([(doc, "w.yaml")], ValidateOptions(crd_paths=[FIXTURES / "bad/malformed-crd.yaml"]))
    assert info.value.file and info.value.file.endswith("malformed-crd.yaml")


def test_missing_crd_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        validate_objects([], ValidateOptions(crd_paths=[tmp_path / "absent"]))


def test_crd_path_env_is_colon_separated_and_skips_empty_entries(tmp_path: Path) -> None:
    value = os.pathsep.join(["", str(TEST_CRDS), "", str(FIXTURES / "valid")])
    assert crd_paths_from_env({"LOGPILOT_CRD_PATH": value}) == [TEST_CRDS, FIXTURES / "valid"]
    assert crd_paths_from_env({}) == []
    with pytest.raises(UsageError, match="LOGPILOT_CRD_PATH"):
        crd_paths_from_env({"LOGPILOT_CRD_PATH": str(tmp_path / "absent")})


def test_folders_may_hold_other_yaml_besides_crds(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test.logpilot.io}\n"
    )
    (tmp_path / "widgets.yaml").write_text((TEST_CRDS / "widgets.yaml").read_text())
    assert check("valid/widget.yaml", crd_paths=[tmp_path]) == []


def test_kubectl_list_of_crds_is_read(tmp_path: Path) -> None:
    crd = yaml.safe_load((TEST_CRDS / "widgets.yaml").read_text())
    (tmp_path / "exported.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [crd]})
    )
    assert check("valid/widget.yaml", crd_paths=[tmp_path / "exported.yaml"]) == []


def test_openapi_translation() -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "opt": {"type": "string", "enum": ["a"], "nullable": True},
            "either": {"anyOf": [{"type": "object", "properties": {"x": {"type": "string"}}}]},
        },
    }
    out = openapi_to_jsonschema(schema, strict=True)
    assert out["additionalProperties"] is False
    assert out["properties"]["n"] == {"exclusiveMinimum": 0, "type": ["integer", "null"]}
    assert "additionalProperties" not in out["properties"]["free"]
    assert out["properties"]["opt"]["enum"] == ["a", None]
    assert "additionalProperties" not in out["properties"]["either"]["anyOf"][0]
    assert "additionalProperties" not in openapi_to_jsonschema(schema, strict=False)


def test_field_paths_quote_keys_that_are_not_plain_names() -> None:
    assert format_path(["spec", "containers", 0, "ports", 1, "name"]) == "spec.containers[0].ports[1].name"
    assert format_path(["metadata", "labels", "app.kubernetes.io/name"]) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )


# --- the upstream CRDs of the custom kinds our manifests use ----------------------------------------------


def test_upstream_custom_kinds_validate_against_their_crds() -> None:
    crds = require_shared_crds()
    opts = ValidateOptions(crd_paths=[crds], require_schemas=True)
    assert validate_objects(docs_of(FIXTURES / "upstream/valid.yaml"), opts) == []
    found = errors(validate_objects(docs_of(FIXTURES / "upstream/invalid.yaml"), opts))
    assert found == [
        ("enum", "ServiceMonitor/logpilot/ingest", "spec.endpoints[0].scheme"),
        ("unknown-field", "ServiceMonitor/logpilot/ingest", "spec.endpoints[0].intervall"),
        ("enum", "HTTPRoute/logpilot/ingest", "spec.rules[0].matches[0].path.type"),
        # the CRD also has a CEL rule for it, and the API server reports both
        ("cel", "HTTPRoute/logpilot/ingest", "spec.rules[0].matches[0].path"),
        ("type", "Rollout/logpilot/ingest", "spec.replicas"),
        # a type error stops the Rollout CRD's CEL rule from being evaluated, said as the API server says it
        ("cel", "Rollout/logpilot/ingest", ""),
    ]


# --- the command line, end to end -------------------------------------------------------------------------


def cli(*args: str, stdin: str | None = None, crd_path: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOGPILOT_CRD_PATH": crd_path}
    proc = subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_cli_valid_file_exits_0() -> None:
    proc = cli("validate", str(FIXTURES / "valid/builtin.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "3 resources checked" in proc.stderr and "0 errors" in proc.stderr


def test_cli_invalid_file_exits_1_with_a_table_naming_resource_field_problem_and_source() -> None:
    path = FIXTURES / "invalid/wrong-type.yaml"
    proc = cli("validate", str(path))
    assert proc.returncode == 1
    for text in ("Deployment/prod/web", "spec.replicas", "expected integer", "wrong-type.yaml", "1 error"):
        assert text in proc.stderr
    assert proc.stdout == ""


def test_cli_json_output_is_a_machine_readable_report_on_stdout() -> None:
    proc = cli("validate", "--output", "json", "--crd", str(TEST_CRDS), str(FIXTURES / "invalid/enum.yaml"))
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["valid"] is False and report["errors"] == 1 and report["resources"] == 1
    [finding] = report["findings"]
    assert finding["resource"] == "Widget/logpilot/w" and finding["path"] == "spec.mode"
    assert finding["rule"] == "enum" and finding["source"].endswith("enum.yaml:6")
    assert finding["apiVersion"] == "test.logpilot.io/v1" and finding["severity"] == "error"


def test_cli_reads_standard_input() -> None:
    text = (FIXTURES / "invalid/unknown-field.yaml").read_text()
    assert cli("validate", "-", stdin=text).returncode == 1
    assert cli("validate", "--no-strict", "-", stdin=text).returncode == 0


def test_cli_expands_a_kubectl_list() -> None:
    items = [d for d, _ in docs_of(FIXTURES / "invalid/wrong-type.yaml")]
    text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items})
    proc = cli("validate", "--output", "json", "-", stdin=text)
    assert proc.returncode == 1
    assert [f["resource"] for f in json.loads(proc.stdout)["findings"]] == ["Deployment/prod/web"]


def test_cli_crd_from_environment_variable() -> None:
    target = str(FIXTURES / "invalid/enum.yaml")
    assert cli("validate", "--require-schemas", target).returncode == 1
    proc = cli("validate", target, crd_path=str(TEST_CRDS))
    assert proc.returncode == 1 and "reckless" in proc.stderr
    proc = cli("validate", str(FIXTURES / "valid/widget.yaml"), crd_path=str(TEST_CRDS))
    assert proc.returncode == 0, proc.stderr


def test_cli_missing_schema_warns_and_require_schemas_fails() -> None:
    target = str(FIXTURES / "invalid/missing-schema.yaml")
    proc = cli("validate", target)
    assert proc.returncode == 0 and "warning" in proc.stderr and "Sprocket" in proc.stderr
    assert "--crd" in proc.stderr
    assert cli("validate", "--require-schemas", target).returncode == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["validate", str(FIXTURES / "bad/not-yaml.yaml")], 2, "malformed YAML"),
        (["validate", str(FIXTURES / "invalid/no-kind.yaml")], 1, "missing kind"),
        (["validate", "--kube-version", "1.99", str(FIXTURES / "valid/builtin.yaml")], 2, "choose one of"),
        (["validate", "no-such-environment"], 2, "not an environment"),
        (["validate", "--crd", "no-such-dir", str(FIXTURES / "valid/builtin.yaml")], 2, "no-such-dir"),
        (
            [
                "validate",
                "--crd",
                str(FIXTURES / "bad/malformed-crd.yaml"),
                str(FIXTURES / "valid/widget.yaml"),
            ],
            2,
            "malformed CRD",
        ),
        (["validate", "--output", "xml", str(FIXTURES / "valid/builtin.yaml")], 2, "xml"),
    ],
)
def test_cli_bad_input_gives_a_clear_message_and_exit_code(args: list[str], code: int, message: str) -> None:
    proc = cli(*args)
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr


def test_cli_binary_file_is_rejected_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "blob.yaml"
    path.write_bytes(bytes(range(256)))
    proc = cli("validate", str(path))
    assert proc.returncode == 2 and "blob.yaml" in proc.stderr


def _kustomization(tmp_path: Path, replicas: str) -> Path:
    (tmp_path / "kustomization.yaml").write_text("resources: [deployment.yaml]\n")
    text = (
        (FIXTURES / "invalid/wrong-type.yaml").read_text().replace("replicas: two", f"replicas: {replicas}")
    )
    (tmp_path / "deployment.yaml").write_text(text)
    return tmp_path


def test_missing_schema_options_and_skip_apply_to_validate_and_render(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [sprockets.yaml, deployment.yaml]\n")
    (tmp_path / "sprockets.yaml").write_text(
        "".join(
            f"---\napiVersion: unknown.example.com/v1\nkind: Sprocket\nmetadata: {{name: s{i}}}\n"
            for i in range(3)
        )
    )
    (tmp_path / "deployment.yaml").write_text((FIXTURES / "invalid/wrong-type.yaml").read_text())
    for command in ("validate", "render"):
        proc = cli(command, str(tmp_path))
        assert proc.returncode == 1, proc.stderr
        # kinds without a schema: one plain line for the API group, whatever the number of resources
        [line] = [x for x in proc.stderr.splitlines() if "Sprocket" in x]
        assert line.startswith("warning: no CRD for unknown.example.com") and "(3 resources)" in line
        proc = cli(command, "--skip", "Deployment", "--ignore-missing-schemas", str(tmp_path))
        assert proc.returncode == 0, proc.stderr
        assert "Sprocket" not in proc.stderr
        proc = cli(command, "--require-schemas", "--ignore-missing-schemas", str(tmp_path))
        assert proc.returncode == 2 and "contradict" in proc.stderr


def test_render_validates_by_default_and_prints_nothing_when_invalid(tmp_path: Path) -> None:
    root = _kustomization(tmp_path, "two")
    proc = cli("render", str(root))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "spec.replicas" in proc.stderr and "deployment.yaml" in proc.stderr
    proc = cli("render", "--no-validate", str(root))
    assert proc.returncode == 0 and "replicas: two" in proc.stdout


def test_render_of_valid_kustomization_is_quiet_on_stderr(tmp_path: Path) -> None:
    proc = cli("render", str(_kustomization(tmp_path, "2")))
    assert proc.returncode == 0 and "replicas: 2" in proc.stdout
    assert proc.stderr == ""


def test_validate_accepts_a_kustomization_directory(tmp_path: Path) -> None:
    proc = cli("validate", "--output", "json", str(_kustomization(tmp_path, "two")))
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["path"] == "spec.replicas" and finding["source"].endswith("deployment.yaml:5")


# --- our own overlays ---------------------------------------------------------------------------------------


def test_every_overlay_renders_valid_manifests() -> None:
    """Every environment in overlays/ validates clean, custom kinds included (their CRDs are required)."""
    envs = sorted(
        p.name for p in (REPO / "overlays").iterdir() if p.is_dir() and (p / "kustomization.yaml").is_file()
    )
    assert envs, "no overlays found"
    crds = require_shared_crds() if in_ci() else shared_crds()
    args = ["validate", "--output", "json", *envs]
    if crds is not None:
        args.insert(1, "--require-schemas")
    proc = cli(*args, crd_path=str(crds or ""))
    report = json.loads(proc.stdout)
    assert report["findings"] == [] if crds else report["errors"] == 0, report["findings"]
    assert proc.returncode == 0
