"""The contract every command keeps for pipelines, driven through the real CLI in a subprocess: one exit-code
scheme (0 success, 1 findings or differences, 2 usage or build error), a well-formed JSON or SARIF document
on stdout whatever happened, and ``path:line:column`` relative to the current directory for every error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent / "fixtures_cli" / "project"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "LOGPILOT_ROOT"}
    proc = subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environ, **(env or {})},
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project whose development overlay has a misspelt key on line 7 and
    whose production image is pinned by tag only (a lint error finding there)."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    k = root / "overlays" / "development" / "kustomization.yaml"
    k.write_text(k.read_text().replace("configMapGenerator:", "configMapGenrator:"))
    p = root / "overlays" / "production" / "kustomization.yaml"
    text = p.read_text()
    p.write_text(text[: text.index("    digest: sha256:")] + '    newTag: "1.0.1"\n')
    return root


BROKEN_AT = "overlays/development/kustomization.yaml:7:1"


def test_a_broken_build_exits_2_in_every_command_even_diff_with_exit_code(project: Path) -> None:
    for args in (
        ["render", "development"],
        ["validate", "development"],
        ["lint", "development"],
        ["list", "development"],
        ["explain", "development", "Deployment/app"],
        ["diff", "development", "production", "--exit-code"],
        ["diff", "production", "development"],
    ):
        proc = cli(*args, cwd=project)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr == (
            f"error: {BROKEN_AT}: invalid kustomization: unknown field 'configMapGenrator' "
            "(did you mean 'configMapGenerator'?)\n"
        ), args


def test_differences_findings_and_success_are_0_and_1(project: Path) -> None:
    assert cli("diff", "production", "production", "--exit-code", cwd=project).returncode == 0
    prod = project / "overlays" / "production"
    assert cli("diff", "production", str(prod / "pdb.yaml"), cwd=project).returncode == 0
    assert cli("diff", "production", str(prod / "pdb.yaml"), "--exit-code", cwd=project).returncode == 1
    assert cli("lint", "production", cwd=project).returncode == 1  # the fixture has error findings
    assert cli("validate", "production", cwd=project).returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "development", "--output", "json"],
        ["lint", "development", "--output", "json"],
        ["diff", "development", "production", "--output", "json"],
        ["explain", "development", "Deployment/app", "--output", "json"],
        ["list", "development", "--output", "json"],
    ],
)
def test_json_output_is_an_error_object_when_the_build_fails(project: Path, args: list[str]) -> None:
    proc = cli(*args, cwd=project)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["command"] == args[0] and doc["exitCode"] == 2
    error = doc["error"]
    assert error["category"] == "kustomization" and "configMapGenrator" in error["message"]
    assert error["location"] == {"file": "overlays/development/kustomization.yaml", "line": 7, "column": 1}


@pytest.mark.parametrize("command", ["lint", "validate"])
def test_sarif_output_reports_a_failed_run_as_a_notification(project: Path, command: str) -> None:
    proc = cli(command, "development", "--output", "sarif", cwd=project)
    assert proc.returncode == 2
    log = json.loads(proc.stdout)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    assert run["results"] == []
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "configMapGenrator" in note["message"]["text"]
    physical = note["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "overlays/development/kustomization.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"] == {"startLine": 7, "startColumn": 1}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def test_sarif_results_are_relative_to_the_current_directory_with_a_base_id(project: Path) -> None:
    proc = cli("lint", "production", "--output", "sarif", cwd=project / "overlays")
    assert proc.returncode == 1
    [run] = json.loads(proc.stdout)["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris and all(u.startswith("../base/") or u.startswith("production/") for u in uris), uris
    for r in run["results"]:
        artifact = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert (project / "overlays" / artifact["uri"]).is_file()


def test_error_paths_are_relative_to_where_the_command_runs(project: Path) -> None:
    proc = cli("render", "development", cwd=project / "overlays" / "development")
    assert proc.stderr.startswith("error: kustomization.yaml:7:1: ")
    proc = cli("render", "overlays/development", cwd=project)
    assert proc.stderr.startswith(f"error: {BROKEN_AT}: ")


def test_unknown_environment_lists_them_and_names_the_root_searched(project: Path, tmp_path: Path) -> None:
    proc = cli("render", "prod", cwd=project / "base")
    assert proc.returncode == 2
    assert "environments in ../overlays/: development, production" in proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = cli("render", "production", cwd=elsewhere)
    assert proc.returncode == 2
    assert "no overlays/ folder in the current directory or its parents" in proc.stderr
    assert "LOGPILOT_ROOT" in proc.stderr
    proc = cli("render", "prod", cwd=elsewhere, env={"LOGPILOT_ROOT": str(project)})
    assert "(LOGPILOT_ROOT): development, production" in proc.stderr
    assert cli("render", "production", cwd=elsewhere, env={"LOGPILOT_ROOT": str(project)}).returncode == 0


def test_an_overlay_copied_without_its_base_reports_the_missing_folder(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "overlays" / "production", tmp_path / "prod")
    proc = cli("render", "prod", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "error: prod/kustomization.yaml: '../../base' does not exist\n"
    assert "security" not in proc.stderr


def test_kustomization_errors_point_at_the_offending_nested_key(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: []\nconfigMapGenerator:\n  - name: a\n    literals: [A=1]\n    behaviour: merge\n"
    )
    proc = cli("render", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: kustomization.yaml:5:5: invalid kustomization: unknown field")


def test_every_help_states_the_exit_codes() -> None:
    for command in ("render", "validate", "diff", "lint", "list", "explain"):
        proc = cli(command, "--help", cwd=PROJECT)
        assert proc.returncode == 0
        text = " ".join(proc.stdout.split())
        assert "Exit codes:" in text and "2 " in text, command


def test_lint_findings_point_at_the_patch_that_set_the_value(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    dev = root / "overlays" / "development"
    (dev / "image-patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: app\n          image: registry.example.com/app:latest\n"
    )
    k = dev / "kustomization.yaml"
    k.write_text(k.read_text() + "patches:\n  - path: image-patch.yaml\n")
    proc = cli("lint", "development", "--output", "json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    [finding] = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "image-latest"]
    assert finding["location"] == {
        "file": "overlays/development/image-patch.yaml",
        "line": 10,
        "column": None,
    }
    text = cli("lint", "development", cwd=root).stdout
    assert "overlays/development/image-patch.yaml:10: error image-latest" in text


def test_validation_findings_point_at_the_patch_that_set_the_value(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [d.yaml]\npatches:\n  - path: p.yaml\n")
    (tmp_path / "d.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
        "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n"
        "      containers:\n        - name: c\n          image: x:1\n"
    )
    (tmp_path / "p.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: two\n"
    )
    for command in ("validate", "render"):
        proc = cli(command, ".", cwd=tmp_path)
        assert proc.returncode == 1 and proc.stdout == ""
        assert proc.stderr.startswith("p.yaml:6: error type  Deployment/web spec.replicas"), proc.stderr
    doc = json.loads(cli("validate", ".", "--output", "json", cwd=tmp_path).stdout)
    assert doc["findings"][0]["location"] == {"file": "p.yaml", "line": 6, "column": None}
    # a rendered file: the line in that file
    rendered = tmp_path / "out.yaml"
    rendered.write_text(cli("render", ".", "--no-validate", cwd=tmp_path).stdout)
    doc = json.loads(cli("validate", "out.yaml", "--output", "json", cwd=tmp_path).stdout)
    line = rendered.read_text().splitlines().index("  replicas: two") + 1
    assert doc["findings"][0]["location"] == {"file": "out.yaml", "line": line, "column": None}
