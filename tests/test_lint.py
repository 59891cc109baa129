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
from tests.tools import require_checkov

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


def _root(d: list[dict[str, Any]]) -> None:
    del by_kind(d, "Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
    del by_kind(d, "Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsUser"]


def _uid0(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["runAsUser"] = 0


def _low_uid(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["runAsUser"] = 1000


def _escalate(d: list[dict[str, Any]]) -> None:
    del container(d)["securityContext"]["allowPrivilegeEscalation"]


def _privileged(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["privileged"] = True


def _writable(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["readOnlyRootFilesystem"] = False


def _pod(d: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = by_kind(d, "Deployment")["spec"]["template"]["spec"]
    return spec


def _host(field: str) -> Callable[[list[dict[str, Any]]], None]:
    def breaker(d: list[dict[str, Any]]) -> None:
        _pod(d)[field] = True

    breaker.__name__ = f"_{field}"
    return breaker


def _host_port(d: list[dict[str, Any]]) -> None:
    container(d)["ports"][0]["hostPort"] = 8080


def _port_as_text(d: list[dict[str, Any]]) -> None:
    container(d)["ports"][0]["containerPort"] = "8080"


def _host_path(path: str) -> Callable[[list[dict[str, Any]]], None]:
    def breaker(d: list[dict[str, Any]]) -> None:
        _pod(d)["volumes"] = [{"name": "host", "hostPath": {"path": path}}]

    breaker.__name__ = "_mount_" + path.strip("/").replace("/", "_").replace(".", "_")
    return breaker


def _sys_admin(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["capabilities"]["add"] = ["SYS_ADMIN"]


def _keep_caps(d: list[dict[str, Any]]) -> None:
    container(d)["securityContext"]["capabilities"]["drop"] = ["CHOWN"]


def _sysctl(d: list[dict[str, Any]]) -> None:
    _pod(d)["securityContext"]["sysctls"] = [{"name": "kernel.msgmax", "value": "65536"}]


def _no_seccomp(d: list[dict[str, Any]]) -> None:
    del _pod(d)["securityContext"]["seccompProfile"]


def _no_container_context(d: list[dict[str, Any]]) -> None:
    # Everything the container context said, said by the pod instead where Kubernetes allows it.
    del container(d)["securityContext"]


def _namespace_not_restricted(d: list[dict[str, Any]]) -> None:
    d.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}})
    d.append(
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": {"name": "demo", "namespace": "demo"},
            "spec": {"limits": [{"type": "Container", "default": {"memory": "256Mi"}}]},
        }
    )


def _namespace_without_limits(d: list[dict[str, Any]]) -> None:
    labels = {"pod-security.kubernetes.io/enforce": "restricted"}
    d.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo", "labels": labels}})


def _env_literal(d: list[dict[str, Any]]) -> None:
    container(d)["env"] = [{"name": "DB_PASSWORD", "value": "hunter2"}]


def _env_secret_ref(d: list[dict[str, Any]]) -> None:
    container(d)["env"] = [{"name": "DB_URL", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}}]


def _binding(kind: str, role: str, subject: str = "app") -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": {"name": "app", **({"namespace": "demo"} if kind == "RoleBinding" else {})},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": subject, "namespace": "demo"}],
    }


def _cluster_admin(d: list[dict[str, Any]]) -> None:
    d.append(_binding("ClusterRoleBinding", "cluster-admin"))


def _role(rules: list[dict[str, Any]]) -> Callable[[list[dict[str, Any]]], None]:
    def breaker(d: list[dict[str, Any]]) -> None:
        meta = {"name": "app", "namespace": "demo"}
        d.append(
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta, "rules": rules}
        )

    breaker.__name__ = "_role_" + "_".join(rules[0]["verbs"]).replace("*", "star")
    return breaker


def _default_sa_binding(d: list[dict[str, Any]]) -> None:
    d.append(_binding("RoleBinding", "view", subject="default"))


def _unknown_sa(d: list[dict[str, Any]]) -> None:
    _pod(d)["serviceAccountName"] = "app-runner"


