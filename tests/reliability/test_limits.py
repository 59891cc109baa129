"""Bounded time and memory, checked in real processes: `logpilot-manifests` runs under an address-space limit
and a timeout, and the inputs built to exhaust a YAML reader (alias bombs, deep nesting, huge scalars,
garbage) end with exit 1 and one message. Peak memory is measured and kept for the reliability report."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import write_tree
from .harness import STATS, Outcome, judge

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: far above a normal run, far below what a bomb needs
TIMEOUT = 60.0


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(args: list[str]) -> tuple[Outcome, int]:
    """Run the CLI in a fresh interpreter under the memory limit; the outcome and its peak RSS in KiB."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "logpilot_manifests", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit,
    )
    streams: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda n=n, f=f: streams.__setitem__(n, f.read()))
        for n, f in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for t in readers:
        t.start()
    timer = threading.Timer(TIMEOUT, proc.kill)
    timer.start()
    # wait4 rather than Popen.wait: it reports this one child's peak memory
    _, status, usage = os.wait4(proc.pid, 0)
    timed_out = not timer.is_alive()
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    if timed_out:
        pytest.fail(f"{' '.join(args)}: still running after {TIMEOUT:.0f} s")
    out = Outcome(
        args,
        proc.returncode,
        streams["out"].decode("utf-8", "replace"),
        streams["err"].decode("utf-8", "replace"),
        None,
        time.perf_counter() - started,
    )
    return out, usage.ru_maxrss


def _billion_laughs(levels: int = 9, width: int = 10) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _quadratic() -> str:
    return "big: &b [" + ", ".join(["x"] * 50_000) + "]\nrefs: [" + ", ".join(["*b"] * 5_000) + "]\n"


def _merge_chain(n: int = 3_000) -> str:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
BOMBS: dict[str, bytes] = {
    "billion laughs (10^9 nodes)": _billion_laughs().encode(),
    "quadratic blow-up (250 M nodes)": _quadratic().encode(),
    "merge-key chain": _merge_chain().encode(),
    "flow nesting 100 000 deep": (HEAD + "data: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
    "block nesting 3 000 deep": (
        HEAD + "spec:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(3_000)) + "  " * 3_001 + "v\n"
    ).encode(),
    "1 MiB of random bytes": os.urandom(1 << 20),
    "100 000 documents": b"".join(b"---\n- %d\n" % i for i in range(100_000)),
}


@pytest.mark.parametrize("name", list(BOMBS))
@pytest.mark.parametrize("role", ["resource", "kustomization"])
def test_resource_exhaustion_is_refused_within_bounds(tmp_path: Path, name: str, role: str) -> None:
    data = BOMBS[name]
    files: dict[str, bytes | str] = (
        {"kustomization.yaml": "resources: [bomb.yaml]\n", "bomb.yaml": data}
        if role == "resource"
        else {"kustomization.yaml": data}
    )
    root = write_tree(tmp_path / "k", files)
    out, peak_kib = run_limited(["render", "--no-validate", str(root)])
    scenario = "hostile inputs refused (subprocess, 1 GiB address space)"
    judge(scenario, out, allowed=(2,))
    STATS[scenario].peak_rss_mib = max(STATS[scenario].peak_rss_mib, peak_kib // 1024)
    assert out.stderr.startswith("error: "), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_a_large_valid_input_stays_within_bounds(tmp_path: Path) -> None:
    """A 10 MB scalar and 10 000 objects are valid: they render, under the same memory limit."""
    many = "".join(f"---\n{HEAD.replace('name: x', f'name: c{i}')}" for i in range(10_000))
    root = write_tree(
        tmp_path / "k",
        {
            "kustomization.yaml": "resources: [big.yaml, many.yaml]\n",
            "big.yaml": HEAD.replace("name: x", "name: big") + "data:\n  a: " + "y" * 10_000_000 + "\n",
            "many.yaml": many,
        },
    )
    out, peak_kib = run_limited(["render", "--no-validate", "-o", str(tmp_path / "out.yaml"), str(root)])
    scenario = "large valid input renders (subprocess, 1 GiB address space)"
    judge(scenario, out, allowed=(0,))
    STATS[scenario].peak_rss_mib = max(STATS[scenario].peak_rss_mib, peak_kib // 1024)
    assert (tmp_path / "out.yaml").stat().st_size > 10_000_000


@pytest.mark.parametrize(
    "name", ["billion laughs (10^9 nodes)", "1 MiB of random bytes", "flow nesting 100 000 deep"]
)
@pytest.mark.parametrize("command", ["validate", "lint", "diff"])
def test_file_commands_refuse_exhaustion_within_bounds(tmp_path: Path, name: str, command: str) -> None:
    root = write_tree(tmp_path / "k", {"bomb.yaml": BOMBS[name]})
    bomb, other = str(root / "bomb.yaml"), str(root / "deploy.yaml")
    args = {"validate": ["validate", bomb], "lint": ["lint", bomb], "diff": ["diff", bomb, other]}[command]
    out, peak_kib = run_limited(args)
    scenario = "hostile inputs refused (subprocess, 1 GiB address space)"
    judge(scenario, out, allowed=(2,))
    STATS[scenario].peak_rss_mib = max(STATS[scenario].peak_rss_mib, peak_kib // 1024)
    assert out.stderr.startswith("error: "), out.stderr


@pytest.mark.parametrize("depth", [600, 900])
def test_a_deeply_nested_list_renders_as_kubectl_renders_it(tmp_path: Path, depth: int) -> None:
    """kustomize writes it, and so do we."""
    root = write_tree(
        tmp_path / "k",
        {
            "kustomization.yaml": "resources: [deep.yaml]\n",
            "deep.yaml": HEAD + "data: " + "[" * depth + "]" * depth,
        },
    )
    out, _ = run_limited(["render", "--no-validate", str(root)])
    judge("large valid input renders (subprocess, 1 GiB address space)", out, allowed=(0, 2))
    assert out.exit_code == 0, out.stderr


@pytest.mark.parametrize("depth", [200, 2_000])
def test_a_long_chain_of_bases_renders_or_is_refused_in_one_message(tmp_path: Path, depth: int) -> None:
    """kustomize builds long chains of bases, and so do we (each base costs some Python frames; the CLI
    allows 10,000); a chain beyond that would be refused in one message, never a traceback."""
    for i in range(depth):
        text = f"resources: [../b{i + 1}]\n" if i < depth - 1 else "resources: [cm.yaml]\n"
        write_tree(tmp_path / f"b{i}", {"kustomization.yaml": text})
    (tmp_path / f"b{depth - 1}" / "cm.yaml").write_text(HEAD, encoding="utf-8")
    out, _ = run_limited(["render", "--no-validate", str(tmp_path / "b0")])
    judge("large valid input renders (subprocess, 1 GiB address space)", out, allowed=(0,))
    assert out.exit_code == 0, out.stderr
