"""Start-up: `logpilot-manifests render DIR --no-validate` against `kubectl kustomize DIR` on a small directory.

On small directories the whole process is start-up (interpreter, imports, argument parsing) plus a tiny
build, and that is what users feel. The two commands run alternately, so that both see the same machine
load; the figure is the ratio of the medians of whole-process wall time (ours / kubectl; the target is at
most 0.6), with CPU time (user + system) beside it since the machine may be shared.

    python bench/bench_startup.py [--dir overlays/development] [--reps 30] [--json FILE]

Exit code 0 when measured (whatever the ratio), 2 when kubectl or the directory is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import ProcRun, run_process  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.6


def ours_exe() -> str:
    return shutil.which("logpilot-manifests", path=str(Path(sys.executable).parent)) or "logpilot-manifests"


def _checked(run: ProcRun, cmd: list[str]) -> ProcRun:
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {run.stderr}")
    return run


def _summary(runs: list[ProcRun]) -> dict[str, float]:
    walls = [r.wall for r in runs]
    return {
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu_median": statistics.median(r.cpu for r in runs),
        "rss_mib": max(r.rss_mib for r in runs),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=REPO / "overlays" / "development", help="kustomization dir")
    ap.add_argument("--reps", type=int, default=30, help="runs of each command (alternating)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ns = ap.parse_args()
    kubectl = shutil.which("kubectl")
    if kubectl is None or not ns.dir.is_dir():
        print("error: needs kubectl on PATH and an existing --dir", file=sys.stderr)
        return 2
    ours_cmd = [ours_exe(), "render", str(ns.dir), "--no-validate"]
    kub_cmd = [kubectl, "kustomize", str(ns.dir)]
    # one warm-up run each (page cache, byte-compiled modules), not counted
    _checked(run_process(ours_cmd), ours_cmd)
    _checked(run_process(kub_cmd), kub_cmd)
    ours: list[ProcRun] = []
    kub: list[ProcRun] = []
    for rep in range(ns.reps):
        # alternate which goes first, so neither always follows the other
        pair = [(ours_cmd, ours), (kub_cmd, kub)]
        for cmd, runs in pair if rep % 2 == 0 else reversed(pair):
            runs.append(_checked(run_process(cmd), cmd))
    o, k = _summary(ours), _summary(kub)
    ratio = o["median"] / k["median"]
    cpu_ratio = o["cpu_median"] / k["cpu_median"] if k["cpu_median"] else float("nan")
    try:
        shown = ns.dir.resolve().relative_to(REPO)
    except ValueError:
        shown = ns.dir
    print(f"{shown}, {ns.reps} alternating runs each (median, min-max, CPU median):")
    for name, s in (("logpilot-manifests render --no-validate", o), ("kubectl kustomize", k)):
        print(
            f"  {name:40s} {s['median'] * 1000:7.1f} ms ({s['min'] * 1000:.1f}-{s['max'] * 1000:.1f})"
            f"  cpu {s['cpu_median'] * 1000:6.1f} ms  {s['rss_mib']:.0f} MiB"
        )
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"ratio ours/kubectl: wall {ratio:.2f} (target <= {TARGET_RATIO}: {verdict}), cpu {cpu_ratio:.2f}")
    if ns.json:
        ns.json.write_text(
            json.dumps(
                {
                    "dir": str(shown),
                    "reps": ns.reps,
                    "ours": o,
                    "kubectl": k,
                    "ratio": ratio,
                    "cpu_ratio": cpu_ratio,
                    "target_ratio": TARGET_RATIO,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
