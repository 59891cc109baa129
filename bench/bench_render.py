"""Render speed: `logpilot-manifests render` against `kubectl kustomize` on the same directories.

Whole-process wall time (median of repetitions, min-max), peak RSS, and the ratio, for growing numbers of
resources (Deployment+Service pairs with namespace, namePrefix, labels with selectors, images and a
configMapGenerator), plus a small real overlay to compare start-up cost. kubectl's quadratic growth makes
its large points slow: a point is skipped, and marked so, once its predicted time exceeds the budget.

    python bench/bench_render.py [--sizes 100,1000,4000,10000] [--reps 3] [--budget 60] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_fixture import write_fixture  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(cmd: list[str], reps: int) -> dict[str, float]:
    times, rss = [], []
    for _ in range(reps):
        t, m = run_once(cmd)
        times.append(t)
        rss.append(m)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "rss_mib": max(rss)}


def ours_cmd(path: Path) -> list[str]:
    exe = shutil.which("logpilot-manifests", path=str(Path(sys.executable).parent)) or "logpilot-manifests"
    return (
        [exe, "render", "--no-validate", str(path)] if _has_no_validate(exe) else [exe, "render", str(path)]
    )


def _has_no_validate(exe: str) -> bool:
    out = subprocess.run([exe, "render", "--help"], capture_output=True, text=True).stdout
    return "--no-validate" in out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,2000,4000,10000", help="resource counts (about 2 per pair)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds a single kubectl run may take")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    kubectl = shutil.which("kubectl")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    last_k: tuple[int, float] | None = None
    print(
        f"{'resources':>9}  {'ours s (min-max)':>22}  {'ours MiB':>8}  {'kubectl s (min-max)':>24}  {'ratio':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            d = write_fixture(Path(tmp) / f"n{n}", max(1, n // 2))
            count = 2 * max(1, n // 2) + 1
            row: dict[str, object] = {"resources": count}
            # interleave: ours, kubectl, ours, kubectl ...
            ours_t: list[float] = []
            ours_m: list[float] = []
            kub_t: list[float] = []
            predicted = None
            if last_k is not None:
                predicted = last_k[1] * (count / last_k[0]) ** 2
            run_kubectl = kubectl is not None and (predicted is None or predicted <= args.budget)
            for rep in range(args.reps):
                t, m = run_once(ours_cmd(d))
                ours_t.append(t)
                ours_m.append(m)
                if run_kubectl and (rep == 0 or kub_t[-1] * 2 < args.budget):
                    t, _ = run_once([kubectl, "kustomize", str(d)])
                    kub_t.append(t)
            row["ours"] = {
                "median": statistics.median(ours_t),
                "min": min(ours_t),
                "max": max(ours_t),
                "rss_mib": max(ours_m),
            }
            if kub_t:
                km = statistics.median(kub_t)
                row["kubectl"] = {"median": km, "min": min(kub_t), "max": max(kub_t), "runs": len(kub_t)}
                row["ratio"] = km / statistics.median(ours_t)
                last_k = (count, km)
                ks = f"{km:8.2f} ({min(kub_t):.2f}-{max(kub_t):.2f})"
                ratio = f"{row['ratio']:6.1f}x"
            else:
                row["kubectl"] = None
                reason = "no kubectl" if kubectl is None else f"skipped: predicted {predicted:.0f}s > budget"
                row["kubectl_skipped"] = reason
                ks, ratio = reason, "-"
            o = row["ours"]
            print(
                f"{count:>9}  {o['median']:8.3f} ({o['min']:.3f}-{o['max']:.3f})  {o['rss_mib']:8.1f}  {ks:>24}  {ratio:>7}"
            )
            rows.append(row)
        small = REPO / "overlays" / "development"
        if small.is_dir() and kubectl:
            ours_s = measure(ours_cmd(small), args.reps)
            kub_s = measure([kubectl, "kustomize", str(small)], args.reps)
            print(
                f"small overlay (overlays/development): ours {ours_s['median']:.3f}s, kubectl {kub_s['median']:.3f}s,"
                f" ratio {kub_s['median'] / ours_s['median']:.2f}x"
            )
            rows.append({"small_overlay": {"ours": ours_s, "kubectl": kub_s}})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
