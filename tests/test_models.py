"""Typed resource models: generated from their schemas and up to date, faithful to every object LogPilot
renders, strict about types, lazy, and the LogPilot view over them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

import logpilot_manifests
from logpilot_manifests.models import ModelError, codegen, decode, model_class, of_model, typed, typed_or_none
from logpilot_manifests.models.crds import argoproj_io_v1alpha1 as argo
from logpilot_manifests.models.crds import monitoring_coreos_com_v1 as monitoring
from logpilot_manifests.models.k8s import (
    apps_v1,
    autoscaling_v1,
    autoscaling_v2,
    core_v1,
    meta_v1,
    networking_v1,
)
from tests.tools import REPO_ROOT, require_shared_crds

OVERLAYS = sorted(p.name for p in (REPO_ROOT / "overlays").iterdir() if (p / "kustomization.yaml").is_file())


def _committed(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}


def test_kubernetes_models_are_what_the_generator_makes_from_the_bundled_definitions() -> None:
    definitions = codegen.load_kubernetes_definitions(codegen.KUBERNETES_VERSION)
    generated = dict(codegen.kubernetes_files(definitions, codegen.KUBERNETES_VERSION))
    assert generated == _committed(codegen.MODELS_DIR / "k8s"), "run `make models`"


def test_crd_models_are_what_the_generator_makes_from_the_upstream_crds() -> None:
    crds = require_shared_crds()
    generated = dict(codegen.crd_files(codegen.load_crds(crds)))
    assert generated == _committed(codegen.MODELS_DIR / "crds"), "run `make models`"


@pytest.mark.parametrize("env", OVERLAYS)
def test_every_rendered_object_has_a_model_that_keeps_every_field(env: str) -> None:
    for obj in logpilot_manifests.build(REPO_ROOT / "overlays" / env):
        model = typed(obj)
        assert (obj["apiVersion"], obj["kind"]) == (model.API_VERSION, model.KIND)
        # Nothing of the object is lost or changed on the way into the model.
        assert msgspec.to_builtins(model) == obj, (obj["kind"], obj["metadata"]["name"])


def test_each_api_version_has_its_own_model() -> None:
    assert model_class("autoscaling/v2", "HorizontalPodAutoscaler") is autoscaling_v2.HorizontalPodAutoscaler
    assert model_class("autoscaling/v1", "HorizontalPodAutoscaler") is autoscaling_v1.HorizontalPodAutoscaler
    assert model_class("argoproj.io/v1alpha1", "Rollout") is argo.Rollout
    assert model_class("apps/v1beta1", "Deployment") is None
    assert model_class("example.com/v1", "Widget") is None
    assert (
        typed_or_none({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}) is None
    )


def _deployment(**container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27", **container}]},
            },
        },
    }


def test_fields_read_with_their_manifest_names_and_types() -> None:
    obj = _deployment(
        ports=[{"name": "http", "containerPort": 8080}],
        resources={"limits": {"cpu": 1, "memory": "1Gi"}, "requests": {"cpu": 0.5}},
    )
    deploy = typed(obj)
    assert isinstance(deploy, apps_v1.Deployment)
    pod = deploy.spec.template.spec
    assert pod is not None
    c = pod.containers[0]
    assert c.ports is not None and c.ports[0].containerPort == 8080
    # Quantities keep the type they were written with: 1 stays an int, 0.5 a float, 1Gi a string.
    assert c.resources is not None and c.resources.limits == {"cpu": 1, "memory": "1Gi"}
    assert c.resources.requests == {"cpu": 0.5}
    assert c.livenessProbe is None and deploy.spec.replicas is None


def test_an_object_of_the_wrong_type_is_refused_with_its_path() -> None:
    obj = _deployment(ports=[{"containerPort": "8080"}])
    with pytest.raises(ModelError) as err:
        typed(obj)
    assert "Deployment web" in str(err.value)
    assert "`$.spec.template.spec.containers[0].ports[0].containerPort`" in str(err.value)
    with pytest.raises(ModelError, match="no model for example.com/v1 Widget"):
        typed({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})


def test_required_fields_are_required() -> None:
    with pytest.raises(ModelError, match="containers"):
        decode({"volumes": []}, core_v1.PodSpec, "a pod")


def test_python_keywords_keep_their_manifest_names() -> None:
    policy = typed(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "p"},
            "spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]},
        }
    )
    assert isinstance(policy, networking_v1.NetworkPolicy)
    assert policy.spec is not None and policy.spec.ingress is not None
    assert policy.spec.ingress[0].from_ == [
        networking_v1.NetworkPolicyPeer(podSelector=meta_v1.LabelSelector())
    ]
    assert msgspec.to_builtins(policy)["spec"]["ingress"][0] == {"from": [{"podSelector": {}}]}


def test_a_rollout_reads_its_pods_with_the_kubernetes_models() -> None:
    rollout = typed(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Rollout",
            "metadata": {"name": "r"},
            "spec": {"template": _deployment()["spec"]["template"]},
        }
    )
    assert isinstance(rollout, argo.Rollout)
    assert rollout.spec.template is not None and isinstance(rollout.spec.template, core_v1.PodTemplateSpec)


def test_of_model_picks_exactly_one_api_version_and_kind() -> None:
    objs = logpilot_manifests.build(REPO_ROOT / "overlays" / "production")
    assert [d.metadata.name for d in of_model(objs, apps_v1.Deployment) if d.metadata] == [
        "logpilot-all",
        "logpilot-grpc",
        "logpilot-rest",
    ]
    assert len(of_model(objs, monitoring.ServiceMonitor)) == 1
    with pytest.raises(TypeError):
        of_model(objs, core_v1.PodSpec)


def test_load_keeps_the_dicts_and_renders_byte_identical() -> None:
    built = logpilot_manifests.load(REPO_ROOT / "overlays" / "production")
    rendered = subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", "render", "production", "--no-validate"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    ).stdout
    assert built.yaml() == rendered
    assert built.objects == logpilot_manifests.build(REPO_ROOT / "overlays" / "production")
    assert [type(m).__name__ for m in built.models()][:2] == ["Namespace", "Namespace"]


def test_models_are_built_only_for_the_objects_read() -> None:
    built = logpilot_manifests.load(REPO_ROOT / "overlays" / "production")
    built.of(apps_v1.Deployment)
    kinds = {built.objects[i]["kind"] for i in built._models}
    assert kinds == {"Deployment"}


def test_the_logpilot_view_names_what_the_guide_names() -> None:
    lp = logpilot_manifests.LogPilotDeployment.load("production")
    assert [n.metadata.name for n in lp.namespaces if n.metadata] == ["logpilot", "logpilot-system"]
    assert lp.roles == ["all", "grpc", "rest"]
    rest = lp.workload("rest")
    assert (rest.kind, rest.name) == ("Deployment", "logpilot-rest")
    assert rest.ports == {"http": 8080, "management": 8081}
    assert set(rest.probes) == {"startup", "liveness", "readiness"}
    readiness = rest.probes["readiness"]
    assert readiness.httpGet is not None and readiness.httpGet.path == "/actuator/health/readiness"
    assert rest.resources is not None and rest.resources.limits
    # The ConfigMap it mounts, read with the service's own settings model.
    assert rest.settings.protocol == "rest"
    assert [c.name for c in lp.configs] == [
        "logpilot-config-254tdmh89c",
        "logpilot-grpc-config-966mdgg2d9",
        "logpilot-rest-config-6ck2k82kk8",
    ]
    assert len(lp.gateways) == 1 and len(lp.http_routes) == 1 and len(lp.grpc_routes) == 1
    assert len(lp.service_monitors) == 1 and len(lp.prometheus_rules) == 1
    assert {s.metadata.name for s in lp.services if s.metadata} >= {
        "logpilot-all",
        "logpilot-rest",
        "logpilot-grpc",
    }
    assert len(lp.autoscalers) == 3 and len(lp.disruption_budgets) == 3 and lp.network_policies
    assert [i.metadata.name for i in lp.ingresses if i.metadata] == ["logpilot-tls"]


def test_the_logpilot_view_follows_renamed_and_progressive_workloads() -> None:
    blue = logpilot_manifests.LogPilotDeployment.load("production-blue")
    assert blue.workload("all").name == "logpilot-all-blue"
    canary = logpilot_manifests.LogPilotDeployment.load("canary")
    assert len(canary.rollouts) == 1 and canary.workload("all").kind == "Deployment"
    dev = logpilot_manifests.LogPilotDeployment.load("development")
    assert dev.roles == ["all"]
    with pytest.raises(KeyError, match="roles here: \\['all'\\]"):
        dev.workload("rest")


def test_render_without_validation_imports_no_model() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['logpilot-manifests', 'render', 'development', '--no-validate']\n"
        "try:\n"
        "    runpy.run_module('logpilot_manifests', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in sys.modules if m == 'msgspec' or m.startswith('logpilot_manifests.models')]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ({}, True),
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "api"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, False),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
        ({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "zone", "operator": "Exists"}]}, False),
    ],
)
def test_one_selector_matcher_reads_typed_selectors_as_the_api_server(selector: dict, selected: bool) -> None:
    from logpilot_manifests.models.k8s import meta_v1
    from logpilot_manifests.models.selectors import selector_is_empty, selector_matches

    typed_selector = msgspec.convert(selector, meta_v1.LabelSelector)
    assert selector_matches(typed_selector, {"app": "web", "tier": "front"}) is selected
    assert selector_is_empty(typed_selector) is (selector == {})