def _old_sa_field(d: list[dict[str, Any]]) -> None:
    _pod(d)["serviceAccount"] = "other"


def _token(d: list[dict[str, Any]]) -> None:
    del _pod(d)["automountServiceAccountToken"]


def _latest(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:latest"
    container(d)["imagePullPolicy"] = "Always"


def _untagged(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com:5000/app"
    container(d)["imagePullPolicy"] = "Always"


def _tag_only(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:1.2.3"
    container(d)["imagePullPolicy"] = "Always"


def _short_digest(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:1.2.3@sha256:aaaa"


def _pull_if_not_present(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "registry.example.com/app:1.2.3"
    container(d)["imagePullPolicy"] = "IfNotPresent"


def _tiller(d: list[dict[str, Any]]) -> None:
    container(d)["image"] = "gcr.io/kubernetes-helm/tiller:v2.16.12@sha256:" + "ab" * 32


def _snippet(d: list[dict[str, Any]]) -> None:
    d.append(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": "app",
                "namespace": "demo",
                "annotations": {"nginx.ingress.kubernetes.io/server-snippet": "location /x { alias /etc/; }"},
            },
            "spec": {"rules": [{"host": "app.example.com"}]},
        }
    )


def _git_sync(d: list[dict[str, Any]]) -> None:
    container(d)["env"] = [{"name": "GITSYNC_GIT", "value": "/tmp/not-git"}]


def _ssh(d: list[dict[str, Any]]) -> None:
    container(d)["ports"].append({"name": "ssh", "containerPort": 22})


def _no_namespace(d: list[dict[str, Any]]) -> None:
    del by_kind(d, "ConfigMap")["metadata"]["namespace"]


def _old_api(d: list[dict[str, Any]]) -> None:
    by_kind(d, "PodDisruptionBudget")["apiVersion"] = "policy/v1beta1"


def _burstable(d: list[dict[str, Any]]) -> None:
    container(d)["resources"]["requests"]["memory"] = "128Mi"


def _blocking_pdb(d: list[dict[str, Any]]) -> None:
    by_kind(d, "PodDisruptionBudget")["spec"]["minAvailable"] = 2


def _no_spread(d: list[dict[str, Any]]) -> None:
    del _pod(d)["topologySpreadConstraints"]


def _host_spread_only(d: list[dict[str, Any]]) -> None:
    _pod(d)["topologySpreadConstraints"][0]["topologyKey"] = "kubernetes.io/hostname"


def _selector_mismatch(d: list[dict[str, Any]]) -> None:
    deploy = by_kind(d, "Deployment")
    deploy["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] = "app"


def _target_port(d: list[dict[str, Any]]) -> None:
    by_kind(d, "Service")["spec"]["ports"][0]["targetPort"] = "web"


def _hpa_target(d: list[dict[str, Any]]) -> None:
    d.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "app", "namespace": "demo"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ap"},
                "minReplicas": 2,
                "maxReplicas": 5,
            },
        }
    )


def _no_alerts(d: list[dict[str, Any]]) -> None:
    d.remove(by_kind(d, "PrometheusRule"))


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


def _no_probes(d: list[dict[str, Any]]) -> None:
    del container(d)["readinessProbe"]


def _no_limits(d: list[dict[str, Any]]) -> None:
    del container(d)["resources"]["limits"]["memory"]


# (rule, breaker, text the message contains, other rules the same change rightly fires)
BREAKERS: list[tuple[str, Callable[[list[dict[str, Any]]], None], str, frozenset[str]]] = [
    ("privileged-container", _privileged, "is privileged", frozenset()),
    ("privilege-escalation", _escalate, "allowPrivilegeEscalation", frozenset()),
    ("host-network", _host("hostNetwork"), "network namespace", frozenset()),
    ("host-pid", _host("hostPID"), "process ID namespace", frozenset()),
    ("host-ipc", _host("hostIPC"), "IPC namespace", frozenset()),
    ("host-port", _host_port, "host port 8080", frozenset()),
    ("docker-socket", _host_path("/var/run/docker.sock"), "/var/run/docker.sock", frozenset()),
    ("docker-socket", _host_path("//run/containerd/containerd.sock"), "containerd.sock", frozenset()),
    ("sensitive-host-mount", _host_path("/etc/"), "/etc", frozenset()),
    ("capabilities-added", _sys_admin, "SYS_ADMIN", frozenset()),
    ("capabilities-not-dropped", _keep_caps, "NET_RAW", frozenset()),
    ("unsafe-sysctls", _sysctl, "kernel.msgmax", frozenset()),
    ("run-as-root", _root, "neither runAsNonRoot", frozenset({"run-as-high-uid"})),
    ("run-as-root", _uid0, "uid 0", frozenset()),
    ("run-as-high-uid", _low_uid, "uid 1000", frozenset()),
    ("seccomp-profile-missing", _no_seccomp, "seccomp", frozenset()),
    (
        "security-context-missing",
        _no_container_context,
        "no securityContext",
        frozenset({"privilege-escalation", "writable-root-filesystem", "capabilities-not-dropped"}),
    ),
    ("writable-root-filesystem", _writable, "writable root filesystem", frozenset()),
    ("pod-security-not-enforced", _namespace_not_restricted, "not set", frozenset()),
    ("limitrange-missing", _namespace_without_limits, "no LimitRange", frozenset()),
    ("secret-in-configmap", _secret_key, "DB_PASSWORD", frozenset()),
    ("secret-in-configmap", _secret_in_file, "application.yml: password", frozenset()),
    ("secret-in-configmap", _secret_url, "DATABASE", frozenset()),
    ("env-literal-secret", _env_literal, "DB_PASSWORD", frozenset()),
    ("secret-in-env", _env_secret_ref, "Secret 'db'", frozenset()),
    ("cluster-admin-binding", _cluster_admin, "cluster-admin over the whole cluster", frozenset()),
    ("rbac-wildcard", _role([{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}]), "'*' verbs and resources",
     frozenset({"rbac-dangerous-permissions"})),
    ("rbac-dangerous-permissions", _role([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"],
                                           "verbs": ["escalate"]}]), "escalate on roles", frozenset()),
    ("default-service-account", _default_sa_binding, "default ServiceAccount", frozenset()),
    ("service-account-missing", _unknown_sa, "'app-runner'", frozenset()),
    ("deprecated-service-account-field", _old_sa_field, "'other'", frozenset()),
    ("service-account-token-mounted", _token, "automountServiceAccountToken", frozenset()),
    ("image-latest", _latest, "tagged 'latest'", frozenset({"image-not-pinned"})),
    ("image-latest", _untagged, "has no tag", frozenset({"image-not-pinned"})),
    ("image-digest-invalid", _short_digest, "malformed digest 'sha256:aaaa'", frozenset()),
    ("image-not-pinned", _tag_only, "not pinned", frozenset()),
    ("image-pull-policy", _pull_if_not_present, "IfNotPresent", frozenset({"image-not-pinned"})),
    ("cluster-addon", _tiller, "Tiller", frozenset()),
    ("ingress-snippet-annotation", _snippet, "server-snippet", frozenset()),
    ("ssh-port", _ssh, "port 22", frozenset()),
    ("git-sync-git-command", _git_sync, "GITSYNC_GIT", frozenset()),
    ("default-namespace", _no_namespace, "no namespace", frozenset()),
    ("deprecated-api", _old_api, "policy/v1beta1", frozenset()),
    ("network-policy-missing", _no_netpol, "NetworkPolicy", frozenset()),
    ("missing-resources", _no_limits, "limits.memory", frozenset()),
    ("qos-class", _burstable, "requests 128Mi", frozenset()),
    ("missing-probes", _no_probes, "readinessProbe", frozenset()),
    ("probe-port-unknown", _probe_port, "managment", frozenset()),
    ("pdb-missing", _no_pdb, "2 replicas", frozenset()),
    ("pdb-missing", _hpa_without_pdb, "2 replicas", frozenset()),
    ("pdb-blocks-eviction", _blocking_pdb, "minAvailable 2", frozenset()),
    ("replicas-not-spread", _no_spread, "no pod anti-affinity", frozenset({"zone-spread-missing"})),
    ("zone-spread-missing", _host_spread_only, "across zones", frozenset()),
    ("mutable-selector-label", _mutable_selector, "app.kubernetes.io/version", frozenset()),
    ("selector-mismatch", _selector_mismatch, "does not match", frozenset({"service-selector-unmatched"})),
    ("service-selector-unmatched", _service_nowhere, "app.kubernetes.io/name=ap", frozenset()),
    ("target-port-unknown", _target_port, "'web'", frozenset()),
    ("hpa-target-missing", _hpa_target, "Deployment 'ap'", frozenset()),
    ("alerts-missing", _no_alerts, "no PrometheusRule alert", frozenset()),
    ("unfit-object", _port_as_text, "Expected `int`, got `str` - at `$.spec.template.spec.containers[0].ports[0].containerPort`", frozenset()),
]  # fmt: skip
PRODUCTION_RULES = {rule for rule, *_ in BREAKERS if RULES[rule].production_only}


