"""Regenerates tests/overlays_golden/ENV.yaml, kubectl's own rendering of every overlay (never edited by hand).

Usage: ``python -m tests.golden_overlays [ENV ...]`` (every overlay when none is named), or ``make golden-overlays``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from logpilot_manifests.kustomize import KUSTOMIZATION_FILES

REPO_ROOT = Path(__file__).resolve().parent.parent
OVERLAYS_DIR = REPO_ROOT / "overlays"
GOLDEN_DIR = Path(__file__).resolve().parent / "overlays_golden"
KUBECTL_TIMEOUT = 120


def environments() -> list[str]:
    """The overlay names: folders directly under overlays/ holding a kustomization file."""
    return sorted(
        p.name
        for p in OVERLAYS_DIR.iterdir()
        if p.is_dir() and any((p / f).is_file() for f in KUSTOMIZATION_FILES)
    )


def golden_path(env: str) -> Path:
    return GOLDEN_DIR / f"{env}.yaml"


def kubectl_render(kubectl: str, env: str) -> str:
    """``kubectl kustomize overlays/ENV``, run from the repository root so messages name relative paths."""
    proc = subprocess.run(
        [kubectl, "kustomize", f"overlays/{env}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=KUBECTL_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl kustomize overlays/{env} failed:\n{proc.stderr}")
    return proc.stdout


def main(argv: Sequence[str]) -> int:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("error: kubectl is not on PATH; the golden files are kubectl's output", file=sys.stderr)
        return 2
    known = environments()
    unknown = [e for e in argv if e not in known]
    if unknown:
        print(f"error: unknown overlay(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    GOLDEN_DIR.mkdir(exist_ok=True)
    for env in argv or known:
        try:
            text = kubectl_render(kubectl, env)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        golden_path(env).write_text(text, encoding="utf-8")
        print(f"wrote {golden_path(env).relative_to(REPO_ROOT)}")
    if not argv:
        for stale in sorted(GOLDEN_DIR.glob("*.yaml")):
            if stale.stem not in known:
                stale.unlink()
                print(f"removed {stale.relative_to(REPO_ROOT)} (no such overlay)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
