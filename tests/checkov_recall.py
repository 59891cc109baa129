"""Recall of lint against checkov on the same rendered manifests: for every checkov check that some lint rule
covers (a rule's ``covers``), does lint flag each object checkov fails, under one of those rules?

``python -m tests.checkov_recall FILE_OR_DIR...`` prints the figures per check and the objects lint misses;
tests/test_lint.py runs :func:`compare` on a committed sloppy fixture when checkov is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ObjectKey = tuple[str, str, str, str]  # file, kind, namespace ("default" when unset), name


@dataclass
class CheckRecall:
    check_id: str
    rules: tuple[str, ...]
    failed: set[ObjectKey] = field(default_factory=set)
    missed: set[ObjectKey] = field(default_factory=set)

    @property
    def caught(self) -> int:
        return len(self.failed) - len(self.missed)


@dataclass
class Report:
    shared: dict[str, CheckRecall]
    not_shared: dict[str, int]  # checkov checks no rule covers: how many objects they failed
    files: int
    objects: int

    @property
    def failed(self) -> int:
        return sum(len(c.failed) for c in self.shared.values())

    @property
    def missed(self) -> int:
        return sum(len(c.missed) for c in self.shared.values())


def covered_checks() -> dict[str, tuple[str, ...]]:
    """checkov check id -> the lint rules that cover it."""
    from logpilot_manifests.lint import RULES

    out: dict[str, list[str]] = defaultdict(list)
    for rule in RULES.values():
        for check in rule.covers:
            if check.startswith("CKV"):
                out[check].append(rule.id)
    return {k: tuple(v) for k, v in out.items()}


def _split_resource(resource: str) -> tuple[str, str, str]:
    """checkov's ``Kind.namespace.name`` (names may hold dots, namespaces cannot)."""
    kind, _, rest = resource.partition(".")
    namespace, _, name = rest.partition(".")
    return kind, namespace, name


def run_checkov(checkov: str, files: list[Path]) -> list[tuple[str, ObjectKey]]:
    """(check id, object) for every failed check, running checkov once over a folder of links to ``files``."""
    with tempfile.TemporaryDirectory() as tmp:
        names: dict[str, Path] = {}
        for i, f in enumerate(files):
            link = Path(tmp) / f"{i:05d}.yaml"
            link.write_bytes(f.read_bytes())
            names[link.name] = f
        proc = subprocess.run(
            [checkov, "--directory", tmp, "--framework", "kubernetes", "--output", "json", "--skip-download",
             "--quiet", "--compact"],
            capture_output=True, text=True, timeout=3600, check=False,
            env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        )  # fmt: skip
        if not proc.stdout.strip():
            raise RuntimeError(f"checkov printed nothing (exit {proc.returncode}): {proc.stderr[-2000:]}")
        reports = json.loads(proc.stdout)
    out = []
    for report in reports if isinstance(reports, list) else [reports]:
        if not isinstance(report, dict) or "results" not in report:
            continue
        for c in report["results"]["failed_checks"]:
            kind, namespace, name = _split_resource(c["resource"])
            source = names[Path(c["file_path"]).name]
            out.append((c["check_id"], (str(source), kind, namespace or "default", name)))
    return out


def run_lint_on(files: list[Path]) -> tuple[set[tuple[str, ObjectKey]], int]:
    """(rule, object) for every lint finding, production rules on (checkov applies them everywhere)."""
    from logpilot_manifests.cli.inputs import load_target
    from logpilot_manifests.lint import run_lint

    found: set[tuple[str, ObjectKey]] = set()
    objects = 0
    for f in files:
        resources = load_target(str(f)).resources
        objects += len(resources)
        for finding in run_lint(resources, production=True):
            ref = finding.resource
            found.add((finding.rule, (str(f), ref.kind, ref.namespace or "default", ref.name)))
    return found, objects


def _flagged(flagged: set[tuple[str, ObjectKey]], rule: str, obj: ObjectKey) -> bool:
    """Whether lint flagged ``obj`` under ``rule``. checkov's graph checks report a workload's pod template as
    a Pod named ``<workload>.<its labels>``: such a Pod counts as its workload."""
    if (rule, obj) in flagged:
        return True
    file, kind, namespace, name = obj
    return kind == "Pod" and any(
        r == rule and (f, ns) == (file, namespace) and name.startswith(n + ".")
        for r, (f, _, ns, n) in flagged
    )


def readable(files: list[Path]) -> tuple[list[Path], list[str]]:
    """The files our reader accepts, and why the others were left out (both tools must see the same files)."""
    from logpilot_manifests.cli.inputs import load_target
    from logpilot_manifests.errors import ManifestError

    ok, left_out = [], []
    for f in files:
        try:
            load_target(str(f))
        except ManifestError as exc:
            left_out.append(f"{f}: {exc}")
            continue
        ok.append(f)
    return ok, left_out


def compare(checkov: str, files: list[Path]) -> Report:
    checks = covered_checks()
    failures = run_checkov(checkov, files)
    flagged, objects = run_lint_on(files)
    shared: dict[str, CheckRecall] = {cid: CheckRecall(cid, rules) for cid, rules in checks.items()}
    not_shared: dict[str, int] = defaultdict(int)
    for check_id, obj in failures:
        recall = shared.get(check_id)
        if recall is None:
            not_shared[check_id] += 1
            continue
        recall.failed.add(obj)
        if not any(_flagged(flagged, rule, obj) for rule in recall.rules):
            recall.missed.add(obj)
    return Report(shared=shared, not_shared=dict(not_shared), files=len(files), objects=objects)


def _yaml_files(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for a in args:
        p = Path(a)
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out


def main(argv: list[str]) -> int:
    checkov = os.environ.get("LOGPILOT_CHECKOV") or str(Path(".venv-checkov/bin/checkov").resolve())
    files, left_out = readable(_yaml_files(argv))
    for reason in left_out:
        print(f"left out {reason}")
    report = compare(checkov, files)
    print(f"{report.files} files, {report.objects} objects")
    print(f"{'check':<14}{'rules':<44}{'failed':>8}{'caught':>8}")
    for c in sorted(report.shared.values(), key=lambda c: int(c.check_id.rsplit("_", 1)[1])):
        if c.failed:
            print(f"{c.check_id:<14}{','.join(c.rules)[:43]:<44}{len(c.failed):>8}{c.caught:>8}")
    total = report.failed
    print(f"recall: {total - report.missed}/{total} objects checkov fails on shared checks")
    for c in report.shared.values():
        for obj in sorted(c.missed)[:10]:
            print(f"  missed {c.check_id}: {obj[1]}/{obj[2]}/{obj[3]} in {obj[0]}")
    if report.not_shared:
        print("checks no rule covers:", ", ".join(f"{k} ({v})" for k, v in sorted(report.not_shared.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
