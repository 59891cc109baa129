"""The soak (bench/service_soak.py) as a test, for bench/reliability.py: it runs for minutes, so it only runs
when SOAK_MINUTES is set (`make soak` runs the script directly)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MINUTES = os.environ.get("SOAK_MINUTES", "")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not MINUTES, reason="runs for minutes: set SOAK_MINUTES=3 (or run make soak)")
@pytest.mark.timeout(int(float(MINUTES or 0) * 60) + 300)
def test_soak_at_half_peak_keeps_memory_flat_and_p99_within_twice_the_first_minute() -> None:
    storage = os.environ.get("SOAK_STORAGE", "sqlite")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "service_soak.py"), "--minutes", MINUTES, "--storage", storage],
        capture_output=True,
        text=True,
        check=False,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
