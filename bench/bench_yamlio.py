"""Speed of the kustomize-exact YAML reader and writer on 10,000 small resources (5,000 Deployment+Service pairs).

    python bench/bench_yamlio.py [--pairs N] [--repeat R] [--json FILE]

Prints the best of R runs (CPU time) for our dump and load, and for PyYAML's plain libyaml dumper and loader
(CSafeDumper, CSafeLoader) on the same data, as ratios. The first dump of a run starts with cold caches; both
are shown.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from logpilot_manifests.kustomize.documents import dump_documents, load_documents
from logpilot_manifests.yaml.writer import clear_caches


def make_resources(pairs: int) -> list[dict[str, Any]]:
    """Typical Deployment + Service pairs, each with its own names, labels, image tag and ports."""
    out: list[dict[str, Any]] = []
    for i in range(pairs):
        name = f"app-{i:05d}"
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "shop", "tier": "backend"}
        out.append(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name, "namespace": "prod", "labels": dict(labels)},
                "spec": {
                    "replicas": 1 + i % 5,
                    "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                    "template": {
                        "metadata": {"labels": dict(labels), "annotations": {"prometheus.io/scrape": "true"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "main",
                                    "image": f"registry.example.com/shop/{name}:1.{i % 40}.0",
                                    "args": ["--port=8080", "--log-level=info"],
                                    "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                                    "env": [
                                        {"name": "MODE", "value": "production"},
                                        {"name": "WORKERS", "value": str(4 + i % 4)},
                                    ],
                                    "resources": {
                                        "limits": {"cpu": "500m", "memory": "256Mi"},
                                        "requests": {"cpu": "100m", "memory": "128Mi"},
                                    },
                                    "readinessProbe": {
                                        "httpGet": {"path": "/healthz", "port": "http"},
                                        "periodSeconds": 10,
                                    },
                                }
                            ]
                        },
                    },
                },
            }
        )
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": name, "namespace": "prod", "labels": dict(labels)},
                "spec": {
                    "selector": {"app.kubernetes.io/name": name},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    "type": "ClusterIP",
                },
            }
        )
    return out


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(first run, best run) in CPU seconds of this process, which a machine shared with other jobs disturbs less
    than wall-clock time."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return times[0], min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures (seconds) to this file")
    args = parser.parse_args()

    objs = make_resources(args.pairs)
    n = len(objs)
    text = dump_documents(objs)
    clear_caches()

    dump_first, dump_best = best(lambda: dump_documents(objs), args.repeat)
    load_first, load_best = best(lambda: load_documents(text, "bench.yaml"), args.repeat)
    _, py_dump = best(
        lambda: yaml.dump_all(objs, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False),
        args.repeat,
    )
    _, py_load = best(lambda: list(yaml.load_all(text, Loader=yaml.CSafeLoader)), args.repeat)

    assert load_documents(text, "bench.yaml") == objs
    print(f"{n} resources, {len(text) / 1e6:.2f} MB of YAML, best of {args.repeat}")
    print(
        f"dump: ours {dump_best:.3f} s (first, cold caches {dump_first:.3f} s)  PyYAML CSafeDumper {py_dump:.3f} s"
    )
    print(f"      ratio ours / PyYAML = {dump_best / py_dump:.2f}")
    print(f"load: ours {load_best:.3f} s (first {load_first:.3f} s)  PyYAML CSafeLoader {py_load:.3f} s")
    print(f"      ratio ours / PyYAML = {load_best / py_load:.2f}")
    if args.json:
        figures = {"resources": n, "mb": len(text) / 1e6, "repeat": args.repeat}
        figures |= {"dump_ours": dump_best, "dump_ours_first": dump_first, "dump_pyyaml": py_dump}
        figures |= {"load_ours": load_best, "load_ours_first": load_first, "load_pyyaml": py_load}
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
