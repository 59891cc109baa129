"""Runs the reliability and security scenarios of the generator and the service, measures them, and rewrites
RELIABILITY.md from the latest result of each (kept in bench/results/reliability.json, so a partial run
updates only its own rows).

Every scenario is a pytest selection. Figures come from three places: hypothesis statistics (inputs tried,
failing), the figures file of tests/reliability (runs, exit codes, slowest run, peak memory), and lines a
test prints as ``RELIABILITY {"sent": ..., "acknowledged": ..., "found": ...}`` (service scenarios).

    python bench/reliability.py                       # every scenario, quick profile (about what `make test` runs)
    python bench/reliability.py --long                # long profile (as `make fuzz`): thousands of inputs
    python bench/reliability.py --only generator      # or: service, or scenario keys (comma-separated)
    python bench/reliability.py --report-only         # rewrite RELIABILITY.md from the stored results
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "reliability.json"
REPORT = ROOT / "RELIABILITY.md"

# Where service tests live; paths that do not exist (yet) are left out of a run.
SERVICE = ["tests/service", "tests/service_reliability"]

QUICK = {"FUZZ_EXAMPLES": "25", "ROBUSTNESS_EXAMPLES": "30"}
LONG = {"FUZZ_EXAMPLES": "2000", "FUZZ_RANDOM": "1", "ROBUSTNESS_EXAMPLES": "1000", "ROBUSTNESS_RANDOM": "1"}


@dataclass(frozen=True)
class Scenario:
    """One reliability scenario: what it proves, the pytest selection that proves it, how to run it by hand."""

    key: str
    part: str
    title: str
    selection: list[str]
    command: str
    figures: tuple[str, ...] = ()
    fixed: tuple[str, ...] = field(default=())
    # Each word must appear in the name of a selected test, else the scenario is only partly covered.
    expects: tuple[str, ...] = ()


SCENARIOS = [
    Scenario(
        "differential",
        "generator",
        "Differential fuzzing: random kustomization trees render exactly as `kubectl kustomize` renders them,"
        " and fail when it fails",
        ["tests/fuzz"],
        "`make fuzz` (long, FUZZ_EXAMPLES); a seeded quick profile runs in `make test`",
    ),
    Scenario(
        "robustness",
        "generator",
        "Robustness: arbitrary bytes and structured-but-wrong YAML as a kustomization, resource or patch file"
        " (render, validate, lint, diff, stdin): exit 0, 1 or 2 with one message, no traceback, no hang",
        ["tests/reliability/test_robustness.py"],
        "`pytest tests/reliability/test_robustness.py` (ROBUSTNESS_EXAMPLES, ROBUSTNESS_RANDOM=1); long in `make fuzz`",
        fixed=(
            "`validate -` with invalid UTF-8 on stdin ended in a traceback (fixed: read as bytes, one error)",
            "a FIFO named as a resource, patch or generator file blocked the build forever (fixed: only regular"
            " files are read)",
            "a symlink loop, a file name too long for the OS or a NUL byte in a path ended in a traceback"
            " (fixed in the loader)",
            "`metadata.annotations` given as a list crashed the build (AttributeError); kubectl panics on it too"
            " (fixed: refused in one message; a scalar there is dropped, as kustomize drops it)",
        ),
    ),
    Scenario(
        "output",
        "generator",
        "Output failures: stdout on a full device, `-o` into a missing or impossible folder, `-o` to a device,"
        " a FIFO or a symlink",
        ["tests/reliability/test_output.py"],
        "`pytest tests/reliability/test_output.py`",
        fixed=(
            "a write error on stdout or `-o` (full disk, missing folder) ended in a traceback (fixed: one error)",
            "`-o /dev/full` (any device or FIFO) replaced the device node with a regular file, and `-o link`"
            " replaced the symlink (fixed: special files are written in place, symlinks followed)",
        ),
    ),
    Scenario(
        "limits",
        "generator",
        "Bounded time and memory: alias bombs, merge-key chains, deep nesting, 1 MiB of random bytes, 100 000"
        " documents, a 10 MB scalar, each in a real process under a 1 GiB address-space limit",
        ["tests/reliability/test_limits.py"],
        "`pytest tests/reliability/test_limits.py`",
        fixed=(),
    ),
    Scenario(
        "load-restriction",
        "generator",
        "Load restriction: files outside the root refused (`../`, absolute, symlinked file or directory),"
        " bases outside it allowed, each case compared with `kubectl kustomize`",
        ["tests/reliability/test_security.py", "-k", "outside or symlinked or absolute"],
        "`pytest tests/reliability/test_security.py -k 'outside or symlinked or absolute'`",
        fixed=(
            "an absolute path to a base directory was accepted; kustomize refuses it (fixed in the loader)",
        ),
    ),
    Scenario(
        "remote",
        "generator",
        "Remote resources (https, git URLs, `github.com/org/repo//path?ref=`, `git@`, `ssh://`, `file://`) in"
        " resources, components, patches and generators: refused with a clear message, no network attempted",
        ["tests/reliability/test_security.py", "-k", "remote"],
        "`pytest tests/reliability/test_security.py -k remote`",
    ),
    Scenario(
        "secret-masking",
        "generator",
        "`diff` and `explain` mask Secret data unless `--show-secrets`",
        [
            "tests/test_diff.py",
            "tests/test_explain.py",
            "tests/reliability/test_security.py",
            "-k",
            "masked or masks",
        ],
        "`pytest tests/test_diff.py tests/test_explain.py tests/reliability/test_security.py -k 'masked or masks'`",
    ),
    Scenario(
        "secret-errors",
        "generator",
        "No Secret value in error messages (secretGenerator sources, env files, JSON patch tests, replacements,"
        " malformed Secret manifests; render, validate, lint, diff)",
        ["tests/reliability/test_security.py", "-k", "secret_values"],
        "`pytest tests/reliability/test_security.py -k secret_values`",
        fixed=(
            "secretGenerator literal without '=' was quoted whole in the error (fixed: build errors are scrubbed"
            " of every Secret value the build has seen)",
            "a failing JSON 6902 `test` on a Secret and a replacement index out of bounds quoted the Secret's"
            " value (fixed the same way)",
            "validation findings on a Secret quoted its wrong-typed values (fixed: scrubbed in the validator)",
            "the YAML reader quoted a Secret's scalar with a wrong tag (`!!int value`) and the writer a Secret"
            " string with a control character it cannot write (fixed in the YAML reader and writer: Secret values hidden there)",
        ),
    ),
    Scenario(
        "crash-sqlite",
        "service",
        "Crash safety on SQLite: `kill -9` under load; after restart every acknowledged log is present once",
        [*SERVICE, "-k", "kill and not postgres"],
        "`pytest tests/service tests/service_reliability -k 'kill and not postgres'`",
        figures=("sent", "acknowledged", "found"),
        expects=("kill",),
    ),
    Scenario(
        "crash-postgres",
        "service",
        "Crash safety on PostgreSQL: `kill -9` under load; after restart every acknowledged log is present once",
        [*SERVICE, "-k", "kill and postgres"],
        "`pytest tests/service tests/service_reliability -k 'kill and postgres'`",
        figures=("sent", "acknowledged", "found"),
        expects=("kill",),
    ),
    Scenario(
        "graceful",
        "service",
        "Graceful shutdown: SIGTERM under load; in-flight requests finish, nothing acknowledged lost, exit 0"
        " within the grace period; the bundled client loses nothing across two rolling restarts",
        [*SERVICE, "-k", "sigterm or graceful or rolling_restarts"],
        "`pytest tests/service tests/service_reliability -k 'sigterm or graceful or rolling_restarts'`",
        figures=("sent", "acknowledged", "found"),
        expects=("sigterm", "rolling_restarts"),
    ),
    Scenario(
        "concurrency",
        "service",
        "Concurrency on PostgreSQL: several servers on one database, consumers with offsets see every log of"
        " their channel once, in id order",
        [*SERVICE, "-k", "replicas or concurren"],
        "`pytest tests/service tests/service_reliability -k 'replicas or concurren'`",
        figures=("sent", "acknowledged", "found"),
        expects=("replicas",),
    ),
    Scenario(
        "outage",
        "service",
        "Storage outage: PostgreSQL stopped under load; health DOWN, writes fail fast with 503/UNAVAILABLE,"
        " service resumes by itself",
        [*SERVICE, "-k", "outage"],
        "`pytest tests/service tests/service_reliability -k outage`",
        figures=("sent", "acknowledged", "found"),
    ),
    Scenario(
        "sqlite-faults",
        "service",
        "Storage faults on SQLite: disk full, lock held past the busy timeout, I/O error, read-only file system,"
        " read-only file; a failed write gets 503 and is never acknowledged, the client's retry stores it once",
        [*SERVICE, "-k", "faults_sqlite"],
        "`pytest tests/service_reliability -k faults_sqlite`",
        figures=("stored", "retries"),
        expects=("disk_full", "lock_held", "io_errors", "read_only"),
    ),
    Scenario(
        "api-fuzzing",
        "service",
        "API fuzzing: schemathesis against /openapi.json (no 5xx, no schema violation); malformed and oversized"
        " gRPC messages get clean errors",
        [*SERVICE, "-k", "schemathesis or fuzz or malformed"],
        "`pytest tests/service tests/service_reliability -k 'schemathesis or fuzz or malformed'`",
        expects=("schemathesis", "malformed"),
    ),
    Scenario(
        "abuse",
        "service",
        "Abuse: wrong or missing API keys never reach storage; rate limit per key; oversized bodies refused"
        " early; slow clients do not block others",
        [*SERVICE, "-k", "abuse or wrong_key or api_key or rate_limit or slow_client or oversized_body"],
        "`pytest tests/service tests/service_reliability -k 'abuse or wrong_key or api_key or rate_limit or slow_client or oversized_body'`",
        expects=("key", "rate_limit", "oversized", "slow"),
    ),
    Scenario(
        "soak",
        "service",
        "Soak: a few minutes at half the peak ingest rate; RSS flat, p99 latency within 2x of the first minute",
        [*SERVICE, "-k", "soak"],
        "`pytest tests/service tests/service_reliability -k soak`",
    ),
]

_HYPOTHESIS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")
_FIGURES = re.compile(r"RELIABILITY (\{.*\})")
# Figures printed less formally, e.g. "sent=1200 acknowledged=1180 found=1180": taken when a line has two or more.
_LOOSE = re.compile(
    r"\b(sent|acknowledged|acked|found|stored|lost|duplicates|requests|errors_5xx)[=: ]+(\d+)\b"
)


def _junit(path: Path) -> dict[str, Any]:
    """Counts and findings from a JUnit XML report."""
    out: dict[str, Any] = {"tests": 0, "passed": 0, "failed": 0, "skipped": 0, "xfailed": 0, "findings": []}
    if not path.is_file():
        return out
    for case in ET.parse(path).getroot().iter("testcase"):
        out["tests"] += 1
        name = case.get("name", "")
        out.setdefault("names", []).append(f"{case.get('classname', '')}.{name}")
        failure = case.find("failure")
        error = case.find("error")
        skipped = case.find("skipped")
        if failure is not None or error is not None:
            out["failed"] += 1
            node = failure if failure is not None else error
            assert node is not None
            first = (node.get("message") or node.text or "").strip().splitlines()
            out["findings"].append(f"FAILED {name}: {first[0][:300] if first else ''}")
        elif skipped is not None:
            if skipped.get("type") == "pytest.xfail":
                out["xfailed"] += 1
                out["findings"].append(f"known, not yet fixed: {name}: {skipped.get('message', '')[:300]}")
            else:
                out["skipped"] += 1
                out.setdefault("skip_reasons", []).append((skipped.get("message") or "")[:200])
        else:
            out["passed"] += 1
    return out


def _run_measured(cmd: list[str], env: dict[str, str]) -> tuple[int, str, str, int]:
    """Run ``cmd``; its exit code, output, error output and peak RSS in KiB (of the pytest process itself,
    which holds every in-process run; servers and CLI subprocesses it starts are not included)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    streams: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        streams[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=(n, f)) for n, f in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for t in readers:
        t.start()
    # wait4 rather than Popen.wait: it reports this child's own peak memory
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    decode = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return proc.returncode, decode(streams["out"]), decode(streams["err"]), usage.ru_maxrss


