"""Shared set-up of the reliability tests: a small valid kustomization to damage one file at a time, and
the figures file the reliability runner reads (RELIABILITY_STATS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import write_stats

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def write_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """Write ``files`` (relative path: content) under ``root``, beside a valid deploy.yaml; return root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "deploy.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("RELIABILITY_STATS")
    if target:
        write_stats(Path(target))
