"""Running the CLI in-process under a time bound and judging its ending: exit code, one clear message, no
traceback. Every run is counted per scenario so the reliability report can print the figures."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from logpilot_manifests.cli.app import app

# Generous on a loaded 2-core machine; a real hang never ends, so any bound finds it.
RUN_SECONDS = float(os.environ.get("ROBUSTNESS_RUN_SECONDS", "20"))

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.MULTILINE)
# A Python exception leaking as text: "KeyError: 'x'", "ValueError: ...", "RecursionError", ...
_PY_EXCEPTION = re.compile(r"^(?:\w+\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\b(?::|$)", re.MULTILINE)

# Python's own wording, which means an exception's text reached the user instead of a message of ours.
_PY_WORDING = re.compile(
    r"object has no attribute|object is not (?:subscriptable|iterable|callable)|unhashable type"
    r"|not supported between instances|'NoneType'|takes \d+ positional argument|unexpected keyword argument"
)

_RUNNER = CliRunner()


class Hang(Exception):
    """The command ran past RUN_SECONDS."""


@dataclass
class Outcome:
    """How one CLI run ended."""

    args: list[str]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None
    seconds: float

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


@dataclass
class ScenarioStats:
    """Figures of one scenario: runs tried, how they ended, the slowest run."""

    runs: int = 0
    exit_ok: int = 0
    exit_findings: int = 0
    exit_error: int = 0
    failures: int = 0
    slowest: float = 0.0
    peak_rss_mib: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "exit_0": self.exit_ok,
            "exit_1": self.exit_findings,
            "exit_2": self.exit_error,
            "failures": self.failures,
            "slowest_s": round(self.slowest, 3),
            **({"peak_rss_mib": self.peak_rss_mib} if self.peak_rss_mib else {}),
        }


STATS: dict[str, ScenarioStats] = defaultdict(ScenarioStats)


def write_stats(path: Path) -> None:
    """Merge this run's figures into ``path`` (JSON), for the reliability runner."""
    old: dict[str, Any] = {}
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
    old.update({name: s.as_dict() for name, s in STATS.items()})
    path.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise Hang in this (main) thread after ``seconds``."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    # pytest-timeout may have its own alarm pending: put it back afterwards, less the time spent here
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 0.001))


def invoke(args: Sequence[str], stdin: bytes | None = None, seconds: float = RUN_SECONDS) -> Outcome:
    """Run ``logpilot-manifests ARGS`` in this process, the way its entry point does, within ``seconds``."""
    started = time.perf_counter()
    try:
        with time_bound(seconds):
            result = _RUNNER.invoke(app, list(args), input=stdin, catch_exceptions=True)
    except Hang as exc:
        return Outcome(list(args), -1, "", "", exc, time.perf_counter() - started)
    return Outcome(
        list(args),
        result.exit_code,
        result.stdout,
        result.stderr,
        result.exception,
        time.perf_counter() - started,
    )


def problems(out: Outcome, allowed: Sequence[int] = (0, 1, 2)) -> list[str]:
    """What is wrong with how a run ended (empty when it ended cleanly)."""
    found: list[str] = []
    exc = out.exception
    if isinstance(exc, Hang):
        return [f"hang: {exc}"]
    if out.seconds > RUN_SECONDS:
        # The alarm's Hang can be swallowed (raised inside a gc callback, or caught by a broad handler):
        # the elapsed time is checked as well.
        return [f"hang: ran {out.seconds:.1f} s, more than {RUN_SECONDS:.0f} s"]
    if exc is not None and not isinstance(exc, SystemExit):
        found.append(f"uncaught {type(exc).__name__}: {exc}"[:500])
    if out.exit_code not in allowed:
        found.append(f"exit code {out.exit_code}, expected one of {list(allowed)}")
    if _TRACEBACK.search(out.text):
        found.append("a traceback was printed")
    if _PY_EXCEPTION.search(out.stderr):
        found.append("a Python exception name was printed")
    if _PY_WORDING.search(out.stderr):
        found.append("Python's own exception wording was printed")
    if out.exit_code in (1, 2) and not out.text.strip():
        found.append(f"exit {out.exit_code} without any message")
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    if len(errors) > 1:
        found.append(f"{len(errors)} 'error:' lines, expected one message")
    if errors and len(errors[0]) <= len("error: "):
        found.append("an empty error message")
    return found


def judge(scenario: str, out: Outcome, allowed: Sequence[int] = (0, 1, 2), given: Any = None) -> None:
    """Count the run under ``scenario`` and fail with the evidence (and ``given``, the input) if it did not
    end cleanly."""
    stats = STATS[scenario]
    stats.runs += 1
    stats.slowest = max(stats.slowest, out.seconds)
    if out.exit_code == 0:
        stats.exit_ok += 1
    elif out.exit_code == 1:
        stats.exit_findings += 1
    elif out.exit_code == 2:
        stats.exit_error += 1
    found = problems(out, allowed)
    if found:
        stats.failures += 1
        raise AssertionError(
            f"{' '.join(out.args)}: " + "; ".join(found) + f"\n--- stdout\n{out.stdout[-2000:]}"
            f"\n--- stderr\n{out.stderr[-2000:]}" + ("" if given is None else f"\n--- input\n{given!r:.3000}")
        )
