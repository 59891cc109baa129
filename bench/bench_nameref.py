"""Name references and replacements over large builds: CPU time at two sizes and their ratio.

A ratio near the size ratio (10) means the pass grows linearly with the number of objects (candidates are
found through an index, not by rescanning the list per reference).

    python bench/bench_nameref.py [--json FILE]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from logpilot_manifests.kustomize.filters.nameref import fix_name_references
from logpilot_manifests.kustomize.filters.replacements import apply_replacements
from logpilot_manifests.kustomize.resource import Resource


def _app(i: int) -> list[Resource]:
    """Five objects of one app in one of ten namespaces; the Deployment names the other four nine times."""
    ns = f"ns{i % 10}"

    def obj(kind: str, name: str, api: str = "v1", **rest: Any) -> Resource:
        return Resource(
            {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": ns}, **rest}
        )

    pod_spec = {
        "serviceAccountName": f"sa-{i}",
        "imagePullSecrets": [{"name": f"sec-{i}"}],
        "containers": [
            {
                "name": "c",
                "image": "x",
                "envFrom": [{"configMapRef": {"name": f"cfg-{i}"}}, {"secretRef": {"name": f"sec-{i}"}}],
                "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": f"cfg-{i}", "key": "a"}}}],
            }
        ],
        "volumes": [
            {"name": "v", "configMap": {"name": f"cfg-{i}"}},
            {"name": "s", "secret": {"secretName": f"sec-{i}"}},
        ],
    }
    return [
        obj("ConfigMap", f"cfg-{i}", data={"host": f"db-{i}.example.com"}),
        obj("Secret", f"sec-{i}"),
        obj("ServiceAccount", f"sa-{i}"),
        obj("Service", f"svc-{i}"),
        obj("Deployment", f"web-{i}", "apps/v1", spec={"template": {"spec": pod_spec}}),
    ]


def _build(n_objects: int) -> list[Resource]:
    resources = [r for i in range(n_objects // 5) for r in _app(i)]
    for res in resources:
        res.prefixes.append("p-")
        res.set_name("p-" + res.name)
    return resources


def _best_cpu(fn: Any, n_objects: int, repeat: int = 3) -> float:
    """Least CPU seconds of ``fn`` over fresh builds (CPU, not wall time: the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        resources = _build(n_objects)
        start = time.process_time()
        fn(resources)
        best = min(best, time.process_time() - start)
    return best


REPLACEMENT = [
    {
        "source": {"kind": "ConfigMap", "name": "cfg-0", "fieldPath": "data.host"},
        "targets": [
            {
                "select": {"kind": "Deployment", "namespace": "ns0"},
                "fieldPaths": ["spec.template.spec.containers.[name=c].env.[name=A].value"],
                "options": {"create": True},
            }
        ],
    }
]


def main() -> None:
    out = Path(sys.argv[sys.argv.index("--json") + 1]) if "--json" in sys.argv else None
    figures: dict[str, dict[str, float]] = {}
    sizes = (2000, 20000)
    passes = (
        ("name references", fix_name_references),
        ("replacements (1 source, 1/10 of the Deployments)", lambda rs: apply_replacements(rs, REPLACEMENT)),
    )
    for label, fn in passes:
        small, large = (_best_cpu(fn, n) for n in sizes)
        print(
            f"{label}: {sizes[0]} objects {small * 1000:.1f} ms, {sizes[1]} objects {large * 1000:.1f} ms CPU"
        )
        print(f"  ratio {sizes[1]}/{sizes[0]}: {large / small:.1f} (10 = linear)")
        figures[label] = {
            "objects_small": sizes[0],
            "cpu_small": small,
            "objects_large": sizes[1],
            "cpu_large": large,
        }
    if out:
        out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
