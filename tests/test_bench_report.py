"""The benchmark report: targets judged PASS or MISS from a results file, capped reference points shown as
lower bounds, and the orchestrator writing a results file from a real benchmark run (no timing asserted)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.tools import missing

REPO_ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> Any:
    """A bench/ script as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO_ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


report = _load("report")
run_all = _load("run_all")


def timing(
    median: float, low: float | None = None, high: float | None = None, **extra: float
) -> dict[str, float]:
    return {"median": median, "min": low or median, "max": high or median, "cpu_median": median / 2, **extra}


def service_run(
    rest: float, grpc: float, single: float, p99: float, reads: float, rss: float
) -> dict[str, Any]:
    """One repetition of bench/service_ingest.py on SQLite."""

    def load(per_s: float, key: str) -> dict[str, float]:
        return {key: per_s, "p50_ms": 5.0, "p99_ms": p99, "errors": 0.0}

    return {
        "storage": "sqlite",
        "raw_ceiling_rows_per_s": 400_000.0,
        "rest_batch": load(rest, "logs_per_s"),
        "grpc_batch": load(grpc, "logs_per_s"),
        "rest_single": load(single, "req_per_s"),
        "read": load(reads, "logs_per_s"),
        "peak_rss_mib": rss,
        "bare": {"rest_batch": load(rest * 1.2, "logs_per_s")},
    }


def results_file(
    render_4k: float = 1.2,
    render_10k: float = 3.0,
    rss_10k: float = 120.0,
    rss_method: str | None = "launcher",
) -> dict[str, Any]:
    render = [
        {
            "resources": 1001,
            "ours": timing(0.5, rss_mib=40.0),
            "kubectl": timing(20.0, rss_mib=90),
            "ratio": 40.0,
        },
        {
            "resources": 2001,
            "ours": timing(0.7, rss_mib=45.0),
            "kubectl": None,
            "kubectl_lower_bound_s": 60.0,
            "kubectl_skipped": "capped by time budget (> 60 s at 2001 resources)",
        },
        {
            "resources": 4001,
            "ours": timing(render_4k, 1.1, 1.6, rss_mib=60.0),
            "kubectl": None,
            "kubectl_skipped": "capped by time budget (> 60 s at 2001 resources)",
        },
        {
            "resources": 10001,
            "ours": timing(render_10k, rss_mib=rss_10k),
            "kubectl": None,
            "kubectl_skipped": "capped by time budget (> 60 s at 2001 resources)",
        },
        {"small_overlay": {"ours": timing(0.3), "kubectl": timing(0.4)}},
    ]
    validate = {
        "kube_version": "1.37",
        "corpus": "rendered overlays",
        "budget_s": 60.0,
        "rows": [
            {
                "resources": 1000,
                "ours": timing(0.4, rss_mib=50.0),
                "kubernetes_validate": timing(30.0, rss_mib=60.0),
                "ratio": 75.0,
            }
        ],
    }
    return {
        **({"rss_method": rss_method} if rss_method else {}),
        "date": "2026-01-01T09:00:00+00:00",
        "mode": "full",
        "note": "Shared with a test run.",
        "machine": {
            "cpus": 2,
            "cpu_model": "Test CPU",
            "memory_gib": 8,
            "os": "Linux",
            "load_average_start": [3.0, 3.0, 3.0],
            "load_average_end": [2.0, 2.0, 2.0],
        },
        "tools": {"logpilot": "abc1234", "python": "3.11", "kubectl": "v1.32 (kustomize v5.5.0)"},
        "wall_s": 600,
        "benchmarks": {
            "render": {"command": "python bench/bench_render.py --reps 3", "data": render},
            "validate": {"data": validate},
            # --repeat 3: medians per storage with every repetition under "runs"
            "service": {
                "data": {
                    "results": [
                        {
                            "storage": "sqlite",
                            "runs": [
                                service_run(250_000, 160_000, 9_000, 20.0, 300_000, 90.0),
                                service_run(210_000, 100_000, 8_500, 40.0, 250_000, 95.0),
                                service_run(230_000, 140_000, 8_800, 25.0, 260_000, 92.0),
                            ],
                        }
                    ]
                }
            },
            "yamlio": {"error": "exited with code 1"},
        },
    }


