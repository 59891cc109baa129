"""Real-world kustomizations: does `logpilot-manifests render` build what public projects ship, as kubectl does?

Give it folders (checked-out repositories; the trees themselves are never part of this repository). Every
directory below them holding a kustomization file (kustomization.yaml, kustomization.yml or Kustomization) is
built twice, each as a whole process with a time limit: `kubectl kustomize DIR` and
`logpilot-manifests render DIR --no-validate`. Directories kubectl cannot build (a remote base without
network, a missing file, a plugin) are counted apart; of the ones kubectl builds, the report says how many we
reproduce byte for byte, how many we refuse (grouped by the reason in our message), how many come out
different, and how long each tool took in all.

    python bench/realworld.py CORPUS [CORPUS ...] [--jobs 2] [--timeout 60] [--json FILE] [--failures FILE]
    make realworld CORPUS=dir

The first folder level below each CORPUS counts as one project. Exit code: 0 when the run completed (and,
with --require PCT, at least PCT% of kubectl's builds are byte-identical), 1 when that share is not met,
2 for a usage error (no such folder, no kubectl, no logpilot-manifests).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SKIP_DIRS = {".git", "node_modules", "vendor", ".venv"}

# Our refusal messages, by reason category: the first pattern found in stderr names the category.
REFUSALS: list[tuple[str, re.Pattern[str]]] = [
    ("unsupported field: {0}", re.compile(r"field '([^']+)' is not supported")),
    ("remote resource", re.compile(r"remote resource")),
    ("outside the kustomization root", re.compile(r"outside|load restrict|security", re.I)),
    ("YAML boolean word in a string field", re.compile(r"YAML 1\.1|boolean word", re.I)),
    ("empty kustomization", re.compile(r"kustomization file is empty")),
    ("kind Component", re.compile(r"\bComponent\b")),
    ("crash (traceback)", re.compile(r"Traceback \(most recent call last\)")),
]


@dataclass
class Outcome:
    """What happened to one directory."""

    directory: str
    project: str
    kubectl_rc: int | None  # None: stopped at the time limit
    kubectl_seconds: float
    ours_rc: int | None
    ours_seconds: float
    verdict: str  # identical | differ | refused | timeout | kubectl-rejects
    reason: str = ""  # refusal category, or for kubectl-rejects whether we also reject
    message: str = ""  # the first line of the relevant stderr
    diff: str = ""  # the first lines of a unified diff (kubectl's output first)


@dataclass
class Run:
    rc: int | None
    seconds: float
    stdout: bytes
    stderr: str


def run(cmd: list[str], cwd: Path | None, timeout: float) -> Run:
    """One whole process, its output captured; rc None when stopped at the time limit."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Run(None, time.perf_counter() - start, b"", "")
    seconds = time.perf_counter() - start
    return Run(proc.returncode, seconds, proc.stdout, proc.stderr.decode(errors="replace"))


def find_kustomizations(folders: list[Path]) -> list[tuple[Path, str]]:
    """Every directory holding a kustomization file, with its project (the first level below its folder)."""
    found: list[tuple[Path, str]] = []
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            if any(f in filenames for f in KUSTOMIZATION_FILES):
                path = Path(dirpath)
                rel = path.relative_to(folder).parts
                found.append((path, rel[0] if rel else folder.name))
    return found


_KLOG_HEADER = re.compile(r"^[EWI]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] ")


def first_message(stderr: str) -> str:
    """The first error line of a tool's stderr (kubectl's log header and deprecation warnings left out)."""
    stderr = re.sub(r"err=<\n\s*", "err=", stderr)  # kubectl writes a long error on the following lines
    lines = [_KLOG_HEADER.sub("", ln).strip() for ln in stderr.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("# Warning")]
    if any(ln.startswith("Traceback") for ln in lines):
        return lines[-1][:300]
    errors = [ln for ln in lines if ln.lower().startswith("error")]
    return (errors[0] if errors else lines[0] if lines else "")[:300]


def refusal_reason(stderr: str) -> str:
    for name, pattern in REFUSALS:
        m = pattern.search(stderr)
        if m:
            return name.format(*m.groups())
    msg = first_message(stderr)
    # Drop what names the directory, files and resources, so that one cause groups one set of directories.
    msg = re.sub(r"^error:\s*", "", msg)
    msg = re.sub(r"^(\S+: )+", "", msg)  # the file (and resource) the message names
    msg = re.sub(r"\S*/\S*", "<path>", msg)
    msg = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", msg)
    return "other: " + msg[:120]


