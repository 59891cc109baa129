"""Differential fuzzing: random kustomization trees must render exactly as `kubectl kustomize` renders them,
and be rejected exactly when kubectl rejects them. `make test` runs a short, seeded profile; `make fuzz` a
long one (FUZZ_EXAMPLES). Every disagreement found is kept as a golden case under tests/cases/."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logpilot_manifests.errors import ManifestError
from logpilot_manifests.kustomize.build import build_resources
from logpilot_manifests.kustomize.documents import dump_documents
from tests.fuzz.trees import json6902_ops, trees, write_tree
from tests.tools import require_kubectl

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture(autouse=True)
def _kubectl_present() -> None:
    """Every test here compares with kubectl: skip without it (fail in CI)."""
    require_kubectl()


def ours(path: Path) -> tuple[bool, str]:
    try:
        return True, dump_documents([r.obj for r in build_resources(path)])
    except ManifestError as exc:
        return False, str(exc)


def theirs(path: Path) -> tuple[bool, str]:
    proc = subprocess.run(
        [require_kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=120
    )
    return proc.returncode == 0, proc.stdout if proc.returncode == 0 else proc.stderr


@settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("FUZZ_RANDOM") is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(trees())
def test_render_agrees_with_kubectl(tree: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = write_tree(tree, Path(tmp))
        k_ok, k_out = theirs(target)
        o_ok, o_out = ours(target)
        assert o_ok == k_ok, f"kubectl {'accepted' if k_ok else 'rejected'}: {k_out}\nours: {o_out}"
        if k_ok:
            assert o_out == k_out


JSON6902_BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: main, image: nginx}, {name: side, image: envoy}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80}, {name: grpc, port: 9090}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: env, annotations: {note: x}}
data: {k: v}
"""


@settings(
    max_examples=EXAMPLES * 4,
    derandomize=os.environ.get("FUZZ_RANDOM") is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ops=json6902_ops(), kind=st.sampled_from(["Deployment", "Service", "ConfigMap", ".*", "Secret"]))
def test_json6902_patches_agree_with_kubectl(ops: list[dict], kind: str) -> None:
    """Every JSON 6902 example hits a resource (or, with Secret, none): the patch library's semantics."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "res.yaml").write_text(JSON6902_BASE, encoding="utf-8")
        kustomization = {
            "resources": ["res.yaml"],
            "patches": [{"target": {"kind": kind}, "patch": yaml.safe_dump(ops)}],
        }
        (root / "kustomization.yaml").write_text(yaml.safe_dump(kustomization), encoding="utf-8")
        k_ok, k_out = theirs(root)
        o_ok, o_out = ours(root)
        assert o_ok == k_ok, (
            f"{ops} on {kind}: kubectl {'accepted' if k_ok else 'rejected'}: {k_out}\nours: {o_out}"
        )
        if k_ok:
            assert o_out == k_out, f"{ops} on {kind}"
