"""Service load benchmark: ingest over REST and gRPC, consumer reads, server memory, against the raw ceiling.

Starts `logpilot-server` (API key auth on, metrics on, as in production) on free loopback ports and drives it
from the same machine:
  - raw ceiling: `executemany` of 1,000-row batches into SQLite with the service's schema (COPY for PostgreSQL),
  - REST batches of 1,000 and single-entry REST requests at 64 connections, with wrk (Debian's `wrk`),
  - gRPC SendLogs batches of 1,000 from a grpc.aio client sending pre-serialised requests,
  - consumer reads: one consumer paging through everything with consumerId and autoCommit,
  - the server's peak RSS (VmHWM).
  - the bare references (bench/service_bare.py: Starlette+orjson and a grpc.aio servicer writing straight to
    SQLite, no validation, auth, metrics or group commit) under the same loads.
Both sides of every ratio come from the same run. The machine is shared, so the load average is printed too.

    python bench/service_ingest.py [--storage sqlite|postgres|both] [--duration 8] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

API_KEY = "bench-key"
TARGETS = {
    "rest_batch_logs_per_s": 200_000,
    "grpc_batch_logs_per_s": 150_000,
    "rest_single_req_per_s": 8_000,
    "rest_single_p99_ms": 30.0,
    "read_logs_per_s": 200_000,
    "peak_rss_mib": 150.0,
}
SCHEMA = """
CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, level TEXT NOT NULL,
                   message TEXT NOT NULL, meta TEXT, ts INTEGER NOT NULL);
CREATE INDEX logs_channel_id ON logs (channel, id);
"""


def entry(i: int) -> dict[str, Any]:
    return {
        "channel": "bench",
        "level": ("INFO", "WARN", "ERROR", "DEBUG")[i % 4],
        "message": f"user {i} signed in from 10.0.{i % 256}.{i % 200} using the mobile app",
        "meta": {"requestId": f"req-{i:08d}", "service": "auth"},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- raw ceilings ----------------------------------------------------------------------------------------


def rows_1000() -> list[tuple[str, str, str, str, int]]:
    ts = int(time.time() * 1000)
    return [
        (e["channel"], e["level"], e["message"], orjson.dumps(e["meta"]).decode(), ts)
        for e in map(entry, range(1000))
    ]


def raw_sqlite(workdir: Path, seconds: float) -> float:
    """Rows/s of executemany (1,000 rows per transaction) into a WAL database with the service's schema."""
    path = workdir / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    rows = rows_1000()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO logs (channel, level, message, meta, ts) VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        count += len(rows)
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def raw_postgres(dsn: str, seconds: float) -> float:
    """Rows/s of COPY (1,000 rows per transaction) into a table like the service's."""
    import psycopg

    rows = rows_1000()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE raw_logs (id bigint PRIMARY KEY, channel text NOT NULL, level text NOT NULL, "
            "message text NOT NULL, meta text, ts bigint NOT NULL); CREATE INDEX ON raw_logs (channel, id)"
        )
        count, next_id, started = 0, 1, time.perf_counter()
        while time.perf_counter() - started < seconds:
            with conn.transaction(), conn.cursor() as cur, cur.copy("COPY raw_logs FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((next_id, *row))
                    next_id += 1
            count += len(rows)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE raw_logs")
    return count / elapsed


# --- PostgreSQL for the run ------------------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A temporary PostgreSQL cluster from the installed binaries (as `postgres` when run as root)."""
    initdb = shutil.which("initdb")
    bindir = Path(os.path.realpath(initdb)).parent if initdb else None
    if bindir is None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
        bindir = found[0].parent if found else None
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="logpilot-bench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c max_connections=100"
    )
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(data / "log"),
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(admin_dsn: str, n: int) -> str:
    """An empty database for one repetition."""
    import psycopg

    name = f"bench_{n}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return admin_dsn.replace("dbname=postgres", f"dbname={name}")


# --- the server ------------------------------------------------------------------------------------------


