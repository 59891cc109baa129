"""Writes the render benchmark's kustomization: N Deployment+Service pairs with namespace, namePrefix,
labels with selectors, images and a configMapGenerator referenced by every Deployment."""

from __future__ import annotations

import sys
from pathlib import Path

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
      - name: app
        image: example/app:1.0
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: shared-config
        resources:
          requests:
            cpu: 50m
            memory: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
spec:
  selector:
    app: app-{i}
  ports:
  - name: http
    port: 80
    targetPort: http
"""

KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: bench
namePrefix: b-
labels:
- pairs:
    team: platform
  includeSelectors: true
images:
- name: example/app
  newTag: "2.0"
configMapGenerator:
- name: shared-config
  literals:
  - MODE=bench
  - LEVEL=info
resources:
- apps.yaml
"""


def write_fixture(directory: Path, pairs: int) -> Path:
    """Create the kustomization for ``pairs`` Deployment+Service pairs (2 * pairs + 1 objects)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text(KUSTOMIZATION)
    (directory / "apps.yaml").write_text("---\n".join(DEPLOYMENT.format(i=i) for i in range(pairs)))
    return directory


if __name__ == "__main__":
    write_fixture(Path(sys.argv[1]), int(sys.argv[2]))
