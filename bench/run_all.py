"""Runs every benchmark under bench/ into one results file, then writes the report (BENCHMARKS.md and plots).

Each benchmark is its own process: its figures print live and its --json output is collected. One that
fails or is missing is recorded as such and the rest still run. The machine (CPU count and model, memory,
load average before and after) and the versions of every tool compared are stored with the results.

    python bench/run_all.py                     # full set: bench/results/<date>.json, BENCHMARKS.md, bench/plots/
    python bench/run_all.py --quick             # reduced set, under 2 minutes: bench/results/quick/
    python bench/run_all.py --only render,validate --note "machine shared with a test run"
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from proc import RSS_METHOD  # noqa: E402


@dataclass(frozen=True)
class Suite:
    """One benchmark script and its arguments for the full and the quick run."""

    name: str
    script: str
    full: list[str]
    quick: list[str]
    timeout: float = 1800.0


SUITES = [
    Suite(
        "render",
        "bench_render.py",
        ["--sizes", "100,200,500,1000,2000,4000,10000", "--reps", "3", "--budget", "60"],
        ["--sizes", "100,1000,4000,10000", "--reps", "1", "--budget", "5"],
    ),
    Suite(
        "validate",
        "bench_validate.py",
        ["--sizes", "100", "300", "1000", "4000", "10000", "--repeat", "3", "--budget", "120"],
        ["--sizes", "100", "1000", "--repeat", "1", "--budget", "5"],
    ),
    Suite(
        "yamlio",
        "bench_yamlio.py",
        ["--pairs", "5000", "--repeat", "5"],
        ["--pairs", "1000", "--repeat", "1"],
    ),
    Suite("startup", "bench_startup.py", ["--reps", "30"], ["--reps", "10"]),
    Suite("models", "bench_models.py", ["--repeat", "5"], ["--repeat", "1"]),
    Suite("smp", "bench_smp.py", ["5000", "500"], ["1000", "100"]),
    Suite("nameref", "bench_nameref.py", [], []),
    Suite(
        "service",
        "service_ingest.py",
        ["--storage", "both", "--duration", "8", "--repeat", "3"],
        ["--storage", "sqlite", "--duration", "2"],
    ),
]


def _first_line(cmd: list[str]) -> str | None:
    """The first non-empty output line of a version command, or None when the tool is missing."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = [line.strip() for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return lines[0] if lines else None


def _version(line: str | None) -> str | None:
    """The version number in a tool's version line ('wrk debian/4.1.0-3 [epoll] ...' gives '4.1.0-3')."""
    found = re.search(r"(\d+\.\d+(?:\.\d+)?(?:-\w+)?)", line) if line else None
    return found.group(1) if found else line


def _package(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    """CPU count and model, memory, OS and the load average now."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else platform.processor() or "unknown",
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "os": f"{platform.system()} {platform.release()}",
        "load_average_start": list(os.getloadavg()),
    }


def tool_versions() -> dict[str, str | None]:
    """Versions of Python, the compared tools and the storage engines."""
    kubectl = None
    if shutil.which("kubectl"):
        out = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True).stdout
        client = re.search(r"Client Version:\s*(\S+)", out)
        kustomize = re.search(r"Kustomize Version:\s*(\S+)", out)
        kubectl = (
            f"{client.group(1) if client else '?'} (kustomize {kustomize.group(1) if kustomize else '?'})"
        )
    initdb = shutil.which("initdb")
    if initdb is None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
        initdb = str(found[0]) if found else None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return {
        "logpilot": commit.stdout.strip() or None,
        "python": platform.python_version(),
        "kubectl": kubectl,
        "kubernetes-validate": _package("kubernetes-validate"),
        "sqlite": sqlite3.sqlite_version,
        "postgres": _version(_first_line([initdb, "--version"]) if initdb else None),
        "wrk": _version(_first_line(["wrk", "-v"])),
        "pyyaml": _package("pyyaml"),
        "jsonschema-rs": _package("jsonschema-rs"),
        "uvicorn": _package("uvicorn"),
        "grpcio": _package("grpcio"),
    }


def run_suite(suite: Suite, args: list[str], out: Path) -> dict[str, Any]:
    """Runs one benchmark process (output streamed), returning its JSON, wall time and peak RSS, or an error."""
    script = BENCH / suite.script
    if not script.exists():
        return {"error": f"bench/{suite.script} is not there"}
    cmd = [sys.executable, str(script), *args, "--json", str(out)]
    print(f"\n### {suite.name}: {' '.join(['python', f'bench/{suite.script}', *args])}", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    timer = threading.Timer(suite.timeout, proc.kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    record: dict[str, Any] = {
        "command": " ".join(["python", f"bench/{suite.script}", *args]),
        "wall_s": round(wall, 1),
        "process_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }
    if code != 0:
        record["error"] = f"exited with code {code}" + (" (stopped at its time limit)" if code < 0 else "")
    if out.exists() and out.stat().st_size:
        record["data"] = json.loads(out.read_text())
    elif "error" not in record:
        record["error"] = "wrote no results"
    return record


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="reduced sizes, one repetition (under 2 minutes)"
    )
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(s.name for s in SUITES))
    parser.add_argument("--note", default="", help="a remark stored with the results and shown in the report")
    parser.add_argument("--results", type=Path, help="results file (default: by date under bench/results/)")
    parser.add_argument("--no-report", action="store_true", help="only write the results file")
    ns = parser.parse_args()

    wanted = set(ns.only.split(",")) if ns.only else {s.name for s in SUITES}
    unknown = wanted - {s.name for s in SUITES}
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    now = dt.datetime.now(dt.UTC)
    if ns.results:
        results_path = ns.results
    elif ns.quick:
        results_path = BENCH / "results" / "quick" / f"{now:%Y-%m-%dT%H%M}.json"
    else:
        results_path = BENCH / "results" / f"{now:%Y-%m-%d}.json"
    results: dict[str, Any] = {
        "date": now.isoformat(timespec="seconds"),
        "mode": "quick" if ns.quick else "full",
        "note": ns.note,
        "rss_method": RSS_METHOD,
        "machine": machine_info(),
        "tools": tool_versions(),
        "benchmarks": {},
    }
    m = results["machine"]
    print(f"machine: {m['cpus']} CPUs, {m['cpu_model']}; load average {m['load_average_start'][0]:.1f}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="logpilot-bench-") as tmp:
        for suite in SUITES:
            if suite.name not in wanted:
                continue
            args = suite.quick if ns.quick else suite.full
            results["benchmarks"][suite.name] = run_suite(suite, args, Path(tmp) / f"{suite.name}.json")
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["wall_s"] = round(time.perf_counter() - started, 1)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=1) + "\n")
    print(
        f"\nresults: {results_path.relative_to(REPO) if results_path.is_relative_to(REPO) else results_path}"
    )
    print(f"total {results['wall_s']:.0f} s")
    if not ns.no_report:
        sys.path.insert(0, str(BENCH))
        import report

        if ns.quick:
            report.write(results, results_path.parent / "REPORT.md", results_path.parent / "plots")
        else:
            source = (
                f"`{results_path.resolve().relative_to(REPO)}`"
                if results_path.resolve().is_relative_to(REPO)
                else "the results file"
            )
            report.write(results, REPO / "BENCHMARKS.md", BENCH / "plots", source, REPO / "README.md")
    failed = [name for name, r in results["benchmarks"].items() if "error" in r]
    if failed:
        print(f"incomplete: {', '.join(failed)} (see the results file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
