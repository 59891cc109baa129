"""The benchmarks' process measurement: the peak RSS is the measured tool's own, not the benchmark's."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from proc import run_process  # noqa: E402


def test_peak_rss_is_the_child_s_own_whatever_the_parent_holds() -> None:
    ballast = bytearray(256 * 1024 * 1024)  # a parent far larger than the child
    ballast[::4096] = b"x" * len(ballast[::4096])  # touched, so it is resident
    small = run_process([sys.executable, "-c", "pass"])
    big = run_process(
        [sys.executable, "-c", "b = bytearray(120 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]
    )
    assert small.returncode == 0 and big.returncode == 0
    assert small.rss_mib < 64, small
    assert 120 < big.rss_mib < 200, big
    del ballast


def test_a_process_past_its_budget_is_stopped() -> None:
    run = run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert run.wall == float("inf") and run.returncode is None
