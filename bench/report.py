"""Turns one results file of bench/run_all.py into BENCHMARKS.md (a table per benchmark, targets judged
PASS or MISS) and the PNG plots it embeds.

    python bench/report.py bench/results/<date>.json [--md BENCHMARKS.md] [--plots bench/plots]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# The targets of the project's issues, judged on the median of each measurement.
RENDER_TARGETS = {4000: 1.5, 10000: 4.0}
RENDER_RSS_MIB = 500.0
RENDER_LINEAR_SLOPE = 1.15
VALIDATE_TARGETS = {1000: 0.5}
SERVICE_TARGETS = {
    "rest_batch": ("logs_per_s", 200_000, "REST ingest, batches of 1,000", "logs/s"),
    "grpc_batch": ("logs_per_s", 150_000, "gRPC ingest, batches of 1,000", "logs/s"),
    "rest_single": ("req_per_s", 8_000, "REST single-entry requests, 64 connections", "req/s"),
    "read": ("logs_per_s", 200_000, "consumer reads", "logs/s"),
}
SERVICE_P99_MS = 30.0
SERVICE_RSS_MIB = 150.0
SCENARIOS = [
    # (result key, label, figure, unit)
    ("rest_batch", "REST batch 1,000 (8 connections)", "logs_per_s", "logs/s"),
    ("grpc_batch", "gRPC batch 1,000 (8 concurrent calls)", "logs_per_s", "logs/s"),
    ("rest_single", "REST single entry (64 connections)", "req_per_s", "req/s"),
    ("read", "consumer reads (5,000 per page)", "logs_per_s", "logs/s"),
]


@dataclass
class Check:
    """One target of the report: what, the target, what was measured, and whether it was met."""

    what: str
    target: str
    measured: str
    passed: bool | None
    remark: str = ""

    @property
    def verdict(self) -> str:
        plain = "n/a" if self.passed is None else "PASS" if self.passed else "**MISS**"
        return f"{plain} ({self.remark})" if self.remark else plain


def _cpu_remark(row: dict[str, Any] | None, limit: float) -> str:
    """Said of a wall-time miss whose CPU time is within the limit: the process waited for a busy machine."""
    if row is None or row["ours"]["median"] <= limit or row["ours"].get("cpu_median", limit + 1) > limit:
        return ""
    return "wall time only: its CPU time is within the limit, the rest was waiting for a busy machine"


# --- formatting ------------------------------------------------------------------------------------------


def secs(v: float) -> str:
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def spread(d: dict[str, float], unit: str = " s") -> str:
    """'median (min–max)' of a timing summary."""
    if d["min"] == d["max"]:
        return f"{secs(d['median'])}{unit}"
    return f"{secs(d['median'])}{unit} ({secs(d['min'])}–{secs(d['max'])})"


def num(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def num_spread(values: list[float]) -> str:
    s = stats(values)
    return num(s["median"]) if len(values) == 1 else f"{num(s['median'])} ({num(s['min'])}–{num(s['max'])})"


def table(header: list[str], rows: Iterable[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- reading the results ---------------------------------------------------------------------------------


def data(results: dict[str, Any], name: str) -> Any:
    return results["benchmarks"].get(name, {}).get("data")


def render_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in data(results, "render") or [] if "resources" in r]


def validate_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    d = data(results, "validate")
    return d["rows"] if d else []


def service_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The service benchmark's output (a list, so that results of separate processes could be pooled)."""
    d = data(results, "service")
    return [d] if d else []


