"""Start-up and shutdown: which listeners run (all | rest | grpc, management always), and a graceful stop.

On SIGTERM or SIGINT: readiness turns DOWN, the REST and gRPC listeners stop accepting, in-flight requests
finish (their writes are committed by the group-commit writer), the writer flushes what is queued, storage
closes, then the management listener stops and the process exits 0 within the grace period.

Exit codes: 0 after a clean stop, 1 when start-up fails (port in use, storage unusable, missing gRPC extra),
2 for an invalid configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import fcntl
import gc
import logging
import os
import signal
import socket
import sys
import termios
import threading
import time
from collections.abc import Iterator
from typing import Any

import orjson

from .config import ConfigError, LoggingSettings, Settings, load_settings
from .errors import StorageUnavailable

log = logging.getLogger("logpilot")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def configure_logging(settings: LoggingSettings) -> None:
    """Structured JSON (or plain text) logs on stderr for the service and uvicorn."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _bind(host: str, port: int, what: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StartupError(f"cannot listen for {what} on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class StartupError(Exception):
    """The server cannot start (port in use, storage unusable, missing extra)."""


def _request_deadline_protocol(timeout: float) -> type:
    """uvicorn's httptools protocol with a deadline for each request to arrive whole.

    uvicorn times out idle keep-alive connections only after a response; a client that opens a connection
    and sends its headers or body a byte at a time (slowloris) would otherwise keep it, and a file descriptor,
    for ever. The deadline runs from the connection opening, or from the previous response, to the end of
    the request's body; past it the connection is closed (a handler still reading the body sees a disconnect).

    The same bound applies to a client that stops reading its responses: once the response it is sent fills
    the connection's write buffer, the connection is dropped if the client takes no byte of it for `timeout`
    seconds (a slow but steady reader is not cut off), so its handler and buffered response are released.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class DeadlineProtocol(HttpToolsProtocol):
        _request_deadline: asyncio.TimerHandle | None = None

        def _arm_request_deadline(self) -> None:
            self._request_deadline = self.loop.call_later(timeout, self._request_too_slow)

        def _disarm_request_deadline(self) -> None:
            if self._request_deadline is not None:
                self._request_deadline.cancel()
                self._request_deadline = None

        def _request_too_slow(self) -> None:
            self._request_deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_request_deadline()

        # Requests received whole and not answered yet (more than one when a client pipelines).
        _unanswered = 0

        def on_message_complete(self) -> None:
            self._disarm_request_deadline()
            self._unanswered += 1
            super().on_message_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._disarm_request_deadline()
            self._unanswered = max(0, self._unanswered - 1)
            # The deadline is for a request still arriving: none when the next one is already here whole.
            if not self.transport.is_closing() and not self._unanswered:
                self._arm_request_deadline()

        _write_watch: asyncio.TimerHandle | None = None
        _write_backlog = 0

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._write_watch is None:
                self._watch_writes()

        def resume_writing(self) -> None:
            super().resume_writing()
            self._unwatch_writes()

        def _backlog(self) -> int:
            """Response bytes the client has not taken: in our buffer, plus in the kernel's send queue."""
            backlog = self.transport.get_write_buffer_size()
            sock = self.transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError, ValueError):
                    outq = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
                    backlog += int.from_bytes(outq, sys.byteorder, signed=True)
            return backlog

        def _watch_writes(self) -> None:
            self._write_backlog = self._backlog()
            self._write_watch = self.loop.call_later(timeout, self._check_writes)

        def _unwatch_writes(self) -> None:
            if self._write_watch is not None:
                self._write_watch.cancel()
                self._write_watch = None

        def _check_writes(self) -> None:
            self._write_watch = None
            if self.transport.is_closing() or not self.flow.write_paused:
                return
            if self._backlog() >= self._write_backlog:
                self.transport.abort()  # close() would wait for the buffer to drain, i.e. for ever
            else:
                self._watch_writes()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_request_deadline()
            self._unwatch_writes()
            super().connection_lost(exc)

    return DeadlineProtocol