def test_clean_fixture_has_no_findings() -> None:
    code, doc = lint_json(str(CLEAN), "--production")
    assert (code, doc["findings"]) == (0, [])


def test_every_rule_is_exercised_by_a_breaker() -> None:
    code, out, _ = run("lint", "--list-rules", "--output", "json")
    assert code == 0
    listed = {r["id"] for r in json.loads(out)["rules"]}
    assert listed - {"invalid-lint-disable"} == {rule for rule, *_ in BREAKERS}


@pytest.mark.parametrize(
    ("rule", "breaker", "says", "others"), BREAKERS, ids=[f"{r}-{b.__name__}" for r, b, _, _ in BREAKERS]
)
def test_rule_flags_the_fixture_built_to_break_it(
    tmp_path: Path,
    rule: str,
    breaker: Callable[[list[dict[str, Any]]], None],
    says: str,
    others: frozenset[str],
) -> None:
    docs = copy.deepcopy(clean_docs())
    breaker(docs)
    code, doc = lint_json(write(tmp_path, docs), "--production")
    fired = {f["rule"] for f in doc["findings"]}
    assert rule in fired and fired - {rule} <= others, fired
    finding = next(f for f in doc["findings"] if f["rule"] == rule)
    assert says in finding["message"]
    assert finding["fix"] and finding["location"]["file"].endswith("manifests.yaml")
    assert code == (1 if any(f["severity"] == "error" for f in doc["findings"]) else 0)
    if rule in PRODUCTION_RULES:
        _, outside = lint_json(write(tmp_path, docs), "--no-production")
        assert rule not in {f["rule"] for f in outside["findings"]}


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
        "volumes", "hostPath", "path", "capabilities", "add", "drop", "sysctls", "rules", "verbs", "apiGroups",
        "roleRef", "subjects", "env", "envFrom", "value", "valueFrom", "secretKeyRef", "secretRef", "affinity",
        "podAntiAffinity", "topologySpreadConstraints", "topologyKey", "labelSelector", "groups", "expr", "alert",
        "hostPort", "containerPort", "targetPort", "minAvailable", "maxUnavailable", "serviceAccountName",
        "serviceAccount", "automountServiceAccountToken", "seccompProfile", "type", "hostNetwork", "hostPID",
        "annotations", "hostUsers", "imagePullPolicy", "readOnlyRootFilesystem", "allowPrivilegeEscalation",
    ]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(_KEYS, c, max_size=4)),
    max_leaves=25,
)
_KINDS = st.sampled_from(
    ["Deployment", "CronJob", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy",
     "HorizontalPodAutoscaler", "Secret", "Rollout", "Pod", "DaemonSet", "Role", "ClusterRole", "RoleBinding",
     "ClusterRoleBinding", "PrometheusRule", "Namespace", "LimitRange", "Ingress", "ServiceAccount"]
)  # fmt: skip
_OBJECTS = st.builds(
    lambda kind, name, spec, data, annotations, rules: {
        "kind": kind,
        "apiVersion": "policy/v1beta1" if kind == "PodDisruptionBudget" else "v1",
        "metadata": {"name": name, "annotations": annotations, "labels": data},
        "spec": spec,
        "data": data,
        "rules": rules,
        "roleRef": rules,
        "subjects": rules,
    },
    _KINDS,
    st.text(max_size=5),
    _VALUES,
    _VALUES,
    st.dictionaries(st.sampled_from(["lint.logpilot.io/disable-image-latest", "x"]), _VALUES, max_size=2),
    _VALUES,
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(_OBJECTS, max_size=5), st.lists(_OBJECTS, max_size=3))
def test_rules_and_diff_survive_any_object_shape(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    findings = run_lint([Resource(o) for o in a], production=True)
    assert all(f.rule in RULES or f.rule == "invalid-lint-disable" for f in findings)
    result = diff_objects(a, b, match_generated=True)
    assert len(result.only_a) + len(result.changed) + result.identical <= len(a)


# --- what the sloppy fixture shows: the problems a new user's first manifests have ---------------------------

SLOPPY = FIXTURES / "lint" / "sloppy.yaml"


def sloppy_findings() -> dict[tuple[str, str], list[dict[str, Any]]]:
    code, doc = lint_json(str(SLOPPY), "--no-production")
    assert code == 1
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in doc["findings"]:
        out.setdefault((f["rule"], f"{f['kind']}/{f['name']}"), []).append(f)
    return out


@pytest.mark.parametrize(
    ("rule", "obj", "says"),
    [
        ("host-network", "Deployment/shop", "network namespace"),
        ("host-pid", "Deployment/shop", "process ID"),
        ("host-ipc", "Deployment/shop", "IPC"),
        ("host-port", "Deployment/shop", "host port 8080"),
        ("docker-socket", "Deployment/shop", "/var/run/docker.sock"),
        ("sensitive-host-mount", "DaemonSet/node-agent", "/etc"),
        ("capabilities-added", "Deployment/shop", "SYS_ADMIN, NET_RAW"),
        ("capabilities-not-dropped", "Deployment/shop", "NET_RAW"),
        ("env-literal-secret", "Deployment/shop", "DB_PASSWORD"),
        ("cluster-admin-binding", "ClusterRoleBinding/shop-admin", "ServiceAccount shop/shop-runner"),
        ("rbac-wildcard", "Role/shop-everything", "'*' verbs and resources"),
        ("rbac-dangerous-permissions", "ClusterRole/shop-operator", "bind on clusterroles"),
        ("rbac-dangerous-permissions", "ClusterRoleBinding/shop-operator", "ServiceAccount default"),
        ("service-account-missing", "Deployment/shop", "'shop-runner'"),
        ("target-port-unknown", "Service/shop", "'web'"),
        ("image-digest-invalid", "Deployment/shop", "sha256:aaaa"),
        ("replicas-not-spread", "Deployment/shop", "3 replicas"),
        ("privileged-container", "Deployment/shop", "privileged"),
        ("run-as-root", "DaemonSet/node-agent", "uid 0"),
        ("unsafe-sysctls", "CronJob/report", "kernel.msgmax"),
        ("ssh-port", "CronJob/report", "port 22"),
        ("git-sync-git-command", "CronJob/report", "GITSYNC_GIT"),
        ("image-latest", "CronJob/report", "latest"),
        ("cluster-addon", "Pod/tiller", "Tiller"),
        ("ingress-snippet-annotation", "Ingress/shop", "server-snippet"),
        ("default-service-account", "ServiceAccount/default", "mounts its token"),
        ("deprecated-api", "PodSecurityPolicy/anything", "policy/v1beta1"),
        ("pdb-blocks-eviction", "PodDisruptionBudget/shop", "maxUnavailable 0"),
        ("default-namespace", "DaemonSet/node-agent", "no namespace"),
    ],
)
def test_sloppy_manifests_name_each_problem(rule: str, obj: str, says: str) -> None:
    found = sloppy_findings().get((rule, obj), [])
    assert any(says in f["message"] for f in found), (rule, obj, [f["message"] for f in found])


def test_sloppy_secret_value_is_never_printed() -> None:
    for fmt in ("text", "json", "sarif"):
        _, out, err = run("lint", str(SLOPPY), "--output", fmt)
        assert "hunter2" not in out + err


def test_lint_flags_every_object_checkov_fails_on_the_sloppy_fixture() -> None:
    """Recall against checkov: for each checkov check some rule covers, every object it fails is flagged."""
    checkov = require_checkov()
    from tests.checkov_recall import compare

    report = compare(checkov, [SLOPPY])
    missed = {c.check_id: sorted(c.missed) for c in report.shared.values() if c.missed}
    assert missed == {}
    failing_checks = {c.check_id for c in report.shared.values() if c.failed}
    assert len(failing_checks) >= 40 and report.failed >= 60, (failing_checks, report.failed)
    assert report.not_shared == {}, "checkov fails these with no lint rule covering them"


# --- project configuration ---------------------------------------------------------------------------------


def _project(
    tmp_path: Path, config: str, docs: list[dict[str, Any]] | None = None, name: str = "app"
) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / ".logpilot-lint.yaml").write_text(config)
    target = tmp_path / "deploy" / f"{name}.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(yaml.safe_dump_all(docs if docs is not None else clean_docs(), sort_keys=False))
    return target