class Server:
    def __init__(self, workdir: Path, storage: str, dsn: str | None) -> None:
        self.http, self.grpc, self.mgmt = free_port(), free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOGPILOT_")}
        env |= {
            "LOGPILOT_HOST": "127.0.0.1",
            "LOGPILOT_HTTP_PORT": str(self.http),
            "LOGPILOT_GRPC_PORT": str(self.grpc),
            "LOGPILOT_MANAGEMENT_PORT": str(self.mgmt),
            "LOGPILOT_API_KEY": API_KEY,
            "LOGPILOT_STORAGE_TYPE": storage,
            "LOGPILOT_SQLITE_PATH": str(workdir / "service.db"),
            "LOGPILOT_LOG_LEVEL": "WARNING",
        }
        if dsn:
            env["LOGPILOT_POSTGRES_DSN"] = dsn
        script = Path(sys.executable).with_name("logpilot-server")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "logpilot_server"]
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.mgmt}/actuator/health/readiness").status_code == 200:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}"
                )
            time.sleep(0.1)
        raise RuntimeError("server did not become ready")

    def memory_mib(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MiB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return rss / 1024, peak / 1024

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(60)


# --- load generators -------------------------------------------------------------------------------------

_WRK_LUA = f"""
local f = io.open(os.getenv("LOGPILOT_BENCH_BODY"), "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["Content-Type"] = "application/json"; wrk.headers["X-API-KEY"] = "{API_KEY}"
"""


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if match is None:
        raise RuntimeError(f"unexpected wrk latency {value!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]


def wrk(
    url: str, body: bytes, connections: int, seconds: float, workdir: Path, extra_lua: str = ""
) -> dict[str, float]:
    """Runs wrk with a fixed POST body (and `extra_lua`, e.g. more headers); returns requests/s, p50 and p99
    (ms) and the non-2xx count."""
    body_file, script = workdir / "body.json", workdir / "post.lua"
    body_file.write_bytes(body)
    script.write_text(_WRK_LUA + extra_lua)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{int(seconds)}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        env={**os.environ, "LOGPILOT_BENCH_BODY": str(body_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Requests/sec" not in out or re.search(r"^\s*50%\s+\S+", out, re.M) is None:
        raise RuntimeError(f"wrk gave no figures:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def grpc_load(target: str, batch: int, concurrency: int, seconds: float) -> dict[str, float]:
    """SendLogs with `batch` entries per call from `concurrency` concurrent callers on one channel."""
    import grpc
    from logpilot_server._proto import logpilot_pb2 as pb

    request = pb.SendLogsRequest(
        log_requests=[
            pb.LogRequest(channel=e["channel"], level=e["level"], message=e["message"], meta=e["meta"])
            for e in map(entry, range(batch))
        ]
    ).SerializeToString()

    async def run() -> dict[str, float]:
        async with grpc.aio.insecure_channel(target) as channel:
            call = channel.unary_unary("/logpilot.LogService/SendLogs")
            metadata = (("x-api-key", API_KEY),)
            latencies: list[float] = []
            errors = 0
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    try:
                        await call(request, metadata=metadata)
                    except grpc.aio.AioRpcError:
                        errors += 1
                        continue
                    latencies.append(time.perf_counter() - started)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
        latencies.sort()
        n = len(latencies)
        return {
            "req_per_s": n / elapsed,
            "p50_ms": latencies[n // 2] * 1000 if n else 0.0,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
            "errors": float(errors),
        }

    return asyncio.run(run())


def consume_all(base_url: str, limit: int, max_seconds: float) -> dict[str, float]:
    """One consumer pages through the channel (autoCommit); logs/s and per-request p50/p99."""
    latencies: list[float] = []
    total = 0
    with httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}, timeout=30) as client:
        started = time.perf_counter()
        while time.perf_counter() - started < max_seconds:
            t0 = time.perf_counter()
            response = client.get("/api/logs/bench", params={"consumerId": "bench-reader", "limit": limit})
            page = orjson.loads(response.content)
            latencies.append(time.perf_counter() - t0)
            if not page:
                break
            total += len(page)
        elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "logs_per_s": total / elapsed,
        "logs": float(total),
        "p50_ms": latencies[n // 2] * 1000,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000,
    }


# --- the run ---------------------------------------------------------------------------------------------


class BareServer:
    """bench/service_bare.py as a subprocess: the reference the service is compared with."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.port = free_port()
        script = Path(__file__).with_name("service_bare.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), kind, str(self.port), str(workdir / f"bare-{kind}.db")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        raise RuntimeError(f"bare {kind} server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def rest_batch(base: str, seconds: float, workdir: Path) -> dict[str, float]:
    result = wrk(f"{base}/api/logs/batch", orjson.dumps([entry(i) for i in range(1000)]), 8, seconds, workdir)
    return result | {"logs_per_s": result["req_per_s"] * 1000}


def rest_single(base: str, seconds: float, workdir: Path) -> dict[str, float]:
    return wrk(f"{base}/api/logs", orjson.dumps(entry(1)), 64, seconds, workdir)


def grpc_batch(target: str, seconds: float) -> dict[str, float]:
    result = grpc_load(target, 1000, 8, seconds)
    return result | {"logs_per_s": result["req_per_s"] * 1000}


def run_storage(storage: str, seconds: float, workdir: Path, dsn: str | None) -> dict[str, Any]:
    """One repetition; on SQLite each scenario runs against the bare reference and then the service,
    back to back, so both sides of the ratio see the same machine load."""
    results: dict[str, Any] = {"storage": storage}
    has_wrk = shutil.which("wrk") is not None
    if not has_wrk:
        results["wrk"] = "not installed (apt-get install wrk): REST figures skipped"
    if storage == "sqlite":
        results["raw_ceiling_rows_per_s"] = raw_sqlite(workdir, min(seconds, 5))
    else:
        results["raw_ceiling_rows_per_s"] = raw_postgres(dsn or "", min(seconds, 5))
    references = [BareServer("rest", workdir), BareServer("grpc", workdir)] if storage == "sqlite" else []
    server = Server(workdir, storage, dsn)
    bare: dict[str, Any] = {}
    try:
        base = f"http://127.0.0.1:{server.http}"
        scenarios: list[tuple[str, Any, Any]] = []
        if has_wrk:
            scenarios += [
                ("rest_batch", lambda b: rest_batch(b, seconds, workdir), "rest"),
                ("rest_single", lambda b: rest_single(b, seconds, workdir), "rest"),
            ]
        scenarios.append(("grpc_batch", lambda t: grpc_batch(t, seconds), "grpc"))
        for key, run, protocol in scenarios:
            if references:
                reference = references[0] if protocol == "rest" else references[1]
                address = (
                    f"http://127.0.0.1:{reference.port}"
                    if protocol == "rest"
                    else f"127.0.0.1:{reference.port}"
                )
                bare[key] = run(address)
            results[key] = run(base if protocol == "rest" else f"127.0.0.1:{server.grpc}")
        results["read"] = consume_all(base, 5000, seconds * 2)
        results["rss_mib"], results["peak_rss_mib"] = server.memory_mib()
    finally:
        results["exit_code"] = server.stop()
        for reference in references:
            reference.stop()
    if bare:
        results["bare"] = bare
    return results


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


SCENARIOS = [
    # (result key, label, figure, unit, target key)
    ("rest_batch", "REST batch 1000 (8 conn)", "logs_per_s", "logs/s", "rest_batch_logs_per_s"),
    ("rest_single", "REST single (64 conn)", "req_per_s", "req/s", "rest_single_req_per_s"),
    ("grpc_batch", "gRPC batch 1000 (8 calls)", "logs_per_s", "logs/s", "grpc_batch_logs_per_s"),
    ("read", "consumer reads (5000/page)", "logs_per_s", "logs/s", "read_logs_per_s"),
]


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over repetitions, with the min and max of each figure beside it (`<figure>_range`)."""
    if len(runs) == 1:
        return runs[0]

    def merge(items: list[Any]) -> Any:
        first = items[0]
        if isinstance(first, dict):
            merged: dict[str, Any] = {}
            for key in first:
                values = [item[key] for item in items if key in item]
                merged[key] = merge(values)
                if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                    merged[f"{key}_range"] = [min(values), max(values)]
            return merged
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
            return statistics.median(items)
        return first

    summary = merge(runs)
    summary["repetitions"] = len(runs)
    return summary


def _span(figures: dict[str, Any], name: str) -> str:
    low_high = figures.get(f"{name}_range")
    return f" [{_fmt(low_high[0])}-{_fmt(low_high[1])}]" if low_high else ""


def report(results: dict[str, Any]) -> None:
    raw = results["raw_ceiling_rows_per_s"]
    bare = results.get("bare", {})
    ceiling = "executemany" if results["storage"] == "sqlite" else "COPY"
    repetitions = results.get("repetitions", 1)
    print(
        f"\n== {results['storage']} =="
        + (f" (median of {repetitions} runs, [min-max])" if repetitions > 1 else "")
    )
    print(
        f"raw ceiling ({ceiling}, 1,000 rows per transaction): {_fmt(raw)}{_span(results, 'raw_ceiling_rows_per_s')} rows/s"
    )
    print(
        f"{'scenario':<28} {'throughput':>16} {'p50 ms':>7} {'p99 ms':>7} {'x raw':>6} {'x bare':>7}  target"
    )
    for key, label, figure, unit, target in SCENARIOS:
        if key not in results:
            continue
        value = results[key][figure]
        reference = bare.get(key, {}).get(figure)
        vs_bare = f"{value / reference:>7.2f}" if reference else f"{'-':>7}"
        verdict = "met" if value >= TARGETS[target] else "MISSED"
        print(
            f"{label:<28} {_fmt(value) + ' ' + unit:>16} {results[key]['p50_ms']:>7.1f} {results[key]['p99_ms']:>7.1f}"
            f" {value / raw:>6.2f} {vs_bare}  >= {_fmt(TARGETS[target])} {verdict}{_span(results[key], figure)}"
        )
    for key, label, figure, unit, _ in SCENARIOS:
        if key in bare:
            b = bare[key]
            print(
                f"  bare reference, {label:<26} {_fmt(b[figure])} {unit}, p50 {b['p50_ms']:.1f} ms, p99 {b['p99_ms']:.1f} ms"
            )
    if "rest_single" in results:
        p99 = results["rest_single"]["p99_ms"]
        verdict = "met" if p99 < TARGETS["rest_single_p99_ms"] else "MISSED"
        print(f"REST single p99 {p99:.1f} ms (target < {TARGETS['rest_single_p99_ms']:.0f} ms: {verdict})")
    peak = results["peak_rss_mib"]
    verdict = "met" if peak < TARGETS["peak_rss_mib"] else "MISSED"
    print(
        f"server peak RSS {peak:.0f} MiB (target < {TARGETS['peak_rss_mib']:.0f} MiB: {verdict}); exit code {results['exit_code']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per load scenario")
    parser.add_argument("--repeat", type=int, default=1, help="runs per storage; medians are reported")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    machine = {
        "cpus": os.cpu_count(),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": os.getloadavg(),
    }
    print(
        f"machine: {machine['cpus']} CPUs, {machine['cpu_model']}; load average {machine['load_average_at_start'][0]:.1f}"
    )
    all_results: list[dict[str, Any]] = []
    storages = ["sqlite", "postgres"] if args.storage == "both" else [args.storage]
    for storage in storages:
        runs: list[dict[str, Any]] = []
        if storage == "postgres":
            try:
                with throwaway_postgres() as admin_dsn:
                    for n in range(args.repeat):
                        with tempfile.TemporaryDirectory(prefix="logpilot-bench-") as tmp:
                            runs.append(
                                run_storage(storage, args.duration, Path(tmp), fresh_database(admin_dsn, n))
                            )
            except RuntimeError as exc:
                print(f"postgres: skipped ({exc})")
                continue
        else:
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory(prefix="logpilot-bench-") as tmp:
                    runs.append(run_storage(storage, args.duration, Path(tmp), None))
        results = summarize(runs)
        if len(runs) > 1:
            results["runs"] = runs
        report(results)
        all_results.append(results)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine, "targets": TARGETS, "results": all_results}, indent=2)
        )


if __name__ == "__main__":
    main()
