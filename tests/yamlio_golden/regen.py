"""Regenerate the YAML reader/writer golden files from ``kubectl kustomize`` (never edit them by hand).

    python -m tests.yamlio_golden.regen      # or: make golden-yamlio

For each case of ``corpus.cases()`` it writes ``<case>.input.yaml`` (the resource file) and
``<case>.expected.yaml`` (what kubectl prints when a kustomization lists that file) into this folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .corpus import cases

HERE = Path(__file__).resolve().parent
KUSTOMIZATION = "resources:\n- resource.yaml\n"


def kustomize(resource_text: str, kubectl: str = "kubectl") -> subprocess.CompletedProcess[bytes]:
    """Run ``kubectl kustomize`` on a folder whose kustomization lists one file holding ``resource_text``."""
    with tempfile.TemporaryDirectory(prefix="yamlio-") as tmp:
        root = Path(tmp)
        (root / "kustomization.yaml").write_text(KUSTOMIZATION, encoding="utf-8")
        (root / "resource.yaml").write_bytes(resource_text.encode("utf-8"))
        return subprocess.run(
            [kubectl, "kustomize", str(root)], capture_output=True, timeout=120, check=False
        )


def main() -> int:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl is not on PATH", file=sys.stderr)
        return 1
    failed = 0
    for name, text in cases():
        result = kustomize(text, kubectl)
        if result.returncode != 0:
            print(f"{name}: kubectl failed:\n{result.stderr.decode(errors='replace')}", file=sys.stderr)
            failed += 1
            continue
        # Some inputs make kustomize's own output vary between runs (see corpus.deterministic_keys): refuse them.
        if any(kustomize(text, kubectl).stdout != result.stdout for _ in range(3)):
            print(f"{name}: kubectl prints this case differently from run to run", file=sys.stderr)
            failed += 1
            continue
        (HERE / f"{name}.input.yaml").write_bytes(text.encode("utf-8"))
        (HERE / f"{name}.expected.yaml").write_bytes(result.stdout)
        print(f"{name}: {len(result.stdout)} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
