"""What `--help` promises: every example in every command's help runs as written, shell completion of
environments and resources, and explain's kubectl-style kinds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logpilot_manifests.cli.app import app

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _examples() -> list[tuple[str, str]]:
    out = []
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        for line in (command.callback.__doc__ or "").splitlines():
            line = line.strip()
            if line.startswith("Example:"):
                out.append((name, line.removeprefix("Example:").strip()))
    return out


EXAMPLES = _examples()


def test_every_command_has_an_example() -> None:
    assert {name for name, _ in EXAMPLES} >= {"render", "validate", "diff", "lint", "list", "explain"}


@pytest.mark.parametrize(("command", "example"), EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_help_example_runs(command: str, example: str, tmp_path: Path) -> None:
    """Run in a scratch folder (examples may write files) with the repository as LOGPILOT_ROOT; a command
    that writes into the repository (set-image) runs on a copy of it."""
    root = REPO
    if command == "set-image":
        import shutil

        root = tmp_path / "repo"
        shutil.copytree(REPO / "overlays", root / "overlays")
        shutil.copytree(REPO / "base", root / "base")
    env = {**os.environ, "LOGPILOT_ROOT": str(root), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", example],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    # 0, or 1 where the example's purpose is to report findings; never a usage or build error
    assert proc.returncode in (0, 1), f"{example}: exit {proc.returncode}\n{proc.stderr}"
    assert proc.stdout or proc.stderr or list(tmp_path.iterdir()), f"{example}: printed and wrote nothing"


def _complete(*words: str) -> list[str]:
    env = {
        **os.environ,
        "LOGPILOT_ROOT": str(REPO),
        "_LOGPILOT_MANIFESTS_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(["logpilot-manifests", *words]),
        "COMP_CWORD": str(len(words)),
    }
    proc = subprocess.run(
        [str(BIN / "logpilot-manifests")], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_shell_completion_of_environments_and_resources() -> None:
    assert _complete("render", "production-") == ["production-blue", "production-green"]
    assert "canary" in _complete("diff", "")
    assert _complete("explain", "production", "deploy/logpilot-g") == ["deploy/logpilot-grpc"]
    assert _complete("explain", "production", "HorizontalPod") == [
        "HorizontalPodAutoscaler/logpilot-all",
        "HorizontalPodAutoscaler/logpilot-grpc",
        "HorizontalPodAutoscaler/logpilot-rest",
    ]


def _explain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", "explain", *args],
        cwd=REPO,
        env={**os.environ, "LOGPILOT_ROOT": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("ref", "kind"),
    [
        ("deploy/logpilot-all", "Deployment"),
        ("DEPLOYMENTS/logpilot-all", "Deployment"),
        ("svc/logpilot-rest", "Service"),
        ("hpa/logpilot-all", "HorizontalPodAutoscaler"),
        ("ing/logpilot-tls", "Ingress"),
        ("pdb/logpilot-all", "PodDisruptionBudget"),
        ("netpol/logpilot-lb", "NetworkPolicy"),
        ("cj/backup-job", "CronJob"),
        ("ns/logpilot", "Namespace"),
        ("smon/logpilot", "ServiceMonitor"),
    ],
)
def test_explain_takes_kubectl_kinds_and_short_names(ref: str, kind: str) -> None:
    proc = _explain("production", ref, "--output", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["kind"] == kind


def test_explain_of_cm_short_name_finds_the_hashed_config_map() -> None:
    proc = _explain("production", "cm/logpilot-config", "--output", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["name"].startswith("logpilot-config-")


def test_replicas_under_an_hpa_names_the_autoscaler_that_owns_them() -> None:
    proc = _explain("production", "deploy/logpilot-all", "spec.replicas", "--output", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["value"] is None
    owner = doc["ownedBy"]
    assert (owner["kind"], owner["name"], owner["minReplicas"], owner["maxReplicas"]) == (
        "HorizontalPodAutoscaler",
        "logpilot-all",
        2,
        10,
    )
    assert owner["origin"] == "base/components/hpa/hpa.yaml"
    text = _explain("production", "deploy/logpilot-all", "spec.replicas").stdout
    assert "HorizontalPodAutoscaler logpilot/logpilot-all" in text and "between 2 and 10" in text
    # without an HPA the field is the build's: development sets one replica
    proc = _explain("development", "deploy/logpilot-all", "spec.replicas", "--output", "json")
    assert json.loads(proc.stdout)["value"] == 1 and "ownedBy" not in json.loads(proc.stdout)
