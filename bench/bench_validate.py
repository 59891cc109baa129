"""Benchmark: `logpilot-manifests validate` against the `kubernetes-validate` CLI on the same rendered files.

Both tools run as whole processes (start-up included), strict, against the same Kubernetes version. The
corpus is rendered manifests: the overlays' output when the engine can build them, else a fixed set of
typical workload documents, copied with distinct names up to each size. Only built-in kinds are used, since
kubernetes-validate cannot check custom resources. The two tools run interleaved, --repeat times each;
a kubernetes-validate run past --budget seconds is stopped and its point (and the larger ones, not run) is
marked "capped by time budget".

It also measures, in the same run: the API server's semantic rules alone (in process, on the same corpus,
after one warm-up), and `logpilot-manifests render production` with its default validation (CRDs from
LOGPILOT_CRD_PATH, or ../shared/crds beside the repository) against `kubectl kustomize overlays/production`,
alternating runs of the whole processes: warm (a cache directory a first run filled) and cold (an empty
cache directory each run), each as a ratio to kubectl.

    .venv/bin/python bench/bench_validate.py              # 1,000 and 10,000 resources
    .venv/bin/python bench/bench_validate.py --sizes 1000 --json validate.json
    .venv/bin/python bench/bench_validate.py --render-only     # only render production vs kubectl
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import run_process  # noqa: E402

TEMPLATES = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingest, namespace: logpilot, labels: {app.kubernetes.io/name: ingest}}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: ingest}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ingest}}
    spec:
      serviceAccountName: ingest
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: ingest
          image: ghcr.io/logpilot/server:1.4.2
          args: [--listen, all]
          ports: [{name: http, containerPort: 8080}, {name: grpc, containerPort: 9090}]
          env: [{name: LOGPILOT_STORAGE, value: postgres}, {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
          envFrom: [{configMapRef: {name: ingest-config}}]
          resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 512Mi}}
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}
          livenessProbe: {httpGet: {path: /live, port: http}, initialDelaySeconds: 10}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          volumeMounts: [{name: tmp, mountPath: /tmp}]
      volumes: [{name: tmp, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: ingest, namespace: logpilot}
spec:
  selector: {app.kubernetes.io/name: ingest}
  ports: [{name: http, port: 80, targetPort: http}, {name: grpc, port: 9090, targetPort: grpc}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ingest-config, namespace: logpilot}
data: {LOGPILOT_LOG_LEVEL: info, application.yml: "server:\\n  port: 8080\\n"}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ingest, namespace: logpilot}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ingest, namespace: logpilot}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ingest}
  minReplicas: 3
  maxReplicas: 12
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ingest, namespace: logpilot}
spec: {minAvailable: 2, selector: {matchLabels: {app.kubernetes.io/name: ingest}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingest, namespace: logpilot}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: ingest}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 8080, protocol: TCP}]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: compact, namespace: logpilot}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: compact, image: "ghcr.io/logpilot/server:1.4.2", args: [compact]}]
"""


def overlay_documents() -> list[dict[str, Any]]:
    """The rendered built-in resources of every overlay, when the engine can build them."""
    try:
        from logpilot_manifests.cli.inputs import environments
        from logpilot_manifests.kustomize.build import build_resources
        from logpilot_manifests.validate.engine import builtin_groups
    except ImportError:
        return []
    groups = builtin_groups()
    docs: list[dict[str, Any]] = []
    for env in environments(REPO):
        try:
            resources = build_resources(REPO / "overlays" / env)
        except Exception:  # noqa: BLE001 - an unfinished engine just means the fixed templates are used
            return []
        for r in resources:
            group = str(r.obj.get("apiVersion", "")).rpartition("/")[0]
            if group in groups:
                docs.append(r.obj)
    return docs


