"""`render` output for pipelines: one file per resource, a JSON List, origin annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

PROJECT = Path(__file__).parent / "fixtures_cli" / "project"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LOGPILOT_ROOT": str(PROJECT)})
    return result.exit_code, result.stdout, result.stderr


def _rendered(out_dir: Path) -> list[str]:
    return sorted(p.name for p in out_dir.iterdir() if p.name != ".logpilot-render.json")


def test_output_directory_gets_one_file_per_resource_named_in_apply_order(tmp_path: Path) -> None:
    out_dir = tmp_path / "rendered"
    code, out, err = run("render", "production", "-o", f"{out_dir}/")
    assert (code, out, err) == (0, "", "")
    files = _rendered(out_dir)
    assert files == [
        "000-configmap-app-env-hf678c7m2b.yaml",
        "001-service-app.yaml",
        "002-persistentvolumeclaim-app-data.yaml",
        "003-deployment-app.yaml",
        "004-poddisruptionbudget-app.yaml",
        "005-networkpolicy-app.yaml",
    ]
    _, whole, _ = run("render", "production")
    # read back in name order, the files are the build, in the build's order
    from_files = [yaml.safe_load((out_dir / name).read_text()) for name in files]
    assert from_files == [d for d in yaml.safe_load_all(whole) if d]
    manifest = json.loads((out_dir / ".logpilot-render.json").read_text())
    assert manifest["files"] == files


def test_namespaces_and_crds_come_first_even_when_the_build_orders_otherwise(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "kustomization.yaml").write_text(
        "resources: [cm.yaml, crd.yaml, ns.yaml]\nsortOptions:\n  order: fifo\n"
    )
    (src / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: team}\n")
    (src / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
    (src / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ws.example.com}\n"
    )
    code, _, err = run("render", "--no-validate", str(src), "-o", f"{tmp_path}/out/")
    assert code == 0, err
    assert _rendered(tmp_path / "out") == [
        "000-namespace-team.yaml",
        "001-customresourcedefinition-ws.example.com.yaml",
        "002-configmap-a.yaml",
    ]


def test_existing_directory_without_slash_is_a_directory(tmp_path: Path) -> None:
    assert run("render", "production", "-o", str(tmp_path))[0] == 0
    assert (tmp_path / "001-service-app.yaml").is_file()


def test_a_non_empty_folder_is_refused_without_prune(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    code, out, err = run("render", "production", "-o", f"{tmp_path}/")
    assert code == 2 and out == "" and "is not empty" in err and "--prune" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    # --prune does not touch a folder that no render wrote
    code, _, err = run("render", "production", "-o", f"{tmp_path}/", "--prune")
    assert code == 2 and "no render wrote" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_prune_replaces_an_earlier_render_and_keeps_other_files(tmp_path: Path) -> None:
    assert run("render", "production", "-o", f"{tmp_path}/")[0] == 0
    assert "004-poddisruptionbudget-app.yaml" in _rendered(tmp_path)
    (tmp_path / "README.txt").write_text("kept\n")
    code, _, err = run("render", "development", "-o", f"{tmp_path}/")
    assert code == 2 and "is not empty" in err
    code, _, err = run("render", "development", "-o", f"{tmp_path}/", "--prune")
    assert code == 0 and "README.txt" in err  # warned about, left alone
    _, whole, _ = run("render", "development")
    files = [n for n in _rendered(tmp_path) if n != "README.txt"]
    assert [yaml.safe_load((tmp_path / n).read_text()) for n in files] == [
        d for d in yaml.safe_load_all(whole) if d
    ]
    assert not any("poddisruptionbudget" in n for n in files)  # production's PDB is gone
    assert (tmp_path / "README.txt").read_text() == "kept\n"


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0o027)
    try:
        assert run("render", "production", "-o", f"{tmp_path}/dir/")[0] == 0
        assert run("render", "production", "-o", str(tmp_path / "one.yaml"))[0] == 0
    finally:
        os.umask(old)
    modes = {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "dir").iterdir()}
    assert modes == {oct(0o640)}
    assert oct((tmp_path / "one.yaml").stat().st_mode & 0o777) == oct(0o640)


def test_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("render", "production", "-o", "-")
    assert code == 0 and out == run("render", "production")[1] and out.startswith("apiVersion")
    assert not (tmp_path / "-").exists()


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
