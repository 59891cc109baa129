"""Timing one whole process for the benchmarks: wall and CPU time, peak RSS, stopped at a time budget.

The process is started by a small launcher, not forked from the benchmark itself: Linux counts the memory of
the image a process had before it exec'd into its peak RSS (``ru_maxrss``), so a child forked from a
benchmark holding a large corpus would report the benchmark's size, whatever the tool used. The launcher is a
bare interpreter (a few MiB, less than any tool measured), so ``ru_maxrss`` of its child is the tool's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import NamedTuple

# Stored with the results (bench/run_all.py), so the report knows their RSS figures were taken this way.
RSS_METHOD = "launcher"

# Spawns the command, waits for it and writes [wall s, cpu s, maxrss KiB, exit code] to the given fd.
_LAUNCHER = """
import json, os, sys, time
fd, cmd = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
os.write(fd, json.dumps([wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, code]).encode())
"""


class ProcRun(NamedTuple):
    wall: float  # seconds; inf when the process ran past its budget and was stopped
    cpu: float  # user + system seconds (shown beside wall time because the machine may be shared)
    rss_mib: float  # peak resident set size of the process itself
    returncode: int | None  # None when stopped
    stderr: str


def run_process(cmd: list[str], timeout: float | None = None) -> ProcRun:
    """Run ``cmd`` with its output discarded and measure it; stop it after ``timeout`` seconds."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-S", "-c", _LAUNCHER, str(write_fd), *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(write_fd,),
        start_new_session=True,  # the launcher and the tool: stopped together
    )
    os.close(write_fd)
    killed = threading.Event()

    def stop() -> None:
        killed.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, stop) if timeout else None
    if timer:
        timer.start()
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.wait()
    if timer:
        timer.cancel()
    with os.fdopen(read_fd, "rb") as f:
        report = f.read()
    if killed.is_set() or not report:
        return ProcRun(float("inf"), 0.0, 0.0, None, "")
    wall, cpu, maxrss_kib, code = json.loads(report)
    return ProcRun(wall, cpu, maxrss_kib / 1024, code, stderr)
