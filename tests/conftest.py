"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def kubectl() -> str:
    """Path of ``kubectl``; tests that need it are skipped when it is not installed."""
    path = shutil.which("kubectl")
    if path is None:
        pytest.skip("kubectl is not on PATH")
    return path


CliRunner = Callable[..., subprocess.CompletedProcess[bytes]]


@pytest.fixture(scope="session")
def run_cli() -> CliRunner:
    """Run ``logpilot-manifests ARGS...`` in a fresh interpreter, the way a user runs it; returns the process."""

    def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "logpilot_manifests", *args],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    return run
