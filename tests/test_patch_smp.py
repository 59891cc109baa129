"""The strategic merge patch filter against kustomize: golden cases from kubectl, live comparisons, properties."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from logpilot_manifests.errors import ManifestError
from logpilot_manifests.kustomize.filters.patch_smp import SmpError, strategic_merge
from logpilot_manifests.schema import openapi
from tests.smp_golden import SmpCase, Yaml12Loader, load_cases, load_yaml, run_kubectl

CASES = load_cases()


def _apply(case: SmpCase) -> dict[str, Any] | None:
    return strategic_merge(
        case.target,
        case.patch,
        allow_name_change=bool(case.options.get("allowNameChange")),
        allow_kind_change=bool(case.options.get("allowKindChange")),
    )


def _as_built(obj: Any) -> Any:
    """What a whole kustomize build does after the patch: an empty ``metadata.annotations`` map is dropped
    (kustomize strips its own build annotations from every resource and clears the field when it empties)."""
    if isinstance(obj, dict):
        meta = obj.get("metadata")
        if isinstance(meta, dict) and meta.get("annotations") == {}:
            del meta["annotations"]
    return obj


_ERROR_CORE = re.compile(r"unknown patch strategy '[^']*'|expected \w+ but got \w+")


def _error_core(message: str) -> str:
    """The part of kustomize's error that names the problem (the rest is its node dump)."""
    match = _ERROR_CORE.search(message)
    assert match is not None, message
    return match.group(0)


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 40
    assert any(case.expects_error for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case_matches_kubectl(case: SmpCase) -> None:
    if case.expects_error:
        with pytest.raises(SmpError) as raised:
            _apply(case)
        assert _error_core(case.expected_error) in str(raised.value)
        return
    assert _as_built(_apply(case)) == case.expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_live_kubectl_agrees(case: SmpCase, kubectl: str) -> None:
    result = run_kubectl(case, kubectl)
    if result.error is not None:
        with pytest.raises(SmpError):
            _apply(case)
        return
    assert _as_built(_apply(case)) == load_yaml(result.output)


def test_error_messages_name_the_problem() -> None:
    target = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    with pytest.raises(ManifestError, match="unknown patch strategy 'sideways'"):
        strategic_merge(dict(target), {"data": {"$patch": "sideways"}})
    with pytest.raises(
        ManifestError, match=r"wrong node kind at data: expected MappingNode but got SequenceNode"
    ):
        strategic_merge(dict(target), {"data": ["a"]})


def test_patch_is_not_modified_and_can_be_reused() -> None:
    patch = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "app", "image": "app:2", "resources": {"$patch": "delete"}}],
                    "volumes": [{"$patch": "replace"}, {"name": "v", "emptyDir": {}}],
                }
            }
        },
    }
    before = json.dumps(patch, sort_keys=True)
    results = []
    for name in ("a", "b"):
        target = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"name": "app", "image": "app:1", "resources": {"limits": {"cpu": 1}}}
                        ],
                        "volumes": [{"name": "old", "emptyDir": {}}],
                    }
                }
            },
        }
        results.append(strategic_merge(target, patch))
    assert json.dumps(patch, sort_keys=True) == before
    for name, result in zip(("a", "b"), results, strict=True):
        assert result is not None
        assert result["metadata"]["name"] == name
        pod = result["spec"]["template"]["spec"]
        assert pod["containers"] == [{"name": "app", "image": "app:2"}]
        assert pod["volumes"] == [{"name": "v", "emptyDir": {}}]


def test_top_level_delete_returns_none() -> None:
    target = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    assert (
        strategic_merge(target, {"kind": "ConfigMap", "metadata": {"name": "c"}, "$patch": "delete"}) is None
    )