def corpus(size: int, templates: list[dict[str, Any]]) -> str:
    """``size`` documents cycling through the templates, each copy renamed so every id is distinct."""
    out = []
    for i in range(size):
        doc = copy.deepcopy(templates[i % len(templates)])
        doc["metadata"]["name"] = f"{doc['metadata']['name']}-{i}"
        out.append(doc)
    return yaml.dump_all(out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def timed(cmd: list[str], timeout: float | None = None) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU (user + system) seconds and peak RSS (MiB) of one whole process; wall is inf
    when it ran past ``timeout`` and was stopped."""
    run = run_process(cmd, timeout)
    if run.returncode not in (0, None):
        print(f"  note: {cmd[0]} exited {run.returncode}: {run.stderr.strip()[:300]}", file=sys.stderr)
    return run.wall, run.cpu, run.rss_mib


def summary(runs: list[tuple[float, float, float]]) -> dict[str, float]:
    """Median and min-max wall time, median CPU time and the largest peak RSS of some runs."""
    walls = [r[0] for r in runs]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu_median": statistics.median(r[1] for r in runs),
        "rss_mib": max(r[2] for r in runs),
        "runs": len(runs),
    }


def semantic_seconds(text: str, repeat: int) -> float:
    """Median in-process seconds of the semantic rules alone over every document of ``text``."""
    import time

    from logpilot_manifests.validate.semantic import semantic_errors

    docs = [d for d in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d]
    semantic_errors(docs[0], "apps", "Deployment", custom=False)  # warm-up: imports and regexes
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for d in docs:
            group = str(d.get("apiVersion", "")).rpartition("/")[0]
            semantic_errors(d, group, str(d.get("kind", "")), custom=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _with_cache(cache_home: str, cmd: list[str]) -> tuple[float, float, float]:
    """``timed(cmd)`` with the user's cache directory (``XDG_CACHE_HOME``) at ``cache_home``."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = cache_home
    try:
        return timed(cmd)
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved


def render_vs_kubectl(ours: str, repeat: int) -> dict[str, Any] | None:
    """``render production`` (validating, with the CRDs) against ``kubectl kustomize``, runs alternating: warm,
    with a cache directory that a first run filled (as on any second run), and cold, with an empty cache
    directory each time (the first run after a change of the CRDs or of the tool). Every run validates every
    document: the cache holds parsed inputs, never a verdict."""
    kubectl = shutil.which("kubectl")
    overlay = REPO / "overlays" / "production"
    if kubectl is None or not overlay.is_dir():
        print("render production vs kubectl kustomize: not run (kubectl or the overlay is missing)")
        return None
    crds = os.environ.get("LOGPILOT_CRD_PATH") or str(REPO.parent / "shared" / "crds")
    env_note = crds if Path(crds.split(os.pathsep)[0]).exists() else "none"
    os.environ["LOGPILOT_CRD_PATH"] = crds if env_note != "none" else ""
    render = [ours, "render", "production"]
    load_start = os.getloadavg()[0]
    our_runs, their_runs, cold_runs = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        warm = str(Path(tmp) / "warm")
        # one run of each first: fills the warm cache and the page cache, as on any second run
        _with_cache(warm, render)
        timed([kubectl, "kustomize", str(overlay)])
        for i in range(repeat):
            our_runs.append(_with_cache(warm, render))
            their_runs.append(timed([kubectl, "kustomize", str(overlay)]))
            cold_runs.append(_with_cache(str(Path(tmp) / f"cold-{i}"), render))
    load_end = os.getloadavg()[0]
    o, t, c = summary(our_runs), summary(their_runs), summary(cold_runs)
    ratio, cold_ratio = o["median"] / t["median"], c["median"] / t["median"]
    print(
        f"render production (validating, CRDs: {env_note}) against kubectl kustomize {t['median']:.3f}s"
        f" (cpu {t['cpu_median']:.3f}s), {repeat} alternating runs, load average {load_start:.2f} to"
        f" {load_end:.2f}:"
    )
    print(
        f"  warm (cache filled by a first run): {o['median']:.3f}s median ({o['min']:.3f}-{o['max']:.3f},"
        f" cpu {o['cpu_median']:.3f}s), {ratio:.2f}x (target <= 0.8x)"
    )
    print(
        f"  cold (empty cache each run):        {c['median']:.3f}s median ({c['min']:.3f}-{c['max']:.3f},"
        f" cpu {c['cpu_median']:.3f}s), {cold_ratio:.2f}x"
    )
    return {
        "ours": o,
        "kubectl": t,
        "ratio": ratio,
        "target": 0.8,
        "ours_empty_cache": c,
        "ratio_empty_cache": cold_ratio,
        "load_average": [load_start, load_end],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool per size")
    parser.add_argument(
        "--budget", type=float, default=120.0, help="seconds one kubernetes-validate run may take"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--render-repeat", type=int, default=11, help="alternating runs of render vs kubectl")
    parser.add_argument(
        "--render-only", action="store_true", help="only render production against kubectl kustomize"
    )
    args = parser.parse_args()

    bindir = Path(sys.executable).parent
    ours = shutil.which("logpilot-manifests", path=str(bindir)) or "logpilot-manifests"
    theirs = shutil.which("kubernetes-validate", path=str(bindir)) or "kubernetes-validate"
    from logpilot_manifests.validate.schemas import latest_version

    version = latest_version()
    if args.render_only:
        print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        render = render_vs_kubectl(ours, args.render_repeat)
        if args.json:
            args.json.write_text(json.dumps({"render_production": render}, indent=2))
        return
    templates = overlay_documents()
    origin = "rendered overlays" if templates else "fixed workload templates"
    if not templates:
        templates = list(yaml.safe_load_all(TEMPLATES))

    print(f"corpus: {origin} ({len(templates)} distinct documents); Kubernetes {version}, strict")
    print(
        f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (wall times grow with it)"
    )
    print("targets for logpilot-manifests: 1,000 resources <= 0.5 s, 10,000 <= 3 s (whole process, wall)")
    print("targets for the semantic rules alone: 1,000 resources <= 0.5 s, 10,000 <= 4 s")
    print(
        f"{'resources':>10} {'ours wall median (min-max)':>27} {'ours cpu':>9} {'theirs wall median (min-max)':>29}"
        f" {'theirs cpu':>11} {'speed-up wall':>14} {'speed-up cpu':>13}"
    )
    rows: list[dict[str, Any]] = []
    capped: str | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"rendered-{size}.yaml"
            path.write_text(corpus(size, templates), encoding="utf-8")
            row: dict[str, Any] = {"resources": size}
            our_runs: list[tuple[float, float, float]] = []
            their_runs: list[tuple[float, float, float]] = []
            for rep in range(args.repeat):
                our_runs.append(timed([ours, "validate", "--kube-version", version, str(path)]))
                if capped or (rep > 0 and their_runs[-1][0] * 2 >= args.budget):
                    continue
                run = timed([theirs, "--strict", "--quiet", "-k", f"{version}.0", str(path)], args.budget)
                if run[0] == float("inf"):
                    capped = f"capped by time budget (> {args.budget:.0f} s at {size} resources)"
                    row["kubernetes_validate_lower_bound_s"] = args.budget
                else:
                    their_runs.append(run)
            o = row["ours"] = summary(our_runs)
            row["semantic_s"] = semantic_seconds(path.read_text(encoding="utf-8"), args.repeat)
            line = (
                f"{size:>10} {o['median']:>9.2f}s ({o['min']:.2f}-{o['max']:.2f}) {'':>5}"
                f" {o['cpu_median']:>8.2f}s"
            )
            if their_runs:
                t = row["kubernetes_validate"] = summary(their_runs)
                row["ratio"] = t["median"] / o["median"]
                row["ratio_cpu"] = t["cpu_median"] / o["cpu_median"]
                line += (
                    f" {t['median']:>11.2f}s ({t['min']:.2f}-{t['max']:.2f}) {t['cpu_median']:>10.2f}s"
                    f" {row['ratio']:>13.1f}x {row['ratio_cpu']:>12.1f}x"
                )
            else:
                row["kubernetes_validate"] = None
                row["kubernetes_validate_skipped"] = capped or "not run"
                line += f"  > {args.budget:.0f}s (capped by time budget)"
            print(line)
            print(f"{'':>10} semantic rules alone, in process: {row['semantic_s']:.3f}s")
            rows.append(row)
    render = render_vs_kubectl(ours, args.render_repeat)
    if args.json:
        payload = {
            "kube_version": version,
            "corpus": origin,
            "budget_s": args.budget,
            "rows": rows,
            "render_production": render,
        }
        args.json.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
