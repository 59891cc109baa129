"""`logpilot-manifests set-image`: a release pins its image where the environment takes it from, comments and
layout kept, the version label moved along, the build checked; bad input changes nothing."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DIGEST = "sha256:" + "0123456789abcdef" * 4
SETTINGS = Path("overlays/production/settings/kustomization.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "overlays", root / "overlays")
    shutil.copytree(REPO / "base", root / "base")
    return root


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LOGPILOT_ROOT"}
    return subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def images(repo: Path, env: str) -> set[str]:
    proc = cli(repo, "list", env, "--output", "json")
    assert proc.returncode == 0, proc.stderr
    out = cli(repo, "render", env, "--no-validate", "--format", "json")
    items = json.loads(out.stdout)["items"]
    found = set()
    for obj in items:
        spec = obj.get("spec", {})
        pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get(
            "template", {}
        ).get("spec")
        for c in (pod or {}).get("containers", []):
            found.add(c["image"])
    return found


def test_release_pins_tag_and_digest_in_the_shared_settings_keeping_the_rest(repo: Path) -> None:
    before = (repo / SETTINGS).read_text()
    ref = f"ghcr.io/logpilot/logpilot=ghcr.io/logpilot/logpilot:0.2.0@{DIGEST}"
    proc = cli(repo, "set-image", "production", ref)
    assert proc.returncode == 0, proc.stderr
    assert str(SETTINGS) in proc.stderr
    after = (repo / SETTINGS).read_text()
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert removed == ['      app.kubernetes.io/version: "0.1.0"', "    newTag: 0.1.0"]
    assert added == ['      app.kubernetes.io/version: "0.2.0"', "    newTag: 0.2.0", f"    digest: {DIGEST}"]
    # every environment that shares the settings gets the release; lint's digest finding is gone for it
    for env in ("production", "production-blue", "canary"):
        assert f"ghcr.io/logpilot/logpilot:0.2.0@{DIGEST}" in images(repo, env)
    lint = json.loads(cli(repo, "lint", "production", "--output", "json").stdout)
    assert {f["name"] for f in lint["findings"]} == {"backup-job"}  # postgres is still by tag only


def test_a_new_tag_drops_the_digest_of_the_old_one(repo: Path) -> None:
    assert cli(repo, "set-image", "production", f"postgres@{DIGEST}").returncode == 0
    assert f"postgres:16-alpine@{DIGEST}" in images(repo, "production")
    assert cli(repo, "set-image", "production", "postgres:17-alpine").returncode == 0
    assert "postgres:17-alpine" in images(repo, "production")


def test_an_image_no_kustomization_names_is_added_to_the_environment_itself(repo: Path) -> None:
    proc = cli(repo, "set-image", "development", "busybox=busybox:1.37")
    assert proc.returncode == 0, proc.stderr
    text = (repo / "overlays/development/kustomization.yaml").read_text()
    assert "  - name: busybox\n    newName: busybox\n" not in text  # same name: no newName
    assert (
        "  - name: busybox\n    newTag: '1.37'\n" in text or '  - name: busybox\n    newTag: "1.37"\n' in text
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["production", "ghcr.io/logpilot/logpilot@sha256:abc"], "64 hex digits"),
        (["production", "ghcr.io/logpilot/logpilot"], "NAME=REF"),
        (
            ["production", "ghcr.io/logpilot/logpilot=ghcr.io/logpilot/logpilot:bad tag"],
            "not a valid image tag",
        ),
        (["nowhere", "postgres:17"], "not an environment"),
    ],
)
def test_bad_input_is_a_usage_error_and_changes_nothing(repo: Path, args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.yaml")}
    proc = cli(repo, "set-image", *args)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in repo.rglob("*.yaml")} == before
