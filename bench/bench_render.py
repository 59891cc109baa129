"""Render speed: `logpilot-manifests render` against `kubectl kustomize` on the same directories.

Whole-process wall time (median of repetitions, min-max), peak RSS, and the ratio, for growing numbers of
resources (Deployment+Service pairs with namespace, namePrefix, labels with selectors, images and a
configMapGenerator), plus a small real overlay to compare start-up cost. kubectl's quadratic growth makes
its large points slow: a kubectl run is stopped once it exceeds the budget and its point is marked "capped by
time budget" (the budget is then a lower bound), as are the larger points, which are not run.

    python bench/bench_render.py [--sizes 100,1000,4000,10000] [--reps 3] [--budget 60] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import run_process  # noqa: E402
from render_fixture import write_fixture  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def run_once(cmd: list[str], timeout: float | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one process (wall is inf past ``timeout``); a failing
    command ends the benchmark."""
    run = run_process(cmd, timeout)
    if run.returncode not in (0, None):
        raise SystemExit(f"{' '.join(cmd)} failed: {run.stderr}")
    return run.wall, run.rss_mib, run.cpu


def measure(cmd: list[str], reps: int) -> dict[str, float]:
    times, rss, cpu = [], [], []
    for _ in range(reps):
        t, m, c = run_once(cmd)
        times.append(t)
        rss.append(m)
        cpu.append(c)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "rss_mib": max(rss),
        "cpu_median": statistics.median(cpu),
    }


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
    capped: str | None = None
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
            ours_c: list[float] = []
            kub_t: list[float] = []
            kub_m: list[float] = []
            kub_c: list[float] = []
            for rep in range(args.reps):
                t, m, c = run_once(ours_cmd(d))
                ours_t.append(t)
                ours_m.append(m)
                ours_c.append(c)
                if kubectl and not capped and (rep == 0 or kub_t[-1] * 2 < args.budget):
                    t, m, c = run_once([kubectl, "kustomize", str(d)], timeout=args.budget)
                    if t == float("inf"):
                        capped = f"capped by time budget (> {args.budget:.0f} s at {count} resources)"
                        row["kubectl_lower_bound_s"] = args.budget
                        continue
                    kub_t.append(t)
                    kub_m.append(m)
                    kub_c.append(c)
            row["ours"] = {
                "median": statistics.median(ours_t),
                "min": min(ours_t),
                "max": max(ours_t),
                "rss_mib": max(ours_m),
                "cpu_median": statistics.median(ours_c),
            }
            if kub_t:
                km = statistics.median(kub_t)
                row["kubectl"] = {
                    "median": km,
                    "min": min(kub_t),
                    "max": max(kub_t),
                    "runs": len(kub_t),
                    "rss_mib": max(kub_m),
                    "cpu_median": statistics.median(kub_c),
                }
                row["ratio"] = km / statistics.median(ours_t)
                ks = f"{km:8.2f} ({min(kub_t):.2f}-{max(kub_t):.2f})"
                ratio = f"{row['ratio']:6.1f}x"
            else:
                row["kubectl"] = None
                reason = "no kubectl" if kubectl is None else capped or "not run"
                row["kubectl_skipped"] = reason
                ks, ratio = (f"> {args.budget:.0f} (capped)" if kubectl else reason), "-"
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
