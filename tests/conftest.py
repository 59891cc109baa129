"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools import require_kubectl

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def kubectl() -> str:
    """Path of a ``kubectl`` embedding kustomize v5.5.0; tests that need it skip without it (fail in CI)."""
    return require_kubectl()


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
