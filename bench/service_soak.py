"""Service soak: a bounded run at half the measured peak ingest rate, with the server's memory sampled.

1. Starts `logpilot-server` (API key auth on, as in production) on free loopback ports.
2. Peak: closed-loop REST batches from `--connections` keep-alive connections for `--peak-seconds`, with
   the consumer of step 3 reading at the same time.
3. Soak: open-loop REST batches at half that rate for `--minutes`, scheduled on a fixed timeline (latency is
   measured from the scheduled send time, so a stalled server cannot hide behind a slowed-down client), plus
   one consumer reading with consumerId and autoCommit. The server's RSS is sampled every second.
4. Verdict: memory flat (RSS at the end within max(10 MiB, 10 %) of RSS after the first minute) and the p99
   latency of every minute within 2x of the first minute's; every acknowledged log is in storage.

Prints per-minute figures and a final `RELIABILITY {json}` line (read by bench/reliability.py). Exit code 0
when the verdict holds, 1 when it does not, 2 when the run could not be made. Not part of `make test`.

    python bench/service_soak.py [--minutes 3] [--storage sqlite|postgres] [--batch 100] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

API_KEY = "soak-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `logpilot-server` subprocess on free loopback ports."""

    def __init__(self, workdir: Path, storage: str, dsn: str | None) -> None:
        self.http, self.grpc, self.mgmt = free_port(), free_port(), free_port()
        self.sqlite_path = workdir / "soak.db"
        self.dsn = dsn
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOGPILOT_")}
        env |= {
            "LOGPILOT_HOST": "127.0.0.1",
            "LOGPILOT_PROTOCOL": "rest",
            "LOGPILOT_HTTP_PORT": str(self.http),
            "LOGPILOT_GRPC_PORT": str(self.grpc),
            "LOGPILOT_MANAGEMENT_PORT": str(self.mgmt),
            "LOGPILOT_API_KEY": API_KEY,
            "LOGPILOT_STORAGE_TYPE": storage,
            "LOGPILOT_SQLITE_PATH": str(self.sqlite_path),
            "LOGPILOT_LOG_LEVEL": "WARNING",
        }
        if dsn:
            env["LOGPILOT_POSTGRES_DSN"] = dsn
        script = Path(sys.executable).with_name("logpilot-server")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "logpilot_server"]
        self.log = (workdir / "server.log").open("wb")
        self.proc = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.mgmt}/actuator/health/readiness").status_code == 200:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            time.sleep(0.1)
        raise RuntimeError("server did not become ready")

    def rss_mib(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+)", status)
        return int(match.group(1)) / 1024 if match else 0.0

    def stored(self) -> int:
        if self.dsn:
            import psycopg

            with psycopg.connect(self.dsn) as conn:
                row = conn.execute("SELECT count(*) FROM logs WHERE channel = 'soak'").fetchone()
                return int(row[0]) if row else 0
        with sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM logs WHERE channel = 'soak'").fetchone()[0])

    def slow_writes(self) -> tuple[int, int]:
        """(storage transactions over 100 ms, all of them) so far, from the server's Prometheus metrics."""
        text = httpx.get(f"http://127.0.0.1:{self.mgmt}/actuator/prometheus", timeout=10).text
        counts = {
            le: float(n)
            for le, n in re.findall(
                r'logpilot_storage_write_duration_seconds_bucket\{[^}]*le="([^"]+)"\} (\S+)', text
            )
        }
        total = int(counts.get("+Inf", 0))
        return total - int(counts.get("0.1", total)), total

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(60)
        self.log.close()
        return code


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A temporary PostgreSQL cluster (the one the service benchmark uses), as `postgres` when run as root."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from service_ingest import throwaway_postgres as cluster

    with cluster() as dsn:
        yield dsn


# --- a small HTTP/1.1 load generator: keep-alive connections, pre-encoded requests -------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection sending the same pre-encoded request."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        match = re.search(rb"(?i)content-length: (\d+)", head)
        body = await self.reader.readexactly(int(match.group(1))) if match else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def batch_request(batch: int, seq: int) -> bytes:
    body = orjson.dumps(
        [
            {"channel": "soak", "level": "INFO", "message": f"soak {seq} {i} " + "x" * 60, "meta": {"n": i}}
            for i in range(batch)
        ]
    )
    return (
        f"POST /api/logs/batch HTTP/1.1\r\nHost: soak\r\nX-API-KEY: {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def consume(port: int, deadline: float, count: Any) -> None:
    """One consumer keeps up with the channel through its committed offset, from the newest log on."""
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"X-API-KEY": API_KEY}, timeout=30
    ) as client:
        seek = {"channel": "soak", "consumerId": "soak-reader", "operation": "LATEST"}
        (await client.post("/api/logs/seek", json=seek)).raise_for_status()
        while time.perf_counter() < deadline:
            r = await client.get("/api/logs/soak", params={"consumerId": "soak-reader", "limit": 5000})
            # counted, not parsed: the load generator shares the machine with the server
            page = r.content.count(b'"id":') if r.status_code == 200 else 0
            await count(page)
            if page < 5000:
                await asyncio.sleep(0.2)


