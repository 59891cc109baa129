"""Tools the suite needs from the machine: a missing one skips a test on a developer's machine and fails it
in CI (the ``CI`` environment variable), so a green CI run means every test ran."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import NoReturn

import pytest

# The kustomize version every golden file was generated with.
KUSTOMIZE_VERSION = "v5.5.0"
REPO_ROOT = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(what: str, hint: str) -> NoReturn:
    """Skip the current test because ``what`` is absent, or fail it in CI (``hint`` says how to install it)."""
    message = f"{what} is not available ({hint})"
    if in_ci():
        pytest.fail(f"{message}; CI must provide it", pytrace=False)
    pytest.skip(message)


@cache
def kubectl_problem() -> str | None:
    """Why ``kubectl`` cannot serve as the oracle (absent, or not kustomize v5.5.0), or None when it can."""
    path = shutil.which("kubectl")
    if path is None:
        return "kubectl is not on PATH"
    try:
        out = subprocess.run([path, "version", "--client"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"kubectl does not run: {exc}"
    if f"Kustomize Version: {KUSTOMIZE_VERSION}" not in out:
        return f"kubectl does not embed kustomize {KUSTOMIZE_VERSION} (it says: {out.strip()!r})"
    return None


def require_kubectl() -> str:
    """The path of a kubectl embedding kustomize v5.5.0, or skip (fail in CI)."""
    problem = kubectl_problem()
    if problem is not None:
        missing("kubectl with kustomize " + KUSTOMIZE_VERSION, problem)
    path = shutil.which("kubectl")
    assert path is not None
    return path


def checkov_path() -> str | None:
    """checkov from LOGPILOT_CHECKOV, the virtualenv `make checkov` creates, or PATH."""
    own = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
    return (
        os.environ.get("LOGPILOT_CHECKOV") or (str(own) if own.is_file() else None) or shutil.which("checkov")
    )


def require_checkov() -> str:
    path = checkov_path()
    if path is None:
        missing("checkov", "run `make checkov` or set LOGPILOT_CHECKOV to its executable")
    return path


def shared_crds() -> Path | None:
    """The upstream CRDs of the custom kinds our manifests use: LOGPILOT_CRD_PATH's first folder, or
    ../shared/crds beside the repository."""
    for entry in os.environ.get("LOGPILOT_CRD_PATH", "").split(os.pathsep):
        if entry and Path(entry).is_dir() and any(Path(entry).glob("*.yaml")):
            return Path(entry)
    beside = REPO_ROOT.parent / "shared" / "crds"
    return beside if beside.is_dir() and any(beside.glob("*.yaml")) else None


def require_shared_crds() -> Path:
    path = shared_crds()
    if path is None:
        missing("the upstream CRDs", "put them in ../shared/crds or point LOGPILOT_CRD_PATH at them")
    return path


def require_java() -> tuple[str, str]:
    """``(java, javac)`` of a JDK, or skip (fail in CI)."""
    java, javac = shutil.which("java"), shutil.which("javac")
    if java is None or javac is None:
        missing("a JDK (java and javac)", "install a JDK, e.g. Debian's default-jdk-headless")
    return java, javac
