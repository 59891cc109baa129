"""Timing one whole process for the benchmarks: wall and CPU time, peak RSS, stopped at a time budget."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from typing import NamedTuple


class ProcRun(NamedTuple):
    wall: float  # seconds; inf when the process ran past its budget and was stopped
    cpu: float  # user + system seconds (shown beside wall time because the machine may be shared)
    rss_mib: float  # peak resident set size
    returncode: int | None  # None when stopped
    stderr: str


def run_process(cmd: list[str], timeout: float | None = None) -> ProcRun:
    """Run ``cmd`` with its output discarded and measure it; stop it after ``timeout`` seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    killed = threading.Event()

    def stop() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(timeout, stop) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if timer:
        timer.cancel()
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss / 1024
    if killed.is_set():
        return ProcRun(float("inf"), cpu, rss, None, "")
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    return ProcRun(wall, cpu, rss, os.waitstatus_to_exitcode(status), stderr)