def verdicts(checks: list[Any]) -> dict[str, bool | None]:
    return {c.what: c.passed for c in checks}


def test_render_targets_pass_when_medians_are_within_limits() -> None:
    checks = verdicts(report.render_checks(results_file()))
    assert checks["render 4,000 resources (whole process, wall)"] is True
    assert checks["render 10,000 resources (whole process, wall)"] is True
    assert checks["render 10,000 resources, peak RSS"] is True


def test_render_target_missed_is_reported_as_a_miss() -> None:
    checks = report.render_checks(results_file(render_10k=5.5, rss_10k=600.0))
    by_name = {c.what: c for c in checks}
    assert by_name["render 10,000 resources (whole process, wall)"].verdict.startswith("**MISS**")
    assert by_name["render 10,000 resources, peak RSS"].verdict == "**MISS**"
    assert by_name["render 4,000 resources (whole process, wall)"].verdict == "PASS"


def test_a_wall_time_miss_within_the_cpu_limit_says_so() -> None:
    busy = {c.what: c for c in report.render_checks(results_file(render_10k=5.5))}  # CPU 2.75 s
    slow = {c.what: c for c in report.render_checks(results_file(render_10k=9.0))}  # CPU 4.5 s
    name = "render 10,000 resources (whole process, wall)"
    assert busy[name].passed is False and "its CPU time is within the limit" in busy[name].verdict
    assert slow[name].verdict == "**MISS**"


def test_quadratic_growth_fails_the_linearity_check() -> None:
    linear = verdicts(report.render_checks(results_file(render_10k=5.0)))
    quadratic = verdicts(report.render_checks(results_file(render_10k=50.0)))
    name = "render time grows linearly (log-log slope, 1,000 → 10,000 resources)"
    assert linear[name] is True
    assert quadratic[name] is False


def test_service_targets_are_judged_on_the_median_of_the_runs() -> None:
    checks = verdicts(report.service_checks(results_file()))
    assert checks["SQLite: REST ingest, batches of 1,000"] is True  # median 230,000
    assert checks["SQLite: gRPC ingest, batches of 1,000"] is False  # median 140,000 < 150,000
    assert checks["SQLite: REST single-entry p99 latency, 64 connections"] is True  # median 25 ms
    assert checks["SQLite: server peak RSS"] is True


def test_capped_reference_is_a_lower_bound_in_tables_and_headlines() -> None:
    results = results_file()
    section = report.render_section(results, "bench/plots")
    assert "> 60 s, capped by time budget" in section
    assert "not run (a smaller size was capped by the time budget)" in section
    heads = report.headlines(results)
    assert any("kubectl kustomize takes 40.0× as long as ours at 1,001 resources" in h for h in heads)
    assert any("more than 86× at 2,001" in h for h in heads)


