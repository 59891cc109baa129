"""The API server's semantic rules, pinned case by case with its own message text.

Each file in ``validate_fixtures/apiserver`` is a manifest a Kubernetes API server rejects; its first lines
name the field (``# rejects:``) and the message the API server's validation code gives for it
(``# message:``). Valid manifests must pass without any finding (``validate_fixtures/valid`` and the
overlays, checked in ``test_validate.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from logpilot_manifests.validate import ERROR, ValidateOptions, validate_objects
from logpilot_manifests.validate.quantity import QuantityError, canonical, parse_quantity
from logpilot_manifests.validate.semantic.common import base64_error
from logpilot_manifests.validate.semantic.cron import schedule_error

CASES = Path(__file__).parent / "validate_fixtures" / "apiserver"


def _expectation(path: Path) -> tuple[str, str]:
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# rejects: ") and lines[1].startswith("# message: ")
    return lines[0].removeprefix("# rejects: "), lines[1].removeprefix("# message: ")


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_rejected_with_the_api_servers_message(name: str) -> None:
    path = CASES / f"{name}.yaml"
    field, message = _expectation(path)
    doc = yaml.safe_load(path.read_text())
    findings = [f for f in validate_objects([(doc, path.name)]) if f.severity is ERROR]
    at_field = [f.message for f in findings if f.path == field]
    assert any(m == message or m.endswith(": " + message) for m in at_field), (
        f"no finding at {field} ending with {message!r}; got {[(f.path, f.message) for f in findings]}"
    )


def test_the_corpus_covers_every_kind_people_deploy() -> None:
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in CASES.glob("*.yaml")}
    assert kinds >= {
        "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "Service", "Ingress",
        "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Secret", "Role",
        "RoleBinding", "ClusterRoleBinding", "Namespace", "PersistentVolumeClaim",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "shown"),
    [("500m", "500m"), ("0.5", "500m"), ("1024Mi", "1Gi"), ("1Gi", "1Gi"), ("2k", "2k"), ("1e3", "1e3")],
)
def test_quantities_print_in_the_api_servers_canonical_form(text: str, shown: str) -> None:
    assert canonical(parse_quantity(text)) == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1Gb", "quantities must match the regular expression"),
        ("1.2.3", "unable to parse numeric part of quantity"),
        ("1Mm", "unable to parse quantity's suffix"),
    ],
)
def test_malformed_quantities_are_refused_with_the_decoders_message(text: str, message: str) -> None:
    with pytest.raises(QuantityError, match=message.replace("(", r"\(")):
        parse_quantity(text)


@pytest.mark.parametrize(
    "schedule",
    [
        "*/5 * * * *",
        "0 0 * JAN-MAR MON-FRI",
        "@hourly",
        "@daily",
        "@every 1h30m",
        "0 0 1,15 * ?",
        "5 4 * * sun",
    ],
)
def test_schedules_the_api_server_accepts(schedule: str) -> None:
    assert schedule_error(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ],
)
def test_schedules_the_api_server_refuses(schedule: str, message: str) -> None:
    assert schedule_error(schedule) == message


def test_base64_reports_the_first_illegal_byte_like_go() -> None:
    assert base64_error("aGVsbG8=") is None
    assert base64_error("aGVs\nbG8=") is None
    assert base64_error("aGV$bG8=") == "illegal base64 data at input byte 3"


def test_valid_objects_near_every_rule_have_no_finding() -> None:
    docs = list(yaml.safe_load_all((CASES.parent / "valid" / "near-misses.yaml").read_text()))
    findings = validate_objects([(d, "near-misses.yaml") for d in docs])
    assert findings == []


def test_a_secret_value_never_appears_in_a_finding() -> None:
    value = "hunter2-not-base64!"
    doc = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"password": value}}
    findings = validate_objects([(doc, "s.yaml")])
    assert findings and all(value not in f.message for f in findings)


def test_a_configmap_over_one_mebibyte_is_too_long_but_its_base64_is_counted_decoded() -> None:
    def cm(field: str, size: int) -> dict[str, object]:
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "c"},
            field: {"a": "QUFB" * size},
        }

    [f] = validate_objects([(cm("data", 1024 * 1024 // 4 + 1), "c.yaml")])
    assert f.message == "Too long: may not be more than 1048576 bytes"
    # 1.2 MiB of base64 text is 0.9 MiB of data
    assert validate_objects([(cm("binaryData", 320 * 1024), "c.yaml")]) == []


def test_the_namespace_of_a_cluster_scoped_object_is_not_validated() -> None:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}
    role["metadata"]["namespace"] = "Not_A_Label"  # type: ignore[index]
    assert validate_objects([(role, "r.yaml")]) == []
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "Not_A_Label"}}
    [f] = validate_objects([(cm, "c.yaml")])
    assert f.path == "metadata.namespace"


def _findings(text: str, kube_version: str | None = None) -> list[tuple[str, str, str]]:
    docs = [(d, "case.yaml") for d in yaml.safe_load_all(text)]
    found = validate_objects(docs, ValidateOptions(kube_version=kube_version))
    return [(f.rule, f.path, f.message) for f in found if f.severity is ERROR]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: %s
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: Web, image: nginx}]}
"""


