"""Start-up: assembles the service and runs the listeners (all | rest | grpc, management always).

On SIGTERM or SIGINT the service stops gracefully (see shutdown.py) and the process exits 0 within the grace
period. Exit codes: 0 after a clean stop, 1 when start-up fails (port in use, storage unusable, missing gRPC
extra), 2 for an invalid configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from typing import Any

from .config import ConfigError, Settings, load_settings
from .errors import StartupError, StorageUnavailable
from .http_server import bind, uvicorn_server
from .logging_json import configure_logging

log = logging.getLogger("logpilot")


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
    from .core.ingest import GroupCommitWriter
    from .core.service import LogService
    from .metrics import Metrics
    from .security import ApiKeyAuth, RateLimiter
    from .shutdown import Listeners, stop_gracefully
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
    management_sock = bind(host, settings.management.port, "management")
    rest_sock = bind(host, settings.http.port, "REST") if want_rest else None

    storage = open_storage(settings)
    metrics = Metrics()
    writer = GroupCommitWriter(storage, settings.ingest, metrics)
    ctx = ServiceContext(
        settings=settings,
        storage=storage,
        writer=writer,
        logs=LogService(storage, writer, settings),
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

    management = uvicorn_server(build_management_app(ctx), settings, access_log=False)
    listeners = Listeners(
        management=management,
        management_task=asyncio.create_task(management.serve(sockets=[management_sock])),
        sockets=[s for s in (rest_sock, management_sock) if s is not None],
    )
    try:
        if not await _open_storage_with_retry(storage, stop, retry=settings.storage.type == "postgres"):
            return 0
        writer.start()
        if settings.retention.enabled:
            from .core.retention import Retention

            listeners.retention = Retention(storage, settings.retention, metrics)
            listeners.retention_task = asyncio.create_task(listeners.retention.run())
        if rest_sock is not None:
            from .api.rest import build_rest_app

            listeners.rest = uvicorn_server(
                build_rest_app(ctx), settings, access_log=settings.http.access_log
            )
            listeners.rest_tasks.append(asyncio.create_task(listeners.rest.serve(sockets=[rest_sock])))
            ctx.listeners["rest"] = True
        if grpc_module is not None:
            try:
                listeners.grpc = await grpc_module.start_grpc_server(ctx, host, settings.grpc.port)
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
        await asyncio.wait(
            [stopper, *listeners.rest_tasks, listeners.management_task], return_when=asyncio.FIRST_COMPLETED
        )
        stopper.cancel()
        if not stop.is_set():
            log.error("a listener stopped unexpectedly; shutting down")
        log.info("shutting down")
    finally:
        await stop_gracefully(ctx, listeners, settings.shutdown_grace_seconds)
    return 0


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