def test_schema_gives_kubernetes_merge_keys() -> None:
    deployment = openapi.schema_for("apps/v1", "Deployment")
    assert deployment is not None
    pod = deployment.field("spec").field("template").field("spec")  # type: ignore[union-attr]
    assert pod is not None
    containers = pod.field("containers")
    assert containers is not None and containers.associative and containers.merge_keys == ("name",)
    container = containers.elements()
    assert container is not None
    ports = container.field("ports")
    assert ports is not None and ports.merge_keys == ("containerPort", "protocol")
    mounts = container.field("volumeMounts")
    assert mounts is not None and mounts.merge_keys == ("mountPath",)
    args = container.field("args")
    assert args is not None and not args.associative
    tolerations = pod.field("tolerations")
    assert tolerations is not None and not tolerations.associative
    volumes = pod.field("volumes")
    assert volumes is not None and volumes.strategy == "merge,retainKeys"
    meta = deployment.field("metadata")
    assert meta is not None
    finalizers = meta.field("finalizers")
    assert finalizers is not None and finalizers.associative and finalizers.merge_keys == ()
    # a map's values share one schema
    labels = meta.field("labels")
    assert labels is not None and labels.field("any-key") is labels.field("other")
    assert openapi.schema_for("logpilot.example.com/v1", "LogPipeline") is None


def test_schema_keeps_to_the_types_kustomize_knows() -> None:
    # newer than kustomize's built-in schema: no schema, so lists are replaced
    assert openapi.schema_for("autoscaling/v2", "HorizontalPodAutoscaler") is None
    assert openapi.schema_for("extensions/v1beta1", "Deployment") is None
    # removed since then: the newest version of the group stands in
    cron = openapi.schema_for("batch/v1beta1", "CronJob")
    assert cron is not None and cron is openapi.schema_for("batch/v1", "CronJob")
    assert openapi.schema_for("extensions/v1beta1", "Ingress") is openapi.schema_for(
        "networking.k8s.io/v1", "Ingress"
    )
    pod = openapi.schema_for("v1", "Pod")
    assert pod is not None
    spec = pod.field("spec")
    assert spec is not None
    assert spec.field("schedulingGates") is None and spec.field("resourceClaims") is None
    assert spec.field("imagePullSecrets") is not None
    assert openapi.schema_version().startswith("v1.")


