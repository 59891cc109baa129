"""The strategic merge patch filter against kustomize: golden cases from kubectl, live comparisons, properties."""

from __future__ import annotations

import json
import random
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


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 40
    assert any(case.expects_error for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case_matches_kubectl(case: SmpCase) -> None:
    if case.expects_error:
        with pytest.raises(SmpError):
            _apply(case)
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


# -- a randomised comparison with kubectl: many small Deployments and patches, built in one kubectl run ----

_NAMES = ["a", "b", "c", "d"]
_ENV = ["X", "Y", "Z"]


def _random_container(rng: random.Random, name: str, *, in_patch: bool) -> dict[str, Any]:
    container: dict[str, Any] = {"name": name}
    if not in_patch or rng.random() < 0.5:
        container["image"] = f"{name}:{rng.randint(1, 3)}"
    if rng.random() < 0.5:
        container["env"] = []
        for env in rng.sample(_ENV, rng.randint(0, 3)):
            entry: dict[str, Any] = {"name": env, "value": str(rng.randint(0, 9))}
            if in_patch and rng.random() < 0.2:
                entry = {"name": env, "$patch": "delete"}
            elif in_patch and rng.random() < 0.15:
                entry["value"] = None
            container["env"].append(entry)
    if rng.random() < 0.4:
        ports = []
        for port in rng.sample([80, 443, 53, 8080], rng.randint(1, 3)):
            item: dict[str, Any] = {"containerPort": port}
            if rng.random() < 0.4:
                item["protocol"] = rng.choice(["TCP", "UDP"])
            if rng.random() < 0.5:
                item["name"] = f"p{port}"
            ports.append(item)
        container["ports"] = ports
    if rng.random() < 0.3:
        container["args"] = [f"--{rng.choice('xyz')}" for _ in range(rng.randint(0, 2))]
    if in_patch and rng.random() < 0.1:
        container["$patch"] = rng.choice(["replace", "delete"])
    if rng.random() < 0.3:
        container["resources"] = {"limits": {"cpu": f"{rng.randint(1, 4)}00m"}}
        if in_patch and rng.random() < 0.3:
            container["resources"] = rng.choice(
                [None, {"$patch": "delete"}, {"$patch": "replace", "requests": {}}]
            )
    return container


def _random_pair(rng: random.Random, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}}
    target = {
        **head,
        "spec": {
            "replicas": rng.randint(1, 3),
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        _random_container(rng, n, in_patch=False)
                        for n in rng.sample(_NAMES, rng.randint(1, 3))
                    ],
                },
            },
        },
    }
    if rng.random() < 0.5:
        target["spec"]["template"]["spec"]["volumes"] = [
            {"name": v, "emptyDir": {}} for v in rng.sample(["v1", "v2", "v3"], 2)
        ]
    containers: list[Any] = [
        _random_container(rng, n, in_patch=True) for n in rng.sample(_NAMES, rng.randint(0, 3))
    ]
    if rng.random() < 0.1:
        containers.insert(rng.randint(0, len(containers)), {"$patch": rng.choice(["replace", "delete"])})
    pod: dict[str, Any] = {"containers": containers}
    if rng.random() < 0.3:
        pod["volumes"] = [{"name": rng.choice(["v1", "v4"]), "configMap": {"name": "cm"}}]
    if rng.random() < 0.2:
        pod["nodeSelector"] = {"zone": rng.choice(["a", "b"])}
    patch = {
        **head,
        "metadata": {"name": name, "labels": {"patched": "yes"} if rng.random() < 0.3 else {}},
        "spec": {"template": {"spec": pod}},
    }
    if rng.random() < 0.2:
        patch["spec"]["replicas"] = None
    return target, patch


def test_random_deployment_patches_agree_with_kubectl(kubectl: str) -> None:
    rng = random.Random(20240611)
    pairs = {f"d{i:03d}": _random_pair(rng, f"d{i:03d}") for i in range(150)}
    with tempfile.TemporaryDirectory(prefix="smp-random-") as scratch:
        root = Path(scratch)
        resources = []
        patches = []
        for name, (target, patch) in pairs.items():
            (root / f"{name}.yaml").write_text(json.dumps(target), encoding="utf-8")
            (root / f"{name}-patch.yaml").write_text(json.dumps(patch), encoding="utf-8")
            resources.append(f"{name}.yaml")
            patches.append({"path": f"{name}-patch.yaml"})
        kustomization = {"resources": resources, "patches": patches}
        (root / "kustomization.yaml").write_text(yaml.safe_dump(kustomization), encoding="utf-8")
        proc = subprocess.run(
            [kubectl, "kustomize", str(root)], capture_output=True, text=True, timeout=120, check=False
        )
    assert proc.returncode == 0, proc.stderr
    built = {doc["metadata"]["name"]: doc for doc in yaml.load_all(proc.stdout, Loader=Yaml12Loader) if doc}
    mismatches = []
    for name, (target, patch) in pairs.items():
        ours = _as_built(strategic_merge(target, patch))
        if ours != built.get(name):
            mismatches.append(
                f"{name}:\n  patch {json.dumps(patch)}\n  ours  {ours}\n  kubectl {built.get(name)}"
            )
    assert not mismatches, "\n".join(mismatches[:5])
