"""`render` output for pipelines: one file per resource, a JSON List, origin annotations."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

PROJECT = Path(__file__).parent / "fixtures_cli" / "project"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LOGPILOT_ROOT": str(PROJECT)})
    return result.exit_code, result.stdout, result.stderr


def test_output_directory_gets_one_file_per_resource(tmp_path: Path) -> None:
    out_dir = tmp_path / "rendered"
    code, out, err = run("render", "production", "-o", f"{out_dir}/")
    assert (code, out, err) == (0, "", "")
    files = sorted(p.name for p in out_dir.iterdir())
    assert "deployment-app.yaml" in files and "poddisruptionbudget-app.yaml" in files
    assert len(files) == 6
    _, whole, _ = run("render", "production")
    from_files = [yaml.safe_load(p.read_text()) for p in out_dir.iterdir()]
    assert sorted(from_files, key=json.dumps) == sorted(
        (d for d in yaml.safe_load_all(whole) if d), key=json.dumps
    )


def test_existing_directory_without_slash_is_a_directory(tmp_path: Path) -> None:
    assert run("render", "production", "-o", str(tmp_path))[0] == 0
    assert (tmp_path / "service-app.yaml").is_file()


def test_format_json_is_a_kubernetes_list() -> None:
    code, out, _ = run("render", "production", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["apiVersion"], doc["kind"]) == ("v1", "List")
    _, whole, _ = run("render", "production")
    assert doc["items"] == [d for d in yaml.safe_load_all(whole) if d]


def test_origin_annotates_every_resource() -> None:
    code, out, _ = run("render", "production", "--origin")
    assert code == 0
    docs = [d for d in yaml.safe_load_all(out) if d]
    origins = {d["kind"]: d["metadata"]["annotations"]["config.kubernetes.io/origin"] for d in docs}
    assert origins["PodDisruptionBudget"] == "path: pdb.yaml\n"
    assert origins["Deployment"] == "path: ../../base/deployment.yaml\n"
    assert "ConfigMapGenerator" in origins["ConfigMap"]
