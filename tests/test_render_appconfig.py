"""`render` checks LogPilot's application.yml inside ConfigMaps against the service's own settings model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _project(tmp_path: Path, application_yml: str) -> Path:
    (tmp_path / "application.yml").write_text(application_yml)
    (tmp_path / "kustomization.yaml").write_text(
        "configMapGenerator:\n- name: logpilot-config\n  files:\n  - application.yml\n"
    )
    return tmp_path


def _render(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", "render", *extra, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_render_rejects_a_configuration_the_service_would_refuse(tmp_path: Path) -> None:
    proc = _render(_project(tmp_path, "protocol: carrier-pigeon\nhttp:\n  port: 8080\n"))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "logpilot-config" in proc.stderr and "protocol" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_render_accepts_a_valid_configuration(tmp_path: Path) -> None:
    proc = _render(_project(tmp_path, "protocol: rest\nhttp:\n  port: 8080\n"))
    assert proc.returncode == 0, proc.stderr
    assert "application.yml: |" in proc.stdout


def test_no_validate_skips_the_check(tmp_path: Path) -> None:
    proc = _render(_project(tmp_path, "protocol: carrier-pigeon\n"), "--no-validate")
    assert proc.returncode == 0, proc.stderr
