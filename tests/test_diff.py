"""`logpilot-manifests diff`, end to end through the CLI, on rendered fixtures, kustomizations and the real overlays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures_cli"
DEV = str(FIXTURES / "diff" / "development.yaml")
PROD = str(FIXTURES / "diff" / "production.yaml")
PROJECT = FIXTURES / "project"
REPO = Path(__file__).resolve().parent.parent


def run(*args: str, input: str | None = None, root: Path = PROJECT) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input, env={"LOGPILOT_ROOT": str(root)})
    return result.exit_code, result.stdout, result.stderr


def diff_json(*args: str, root: Path = PROJECT) -> dict:
    code, out, err = run("diff", *args, "--output", "json", root=root)
    assert code == 0, err
    return json.loads(out)


def changes_of(doc: dict, kind: str) -> dict[str, dict]:
    found = [c for c in doc["changed"] if c["kind"] == kind]
    assert found, f"no changed {kind} in {doc['changed']}"
    return {ch["path"]: ch for c in found for ch in c["changes"]}


def test_exact_matching_reports_renamed_resources_as_only_in_one_side() -> None:
    doc = diff_json(DEV, PROD)
    assert {r["name"] for r in doc["onlyInA"]} == {
        "dev-app",
        "dev-app-data",
        "dev-app-debug-tools",
        "dev-app-env-g2h5t7m9bk",
        "dev-app-key-4m8c2fk7bd",
    }
    assert {(r["kind"], r["name"]) for r in doc["onlyInB"]} >= {
        ("Deployment", "app"),
        ("HorizontalPodAutoscaler", "app"),
    }
    assert doc["changed"] == [] and doc["differs"] is True


def test_match_generated_pairs_across_hash_suffix_and_prefix() -> None:
    doc = diff_json(DEV, PROD, "--match-generated")
    assert [r["name"] for r in doc["onlyInA"]] == ["dev-app-debug-tools"]
    assert [r["kind"] for r in doc["onlyInB"]] == ["HorizontalPodAutoscaler"]
    deploy = changes_of(doc, "Deployment")
    assert deploy["spec.replicas"] == {"path": "spec.replicas", "op": "changed", "old": 1, "new": 3}
    image = deploy["spec.template.spec.containers[name=app].image"]
    assert image["old"] == "registry.example.com/app:1.2.3" and image["new"].startswith(
        "registry.example.com/app@sha256:"
    )
    # Renames caused by the hash or the prefix are not changes, nor are references to renamed objects.
    assert "metadata.name" not in deploy
    assert not any("configMapRef" in p for p in deploy)
    assert changes_of(doc, "PersistentVolumeClaim")["spec.resources.requests.storage"]["new"] == "20Gi"
    cm = [c for c in doc["changed"] if c["kind"] == "ConfigMap"][0]
    assert (cm["name"], cm["nameInA"]) == ("app-env-5c7tdkh8f2", "dev-app-env-g2h5t7m9bk")


def test_text_output_lists_paths_with_old_and_new_values() -> None:
    code, out, err = run("diff", DEV, PROD, "--match-generated")
    assert code == 0 and err == ""
    assert "only in " + os.path.relpath(DEV) in out
    assert "  - ConfigMap demo/dev-app-debug-tools" in out
    assert "  + HorizontalPodAutoscaler demo/app" in out
    assert "  ~ spec.replicas: 1 -> 3" in out
    assert '  ~ spec.resources.requests.storage: "1Gi" -> "20Gi"' in out
    assert "\x1b[" not in out  # not a terminal: plain text


def test_exit_code_is_1_only_when_asked_and_different(tmp_path: Path) -> None:
    assert run("diff", DEV, PROD)[0] == 0
    assert run("diff", DEV, PROD, "--exit-code")[0] == 1
    code, out, _ = run("diff", DEV, DEV, "--exit-code")
    assert code == 0
    assert "0 changed, 5 identical" in out


def test_secret_values_are_masked_unless_show_secrets() -> None:
    raw_dev, raw_prod = "ZGV2LXNlY3JldC12YWx1ZQ==", "cHJvZC1zZWNyZXQtdmFsdWU="
    for extra in ([], ["--unified"], ["--output", "json"]):
        code, out, _ = run("diff", DEV, PROD, "--match-generated", *extra)
        assert code == 0
        assert raw_dev not in out and raw_prod not in out
        assert "<secret " in out
    secret = changes_of(diff_json(DEV, PROD, "--match-generated"), "Secret")["data.api-key"]
    assert secret["old"] != secret["new"]  # still shows that the value changed
    shown = changes_of(diff_json(DEV, PROD, "--match-generated", "--show-secrets"), "Secret")["data.api-key"]
    assert (shown["old"], shown["new"]) == (raw_dev, raw_prod)


def test_unified_mode_aligns_matched_resources() -> None:
    code, out, _ = run("diff", DEV, PROD, "--unified", "--match-generated")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"--- {os.path.relpath(DEV)} ") and lines[1].startswith(
        f"+++ {os.path.relpath(PROD)} "
    )
    assert "-  replicas: 1" in lines and "+  replicas: 3" in lines
    assert "-      storage: 1Gi" in lines and "+      storage: 20Gi" in lines


def test_reads_one_side_from_stdin() -> None:
    text = Path(PROD).read_text()
    doc = json.loads(run("diff", DEV, "-", "--output", "json", "--match-generated", input=text)[1])
    assert doc["b"] == "<stdin>"
    assert changes_of(doc, "Deployment")["spec.replicas"]["new"] == 3


def test_stdin_twice_is_a_usage_error() -> None:
    code, out, err = run("diff", "-", "-", input="")
    assert code == 2 and out == "" and "stdin" in err


def test_unknown_environment_lists_the_available_ones() -> None:
    code, out, err = run("diff", "development", "prodution")
    assert code == 2 and out == ""
    assert "prodution" in err and "development, production" in err


def test_malformed_yaml_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: ConfigMap\nmetadata: {name: x\n")
    code, out, err = run("diff", str(bad), PROD)
    assert code == 2 and out == ""
    assert str(bad) in err and "Traceback" not in err


def test_non_object_document_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "list.yaml"
    bad.write_text("- just\n- a list\n")
    code, out, err = run("diff", str(bad), PROD)
    assert code == 2 and out == "" and "not a Kubernetes object" in err


def test_environments_by_name_build_and_compare() -> None:
    doc = diff_json("development", "production", "--match-generated")
    assert [(r["kind"], r["name"]) for r in doc["onlyInA"]] == [("Secret", "dev-app-key-7dmthk6h8c")]
    assert [(r["kind"], r["name"]) for r in doc["onlyInB"]] == [("PodDisruptionBudget", "app")]
    assert changes_of(doc, "Deployment")["spec.replicas"] == {
        "path": "spec.replicas",
        "op": "changed",
        "old": 1,
        "new": 3,
    }
    assert changes_of(doc, "ConfigMap")["data.LOG_LEVEL"]["new"] == "info"


def test_kubernetes_list_in_json_is_read_like_yaml(tmp_path: Path) -> None:
    code, out, _ = run("render", "production", "--format", "json")
    assert code == 0
    listing = tmp_path / "prod.json"
    listing.write_text(out)
    doc = diff_json("production", str(listing), "--exit-code")
    assert doc["differs"] is False and doc["identical"] == 6


def _subprocess(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", "diff", DEV, PROD, "--match-generated"],
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode()


def test_colour_on_a_terminal_and_never_with_no_color() -> None:
    assert "\x1b[" not in _subprocess({})  # piped: plain
    coloured = _subprocess({"FORCE_COLOR": "1"})  # what a terminal gets
    assert "\x1b[31m" in coloured or "\x1b[1;31m" in coloured
    no_color = _subprocess({"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[31m" not in no_color and "\x1b[32m" not in no_color and "\x1b[1;31m" not in no_color


def test_help_has_an_example() -> None:
    code, out, _ = run("diff", "--help")
    assert code == 0 and "Example: logpilot-manifests diff" in out


# --- the real base and overlays ----------------------------------------------------------------------------


def test_real_development_vs_production_shows_replica_image_and_storage_differences() -> None:
    doc = diff_json("development", "production", "--match-generated", root=REPO)
    paths = [(c["kind"], ch["path"]) for c in doc["changed"] for ch in c["changes"]]
    assert any(p.endswith("replicas") for _, p in paths) or any(
        k == "HorizontalPodAutoscaler" for k in (r["kind"] for r in doc["onlyInB"])
    ), paths
    assert any(p.endswith(".image") for _, p in paths), paths
    assert any("storage" in p for _, p in paths) or any(
        r["kind"] == "PersistentVolumeClaim" for r in doc["onlyInA"] + doc["onlyInB"]
    ), paths


@pytest.mark.parametrize("env", ["development", "production"])
def test_real_environment_diffs_clean_against_itself(env: str) -> None:
    code, _, err = run("diff", env, env, "--exit-code", root=REPO)
    assert code == 0, err


def test_real_blue_and_green_pair_up_across_their_name_suffixes() -> None:
    doc = diff_json("production-blue", "production-green", "--match-generated", root=REPO)
    assert doc["onlyInA"] == [] and doc["onlyInB"] == []
    deployments = [c for c in doc["changed"] if c["kind"] == "Deployment"]
    assert deployments and all(
        c["name"].endswith("-green") and c["nameInA"].endswith("-blue") for c in deployments
    )
    for c in deployments:
        assert {(ch["old"], ch["new"]) for ch in c["changes"]} == {("blue", "green")}


def test_input_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["diff", "-", PROD], input=b"\xff\xfe\x00kind: x")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "error: <stdin>:1: not UTF-8 text\n")
    binary = tmp_path / "blob.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    code, out, err = run("diff", str(binary), PROD)
    assert code == 2 and out == "" and err == f"error: {os.path.relpath(binary)}:1: not UTF-8 text\n"


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300) | st.text(alphabet=st.sampled_from("{}[]:-,&*!|>'\"\n #abc01"), max_size=200))
def test_arbitrary_input_ends_in_a_message_never_a_traceback(data: bytes | str) -> None:
    for command in (["diff", "-", PROD], ["lint", "-"]):
        result = CliRunner().invoke(app, command, input=data)
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        if command[0] == "diff":
            assert result.exit_code in (0, 2)
            assert result.exit_code == 0 or (
                result.stdout == "" and result.stderr.startswith("error: <stdin>")
            )


# --- pairing, filters, presentation ---------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", *args],
        cwd=cwd,
        env={**os.environ, "LOGPILOT_ROOT": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_built_targets_never_pair_two_different_objects() -> None:
    proc = _cli("diff", "development", "production", "--match-generated", "--output", "json")
    doc = json.loads(proc.stdout)
    changed = {(c["kind"], c["name"]): c.get("nameInA") for c in doc["changed"]}
    assert ("Ingress", "logpilot-tls") not in changed
    assert ("Ingress", "logpilot") in {(r["kind"], r["name"]) for r in doc["onlyInA"]}
    assert ("Ingress", "logpilot-tls") in {(r["kind"], r["name"]) for r in doc["onlyInB"]}
    assert all(name is None or name.startswith("logpilot-env-") for name in changed.values()), changed


def test_rendered_blue_and_green_files_line_up(tmp_path: Path) -> None:
    for colour in ("blue", "green"):
        out = tmp_path / f"{colour}.yaml"
        assert _cli("render", f"production-{colour}", "--no-validate", "-o", str(out)).returncode == 0
    proc = _cli(
        "diff",
        str(tmp_path / "blue.yaml"),
        str(tmp_path / "green.yaml"),
        "--match-generated",
        "--output",
        "json",
    )
    doc = json.loads(proc.stdout)
    assert (doc["onlyInA"], doc["onlyInB"]) == ([], [])
    renamed = {c["nameInA"]: c["name"] for c in doc["changed"] if "nameInA" in c}
    assert renamed["logpilot-all-blue"] == "logpilot-all-green"
    # the same pairing as the built targets give
    built = json.loads(
        _cli("diff", "production-blue", "production-green", "--match-generated", "--output", "json").stdout
    )
    assert sorted((c["kind"], c["name"]) for c in doc["changed"]) == sorted(
        (c["kind"], c["name"]) for c in built["changed"]
    )


def test_rendered_files_with_one_coincidental_affix_are_not_paired(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
    b.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web-tls}\n")
    doc = json.loads(_cli("diff", str(a), str(b), "--match-generated", "--output", "json").stdout)
    assert doc["changed"] == [] and len(doc["onlyInA"]) == len(doc["onlyInB"]) == 1


def test_unified_sections_are_headed_by_their_resource() -> None:
    proc = _cli("diff", "development", "production", "--unified", "--kind", "deploy", "--match-generated")
    lines = proc.stdout.splitlines()
    assert "--- development Deployment logpilot/logpilot-all" in lines
    assert "+++ production Deployment logpilot/logpilot-all" in lines
    assert "--- development (absent)" in lines and "+++ production Deployment logpilot/logpilot-rest" in lines


def test_added_subtrees_are_yaml_blocks_and_file_modes_show_their_octal_form() -> None:
    proc = _cli("diff", "development", "production", "--kind", "CronJob")
    out = proc.stdout
    assert "  + spec.jobTemplate.spec.template.spec.volumes[name=postgres]:\n" in out
    assert "        defaultMode: 288  # 0440\n" in out
    assert '"defaultMode"' not in out and '{"' not in out  # no one-line JSON objects


def test_kind_name_and_exclude_filters() -> None:
    def keys(*extra: str) -> set[tuple[str, str]]:
        doc = json.loads(_cli("diff", "development", "production", "--output", "json", *extra).stdout)
        return {(r["kind"], r["name"]) for part in ("onlyInA", "onlyInB", "changed") for r in doc[part]}

    everything = keys()
    assert {k for k, _ in keys("--kind", "svc", "--kind", "HPA")} == {"Service", "HorizontalPodAutoscaler"}
    assert keys("--name", "logpilot-rest*") == {k for k in everything if k[1].startswith("logpilot-rest")}
    assert keys("--exclude", "Secret/*", "--exclude", "*/logpilot-lb") == {
        k for k in everything if k[0] != "Secret" and k[1] != "logpilot-lb"
    }
    proc = _cli("diff", "development", "production", "--exclude", "Secret")
    assert proc.returncode == 2 and "KIND/NAME" in proc.stderr


def test_colour_is_off_without_a_terminal_and_with_no_color_entirely() -> None:
    plain = _cli("diff", "development", "production").stdout
    assert "\x1b[" not in plain
    forced = _cli("diff", "development", "production", "--color", "always").stdout
    assert "\x1b[1m" in forced and "\x1b[32m" in forced
    # NO_COLOR removes every escape, bold included, even where colour is forced by the environment
    assert (
        "\x1b["
        not in _cli("diff", "development", "production", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    )
    assert (
        "\x1b["
        not in _cli("diff", "development", "production", "--color", "never", env={"FORCE_COLOR": "1"}).stdout
    )
    assert "\x1b[" not in _cli("lint", "development", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