def test_config_found_upward_turns_rules_off_and_overrides_severity(tmp_path: Path) -> None:
    docs = clean_docs()
    _writable(docs)
    _ssh(docs)
    target = _project(tmp_path, "rules:\n  writable-root-filesystem: error\n  ssh-port: off\n", docs)
    code, doc = lint_json(str(target))
    assert code == 1
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("writable-root-filesystem", "error")]
    code, out, _ = run("lint", "--list-rules", "--output", "json", root=tmp_path)
    assert code == 0


def test_config_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".logpilot-lint.yaml").write_text("rules:\n  ssh-port: off\n")
    docs = clean_docs()
    _ssh(docs)
    target = _project(tmp_path / "repo", "", docs) if (tmp_path / "repo").mkdir() is None else None
    assert target is not None
    (tmp_path / "repo" / ".logpilot-lint.yaml").unlink()
    assert [f["rule"] for f in lint_json(str(target))[1]["findings"]] == ["ssh-port"]


def test_config_exclusion_needs_a_reason_and_matches_by_kind_and_name(tmp_path: Path) -> None:
    docs = clean_docs()
    _host("hostNetwork")(docs)
    config = "exclude:\n  - rule: host-network\n    kind: Deployment\n    name: ap*\n    reason: the demo measures the node's network\n"
    assert lint_json(str(_project(tmp_path, config, docs)))[1]["findings"] == []
    other = config.replace("name: ap*", "name: web")
    assert [f["rule"] for f in lint_json(str(_project(tmp_path, other, docs)))[1]["findings"]] == [
        "host-network"
    ]
    code, out, err = run(
        "lint",
        str(
            _project(tmp_path, config.replace("    reason: the demo measures the node's network\n", ""), docs)
        ),
    )
    assert code == 2 and out == "" and "'reason' is required" in err and ".logpilot-lint.yaml" in err


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ("rulez:\n  ssh-port: off\n", "unknown key 'rulez' (did you mean 'rules'?)"),
        ("rules:\n  ssh-prot: off\n", "unknown rule 'ssh-prot' (did you mean 'ssh-port'?)"),
        ("rules:\n  ssh-port: {enabeld: false}\n", "unknown key 'enabeld' (did you mean 'enabled'?)"),
        (
            "rules:\n  ssh-port: eror\n",
            "severity must be error or warning, not 'eror' (did you mean 'error'?)",
        ),
        (
            "exclude:\n  - rule: ssh-port\n    nmae: app\n    reason: x\n",
            "unknown key 'nmae' (did you mean 'name'?)",
        ),
        ("exclude:\n  - rule: ssh-port\n    reason: everything\n", "name the objects excluded"),
        ("production: {canary: true}\n", "production: a list"),
        ("rules: [\n", "not valid YAML"),
        ("- just a list\n", "must be a mapping"),
    ],
)
def test_invalid_config_is_a_usage_error_with_a_suggestion(tmp_path: Path, config: str, says: str) -> None:
    code, out, err = run("lint", str(_project(tmp_path, config)))
    assert (code, out) == (2, "")
    assert says in err and "Traceback" not in err