def test_report_states_a_shared_machine_and_incomplete_benchmarks(tmp_path: Path) -> None:
    if importlib.util.find_spec("matplotlib") is None:
        missing("matplotlib (the bench extra)", "pip install -e '.[bench]'")
    md = tmp_path / "BENCHMARKS.md"
    report.write(results_file(), md, tmp_path / "plots")
    text = md.read_text()
    assert "**The machine was shared.** Shared with a test run." in text
    assert "Incomplete benchmarks: yamlio: exited with code 1." in text
    assert (
        "| SQLite: gRPC ingest, batches of 1,000 | ≥ 150,000 logs/s | 140,000 (100,000–160,000) logs/s | **MISS** |"
        in text
    )
    for name in ("render", "validate", "ingest", "latency"):
        assert (tmp_path / "plots" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
        assert f"](plots/{name}.png)" in text


def test_run_all_writes_machine_tools_and_a_benchmark_result(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bench" / "run_all.py"),
            "--only",
            "nameref",
            "--results",
            str(out),
            "--no-report",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["machine"]["cpus"] >= 1 and results["machine"]["cpu_model"]
    assert results["tools"]["python"] and results["tools"]["sqlite"]
    nameref = results["benchmarks"]["nameref"]
    assert nameref["command"] == "python bench/bench_nameref.py"
    assert set(nameref["data"]) == {"name references", "replacements (1 source, 1/10 of the Deployments)"}
    assert list(results["benchmarks"]) == ["nameref"]


def test_version_numbers_are_taken_from_version_lines() -> None:
    assert run_all._version("wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer") == "4.1.0-3"
    assert run_all._version("initdb (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == "15.18"
    assert run_all._version(None) is None


def _startup_results(ours: float, kubectl: float) -> dict[str, Any]:
    side = {"median": 0.0, "min": 0.0, "max": 0.0, "cpu_median": 0.0, "rss_mib": 20.0}
    data = {
        "dir": "overlays/development",
        "reps": 30,
        "ours": {**side, "median": ours, "cpu_median": ours / 2},
        "kubectl": {**side, "median": kubectl, "cpu_median": kubectl / 2},
        "ratio": ours / kubectl,
        "cpu_ratio": ours / kubectl,
        "target_ratio": 0.6,
    }
    return {"benchmarks": {"startup": {"data": data}}}


def test_startup_ratio_is_judged_against_its_target() -> None:
    (passed,) = report.startup_checks(_startup_results(0.05, 0.1))
    (missed,) = report.startup_checks(_startup_results(0.08, 0.1))
    assert passed.passed is True and passed.measured.startswith("0.50×")
    assert missed.passed is False and missed.verdict == "**MISS**"
    assert report.startup_checks({"benchmarks": {}}) == []


def test_peak_rss_is_shown_only_when_measured_as_the_tool_s_own() -> None:
    old = results_file(rss_method=None)
    assert "rss_method" not in old
    section = report.validate_section(old, "bench/plots")
    assert "| 1,000 | 0.400 s | 0.200 | n/a |" in section and "| 60 |" not in section
    assert not any("peak RSS" in c.what for c in report.render_checks(old))
    fixed = {**old, "rss_method": run_all.RSS_METHOD}
    assert "| 1,000 | 0.400 s | 0.200 | 50 |" in report.validate_section(fixed, "bench/plots")
    assert any("peak RSS" in c.what for c in report.render_checks(fixed))


def test_readme_speed_figures_are_replaced_between_their_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n{report.README_START}\nold figures\n{report.README_END}\nafter\n")
    results = results_file(rss_method=None)
    checks = report.render_checks(results) + report.validate_checks(results) + report.service_checks(results)
    paragraph = report.readme_speed(results, checks, report.headlines(results), "`r.json`")
    assert report.update_readme(readme, paragraph)
    text = readme.read_text()
    assert "old figures" not in text and text.startswith("# x\n\nbefore\n") and text.endswith("after\n")
    assert "Figures of the full run of 2026-01-01 (`r.json`)" in text
    assert "missed SQLite: gRPC ingest, batches of 1,000" in text
    assert not report.update_readme(tmp_path / "README.md", paragraph) or "old" not in readme.read_text()


def test_the_readme_quotes_the_latest_results_file() -> None:
    """README's speed figures are the report's of the newest full results file, not typed by hand."""
    latest = sorted((REPO_ROOT / "bench" / "results").glob("[0-9]*.json"))[-1]
    results = json.loads(latest.read_text())
    checks = report.render_checks(results) + report.validate_checks(results) + report.service_checks(results)
    source = f"`{latest.relative_to(REPO_ROOT)}`"
    paragraph = report.readme_speed(results, checks, report.headlines(results), source)
    readme = (REPO_ROOT / "README.md").read_text()
    assert f"{report.README_START}\n{paragraph}\n{report.README_END}" in readme