def test_an_object_is_decoded_before_its_semantic_rules_run() -> None:
    # as the API server: a value that does not decode (a string replica count) rejects the object with the
    # decoding error alone; the rules that would read the object (selector, container name) do not run
    found = _findings(DEPLOYMENT % '"3"')
    assert [rule for rule, _, _ in found] == ["type"]
    decoded = _findings(DEPLOYMENT % "3")
    assert {path for _, path, _ in decoded} == {
        "spec.template.metadata.labels",
        "spec.template.spec.containers[0].name",
    }


def test_a_null_reads_as_the_zero_value_the_api_server_decodes() -> None:
    # `selector: null` is a missing selector; a null label value still lets the object decode
    found = _findings(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  selector: null\n"
        "  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: a, image: a}]}}\n"
    )
    assert ("required", "spec.selector", 'missing required field "selector"') in found
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {selector: {a: b, c: null}}\n"
    assert _findings(service) == [("semantic", "spec.ports", "Required value")]


def test_an_older_version_of_the_same_shape_is_read_with_the_newer_model() -> None:
    hpa = """
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 5
  maxReplicas: 2
"""
    found = _findings(hpa, kube_version="1.25")
    assert (
        "semantic",
        "spec.maxReplicas",
        "Invalid value: 2: must be greater than or equal to `minReplicas`",
    ) in found


def test_an_ephemeral_volume_claim_template_is_validated_as_a_claim() -> None:
    deployment = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: nginx}]
      volumes:
      - name: scratch
        ephemeral:
          volumeClaimTemplate:
            metadata: {labels: {"bad label": x}}
            spec: {accessModes: [ReadWriteOnce]}
"""
    claim = "spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate"
    found = _findings(deployment)
    assert any(p == f"{claim}.metadata.labels" for _, p, _ in found)
    assert any(p.startswith(f"{claim}.spec.resources") and m == "Required value" for _, p, m in found)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("10.0.0.1", "10.0.0.1"), ("010.000.000.001", "10.0.0.1"), ("2001:db8::1", "2001:db8::1")]
    + [(bad, None) for bad in ("10.0.0.256", "fe80::1%eth0", "lb.example.com", "10.0.0.0/8", "")],
)
def test_addresses_are_read_as_the_api_server_reads_the_older_fields(text: str, parsed: str | None) -> None:
    from logpilot_manifests.validate.semantic.ip import parse_ip

    address = parse_ip(text)
    assert (str(address) if address is not None else None) == parsed


def test_cidrs_may_carry_host_bits_but_not_a_bad_prefix() -> None:
    from logpilot_manifests.validate.semantic.ip import parse_cidr

    assert str(parse_cidr("10.0.0.1/8")) == "10.0.0.0/8"
    assert str(parse_cidr("2001:db8::1/64")) == "2001:db8::/64"
    assert [parse_cidr(bad) for bad in ("10.0.0.0/33", "10.0.0.0", "10.0.0.0/+8", "::/129")] == [None] * 4


def test_external_ips_may_not_be_special_addresses_of_either_family() -> None:
    service = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
        "spec: {ports: [{port: 80}], externalIPs: ['0.0.0.0', '::ffff:127.0.0.1', 'fe80::1', 'ff12::1', '224.0.0.5']}"
    )
    found = {(path, message.split(": ", 2)[-1]) for _, path, message in _findings(service)}
    assert found == {
        ("spec.externalIPs[0]", "may not be unspecified (0.0.0.0)"),
        ("spec.externalIPs[1]", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("spec.externalIPs[2]", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("spec.externalIPs[3]", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
        ("spec.externalIPs[4]", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    }