def run_scenario(s: Scenario, profile: dict[str, str]) -> dict[str, Any]:
    """Run one scenario's pytest selection; its counts, figures and findings."""
    with tempfile.TemporaryDirectory() as tmp:
        junit, stats = Path(tmp) / "junit.xml", Path(tmp) / "stats.json"
        env = {**os.environ, **profile, "RELIABILITY_STATS": str(stats)}
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            f"--junitxml={junit}",
            *(arg for arg in s.selection if not arg.startswith("tests/") or (ROOT / arg).exists()),
        ]
        started = time.monotonic()
        returncode, stdout, stderr, peak_kib = _run_measured(cmd, env)
        seconds = time.monotonic() - started
        result = _junit(junit)
        result["stats"] = json.loads(stats.read_text()) if stats.is_file() else {}
    result["seconds"] = round(seconds, 1)
    result["peak_rss_mib"] = peak_kib // 1024
    result["when"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["profile"] = "long" if profile is LONG else "quick"
    examples = [tuple(map(int, m)) for m in _HYPOTHESIS.findall(stdout)]
    if examples:
        result["examples"] = sum(e[0] + e[1] for e in examples)
        result["failing_examples"] = sum(e[1] for e in examples)
    figures = [json.loads(m) for m in _FIGURES.findall(stdout)]
    if not figures:
        for line in stdout.splitlines():
            pairs = _LOOSE.findall(line)
            if len(pairs) >= 2:
                figures.append({k: int(v) for k, v in pairs})
    if figures:
        result["figures"] = figures
    if returncode == 5 or (returncode == 0 and result["tests"] == 0):
        result["status"] = "not yet run (no test selected)"
    elif result["tests"] == 0:
        result["status"] = f"FAILED (pytest ended with code {returncode} before reporting)"
        result["findings"].append(
            "pytest did not finish: " + " / ".join((stdout + stderr).strip().splitlines()[-3:])
        )
    elif returncode in (0,) and result["passed"] == 0 and result["xfailed"] == 0:
        result["status"] = "skipped"
    elif returncode == 0:
        names = " ".join(result.get("names", [])).lower()
        missing = [w for w in s.expects if w not in names]
        result["status"] = f"passed; no test yet for: {', '.join(missing)}" if missing else "passed"
    else:
        result["status"] = "FAILED"
        if result["failed"] == 0:
            tail = (stdout + stderr).strip().splitlines()[-3:]
            result["findings"].append("pytest did not finish: " + " / ".join(tail))
    return result


def _plain(text: str) -> str:
    """Text for a Markdown cell: control characters (test ids may hold NUL) escaped, pipes escaped."""
    out = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return out.replace("|", "\\|")


def _value(v: Any) -> str:
    """One figure: numbers with separators, a mapping as ``key: value`` pairs (never a Python repr)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, dict):
        return ", ".join(f"{_plain(str(k))}: {_value(x)}" for k, x in v.items()) or "none"
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v) or "none"
    return _plain(str(v))


def _runs(r: dict[str, Any]) -> tuple[int, int]:
    """Command runs judged by the harness, and those that ended badly."""
    stats = r.get("stats", {}).values()
    return sum(st["runs"] for st in stats), sum(st["failures"] for st in stats)


def _figures_text(s: Scenario, r: dict[str, Any]) -> str:
    """One line for the console: tests, runs, inputs."""
    parts: list[str] = []
    if r.get("tests"):
        parts.append(f"{r['passed']}/{r['tests']} tests passed")
    runs, bad = _runs(r)
    if runs:
        parts.append(f"{runs:,} command runs, {bad} bad endings")
    if "examples" in r:
        parts.append(f"{r['examples']:,} generated inputs, {r['failing_examples']} failing")
    return "; ".join(parts) or "-"


def _anchor(key: str) -> str:
    return f"#scenario-{key}"


def _details(s: Scenario, r: dict[str, Any]) -> list[str]:
    """The section of one scenario: what it checks, tests, runs per input kind, figures, skips, findings."""
    lines = [f"### Scenario {s.key}", "", _plain(s.title), "", f"How to run: {s.command}", ""]
    if not r:
        return [*lines, "Not yet run.", ""]
    rows = [
        ("status", r["status"]),
        ("when", f"{r['when']}, {r['profile']} profile"),
        ("duration", f"{r['seconds']} s"),
    ]
    if r.get("tests"):
        rows.append(("tests passed", f"{r['passed']} of {r['tests']}"))
        for k in ("failed", "skipped", "xfailed"):
            if r.get(k):
                rows.append((f"tests {k}", str(r[k])))
    if r.get("peak_rss_mib"):
        rows.append(("peak RSS of the test process", f"{r['peak_rss_mib']} MiB"))
    if "examples" in r:
        rows.append(("generated inputs", f"{r['examples']:,} ({r['failing_examples']} failing)"))
    lines += ["| | |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows], ""]
    stats = r.get("stats", {})
    if stats:
        lines += [
            "| input and command | runs | exit 0 | exit 1 | exit 2 | bad endings | slowest s | peak RSS MiB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, st in sorted(stats.items()):
            lines.append(
                f"| {_plain(name)} | {st['runs']:,} | {st['exit_0']:,} | {st['exit_1']:,} | "
                f"{format(st['exit_2'], ',') if 'exit_2' in st else '-'} | "
                f"{st['failures']} | {st['slowest_s']:.2f} | {st.get('peak_rss_mib', '-')} |"
            )
        lines.append("")
    figures = [dict(f) for f in r.get("figures", [])]
    for fig in figures:
        name = fig.pop("scenario", None)
        lines += [f"Figures{f' of {_plain(name)}' if name else ''}:", "", "| figure | value |", "|---|---|"]
        lines += [f"| {_plain(str(k)).replace('_', ' ')} | {_value(v)} |" for k, v in fig.items()]
        lines.append("")
    if r.get("tests") and not figures and s.figures:
        lines += [
            f"The tests print no figures (they may print `RELIABILITY {{{', '.join(s.figures)}}}`).",
            "",
        ]
    if r.get("skip_reasons"):
        lines += ["Skipped:", "", *[f"- {_plain(x)}" for x in sorted(set(r["skip_reasons"]))], ""]
    items = list(r.get("findings", [])) + [f"fixed: {f}" for f in s.fixed]
    if items:
        lines += ["Findings:", "", *[f"- {_plain(i)}" for i in items], ""]
    # Test functions, their parametrized cases counted (case ids may be raw bytes: not printed).
    cases: dict[str, int] = {}
    for n in r.get("names", []):
        function = n.split("[", 1)[0]
        cases[function] = cases.get(function, 0) + 1
    if cases:
        shown = ", ".join(f"`{_plain(f)}`" + (f" ({c} cases)" if c > 1 else "") for f, c in cases.items())
        lines += [f"Tests: {shown}.", ""]
    return lines


def write_report(results: dict[str, Any]) -> None:
    """RELIABILITY.md from the stored results: a summary table per part (one figure per cell), then one
    section per scenario with its details."""
    lines = [
        "# Reliability and security",
        "",
        "Each reliability scenario, how to run it, and its last result. This file is written by"
        " `python bench/reliability.py` (`make reliability`) from the latest run of each scenario; do not edit it"
        " by hand. Quick profile: the sizes `make test` uses; long profile: `make reliability PROFILE=--long`"
        " or `make fuzz`. Exit codes are the commands' own: 0 success, 1 findings, 2 an error reported"
        " as one message; a *bad ending* is a traceback, a hang, several messages or none.",
        "",
    ]
    meta = results.get("_meta", {})
    if meta:
        lines += [
            f"Latest run of the runner: {meta.get('when', '?')}, commit {meta.get('commit', '?')}, "
            f"{meta.get('machine', '')}; each scenario below says when it last ran.",
            "",
        ]
    for part, heading in (
        ("generator", "Generator (`logpilot-manifests`)"),
        ("service", "Service (`logpilot-server`)"),
    ):
        lines += [
            f"## {heading}",
            "",
            "| scenario | result | last run | tests passed | command runs | bad endings |",
            "|---|---|---|---:|---:|---:|",
        ]
        for s in (s for s in SCENARIOS if s.part == part):
            r = results.get(s.key)
            link = f"[{s.key}]({_anchor(s.key)})"
            if r is None:
                lines.append(f"| {link} | not yet run | - | - | - | - |")
                continue
            runs, bad = _runs(r)
            status = r["status"].split(";")[0]
            tests = f"{r['passed']} / {r['tests']}" if r.get("tests") else "-"
            lines.append(
                f"| {link} | **{status}** | {r['when']} | {tests} | {f'{runs:,}' if runs else '-'} | "
                f"{bad if runs else '-'} |"
            )
        lines.append("")
    lines += ["## Scenarios", ""]
    for s in SCENARIOS:
        lines += _details(s, results.get(s.key) or {})
    lines += [
        "Service tests report their figures by printing one line per run:"
        ' `RELIABILITY {"sent": 12000, "acknowledged": 11900, "found": 11900}`; the runner shows them here.',
        "",
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def _meta() -> dict[str, str]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "?",
        "machine": f"{os.cpu_count()} CPUs, load average {load} at the start",
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--long", action="store_true", help="long profile (thousands of generated inputs)")
    parser.add_argument("--only", default="", help="generator, service, or scenario keys, comma-separated")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite RELIABILITY.md from stored results"
    )
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    if not args.report_only:
        wanted = {w.strip() for w in args.only.split(",") if w.strip()}
        chosen = [s for s in SCENARIOS if not wanted or s.part in wanted or s.key in wanted]
        unknown = wanted - {s.part for s in SCENARIOS} - {s.key for s in SCENARIOS}
        if unknown:
            parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
        results["_meta"] = _meta()
        for s in chosen:
            print(f"{s.key}: running {' '.join(s.selection)}", flush=True)
            r = run_scenario(s, LONG if args.long else QUICK)
            results[s.key] = r
            print(
                f"{s.key}: {r['status']} in {r['seconds']} s; {_figures_text(s, r)}",
                flush=True,
            )
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_report(results)
    print(f"wrote {REPORT.relative_to(ROOT)}")
    failed = [k for k, r in results.items() if not k.startswith("_") and r.get("status") == "FAILED"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