def test_production_environments_come_from_the_config(tmp_path: Path) -> None:
    docs = clean_docs()
    _tag_only(docs)
    config = "production: [production, canary]\n"
    assert [f["rule"] for f in lint_json(str(_project(tmp_path, config, docs, "canary")))[1]["findings"]] == [
        "image-not-pinned"
    ]
    assert lint_json(str(_project(tmp_path, config, docs, "staging")))[1]["findings"] == []


def test_logpilot_counts_canary_and_both_colours_as_production() -> None:
    from logpilot_manifests.lint.config import load_config

    config = load_config(REPO / ".logpilot-lint.yaml", set(RULES))
    assert [e for e in ("production", "production-blue", "production-green", "canary", "staging", "development")
            if config.is_production(e)] == ["production", "production-blue", "production-green", "canary"]  # fmt: skip


# --- machine-readable rule lists ---------------------------------------------------------------------------


def test_list_rules_as_json_describes_every_rule() -> None:
    code, out, _ = run("lint", "--list-rules", "--output", "json")
    assert code == 0
    rules = json.loads(out)["rules"]
    assert len(rules) == len(RULES) + 1
    for r in rules:
        assert r["severity"] in ("error", "warning") and r["summary"] and r["description"] and r["fix"]
        assert r["kinds"] and r["precision"] in ("very-high", "high", "medium", "low")
    by_id = {r["id"]: r for r in rules}
    assert (
        by_id["image-not-pinned"]["productionOnly"] is True
        and "CKV_K8S_43" in by_id["image-not-pinned"]["covers"]
    )


