"""`logpilot-manifests explain`: the base file and line of a value, then each step that changed it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures_cli"
PROJECT = FIXTURES / "project"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LOGPILOT_ROOT": str(PROJECT)})
    return result.exit_code, result.stdout, result.stderr


def explain_json(*args: str) -> dict[str, Any]:
    code, out, err = run("explain", *args, "--output", "json")
    assert code == 0, err
    return json.loads(out)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_replicas_come_from_the_base_then_the_patch() -> None:
    doc = explain_json("production", "Deployment/app", "spec.replicas")
    assert doc["value"] == 3
    first, last = doc["steps"][0], doc["steps"][-1]
    assert first["created"] and first["source"].endswith("base/deployment.yaml")
    assert first["line"] == line_of(PROJECT / "base" / "deployment.yaml", "replicas:")
    assert first["changes"] == [{"path": "spec.replicas", "op": "added", "old": None, "new": 1}]
    assert last["source"].endswith("overlays/production/replicas-patch.yaml") and last["label"].startswith(
        "patches[0]"
    )
    assert last["line"] == line_of(PROJECT / "overlays" / "production" / "replicas-patch.yaml", "replicas:")
    assert last["changes"] == [{"path": "spec.replicas", "op": "changed", "old": 1, "new": 3}]
    assert len(doc["steps"]) == 2


def test_image_names_the_images_transformer_and_its_line() -> None:
    doc = explain_json("production", "Deployment/app", "spec.template.spec.containers[name=app].image")
    assert doc["value"].endswith("@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    images = doc["steps"][-1]
    assert images["label"] == "images" and images["source"].endswith("overlays/production/kustomization.yaml")
    assert images["line"] == line_of(PROJECT / "overlays" / "production" / "kustomization.yaml", "images:")


def test_generated_config_map_history_shows_merge_prefix_and_hash() -> None:
    doc = explain_json("development", "ConfigMap/app-env")
    labels = [s["label"] for s in doc["steps"]]
    assert labels[0] == "configMapGenerator 'app-env'" and doc["steps"][0]["source"].endswith(
        "base/kustomization.yaml"
    )
    assert "namePrefix: dev-" in labels and labels[-1] == "name hash suffixes"
    merge = [
        s
        for s in doc["steps"]
        if s["source"].endswith("overlays/development/kustomization.yaml")
        and "configMapGenerator" in s["label"]
    ]
    assert merge[0]["changes"] == [{"path": "data.LOG_LEVEL", "op": "changed", "old": "info", "new": "debug"}]


def test_text_output_is_readable() -> None:
    code, out, err = run("explain", "production", "deployment/app", "spec.replicas")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "Deployment demo/app  spec.replicas"
    assert "  = 3" in out and "replicas-patch.yaml:6" in out and "~ spec.replicas: 1 -> 3" in out


def test_secret_values_are_masked_unless_show_secrets() -> None:
    code, out, _ = run("explain", "development", "Secret/app-key", "data")
    assert code == 0 and "<secret " in out
    assert "ZGV2ZWxvcG1lbnQtb25seS1rZXk=" not in out
    code, out, _ = run("explain", "development", "Secret/app-key", "data", "--show-secrets")
    assert code == 0 and "ZGV2ZWxvcG1lbnQtb25seS1rZXk=" in out


def test_field_never_set_is_an_error() -> None:
    code, out, err = run("explain", "production", "Deployment/app", "spec.paused")
    assert code == 2 and out == "" and "spec.paused" in err


def test_unknown_resource_lists_the_names_of_that_kind() -> None:
    code, out, err = run("explain", "production", "Deployment/web")
    assert code == 2 and out == "" and "Deployment names: app" in err


def test_bad_reference_and_bad_path_are_usage_errors() -> None:
    assert run("explain", "production", "Deployment")[0] == 2
    code, _, err = run("explain", "production", "Deployment/app", "spec.[oops")
    assert code == 2 and "field path" in err


def test_help_has_an_example() -> None:
    code, out, _ = run("explain", "--help")
    assert code == 0 and "Example: logpilot-manifests explain" in out


def test_a_released_digest_is_traced_to_the_production_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real overlays, released with set-image: the image comes from the base, its digest from the
    production settings the release edited."""
    import shutil

    repo = Path(__file__).resolve().parent.parent
    for folder in ("base", "overlays"):
        shutil.copytree(repo / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    digest = "sha256:" + "ab" * 32
    ref = f"ghcr.io/logpilot/logpilot=ghcr.io/logpilot/logpilot:0.1.0@{digest}"
    env = {"LOGPILOT_ROOT": str(tmp_path)}
    assert CliRunner().invoke(app, ["set-image", "production", ref], env=env).exit_code == 0
    field = "spec.template.spec.containers[name=logpilot].image"
    args = ["explain", "production", "deploy/logpilot-all", field, "--output", "json"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["value"] == f"ghcr.io/logpilot/logpilot:0.1.0@{digest}"
    first, last = doc["steps"][0], doc["steps"][-1]
    assert first["created"] and first["source"] == "base/workloads/all/deployment.yaml" and first["line"]
    assert last["source"] == "overlays/production/settings/kustomization.yaml" and last["line"]
    assert last["changes"][0]["new"] == doc["value"]


def test_same_kind_and_name_in_two_api_groups_is_chosen_by_group(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [a.yaml, b.yaml]\n")
    (tmp_path / "a.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n"
    )
    (tmp_path / "b.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n"
    )
    code, out, err = run("explain", str(tmp_path), "Deployment/web")
    assert code == 2 and out == ""
    assert "Deployment.apps/web, Deployment.example.com/web" in err
    for ref, origin, replicas in (
        ("Deployment.apps/web", "a.yaml", 2),
        ("deployment.EXAMPLE.com/web", "b.yaml", 5),
    ):
        shown = explain_json(str(tmp_path), ref, "spec.replicas")
        assert (Path(shown["origin"]).name, shown["value"]) == (origin, replicas)
        assert shown["origin"] == os.path.relpath(tmp_path / origin)
    code, _, err = run("explain", str(tmp_path), "Deployment.batch/web")
    assert code == 2 and "no Deployment named 'web'" in err