async def peak(port: int, batch: int, connections: int, seconds: float) -> dict[str, float]:
    """Closed loop: each connection sends its next batch as soon as the last one is acknowledged, while the
    consumer reads, as in the soak (the server's reads share its CPU with its writes)."""
    raw = batch_request(batch, -1)
    conns = [await Connection.open(port) for _ in range(connections)]
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(conn: Connection) -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            status, _ = await conn.request(raw)
            if status == 201:
                done += 1
            else:
                errors += 1

    async def ignore(n: int) -> None:
        return None

    started = time.perf_counter()
    await asyncio.gather(consume(port, deadline, ignore), *(worker(c) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return {"logs_per_s": done * batch / elapsed, "requests_per_s": done / elapsed, "errors": float(errors)}


@dataclass
class Soak:
    """Figures of the paced run."""

    rate: float
    batch: int
    acknowledged: int = 0
    sent: int = 0
    errors: int = 0
    late_starts: int = 0
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, latency)
    rss: list[tuple[float, float]] = field(default_factory=list)
    consumed: int = 0
    # cumulative (storage writes over 100 ms, all storage writes), scraped at the end of every minute
    slow_writes: list[tuple[int, int]] = field(default_factory=list)


async def soak(server: Server, rate_logs: float, batch: int, connections: int, seconds: float) -> Soak:
    """Open loop: batches scheduled every batch/rate seconds, spread over a pool of connections."""
    result = Soak(rate=rate_logs, batch=batch)
    interval = batch / rate_logs
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await Connection.open(server.http))
    started = time.perf_counter()
    deadline = started + seconds
    tasks: set[asyncio.Task[None]] = set()
    requests = [batch_request(batch, n) for n in range(64)]

    async def send(scheduled: float, raw: bytes) -> None:
        conn = await pool.get()
        result.sent += batch
        try:
            status, _ = await conn.request(raw)
        except (OSError, asyncio.IncompleteReadError):
            result.errors += 1
            pool.put_nowait(await Connection.open(server.http))
            return
        now = time.perf_counter()
        pool.put_nowait(conn)
        if status == 201:
            result.acknowledged += batch
            result.latencies.append((scheduled - started, now - scheduled))
        else:
            result.errors += 1

    async def sample_rss() -> None:
        n = 0
        while time.perf_counter() < deadline:
            result.rss.append((time.perf_counter() - started, server.rss_mib()))
            if n % 60 == 59:
                result.slow_writes.append(await asyncio.to_thread(server.slow_writes))
            n += 1
            await asyncio.sleep(1.0)
        result.slow_writes.append(await asyncio.to_thread(server.slow_writes))

    async def count(n: int) -> None:
        result.consumed += n

    side = [asyncio.create_task(sample_rss()), asyncio.create_task(consume(server.http, deadline, count))]
    n = 0
    while True:
        scheduled = started + n * interval
        if scheduled >= deadline:
            break
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.05:
            result.late_starts += 1
        task = asyncio.create_task(send(scheduled, requests[n % len(requests)]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    if tasks:
        await asyncio.gather(*tasks)
    await asyncio.gather(*side)
    while not pool.empty():
        pool.get_nowait().close()
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def minute_windows(result: Soak, seconds: float) -> list[dict[str, float]]:
    """Per-minute p50/p99 latency (ms), RSS (MiB, mean and last) and achieved rate."""
    windows = []
    for start in range(0, int(seconds + 59) // 60 * 60, 60):
        lat = [lat for t, lat in result.latencies if start <= t < start + 60]
        rss = [r for t, r in result.rss if start <= t < start + 60]
        span = min(60.0, seconds - start)
        if not lat or span < 10:
            continue
        windows.append(
            {
                "minute": start // 60 + 1,
                "logs_per_s": round(len(lat) * result.batch / span),
                "p50_ms": round(percentile(lat, 0.50) * 1000, 2),
                "p99_ms": round(percentile(lat, 0.99) * 1000, 2),
                "max_ms": round(max(lat) * 1000, 1),
                "rss_mean_mib": round(statistics.mean(rss), 1) if rss else 0.0,
                "rss_last_mib": round(rss[-1], 1) if rss else 0.0,
            }
        )
    return windows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the paced run (default 3)")
    parser.add_argument("--storage", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--batch", type=int, default=100, help="logs per REST batch (default 100)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--peak-seconds", type=float, default=10.0, help="length of the peak measurement")
    parser.add_argument("--fraction", type=float, default=0.5, help="share of the peak rate to soak at")
    args = parser.parse_args()
    if args.minutes <= 0 or args.batch < 1 or args.connections < 1 or not 0 < args.fraction <= 1:
        parser.error("--minutes, --batch, --connections must be positive and --fraction in (0, 1]")
    seconds = args.minutes * 60
    try:
        with contextlib.ExitStack() as stack:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="logpilot-soak-")))
            dsn = stack.enter_context(throwaway_postgres()) if args.storage == "postgres" else None
            server = Server(workdir, args.storage, dsn)
            try:
                top = asyncio.run(peak(server.http, args.batch, args.connections, args.peak_seconds))
                rate = top["logs_per_s"] * args.fraction
                before = server.stored()
                load_avg = os.getloadavg()[0]
                print(
                    f"peak: {top['logs_per_s']:,.0f} logs/s ({top['requests_per_s']:,.0f} batches of {args.batch}/s,"
                    f" {args.connections} connections, {args.storage}); soaking {args.minutes:g} min at"
                    f" {rate:,.0f} logs/s; load average {load_avg:.1f}",
                    flush=True,
                )
                stop_progress = threading.Event()

                def progress() -> None:
                    while not stop_progress.wait(30):
                        print(f"  ... RSS {server.rss_mib():.1f} MiB", flush=True)

                reporter = threading.Thread(target=progress, daemon=True)
                reporter.start()
                result = asyncio.run(soak(server, rate, args.batch, args.connections, seconds))
                stop_progress.set()
                found = server.stored() - before
                # the same closed-loop measure again: did the server's capacity change over the run?
                after = asyncio.run(peak(server.http, args.batch, args.connections, args.peak_seconds))
            finally:
                exit_code = server.stop()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"service_soak: cannot run: {exc}", file=sys.stderr)
        return 2

    windows = minute_windows(result, seconds)
    previous = (0, 0)
    for w, writes in zip(windows, result.slow_writes, strict=False):
        w["slow_writes"] = writes[0] - previous[0]
        w["writes"] = writes[1] - previous[1]
        previous = writes
    for w in windows:
        print(
            f"minute {w['minute']:.0f}: {w['logs_per_s']:,.0f} logs/s, p50 {w['p50_ms']:.2f} ms,"
            f" p99 {w['p99_ms']:.2f} ms, max {w['max_ms']:.1f} ms, RSS mean {w['rss_mean_mib']:.1f} MiB,"
            f" last {w['rss_last_mib']:.1f} MiB; storage transactions over 100 ms:"
            f" {w.get('slow_writes', '?')} of {w.get('writes', '?')}"
        )
    first, last = windows[0], windows[-1]
    rss_base, rss_end = first["rss_last_mib"], last["rss_last_mib"]
    rss_allowed = max(10.0, rss_base * 0.10)
    p99_ratio = max(w["p99_ms"] for w in windows[1:]) / first["p99_ms"] if len(windows) > 1 else 1.0
    rss_peak = max(r for _, r in result.rss)
    checks = {
        "memory flat": rss_end - rss_base <= rss_allowed,
        "p99 within 2x of the first minute": p99_ratio <= 2.0,
        "every acknowledged log stored": found == result.acknowledged,
        "no errors": result.errors == 0,
        "clean exit": exit_code == 0,
    }
    figures: dict[str, Any] = {
        "scenario": f"soak-{args.storage}",
        "minutes": args.minutes,
        "peak_logs_per_s": round(top["logs_per_s"]),
        "peak_after_logs_per_s": round(after["logs_per_s"]),
        "soak_logs_per_s": round(rate),
        "sent": result.sent,
        "acknowledged": result.acknowledged,
        "found": found,
        "consumed": result.consumed,
        "errors": result.errors,
        "late_starts": result.late_starts,
        "p99_first_minute_ms": first["p99_ms"],
        "p99_worst_ratio": round(p99_ratio, 2),
        "rss_after_first_minute_mib": rss_base,
        "rss_end_mib": rss_end,
        "rss_peak_mib": round(rss_peak, 1),
        "rss_samples": len(result.rss),
        "passed": all(checks.values()),
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    print(f"peak after the soak: {after['logs_per_s']:,.0f} logs/s (before: {top['logs_per_s']:,.0f})")
    print(
        f"RSS {rss_base:.1f} -> {rss_end:.1f} MiB (allowed +{rss_allowed:.1f}), peak {rss_peak:.1f} MiB;"
        f" worst minute p99 / first minute p99 = {p99_ratio:.2f}; sent {result.sent:,}, acknowledged"
        f" {result.acknowledged:,}, found {found:,}, consumed {result.consumed:,}"
    )
    print("RELIABILITY " + orjson.dumps(figures).decode(), flush=True)
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