def test_definitions_are_not_loaded_until_a_patch_needs_them() -> None:
    code = (
        "import sys\n"
        "from logpilot_manifests.kustomize.filters import patch_smp\n"
        "from logpilot_manifests.schema import openapi\n"
        "assert openapi._index.cache_info().currsize == 0\n"
        "assert 'kubernetes_validate' not in sys.modules\n"
        "patch_smp.strategic_merge({'apiVersion': 'x/v1', 'kind': 'K', 'metadata': {'name': 'n'}},\n"
        "                          {'metadata': {'labels': {'a': 'b'}}})\n"
        "assert openapi._index.cache_info().currsize == 0  # custom kinds need no schema\n"
        "patch_smp.strategic_merge({'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'n'}},\n"
        "                          {'metadata': {'labels': {'a': 'b'}}})\n"
        "assert openapi._index.cache_info().currsize == 1\n"
        "assert 'kubernetes_validate' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_schemaless_kind_merges_maps_and_replaces_lists() -> None:
    target = {
        "apiVersion": "logpilot.example.com/v1",
        "kind": "LogPipeline",
        "metadata": {"name": "p"},
        "spec": {"inputs": [{"name": "a"}, {"name": "b"}], "out": {"x": 1, "y": 2}},
    }
    patch = {"spec": {"inputs": [{"name": "b", "path": "/b"}], "out": {"y": None, "z": 3}}}
    result = strategic_merge(target, patch)
    assert result is not None
    assert result["spec"] == {"inputs": [{"name": "b", "path": "/b"}], "out": {"x": 1, "z": 3}}


# -- a randomised comparison with kubectl: many small resources and patches, built in one kubectl run ------


def _random_port(rng: random.Random, *, in_patch: bool) -> dict[str, Any]:
    port: dict[str, Any] = {}
    if rng.random() < 0.9:
        port["containerPort"] = rng.choice([80, 53, 443])
    if rng.random() < 0.5:
        port["protocol"] = rng.choice(["TCP", "UDP"])
    if rng.random() < 0.5:
        port["name"] = rng.choice(["a", "b", "c"])
    if in_patch and rng.random() < 0.15:
        port["$patch"] = rng.choice(["delete", "replace", "merge"])
    return port


def _random_env(rng: random.Random, *, in_patch: bool) -> dict[str, Any]:
    env: dict[str, Any] = {"name": rng.choice(["E1", "E2", "E3"])}
    draw = rng.random()
    if draw < 0.6:
        env["value"] = rng.choice(["1", "2", ""])
    elif draw < 0.7 and in_patch:
        env["value"] = None
    elif draw < 0.8 and in_patch:
        env["$patch"] = "delete"
    elif draw < 0.9:
        env["valueFrom"] = {"fieldRef": {"fieldPath": "x"}}
    return env


def _random_container(rng: random.Random, *, in_patch: bool) -> Any:
    if not in_patch and rng.random() < 0.03:
        return rng.choice([{}, None])  # kyaml drops empty elements of merge lists
    container: dict[str, Any] = {}
    if rng.random() < 0.93:
        container["name"] = rng.choice(["a", "b", "c", "d"])
    if rng.random() < 0.6:
        container["image"] = rng.choice(["x:1", "y:2", "z:3"])
    if rng.random() < 0.5:
        ports = [_random_port(rng, in_patch=in_patch) for _ in range(rng.randint(0, 3))]
        if in_patch and rng.random() < 0.1:
            ports.insert(0, {"$patch": rng.choice(["replace", "delete"])})
        container["ports"] = ports
    if rng.random() < 0.4:
        container["env"] = [_random_env(rng, in_patch=in_patch) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        container["args"] = [rng.choice(["-a", "-b"]) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.3:
        choices: list[Any] = [{"limits": {"cpu": "1"}}, {"requests": {"memory": "1Gi"}}, {}]
        if in_patch:
            choices += [None, {"$patch": "delete"}, {"$patch": "replace", "limits": {"cpu": "2"}}]
        container["resources"] = rng.choice(choices)
    if in_patch and rng.random() < 0.08:
        container["$patch"] = rng.choice(["delete", "replace", "merge"])
    return container


def _random_pod(rng: random.Random, *, in_patch: bool) -> dict[str, Any]:
    pod: dict[str, Any] = {}
    if rng.random() < 0.9 or not in_patch:
        containers = [
            _random_container(rng, in_patch=in_patch) for _ in range(rng.randint(0 if in_patch else 1, 3))
        ]
        if in_patch and rng.random() < 0.08:
            directive = {"$patch": rng.choice(["replace", "delete", "merge"])}
            containers.insert(rng.randint(0, len(containers)), directive)
        pod["containers"] = containers
    if rng.random() < 0.3:
        pod["initContainers"] = [_random_container(rng, in_patch=in_patch) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.3:
        pod["volumes"] = [
            {"name": rng.choice(["v1", "v2"]), rng.choice(["emptyDir", "configMap"]): {}}
            for _ in range(rng.randint(0, 2))
        ]
    if rng.random() < 0.2:
        pod["tolerations"] = [{"key": rng.choice(["k1", "k2"])}]
    if rng.random() < 0.2:
        selectors: list[Any] = [{"a": "b"}, {"c": "d"}]
        if in_patch:
            selectors += [None, {"$patch": "replace", "x": "y"}]
        pod["nodeSelector"] = rng.choice(selectors)
    if in_patch and rng.random() < 0.1:
        pod["hostname"] = None
    return pod


def _random_metadata(rng: random.Random, name: str, *, in_patch: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if rng.random() < 0.3:
        meta["labels"] = {rng.choice(["l1", "l2"]): rng.choice(["v", None] if in_patch else ["v"])}
    if rng.random() < 0.3:
        meta["finalizers"] = [rng.choice(["f1", "f2", "f3"]) for _ in range(rng.randint(0, 3))]
    if in_patch and rng.random() < 0.1:
        meta["finalizers"] = [{"$patch": "replace"}, rng.choice(["f1", "f4"])]
    return meta


def _random_service_ports(rng: random.Random, *, in_patch: bool) -> list[dict[str, Any]]:
    ports = []
    for _ in range(rng.randint(0, 3)):
        port: dict[str, Any] = {}
        if rng.random() < 0.92:
            port["port"] = rng.choice([80, 53, 443])
        if rng.random() < 0.5:
            port["protocol"] = rng.choice(["TCP", "UDP"])
        if rng.random() < 0.5:
            port["targetPort"] = rng.choice([1, 2])
        if in_patch and rng.random() < 0.15:
            port["$patch"] = rng.choice(["delete", "replace"])
        ports.append(port)
    return ports


def _random_pair(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A target and a patch mixing merge lists, multi-key lists, directives, nulls and schema-less kinds."""
    shape = rng.choice(["deployment", "deployment", "service", "custom"])
    target_meta = _random_metadata(rng, name, in_patch=False)
    patch_meta = _random_metadata(rng, name, in_patch=True)
    if shape == "deployment":
        head = {"apiVersion": "apps/v1", "kind": "Deployment"}
        target = {
            **head,
            "metadata": target_meta,
            "spec": {"replicas": 1, "template": {"spec": _random_pod(rng, in_patch=False)}},
        }
        patch: dict[str, Any] = {
            **head,
            "metadata": patch_meta,
            "spec": {"template": {"spec": _random_pod(rng, in_patch=True)}},
        }
        if rng.random() < 0.1:
            patch["spec"]["replicas"] = None
    elif shape == "service":
        head = {"apiVersion": "v1", "kind": "Service"}
        target = {
            **head,
            "metadata": target_meta,
            "spec": {"ports": _random_service_ports(rng, in_patch=False), "selector": {"a": "b"}},
        }
        patch = {**head, "metadata": patch_meta, "spec": {"ports": _random_service_ports(rng, in_patch=True)}}
    else:
        head = {"apiVersion": "x.example.com/v1", "kind": "Thing"}
        embedded: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "Deployment"}
        target = {
            **head,
            "metadata": target_meta,
            "spec": {
                "items": [{"name": "a"}],
                "m": {"a": 1, "b": {"c": 2}},
                "template": dict(embedded, spec={"template": {"spec": _random_pod(rng, in_patch=False)}}),
            },
        }
        patch = {
            **head,
            "metadata": patch_meta,
            "spec": {
                "items": [{"name": "b"}],
                "m": rng.choice([{"a": None}, {"b": {"$patch": "delete"}}, {"$patch": "replace", "z": 1}]),
                "template": dict(embedded, spec={"template": {"spec": _random_pod(rng, in_patch=True)}}),
            },
        }
    return target, patch


def test_random_patches_agree_with_kubectl(kubectl: str) -> None:
    rng = random.Random(20240611)
    pairs = {f"r{i:03d}": _random_pair(rng, f"r{i:03d}") for i in range(300)}
    with tempfile.TemporaryDirectory(prefix="smp-random-") as scratch:
        root = Path(scratch)
        for name, (target, patch) in pairs.items():
            (root / f"{name}.yaml").write_text(json.dumps(target), encoding="utf-8")
            (root / f"{name}-patch.yaml").write_text(json.dumps(patch), encoding="utf-8")
        kustomization = {
            "resources": [f"{name}.yaml" for name in pairs],
            "patches": [{"path": f"{name}-patch.yaml"} for name in pairs],
        }
        (root / "kustomization.yaml").write_text(yaml.safe_dump(kustomization), encoding="utf-8")
        proc = subprocess.run(
            [kubectl, "kustomize", str(root)], capture_output=True, text=True, timeout=300, check=False
        )
    assert proc.returncode == 0, proc.stderr
    built = {doc["metadata"]["name"]: doc for doc in yaml.load_all(proc.stdout, Loader=Yaml12Loader) if doc}
    assert len(built) == len(pairs)
    mismatches = []
    for name, (target, patch) in pairs.items():
        ours = _as_built(strategic_merge(target, patch))
        if ours != built[name]:
            mismatches.append(
                f"{name}:\n  patch {json.dumps(patch)}\n  ours  {ours}\n  kubectl {built[name]}"
            )
    assert not mismatches, "\n".join(mismatches[:5])