def short_diff(expected: bytes, actual: bytes, lines: int) -> str:
    diff = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(),
        actual.decode(errors="replace").splitlines(),
        "kubectl",
        "logpilot-manifests",
        n=1,
        lineterm="",
    )
    return "\n".join(list(diff)[:lines])


class KubectlCache:
    """kubectl's answers kept on disk between runs over an unchanged corpus (keyed by directory and tree)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _key(path: Path) -> str:
        # The directory and its kustomization file's text: editing the kustomization invalidates the entry.
        h = hashlib.sha256(str(path.resolve()).encode())
        for name in KUSTOMIZATION_FILES:
            f = path / name
            if f.is_file():
                h.update(f.read_bytes())
        return h.hexdigest()[:32]

    def get(self, path: Path) -> Run | None:
        if self.directory is None:
            return None
        f = self.directory / f"{self._key(path)}.json"
        if not f.is_file():
            return None
        d = json.loads(f.read_text())
        return Run(d["rc"], d["seconds"], d["stdout"].encode(), d["stderr"])

    def put(self, path: Path, result: Run) -> None:
        if self.directory is None or result.rc is None:
            return
        f = self.directory / f"{self._key(path)}.json"
        data = {
            "rc": result.rc,
            "seconds": result.seconds,
            "stdout": result.stdout.decode(errors="surrogateescape"),
            "stderr": result.stderr,
        }
        f.write_text(json.dumps(data))


def examine(
    path: Path,
    project: str,
    kubectl: str,
    ours: list[str],
    timeout: float,
    cache: KubectlCache,
    diff_lines: int,
) -> Outcome:
    # Relative paths, from the directory's parent, as a user would type them (messages name the directory).
    target = path.name
    ref = cache.get(path)
    if ref is None:
        ref = run([kubectl, "kustomize", target], path.parent, timeout)
        cache.put(path, ref)
    got = run([*ours, "render", target, "--no-validate"], path.parent, timeout)
    o = Outcome(str(path), project, ref.rc, ref.seconds, got.rc, got.seconds, "")
    if ref.rc != 0:
        o.verdict = "kubectl-rejects"
        if ref.rc is None:
            o.reason = "kubectl timeout"
        else:
            o.reason = "we reject too" if got.rc not in (0, None) else "we build it"
        o.message = first_message(ref.stderr)
    elif got.rc is None:
        o.verdict = "timeout"
    elif got.rc != 0:
        o.verdict = "refused"
        o.reason = refusal_reason(got.stderr)
        o.message = first_message(got.stderr)
    elif got.stdout == ref.stdout:
        o.verdict = "identical"
    else:
        o.verdict = "differ"
        o.diff = short_diff(ref.stdout, got.stdout, diff_lines)
    return o


def summarise(outcomes: list[Outcome], wall: float) -> tuple[list[str], dict[str, object]]:
    verdicts = Counter(o.verdict for o in outcomes)
    builds = [o for o in outcomes if o.verdict != "kubectl-rejects"]
    refused = Counter(o.reason for o in outcomes if o.verdict == "refused")
    rejects = Counter(o.reason for o in outcomes if o.verdict == "kubectl-rejects")
    projects = sorted({o.project for o in outcomes})
    n = len(builds)
    identical = verdicts["identical"]
    share = 100.0 * identical / n if n else 0.0
    k_time = sum(o.kubectl_seconds for o in outcomes)
    o_time = sum(o.ours_seconds for o in outcomes)
    lines = [
        f"projects: {len(projects)}, directories with a kustomization: {len(outcomes)}",
        f"kubectl builds: {n} (rejects {len(outcomes) - n}: "
        + ", ".join(f"{k} {v}" for k, v in rejects.most_common())
        + ")",
        f"byte-identical: {identical} ({share:.1f}%)",
        f"refused: {verdicts['refused']}",
        *(f"  {v:4d}  {k}" for k, v in refused.most_common()),
        f"differ: {verdicts['differ']}",
        f"timeout: {verdicts['timeout']}",
        f"time in all: kubectl {k_time:.1f} s, logpilot-manifests {o_time:.1f} s "
        f"(ratio {o_time / k_time if k_time else 0:.2f}); run took {wall:.1f} s",
    ]
    totals: dict[str, object] = {
        "projects": len(projects),
        "directories": len(outcomes),
        "kubectl_builds": n,
        "kubectl_rejects": dict(rejects),
        "identical": identical,
        "identical_percent": round(share, 2),
        "refused": verdicts["refused"],
        "refused_by_reason": dict(refused),
        "differ": verdicts["differ"],
        "timeout": verdicts["timeout"],
        "kubectl_seconds": round(k_time, 2),
        "ours_seconds": round(o_time, 2),
    }
    return lines, totals


def failures_text(outcomes: list[Outcome]) -> str:
    """Every directory kubectl builds and we do not reproduce, by verdict and reason, with the evidence."""
    out: list[str] = []
    for verdict in ("refused", "differ", "timeout"):
        group = sorted((o for o in outcomes if o.verdict == verdict), key=lambda o: (o.reason, o.directory))
        for o in group:
            out.append(f"== {verdict}{': ' + o.reason if o.reason else ''}: {o.directory}")
            if o.message:
                out.append(f"   {o.message}")
            if o.diff:
                out.extend("   " + ln for ln in o.diff.splitlines())
    accepted = [o for o in outcomes if o.verdict == "kubectl-rejects" and o.reason == "we build it"]
    for o in sorted(accepted, key=lambda o: o.directory):
        out.append(f"== kubectl rejects, we build it: {o.directory}")
        out.append(f"   kubectl: {o.message}")
    return "\n".join(out) + ("\n" if out else "")


def ours_command(given: str | None) -> list[str] | None:
    if given:
        return given.split()
    exe = shutil.which("logpilot-manifests", path=str(Path(sys.executable).parent)) or shutil.which(
        "logpilot-manifests"
    )
    return [exe] if exe else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Build every kustomization under the given folders with kubectl and with "
        "logpilot-manifests, and count how many come out byte-identical.",
        epilog="Exit code: 0 done (and --require met), 1 --require not met, 2 usage error.",
    )
    p.add_argument("folders", nargs="+", type=Path, help="folders holding checked-out projects")
    p.add_argument("--jobs", type=int, default=2, help="directories built in parallel (default 2)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds allowed to each process (default 60)")
    p.add_argument("--kubectl", default="kubectl", help="the kubectl binary (default: kubectl on PATH)")
    p.add_argument("--ours", help="our command (default: logpilot-manifests beside this Python)")
    p.add_argument("--json", type=Path, help="write the totals and every directory's outcome here")
    p.add_argument("--failures", type=Path, help="write the failing directories and their evidence here")
    p.add_argument("--diff-lines", type=int, default=14, help="lines of each difference kept (default 14)")
    p.add_argument(
        "--kubectl-cache",
        type=Path,
        help="keep kubectl's answers in this folder and reuse them (only while the corpus is unchanged)",
    )
    p.add_argument("--require", type=float, help="exit 1 unless at least this %% of kubectl's builds match")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    ns = p.parse_args(argv)

    missing = [str(f) for f in ns.folders if not f.is_dir()]
    if missing:
        print(f"error: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    kubectl = shutil.which(ns.kubectl)
    if kubectl is None:
        print(f"error: {ns.kubectl} not found", file=sys.stderr)
        return 2
    ours = ours_command(ns.ours)
    if ours is None:
        print("error: logpilot-manifests not found (make install)", file=sys.stderr)
        return 2
    if ns.jobs < 1 or ns.timeout <= 0:
        print("error: --jobs and --timeout must be positive", file=sys.stderr)
        return 2

    dirs = find_kustomizations([f.resolve() for f in ns.folders])
    if not dirs:
        print("error: no kustomization found under the given folders", file=sys.stderr)
        return 2
    cache = KubectlCache(ns.kubectl_cache)
    done = 0
    lock = threading.Lock()

    def task(item: tuple[Path, str]) -> Outcome:
        nonlocal done
        o = examine(item[0], item[1], kubectl, ours, ns.timeout, cache, ns.diff_lines)
        with lock:
            done += 1
            if not ns.quiet and sys.stderr.isatty():
                print(f"\r{done}/{len(dirs)}", end="", file=sys.stderr, flush=True)
        return o

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=ns.jobs) as pool:
        outcomes = list(pool.map(task, dirs))
    wall = time.perf_counter() - start
    if not ns.quiet and sys.stderr.isatty():
        print(file=sys.stderr)

    lines, totals = summarise(outcomes, wall)
    print("\n".join(lines))
    if ns.json:
        ns.json.write_text(
            json.dumps({"totals": totals, "directories": [asdict(o) for o in outcomes]}, indent=2) + "\n"
        )
    if ns.failures:
        ns.failures.write_text(failures_text(outcomes))
    if ns.require is not None and float(str(totals["identical_percent"])) < ns.require:
        print(f"below the required {ns.require}% byte-identical", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