def test_sarif_rules_carry_descriptions_help_and_security_severity(tmp_path: Path) -> None:
    docs = clean_docs()
    _host("hostPID")(docs)
    code, out, _ = run("lint", write(tmp_path, docs), "--output", "sarif")
    assert code == 1
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    rule = next(r for r in driver["rules"] if r["id"] == "host-pid")
    assert rule["shortDescription"]["text"] == RULES["host-pid"].summary
    assert rule["fullDescription"]["text"] == RULES["host-pid"].description
    assert "Fix: remove hostPID" in rule["help"]["text"] and "**Fix:**" in rule["help"]["markdown"]
    props = rule["properties"]
    assert float(props["security-severity"]) >= 7.0 and props["precision"] == "very-high"
    assert "security" in props["tags"]
    warning = next(r for r in driver["rules"] if r["id"] == "writable-root-filesystem")
    assert float(warning["properties"]["security-severity"]) < 7.0


def test_numeric_target_port_is_checked_only_against_declared_ports(tmp_path: Path) -> None:
    docs = clean_docs()
    by_kind(docs, "Service")["spec"]["ports"][0]["targetPort"] = 9090
    code, doc = lint_json(write(tmp_path, docs))
    assert [(f["rule"], f["message"]) for f in doc["findings"]] == [
        ("target-port-unknown", "targetPort 9090 is not a port the selected containers declare")
    ]
    by_kind(docs, "Service")["spec"]["ports"][0]["targetPort"] = 8081
    assert lint_json(write(tmp_path, docs))[1]["findings"] == []
    del container(docs)["ports"]
    container(docs)["livenessProbe"]["httpGet"]["port"] = 8081
    container(docs)["readinessProbe"]["httpGet"]["port"] = 8081
    by_kind(docs, "Service")["spec"]["ports"][0]["targetPort"] = 9090
    assert lint_json(write(tmp_path, docs))[1]["findings"] == []
