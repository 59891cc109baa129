"""Benchmark: one strategic merge patch (a container change) applied to N Deployments.

Prints the time of our filter (schema loading apart) over N Deployments, and the time ``kubectl kustomize``
takes for the same patch over the first M of them (its build with the patch minus its build without; its
build time grows faster than linearly with the number of resources, so M is smaller), the ratio of the
per-resource costs, and checks both give the same objects.

    python bench/bench_smp.py [N [M]] [--json FILE]   # N defaults to 5000, M to 500 (0: no kubectl run)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from logpilot_manifests.kustomize.filters.patch_smp import strategic_merge  # noqa: E402
from logpilot_manifests.schema import openapi  # noqa: E402

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PATCH: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "any"},
    "spec": {
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "logpilot/app:2.0",
                        "env": [{"name": "LOG_LEVEL", "value": "debug"}, {"name": "OLD", "$patch": "delete"}],
                        "resources": {"limits": {"memory": "512Mi"}},
                    },
                    {"name": "shipper", "image": "logpilot/agent:1.4", "args": ["--tail", "/var/log"]},
                ]
            }
        }
    },
}


def deployment(i: int) -> dict[str, Any]:
    """A Deployment of ordinary size: two containers with env, ports, mounts, probes and resources."""
    name = f"svc-{i:05d}"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name, "tier": "backend"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": f"registry.example.com/{name}:1.{i % 7}",
                            "ports": [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090}],
                            "env": [
                                {"name": "OLD", "value": "1"},
                                {"name": "SERVICE", "value": name},
                                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                            ],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                            "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                        },
                        {"name": "sidecar", "image": "envoy:1.30", "args": ["--config", "/etc/envoy.yaml"]},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                },
            },
        },
    }


def time_ours(targets: list[dict[str, Any]]) -> tuple[float, list[dict[str, Any] | None]]:
    start = time.perf_counter()
    results = [strategic_merge(t, PATCH) for t in targets]
    return time.perf_counter() - start, results


def time_kubectl(kubectl: str, texts: list[str], with_patch: bool) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="bench-smp-") as scratch:
        root = Path(scratch)
        (root / "deployments.yaml").write_text("\n---\n".join(texts), encoding="utf-8")
        kustomization: dict[str, Any] = {"resources": ["deployments.yaml"]}
        if with_patch:
            (root / "patch.yaml").write_text(json.dumps(PATCH), encoding="utf-8")
            kustomization["patches"] = [{"path": "patch.yaml", "target": {"kind": "Deployment"}}]
        (root / "kustomization.yaml").write_text(yaml.safe_dump(kustomization), encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run([kubectl, "kustomize", str(root)], capture_output=True, text=True, check=True)
        return time.perf_counter() - start, proc.stdout


def main() -> int:
    argv = sys.argv[1:]
    out = Path(argv.pop(argv.index("--json") + 1)) if "--json" in argv else None
    argv = [a for a in argv if a != "--json"]
    count = int(argv[0]) if argv else 5000
    kubectl_count = min(count, int(argv[1]) if len(argv) > 1 else 500)
    start = time.perf_counter()
    openapi.schema_for("apps/v1", "Deployment")
    load = time.perf_counter() - start

    targets = [deployment(i) for i in range(count)]
    texts = [json.dumps(t) for t in targets]
    ours, results = time_ours(targets)
    print(f"strategic merge of one container patch into {count} Deployments")
    print(f"  schema load (once, lazily): {load * 1000:8.1f} ms  (Kubernetes {openapi.schema_version()})")
    print(f"  ours:                       {ours * 1000:8.1f} ms  ({ours / count * 1e6:.1f} us per resource)")

    kubectl = shutil.which("kubectl")
    if kubectl is None or kubectl_count <= 0:
        print("  no kubectl comparison")
        if out:
            out.write_text(
                json.dumps({"deployments": count, "schema_load_s": load, "ours_s": ours}, indent=2)
            )
        return 0
    sample = texts[:kubectl_count]
    base, _ = time_kubectl(kubectl, sample, with_patch=False)
    patched, output = time_kubectl(kubectl, sample, with_patch=True)
    theirs = max(patched - base, 1e-9)
    ours_each, theirs_each = ours / count, theirs / kubectl_count
    print(f"  kubectl kustomize over the first {kubectl_count}:")
    print(f"    build without the patch:  {base * 1000:8.1f} ms")
    print(f"    build with the patch:     {patched * 1000:8.1f} ms")
    print(f"    patch cost:               {theirs * 1000:8.1f} ms  ({theirs_each * 1e6:.1f} us per resource)")
    print(f"  ratio kubectl/ours, patch cost per resource: {theirs_each / ours_each:.2f}x")

    built = {d["metadata"]["name"]: d for d in yaml.load_all(output, Loader=_Loader) if d}
    same = sum(1 for r in results[:kubectl_count] if r is not None and built.get(r["metadata"]["name"]) == r)
    print(f"  identical results:          {same}/{kubectl_count}")
    if out:
        figures = {
            "deployments": count,
            "schema_load_s": load,
            "ours_s": ours,
            "kubectl_deployments": kubectl_count,
        }
        figures |= {"kubectl_build_s": base, "kubectl_patched_s": patched, "kubectl_patch_s": theirs}
        figures |= {"ratio_per_resource": theirs_each / ours_each, "identical": same}
        out.write_text(json.dumps(figures, indent=2))
    return 0 if same == kubectl_count else 1


if __name__ == "__main__":
    sys.exit(main())
