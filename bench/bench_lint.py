"""Lint over large renders: every rule at 1,000, 10,000 and 20,000 resources, against the 2 s target for 10,000.

The objects are LogPilot's rendered production overlay and the sloppy lint fixture (every rule fires on
them), copied with distinct names and labels into ten namespaces, so each namespace holds a thousand objects
whose selectors match only their own copy: a rule that scanned the namespace per Service or per workload
would grow with the square of the size. Reported: the rules alone (in-process, best of --repeat), the whole
command (`logpilot-manifests lint - --output json` as a process reading the YAML from stdin: start-up,
parsing, rules and output), and the growth ratios of the rules (per-object cost rises from 1,000 to 10,000
objects as the working set outgrows the CPU caches, then stays flat).
A file target also looks up each finding's line in the file, which is not measured here.

    .venv/bin/python bench/bench_lint.py [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from proc import run_process  # noqa: E402

SOURCES = (
    REPO / "tests" / "overlays_golden" / "production.yaml",
    REPO / "tests" / "fixtures_cli" / "lint" / "sloppy.yaml",
)
TARGET_SECONDS = 2.0


def _templates() -> list[dict[str, Any]]:
    docs = []
    for source in SOURCES:
        docs += [d for d in yaml.load_all(source.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) if d]
    return docs


def corpus(size: int) -> list[dict[str, Any]]:
    """``size`` objects: copies of the templates, each copy's names and label values suffixed with its number."""
    templates = [json.dumps(d) for d in _templates()]
    out: list[dict[str, Any]] = []
    copy = 0
    while len(out) < size:
        ns = f"ns{copy % 10}"
        for text in templates:
            text = text.replace('"logpilot', f'"logpilot{copy}-').replace('"shop', f'"shop{copy}-')
            doc = json.loads(text)
            md = doc.setdefault("metadata", {})
            md["name"] = f"{md.get('name', 'x')}-{copy}"
            if doc.get("kind") not in ("Namespace", "ClusterRole", "ClusterRoleBinding", "PodSecurityPolicy"):
                md["namespace"] = ns
            out.append(doc)
            if len(out) == size:
                break
        copy += 1
    return out


def time_rules(docs: list[dict[str, Any]], repeat: int) -> tuple[float, int]:
    from logpilot_manifests.kustomize.resource import Resource
    from logpilot_manifests.lint import run_lint

    best = float("inf")
    findings = 0
    for _ in range(repeat):
        resources = [Resource(json.loads(json.dumps(d))) for d in docs]
        start = time.process_time()
        findings = len(run_lint(resources, production=True))
        best = min(best, time.process_time() - start)
    return best, findings


def time_command(docs: list[dict[str, Any]], repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the best of ``repeat`` runs of the whole command on stdin."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "production.yaml"
        path.write_text(yaml.dump_all(docs, Dumper=yaml.CSafeDumper), encoding="utf-8")
        # exec: the measured process is the linter itself, not the shell that redirects its input
        cmd = ["sh", "-c", f'exec "{sys.executable}" -m logpilot_manifests lint - --output json < "{path}"']
        runs = [run_process(cmd) for _ in range(repeat)]
    for r in runs:
        if r.returncode not in (0, 1):
            raise SystemExit(f"lint failed: {r.stderr[-2000:]}")
    return min(r.wall for r in runs), min(r.cpu for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    for size in (1_000, 10_000, 20_000):
        docs = corpus(size)
        rules, findings = time_rules(docs, args.repeat)
        wall, cpu = time_command(docs, args.repeat)
        figures[str(size)] = {
            "rules_cpu_s": rules,
            "command_wall_s": wall,
            "command_cpu_s": cpu,
            "findings": findings,
        }
        print(
            f"{size:>6} resources: rules {rules:.3f} s CPU; whole command {wall:.3f} s wall, {cpu:.3f} s CPU; "
            f"{findings} findings"
        )
    for a, b in (("1000", "10000"), ("10000", "20000")):
        growth = figures[b]["rules_cpu_s"] / figures[a]["rules_cpu_s"]
        figures[f"growth_{a}_{b}"] = growth
        print(
            f"rules growth {int(a):,} -> {int(b):,} resources: x{growth:.1f} (x{int(b) / int(a):.0f} = linear)"
        )
    # CPU time is what the command costs; wall time depends on what else the machine runs.
    cpu = figures["10000"]["command_cpu_s"]
    verdict = "meets" if cpu < TARGET_SECONDS else "misses"
    print(
        f"10,000 resources: whole command {cpu:.2f} s CPU = {cpu / TARGET_SECONDS:.2f}x the 2 s target ({verdict} it)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
