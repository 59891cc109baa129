"""`logpilot-manifests list`: the environments table and the resources of one environment."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures_cli"
PROJECT = FIXTURES / "project"
REPO = Path(__file__).resolve().parent.parent
DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


def run(*args: str, root: Path = PROJECT) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"LOGPILOT_ROOT": str(root)})
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_each_environment_with_counts_replicas_and_images() -> None:
    code, out, err = run("list")
    assert code == 0 and err == ""
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.startswith("│")}
    assert set(rows) == {"development", "production"}
    assert "│ 6 " in rows["development"] and "dev-app x1" in rows["development"]
    assert "registry.example.com/app:1.0.0" in rows["development"]
    assert "app x3" in rows["production"] and DIGEST in rows["production"]


def test_json_summary() -> None:
    code, out, _ = run("list", "--output", "json")
    assert code == 0
    envs = json.loads(out)["environments"]
    assert envs["production"]["resources"] == 6
    assert envs["production"]["replicas"] == {"app": 3}
    assert envs["production"]["kinds"]["PodDisruptionBudget"] == 1
    assert envs["development"]["images"] == ["registry.example.com/app:1.0.0"]


def test_list_env_lists_its_resources_with_their_source() -> None:
    code, out, _ = run("list", "production", "--output", "json")
    assert code == 0
    rows = json.loads(out)["resources"]
    assert {(r["kind"], r["name"]) for r in rows} >= {("Deployment", "app"), ("PodDisruptionBudget", "app")}
    origins = {r["kind"]: r["origin"] for r in rows}
    assert origins["Deployment"].endswith("base/deployment.yaml") and origins["PodDisruptionBudget"].endswith(
        "overlays/production/pdb.yaml"
    )
    code, table, _ = run("list", "production")
    assert code == 0 and "production: 6 resources" in table and "PodDisruptionBudget" in table


def test_unknown_environment_is_a_usage_error_listing_the_known_ones() -> None:
    code, out, err = run("list", "qa")
    assert code == 2 and out == "" and "environments in" in err and "development, production" in err


def test_a_broken_environment_is_reported_and_the_others_still_listed(tmp_path: Path) -> None:
    broken = tmp_path / "overlays" / "broken"
    broken.mkdir(parents=True)
    (broken / "kustomization.yaml").write_text("resources: [missing.yaml]\n")
    good = tmp_path / "overlays" / "good"
    good.mkdir()
    (good / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (good / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    code, out, err = run("list", "--output", "json", root=tmp_path)
    assert code == 2
    envs = json.loads(out)["environments"]
    assert envs["good"]["resources"] == 1 and "error" in envs["broken"]
    assert "broken" in err and "missing.yaml" in err


def test_no_environments_is_an_error(tmp_path: Path) -> None:
    code, out, err = run("list", root=tmp_path)
    assert code == 2 and out == "" and "no environments" in err


def test_help_has_an_example() -> None:
    code, out, _ = run("list", "--help")
    assert code == 0 and "Example: logpilot-manifests list" in out


def test_real_environments_all_build() -> None:
    code, out, err = run("list", "--output", "json", root=REPO)
    assert code == 0, err
    envs = json.loads(out)["environments"]
    assert {"development", "production"} <= set(envs)
    assert all("error" not in s for s in envs.values())