def _uvicorn_server(app: Any, settings: Settings, access_log: bool) -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """A uvicorn server that leaves signal handling to us (several servers share one loop)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    http: Any
    try:
        import httptools  # noqa: F401

        http = _request_deadline_protocol(settings.http.request_timeout_seconds)
    except ImportError:
        http = "h11"
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_config=None,
        access_log=access_log,
        http=http,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        server_header=False,
        proxy_headers=False,
        date_header=False,
        backlog=2048,
    )
    return Server(config)


async def _open_storage_with_retry(storage: Any, stop: asyncio.Event, retry: bool) -> bool:
    delay = 0.5
    while True:
        try:
            await asyncio.to_thread(storage.open)
            return True
        except StorageUnavailable as exc:
            if not retry:
                raise StartupError(str(exc)) from None
            log.warning("storage not available yet, retrying in %.1fs: %s", delay, exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
            return False
        delay = min(delay * 2, 10.0)


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Runs the configured listeners until `stop` is set (or SIGTERM/SIGINT); returns the exit code."""
    from .api.management import build_management_app
    from .context import ServiceContext
    from .core.consumers import Consumers
    from .core.ingest import Ingestor
    from .metrics import Metrics
    from .security import ApiKeyAuth, RateLimiter
    from .storage import open_storage

    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)

    want_rest = settings.protocol in ("all", "rest")
    want_grpc = settings.protocol in ("all", "grpc")
    grpc_module: Any = None
    if want_grpc:
        try:
            from .api import grpc as grpc_module
        except ImportError as exc:
            raise StartupError(
                f"LOGPILOT_PROTOCOL={settings.protocol} needs the gRPC packages ({exc.name} is missing): "
                "install logpilot[grpc] or set LOGPILOT_PROTOCOL=rest"
            ) from None

    host = settings.host
    management_sock = _bind(host, settings.management.port, "management")
    rest_sock = _bind(host, settings.http.port, "REST") if want_rest else None

    storage = open_storage(settings)
    metrics = Metrics()
    ingestor = Ingestor(storage, settings.ingest, metrics)
    consumers = Consumers(storage, ingestor, settings.consumers.max_fetch_limit)
    ctx = ServiceContext(
        settings=settings,
        storage=storage,
        ingestor=ingestor,
        consumers=consumers,
        metrics=metrics,
        auth=ApiKeyAuth(settings.api_keys(), settings.auth.enabled),
        limiter=RateLimiter(
            settings.rate_limit.enabled, settings.rate_limit.capacity, settings.rate_limit.refill_per_second
        ),
    )
    if want_rest:
        ctx.listeners["rest"] = False
    if want_grpc:
        ctx.listeners["grpc"] = False

    management = _uvicorn_server(build_management_app(ctx), settings, access_log=False)
    management_task = asyncio.create_task(management.serve(sockets=[management_sock]))
    tasks: list[asyncio.Task[Any]] = []
    grpc_server: Any = None
    rest: Any = None
    retention: Any = None
    retention_task: asyncio.Task[None] | None = None
    try:
        if not await _open_storage_with_retry(storage, stop, retry=settings.storage.type == "postgres"):
            return 0
        ingestor.start()
        if settings.retention.enabled:
            from .core.retention import Retention

            retention = Retention(storage, settings.retention, metrics)
            retention_task = asyncio.create_task(retention.run())
        if rest_sock is not None:
            from .api.rest import build_rest_app

            rest = _uvicorn_server(build_rest_app(ctx), settings, access_log=settings.http.access_log)
            tasks.append(asyncio.create_task(rest.serve(sockets=[rest_sock])))
            ctx.listeners["rest"] = True
        if grpc_module is not None:
            try:
                grpc_server = await grpc_module.start_grpc_server(ctx, host, settings.grpc.port)
            except OSError as exc:
                raise StartupError(str(exc)) from None
            ctx.listeners["grpc"] = True
        log.info(
            "listening: protocol=%s rest=%s grpc=%s management=%s storage=%s",
            settings.protocol,
            settings.http.port if want_rest else "off",
            settings.grpc.port if want_grpc else "off",
            settings.management.port,
            storage.name,
        )
        # Everything allocated so far lives until exit: keep it out of the collector's full passes, which
        # would otherwise show up as latency spikes under load.
        gc.collect()
        gc.freeze()
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([stopper, *tasks, management_task], return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not stop.is_set():
            log.error("a listener stopped unexpectedly; shutting down")
        log.info("shutting down")
    finally:
        ctx.shutting_down = True
        grace = settings.shutdown_grace_seconds
        deadline = loop.time() + grace
        # In-flight requests get the grace period minus a reserve for what follows them (cancelling the
        # requests still running, flushing the writer, closing storage), so the process is gone within it.
        reserve = min(1.5, grace / 4)
        drain_deadline = deadline - reserve
        watchdog = _shutdown_watchdog(grace)
        if rest is not None:
            rest.should_exit = True
        if grpc_server is not None:
            await grpc_server.stop(max(0.05, drain_deadline - loop.time()))
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=max(0.05, drain_deadline - loop.time()))
            if pending and rest is not None:
                rest.force_exit = True
                await asyncio.wait(pending, timeout=max(0.05, min(reserve / 2, deadline - loop.time())))
        for name in ctx.listeners:
            ctx.listeners[name] = False
        if retention_task is not None:
            retention.stop()
            await asyncio.wait([retention_task], timeout=max(0.05, deadline - loop.time()))
        await ingestor.close()
        consumers.close()
        storage.close()
        management.should_exit = True
        await asyncio.wait([management_task], timeout=max(0.05, deadline - loop.time()))
        if rest_sock is not None:
            rest_sock.close()
        management_sock.close()
        watchdog.cancel()
        faulthandler.cancel_dump_traceback_later()
        log.info("stopped")
    return 0


def _shutdown_watchdog(grace: float) -> threading.Timer:
    """Bounds shutdown: past the grace period, dump every thread's stack (for diagnosis) and exit 1."""
    faulthandler.dump_traceback_later(grace + 2, exit=False)

    def force_exit() -> None:
        log.error("shutdown did not finish within the grace period; exiting")
        logging.shutdown()
        os._exit(1)

    timer = threading.Timer(grace + 3, force_exit)
    timer.daemon = True
    timer.start()
    return timer


def _run(settings: Settings) -> int:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(serve(settings))
    return uvloop.run(serve(settings))


def main() -> None:
    """Console script `logpilot-server` (see cli.py for its arguments)."""
    from .cli import parse_arguments

    command = parse_arguments(sys.argv[1:])
    notes: list[str] = []
    try:
        settings = load_settings(notes=notes)
        if command.name == "serve":
            settings.check_startable()
    except ConfigError as exc:
        print(f"logpilot-server: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.logging)
    if notes:
        log.warning("settings of the original LogPilot that have no effect here: %s", "; ".join(notes))
    if command.name == "import":
        from .importer import run_import

        sys.exit(run_import(settings, command.directory, command.timezone))
    try:
        code = _run(settings)
    except StartupError as exc:
        log.error("start-up failed: %s", exc)
        code = 1
    sys.exit(code)