def storages(results: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for run in service_runs(results):
        for s in run["results"]:
            if s["storage"] not in seen:
                seen.append(s["storage"])
    return seen


def service_values(
    results: dict[str, Any], storage: str, pick: Callable[[dict[str, Any]], float | None]
) -> list[float]:
    """One figure of one storage across the service runs (missing ones left out)."""
    out: list[float] = []
    for run in service_runs(results):
        for summary in run["results"]:
            if summary["storage"] != storage:
                continue
            # With --repeat the benchmark keeps each repetition under "runs" beside its medians.
            for s in summary.get("runs") or [summary]:
                try:
                    v = pick(s)
                except (KeyError, TypeError):
                    v = None
                if v is not None:
                    out.append(float(v))
    return out


def closest(rows: list[dict[str, Any]], n: int) -> dict[str, Any] | None:
    """The row whose resource count is n (the fixtures add one generated ConfigMap), within 1%."""
    for r in rows:
        if abs(r["resources"] - n) <= max(2, n // 100):
            return r
    return None


def reference_summary(
    rows: list[dict[str, Any]], ref: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The largest row where the reference finished, and the first row where it was capped by the budget."""
    measured = [r for r in rows if r.get(ref)]
    capped = [r for r in rows if r.get(f"{ref}_lower_bound_s")]
    return (measured[-1] if measured else None), (capped[0] if capped else None)


# --- checks ----------------------------------------------------------------------------------------------


def render_checks(results: dict[str, Any]) -> list[Check]:
    rows = render_rows(results)
    checks: list[Check] = []
    for n, limit in RENDER_TARGETS.items():
        r = closest(rows, n)
        measured = (
            "not measured" if r is None else f"{spread(r['ours'])}, CPU {secs(r['ours']['cpu_median'])} s"
        )
        checks.append(
            Check(
                f"render {n:,} resources (whole process, wall)",
                f"≤ {limit} s",
                measured,
                None if r is None else r["ours"]["median"] <= limit,
                _cpu_remark(r, limit),
            )
        )
    small, large = closest(rows, 1000), closest(rows, 10000)
    if small and large:
        slope = math.log(large["ours"]["median"] / small["ours"]["median"]) / math.log(
            large["resources"] / small["resources"]
        )
        cpu_slope = math.log(large["ours"]["cpu_median"] / small["ours"]["cpu_median"]) / math.log(
            large["resources"] / small["resources"]
        )
        checks.append(
            Check(
                "render time grows linearly (log-log slope, 1,000 → 10,000 resources)",
                f"≤ {RENDER_LINEAR_SLOPE} (1 = linear, 2 = quadratic)",
                f"{slope:.2f} (CPU time {cpu_slope:.2f})",
                slope <= RENDER_LINEAR_SLOPE,
            )
        )
    if large:
        rss = large["ours"]["rss_mib"]
        checks.append(
            Check(
                "render 10,000 resources, peak RSS",
                f"< {RENDER_RSS_MIB:.0f} MiB",
                f"{rss:.0f} MiB",
                rss < RENDER_RSS_MIB,
            )
        )
    return checks


def startup_checks(results: dict[str, Any]) -> list[Check]:
    d = data(results, "startup")
    if not d:
        return []
    o, k = d["ours"], d["kubectl"]
    return [
        Check(
            f"render --no-validate {d['dir']} against kubectl kustomize (whole process, wall, alternating)",
            f"≤ {d['target_ratio']}×",
            f"{d['ratio']:.2f}× ({secs(o['median'])} s / {secs(k['median'])} s; CPU {d['cpu_ratio']:.2f}×)",
            d["ratio"] <= d["target_ratio"],
        )
    ]


def validate_checks(results: dict[str, Any]) -> list[Check]:
    rows = validate_rows(results)
    checks = []
    for n, limit in VALIDATE_TARGETS.items():
        r = closest(rows, n)
        measured = (
            "not measured" if r is None else f"{spread(r['ours'])}, CPU {secs(r['ours']['cpu_median'])} s"
        )
        checks.append(
            Check(
                f"validate {n:,} resources (whole process, wall)",
                f"≤ {limit} s",
                measured,
                None if r is None else r["ours"]["median"] <= limit,
                _cpu_remark(r, limit),
            )
        )
    return checks


def service_checks(results: dict[str, Any]) -> list[Check]:
    checks = []
    if "sqlite" not in storages(results):
        return [Check("service ingest on SQLite", "see below", "not measured", None)]
    for key, (figure, limit, label, unit) in SERVICE_TARGETS.items():
        values = service_values(results, "sqlite", lambda s, k=key, f=figure: s[k][f])
        checks.append(
            Check(
                f"SQLite: {label}",
                f"≥ {limit:,} {unit}",
                f"{num_spread(values)} {unit}" if values else "not measured",
                statistics.median(values) >= limit if values else None,
            )
        )
    p99 = service_values(results, "sqlite", lambda s: s["rest_single"]["p99_ms"])
    checks.append(
        Check(
            "SQLite: REST single-entry p99 latency, 64 connections",
            f"< {SERVICE_P99_MS:.0f} ms",
            f"{num_spread(p99)} ms" if p99 else "not measured",
            statistics.median(p99) < SERVICE_P99_MS if p99 else None,
        )
    )
    rss = service_values(results, "sqlite", lambda s: s["peak_rss_mib"])
    checks.append(
        Check(
            "SQLite: server peak RSS",
            f"< {SERVICE_RSS_MIB:.0f} MiB",
            f"{num_spread(rss)} MiB" if rss else "not measured",
            max(rss) < SERVICE_RSS_MIB if rss else None,
        )
    )
    return checks


# --- plots -----------------------------------------------------------------------------------------------


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "font.size": 9})
    return plt


def _errbars(points: list[dict[str, Any]]) -> list[list[float]]:
    return [[p["median"] - p["min"] for p in points], [p["max"] - p["median"] for p in points]]


def scaling_plot(
    rows: list[dict[str, Any]],
    ref: str,
    ref_label: str,
    targets: dict[int, float],
    title: str,
    path: Path,
) -> None:
    """Time against resources on log axes: ours, the reference, its capped point and our targets."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xs = [r["resources"] for r in rows]
    ours = [r["ours"] for r in rows]
    ax.errorbar(
        xs,
        [o["median"] for o in ours],
        yerr=_errbars(ours),
        marker="o",
        capsize=3,
        label="logpilot-manifests",
    )
    measured = [r for r in rows if r.get(ref)]
    if measured:
        ax.errorbar(
            [r["resources"] for r in measured],
            [r[ref]["median"] for r in measured],
            yerr=_errbars([r[ref] for r in measured]),
            marker="s",
            capsize=3,
            label=ref_label,
        )
    capped = next((r for r in rows if r.get(f"{ref}_lower_bound_s")), None)
    if capped:
        bound = capped[f"{ref}_lower_bound_s"]
        ax.scatter(
            [capped["resources"]],
            [bound],
            marker="^",
            s=80,
            color="C1",
            zorder=5,
            label=f"{ref_label}: > {bound:.0f} s, capped by time budget",
        )
        # Drawn only from a point where the build, not start-up, dominates kubectl's time.
        if measured and measured[-1]["resources"] >= 1000:
            last = measured[-1]
            x0, y0 = last["resources"], last[ref]["median"]
            xs_q = [x0 * (xs[-1] / x0) ** (i / 20) for i in range(21)]
            ax.plot(
                xs_q,
                [y0 * (x / x0) ** 2 for x in xs_q],
                linestyle=":",
                color="C1",
                alpha=0.6,
                label=f"{ref_label}: quadratic growth from its last measured point (not measured)",
            )
    if targets:
        tx = sorted(targets)
        ax.scatter(
            tx, [targets[t] for t in tx], marker="x", s=70, color="C3", zorder=6, label="target (ours)"
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("resources")
    ax.set_ylabel("seconds, whole process (median, min–max)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def ingest_plot(results: dict[str, Any], path: Path) -> None:
    """Logs/s by protocol and batch size per storage, the raw ceiling as a horizontal line."""
    plt = _pyplot()
    names = storages(results)
    fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 5), squeeze=False)
    for ax, storage in zip(axes[0], names, strict=True):
        labels, ours, bare = [], [], []
        for key, label, figure, _ in SCENARIOS:
            values = service_values(results, storage, lambda s, k=key, f=figure: s[k][f])
            if not values:
                continue
            labels.append(label.replace(" (", "\n("))
            ours.append(stats(values))
            b = service_values(results, storage, lambda s, k=key, f=figure: s["bare"][k][f])
            bare.append(stats(b) if b else None)
        xs = list(range(len(labels)))
        width = 0.38
        ax.bar(
            [x - width / 2 for x in xs],
            [o["median"] for o in ours],
            width,
            yerr=_errbars(ours),
            capsize=3,
            label="LogPilot service",
        )
        bare_x = [x + width / 2 for x, b in zip(xs, bare, strict=True) if b]
        bare_v = [b for b in bare if b]
        if bare_v:
            ax.bar(
                bare_x,
                [b["median"] for b in bare_v],
                width,
                yerr=_errbars(bare_v),
                capsize=3,
                label="bare reference server",
                color="C2",
            )
        raw = service_values(results, storage, lambda s: s["raw_ceiling_rows_per_s"])
        if raw:
            how = "executemany" if storage == "sqlite" else "COPY"
            ax.axhline(
                statistics.median(raw),
                color="C3",
                linestyle="--",
                label=f"raw {storage} ceiling: {num(statistics.median(raw))} rows/s ({how}, 1,000 rows/txn)",
            )
        ax.set_xticks(xs, labels, fontsize=7)
        ax.set_yscale("log")
        lowest = min([o["min"] for o in ours] + [b["min"] for b in bare_v])
        ax.set_ylim(bottom=10 ** math.floor(math.log10(lowest / 2)))
        ax.set_ylabel("logs/s (single entry: requests/s)")
        ax.set_title(f"ingest and reads on {storage}")
        ax.grid(True, axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def latency_plot(results: dict[str, Any], path: Path) -> None:
    """p50 and p99 per scenario and storage (per request or per call, client side)."""
    plt = _pyplot()
    names = storages(results)
    fig, ax = plt.subplots(figsize=(8, 5))
    groups = [(key, label) for key, label, _, _ in SCENARIOS]
    width = 0.8 / max(1, 2 * len(names))
    i = 0
    lows: list[float] = [SERVICE_P99_MS]
    for storage in names:
        for pct, hatch in (("p50_ms", ""), ("p99_ms", "//")):
            vals = [
                stats(v) if (v := service_values(results, storage, lambda s, k=key, p=pct: s[k][p])) else None
                for key, _ in groups
            ]
            xs = [g + (i - len(names) + 0.5) * width for g in range(len(groups))]
            present = [(x, v) for x, v in zip(xs, vals, strict=True) if v]
            lows += [v["min"] for _, v in present]
            if present:
                ax.bar(
                    [x for x, _ in present],
                    [v["median"] for _, v in present],
                    width,
                    yerr=_errbars([v for _, v in present]),
                    capsize=2,
                    hatch=hatch,
                    color=f"C{names.index(storage)}",
                    edgecolor="black",
                    linewidth=0.5,
                    label=f"{storage} {pct[:3]}",
                )
            i += 1
    ax.axhline(
        SERVICE_P99_MS,
        color="C3",
        linestyle="--",
        label=f"target p99 < {SERVICE_P99_MS:.0f} ms (REST single)",
    )
    ax.set_xticks(range(len(groups)), [label.replace(" (", "\n(") for _, label in groups], fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(bottom=10 ** math.floor(math.log10(min(lows) / 2)))
    ax.set_ylabel("latency per request, ms (client side)")
    ax.set_title("latency percentiles")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --- the document ----------------------------------------------------------------------------------------


def headlines(results: dict[str, Any]) -> list[str]:
    """The ratios worth a sentence in the README."""
    out = []
    for rows, ref, label, what in (
        (render_rows(results), "kubectl", "kubectl kustomize", "render"),
        (validate_rows(results), "kubernetes_validate", "the kubernetes-validate CLI", "validate"),
    ):
        measured, capped = reference_summary(rows, ref)
        parts = []
        if measured:
            parts.append(
                f"{label} takes {measured[ref]['median'] / measured['ours']['median']:.1f}× as long as ours at "
                f"{measured['resources']:,} resources ({secs(measured[ref]['median'])} s against "
                f"{secs(measured['ours']['median'])} s)"
            )
        if capped:
            bound = capped[f"{ref}_lower_bound_s"]
            parts.append(
                f"more than {bound / capped['ours']['median']:.0f}× at {capped['resources']:,} "
                f"({label} stopped at the {bound:.0f} s budget, ours {secs(capped['ours']['median'])} s)"
            )
        if parts:
            out.append(f"{what}: " + "; ".join(parts))
    if "sqlite" in storages(results):
        raw = service_values(results, "sqlite", lambda s: s["raw_ceiling_rows_per_s"])
        parts = []
        for key, label in (("rest_batch", "REST"), ("grpc_batch", "gRPC")):
            v = service_values(results, "sqlite", lambda s, k=key: s[k]["logs_per_s"])
            if v and raw:
                parts.append(
                    f"{label} {num(statistics.median(v))} logs/s "
                    f"({statistics.median(v) / statistics.median(raw):.0%} of raw SQLite executemany)"
                )
        if parts:
            out.append("ingest on SQLite, batches of 1,000: " + ", ".join(parts))
    return out


def machine_section(results: dict[str, Any]) -> str:
    m, t = results["machine"], results["tools"]
    start, end = m["load_average_start"][0], m.get("load_average_end", [float("nan")])[0]
    lines = [
        f"Run {results['date']} ({results['mode']} set), commit `{t.get('logpilot')}`, "
        f"{results.get('wall_s', 0) / 60:.1f} minutes in all.",
        "",
        f"- Machine: {m['cpus']} CPUs, {m['cpu_model']}, {m.get('memory_gib')} GiB, {m['os']}.",
        f"- Load average (1 min): {start:.1f} at the start, {end:.1f} at the end (the end includes the"
        " benchmarks' own servers and load generators).",
        "- Tools: " + ", ".join(f"{k} {v}" for k, v in t.items() if v and k != "logpilot") + ".",
    ]
    # Only the load before the first benchmark says whether other work shared the machine: by the end,
    # the benchmarks' own servers and load generators have raised it.
    busy = start > 0.5 * (m["cpus"] or 1)
    if results.get("note") or busy:
        lines += [
            "",
            "> **The machine was shared.** "
            + (
                results.get("note") + " "
                if results.get("note")
                else "Other work was running during the run. "
            )
            + "Wall times are therefore longer than on an idle machine and vary more; both sides of every comparison ran in the same run, interleaved, so the ratios"
            " hold. CPU time (user + system of the measured process) is given beside wall time.",
        ]
    return "\n".join(lines)


def _not_run(reason: str) -> str:
    """Why a reference point has no figure: a smaller size already ran past the budget, or the tool is missing."""
    return "not run (a smaller size was capped by the time budget)" if reason.startswith("capped") else reason


def _command(results: dict[str, Any], name: str) -> str:
    cmd = results["benchmarks"].get(name, {}).get("command")
    return f"Command: `{cmd}`." if cmd else ""


def render_section(results: dict[str, Any], rel: str) -> str:
    rows = render_rows(results)
    if not rows:
        return "## Render\n\nNot measured: " + results["benchmarks"].get("render", {}).get("error", "not run")
    cmd = results["benchmarks"]["render"].get("command", "").split()
    reps = cmd[cmd.index("--reps") + 1] if "--reps" in cmd else None
    body = []
    for r in rows:
        k = r.get("kubectl")
        if k:
            kube = [spread(k), secs(k["cpu_median"]), f"{k['rss_mib']:.0f}", f"{r['ratio']:.1f}×"]
        elif r.get("kubectl_lower_bound_s"):
            b = r["kubectl_lower_bound_s"]
            kube = [f"> {b:.0f} s, capped by time budget", "", "", f"> {b / r['ours']['median']:.0f}×"]
        else:
            kube = [_not_run(r.get("kubectl_skipped", "not run")), "", "", ""]
        o = r["ours"]
        body.append([f"{r['resources']:,}", spread(o), secs(o["cpu_median"]), f"{o['rss_mib']:.0f}", *kube])
    header = [
        "resources",
        "logpilot-manifests wall",
        "CPU s",
        "peak RSS MiB",
        "kubectl kustomize wall",
        "CPU s",
        "peak RSS MiB",
        "kubectl / ours",
    ]
    small = next((r["small_overlay"] for r in data(results, "render") if "small_overlay" in r), None)
    text = [
        "## Render: `logpilot-manifests render` against `kubectl kustomize`",
        "",
        "N Deployment + Service pairs with namespace, namePrefix, labels with selectors, an image override and a "
        "configMapGenerator every Deployment references (`bench/render_fixture.py`), rendered by each tool as a "
        "whole process (start-up included, output discarded; ours with `--no-validate`, as kubectl does not "
        "validate). The two tools alternate, run after run. Wall time is the median (min–max)"
        + (f" of {reps} runs" if reps and reps != "1" else " of one run" if reps else "")
        + "; a kubectl run past the time budget is stopped, its point is marked *capped by time budget* "
        "(the budget is a lower bound) and the larger points are not run.",
        "",
        table(header, body),
        "",
        _command(results, "render"),
    ]
    if small:
        text += [
            "",
            f"The small development overlay (`overlays/development`, start-up dominated): ours {spread(small['ours'])}, "
            f"kubectl {spread(small['kubectl'])}, ratio {small['kubectl']['median'] / small['ours']['median']:.2f}×.",
        ]
    text += [
        "",
        table(
            ["target", "limit", "measured", "verdict"],
            [[c.what, c.target, c.measured, c.verdict] for c in render_checks(results)],
        ),
    ]
    text += ["", f"![render time against resources]({rel}/render.png)"]
    return "\n".join(text)


def validate_section(results: dict[str, Any], rel: str) -> str:
    rows = validate_rows(results)
    if not rows:
        return "## Validation\n\nNot measured: " + results["benchmarks"].get("validate", {}).get(
            "error", "not run"
        )
    d = data(results, "validate")
    body = []
    for r in rows:
        k = r.get("kubernetes_validate")
        if k:
            ref = [spread(k), secs(k["cpu_median"]), f"{k['rss_mib']:.0f}", f"{r['ratio']:.1f}×"]
        elif r.get("kubernetes_validate_lower_bound_s"):
            b = r["kubernetes_validate_lower_bound_s"]
            ref = [f"> {b:.0f} s, capped by time budget", "", "", f"> {b / r['ours']['median']:.0f}×"]
        else:
            ref = [_not_run(r.get("kubernetes_validate_skipped", "not run")), "", "", ""]
        o = r["ours"]
        body.append([f"{r['resources']:,}", spread(o), secs(o["cpu_median"]), f"{o['rss_mib']:.0f}", *ref])
    header = [
        "resources",
        "logpilot-manifests validate",
        "CPU s",
        "peak RSS MiB",
        "kubernetes-validate CLI",
        "CPU s",
        "peak RSS MiB",
        "theirs / ours",
    ]
    checks = validate_checks(results)
    return "\n".join(
        [
            "## Validation: `logpilot-manifests validate` against the `kubernetes-validate` CLI",
            "",
            f"The same rendered file ({d['corpus']}, copied with distinct names up to each size; built-in kinds "
            f"only), strict, Kubernetes {d['kube_version']}, each tool a whole process, alternating. Median "
            f"(min–max); a kubernetes-validate run past {d['budget_s']:.0f} s is stopped and marked *capped by "
            "time budget*.",
            "",
            table(header, body),
            "",
            _command(results, "validate"),
            "",
            table(
                ["target", "limit", "measured", "verdict"],
                [[c.what, c.target, c.measured, c.verdict] for c in checks],
            ),
            "",
            f"![validation time against resources]({rel}/validate.png)",
        ]
    )


def service_section(results: dict[str, Any], rel: str) -> str:
    record = results["benchmarks"].get("service", {})
    runs = service_runs(results)
    if not runs:
        return "## Service ingest and reads\n\nNot measured: " + record.get("error", "not run")
    n = max(
        len(service_values(results, st, lambda s: s["raw_ceiling_rows_per_s"])) for st in storages(results)
    )
    text = [
        "## Service: ingest and reads",
        "",
        "`bench/service_ingest.py` starts `logpilot-server` (API-key auth and metrics on, as in production) and "
        "drives it from the same machine: REST with `wrk`, gRPC from a grpc.aio client, one consumer paging "
        "through everything. The raw ceiling (SQLite `executemany`, PostgreSQL `COPY`, 1,000 rows per "
        "transaction, the service's schema) and the bare reference servers (`bench/service_bare.py`: the least "
        "code that writes requests to SQLite) are measured in the same run. Figures are "
        + (f"the median (min–max) of {n} runs" if n > 1 else "from one run")
        + "; latencies are client side, per request.",
        "",
        _command(results, "service"),
    ]
    for storage in storages(results):
        raw = service_values(results, storage, lambda s: s["raw_ceiling_rows_per_s"])
        how = "executemany" if storage == "sqlite" else "COPY"
        body = []
        for key, label, figure, unit in SCENARIOS:
            v = service_values(results, storage, lambda s, k=key, f=figure: s[k][f])
            if not v:
                continue
            p50 = service_values(results, storage, lambda s, k=key: s[k]["p50_ms"])
            p99 = service_values(results, storage, lambda s, k=key: s[k]["p99_ms"])
            b = service_values(results, storage, lambda s, k=key, f=figure: s["bare"][k][f])
            target = SERVICE_TARGETS.get(key)
            judged = storage == "sqlite" and target is not None
            verdict = ("PASS" if statistics.median(v) >= target[1] else "**MISS**") if judged else ""
            body.append(
                [
                    label,
                    f"{num_spread(v)} {unit}",
                    num_spread(p50),
                    num_spread(p99),
                    f"{num_spread(b)} {unit} (LogPilot {statistics.median(v) / statistics.median(b):.0%} of it)"
                    if b
                    else "",
                    f"{statistics.median(v) / statistics.median(raw):.0%}" if raw and key != "read" else "",
                    f"≥ {target[1]:,}" if judged else "",
                    verdict,
                ]
            )
        rss = service_values(results, storage, lambda s: s["peak_rss_mib"])
        text += [
            "",
            f"### {storage}",
            "",
            f"Raw ceiling ({how}, 1,000 rows per transaction): {num_spread(raw)} rows/s."
            if raw
            else "Raw ceiling: not measured.",
            "",
            table(
                [
                    "scenario",
                    "LogPilot",
                    "p50 ms",
                    "p99 ms",
                    "bare reference",
                    "of raw ceiling",
                    "target",
                    "verdict",
                ],
                body,
            ),
            "",
            f"Server peak RSS: {num_spread(rss)} MiB." if rss else "",
        ]
    checks = service_checks(results)
    text += [
        "",
        "### Targets (SQLite)",
        "",
        table(
            ["target", "limit", "measured", "verdict"],
            [[c.what, c.target, c.measured, c.verdict] for c in checks],
        ),
        "",
        f"![ingest logs/s by protocol and batch size]({rel}/ingest.png)",
        "",
        f"![latency percentiles]({rel}/latency.png)",
    ]
    if record.get("error"):
        text += ["", f"Note: {record['error']}."]
    return "\n".join(text)


def engine_section(results: dict[str, Any]) -> str:
    text = [
        "## Engine micro-benchmarks",
        "",
        "In-process timings of single engine passes (`bench/bench_yamlio.py`: best of its repetitions; "
        "`bench/bench_smp.py`: one pass against kubectl's build with the patch minus without it, results "
        "checked identical; `bench/bench_nameref.py`: least CPU time of three).",
        "",
    ]
    rows = []
    y = data(results, "yamlio")
    if y:
        rows.append(
            [
                f"YAML dump, {y['resources']:,} resources ({y['mb']:.1f} MB)",
                f"{secs(y['dump_ours'])} s (first run {secs(y['dump_ours_first'])} s)",
                f"PyYAML CSafeDumper {secs(y['dump_pyyaml'])} s",
                f"{y['dump_pyyaml'] / y['dump_ours']:.1f}×",
            ]
        )
        rows.append(
            [
                f"YAML load, {y['resources']:,} resources",
                f"{secs(y['load_ours'])} s",
                f"PyYAML CSafeLoader {secs(y['load_pyyaml'])} s",
                f"{y['load_pyyaml'] / y['load_ours']:.1f}×",
            ]
        )
    s = data(results, "smp")
    if s:
        theirs = (
            f"kubectl {secs(s['kubectl_patch_s'])} s over {s['kubectl_deployments']:,}"
            if "kubectl_patch_s" in s
            else "not run"
        )
        rows.append(
            [
                f"strategic merge patch into {s['deployments']:,} Deployments",
                f"{secs(s['ours_s'])} s",
                theirs,
                f"{s['ratio_per_resource']:.1f}× per resource" if "ratio_per_resource" in s else "",
            ]
        )
    n = data(results, "nameref")
    if n:
        for label, f in n.items():
            rows.append(
                [
                    f"{label}, {f['objects_small']:,} → {f['objects_large']:,} objects (CPU)",
                    f"{f['cpu_small'] * 1000:.1f} → {f['cpu_large'] * 1000:.1f} ms",
                    f"growth {f['cpu_large'] / f['cpu_small']:.1f} (10 = linear)",
                    "",
                ]
            )
    if not rows:
        return ""
    text.append(table(["benchmark", "ours", "reference", "reference / ours"], rows))
    return "\n".join(text)


def write(results: dict[str, Any], md: Path, plots: Path, source: str = "the results file") -> list[str]:
    """Writes the plots and the Markdown report; returns the headline sentences (also printed)."""
    plots.mkdir(parents=True, exist_ok=True)
    rel = os.path.relpath(plots, md.parent)
    if render_rows(results):
        scaling_plot(
            render_rows(results),
            "kubectl",
            "kubectl kustomize",
            RENDER_TARGETS,
            "render time against resources",
            plots / "render.png",
        )
    if validate_rows(results):
        scaling_plot(
            validate_rows(results),
            "kubernetes_validate",
            "kubernetes-validate CLI",
            {k: v for k, v in VALIDATE_TARGETS.items()},
            "validation time against resources",
            plots / "validate.png",
        )
    if storages(results):
        ingest_plot(results, plots / "ingest.png")
        latency_plot(results, plots / "latency.png")
    checks = (
        render_checks(results) + startup_checks(results) + validate_checks(results) + service_checks(results)
    )
    heads = headlines(results)
    missing = {k: v["error"] for k, v in results["benchmarks"].items() if "error" in v}
    parts = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`bench/run_all.py`, then `bench/report.py`) from {source}; "
        "do not edit by hand. `make bench-quick` runs a reduced set in under "
        "two minutes (results under `bench/results/quick/`, not committed); `bench/profile.sh TARGET` writes a "
        "profile of one render or one ingest run.",
        "",
        machine_section(results),
        "",
        "## Summary",
        "",
        *[f"- {h}" for h in heads],
        "",
        table(
            ["target", "limit", "measured (median, min–max)", "verdict"],
            [[c.what, c.target, c.measured, c.verdict] for c in checks],
        ),
    ]
    if missing:
        parts += ["", "Incomplete benchmarks: " + "; ".join(f"{k}: {v}" for k, v in missing.items()) + "."]
    parts += [
        "",
        render_section(results, rel),
        "",
        validate_section(results, rel),
        "",
        service_section(results, rel),
        "",
        engine_section(results),
        "",
    ]
    md.write_text("\n".join(parts))
    print(f"report: {md}")
    for c in checks:
        print(f"  {c.verdict.replace('**', '')}: {c.what}: {c.measured} (target {c.target})")
    for h in heads:
        print(f"  {h}")
    return heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--md", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--plots", type=Path, default=BENCH / "plots")
    args = parser.parse_args()
    path = args.results.resolve()
    source = f"`{path.relative_to(REPO)}`" if path.is_relative_to(REPO) else "the results file"
    write(json.loads(path.read_text()), args.md, args.plots, source)


if __name__ == "__main__":
    main()
