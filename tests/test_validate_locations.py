"""Findings name the file and line of the offending field: through patches for builds, in rendered files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from logpilot_manifests.cli.validate import collect
from logpilot_manifests.locations import locate_findings
from logpilot_manifests.validate import ValidateOptions, validate_objects

BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx
          resources:
            limits: {memory: 1Gi}
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              memory: 2Gi
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "deploy.yaml").write_text(BASE)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "patch.yaml").write_text(PATCH)
    (tmp_path / "prod" / "kustomization.yaml").write_text(
        "namePrefix: prod-\nresources: [../base]\npatches:\n  - path: patch.yaml\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_patched_value_points_at_the_patch_line(tree: Path) -> None:
    docs = collect(["prod"])
    [f] = locate_findings(validate_objects(docs, ValidateOptions()), docs)
    # the API server names the requests, not the resource, when a request exceeds its limit
    assert f.path == "spec.template.spec.containers[0].resources.requests"
    assert (f.location.file, f.location.line) == (os.path.join("prod", "patch.yaml"), 11)


def test_a_value_from_the_base_points_at_the_base_line(tree: Path) -> None:
    (tree / "base" / "deploy.yaml").write_text(BASE.replace("replicas: 2", "replicas: -2"))
    docs = collect(["prod"])
    found = {f.path: f.location for f in locate_findings(validate_objects(docs, ValidateOptions()), docs)}
    loc = found["spec.replicas"]
    assert loc is not None and (loc.file, loc.line) == (os.path.join("base", "deploy.yaml"), 6)


def test_a_rendered_file_points_at_its_own_line(tree: Path) -> None:
    (tree / "out.yaml").write_text("---\n" + BASE.replace("limits: {memory: 1Gi}", "limits: {memory: 1Gb}"))
    docs = collect(["out.yaml"])
    [f] = locate_findings(validate_objects(docs, ValidateOptions()), docs)
    assert f.location is not None and (f.location.file, f.location.line) == ("out.yaml", 18)
    assert f.source == "out.yaml:18"


def test_the_documents_of_a_build_show_their_origins_as_each_alone_would(tree: Path) -> None:
    from logpilot_manifests.kustomize.build import build_resources
    from logpilot_manifests.locations import built_documents
    from logpilot_manifests.paths import shown_origin, shown_origins

    root = tree / "prod"
    resources = build_resources(root)
    assert (
        [d.source for d in built_documents(root, resources)]
        == [shown_origin(root, r.origin) for r in resources]
        == [os.path.join("base", "deploy.yaml")]
    )
    origins = ["", "<stdin>", "patch.yaml", "missing.yaml", str(tree / "base" / "deploy.yaml"), "patch.yaml"]
    assert shown_origins(root, origins) == [shown_origin(root, o) for o in origins]
    assert shown_origins(None, origins) == origins
