"""Differential fuzzing: random kustomization trees must render exactly as `kubectl kustomize` renders them,
and be rejected exactly when kubectl rejects them. `make test` runs a short, seeded profile; `make fuzz` a
long one (FUZZ_EXAMPLES). Every disagreement found is kept as a golden case under tests/cases/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from logpilot_manifests.errors import ManifestError
from logpilot_manifests.kustomize.build import build_resources
from logpilot_manifests.kustomize.yamlio import dump_documents
from tests.fuzz.trees import trees, write_tree

KUBECTL = shutil.which("kubectl")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def ours(path: Path) -> tuple[bool, str]:
    try:
        return True, dump_documents([r.obj for r in build_resources(path)])
    except ManifestError as exc:
        return False, str(exc)


def theirs(path: Path) -> tuple[bool, str]:
    assert KUBECTL is not None
    proc = subprocess.run([KUBECTL, "kustomize", str(path)], capture_output=True, text=True, timeout=120)
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
