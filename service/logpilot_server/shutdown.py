"""Graceful stop, in order: stop accepting, let in-flight requests finish, flush the writer, close storage.

Readiness turns DOWN first (`ctx.shutting_down`), the REST and gRPC listeners stop accepting, in-flight
requests finish (their writes are committed by the group-commit writer), the writer flushes what is queued,
storage closes, then the management listener stops; all within the grace period, which a watchdog enforces.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from .context import ServiceContext

log = logging.getLogger("logpilot")


@dataclass
class Listeners:
    """What `serve` started and the stop sequence takes down (None / empty when not started)."""

    management: Any
    management_task: asyncio.Task[Any]
    sockets: list[socket.socket]
    rest: Any = None
    rest_tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    grpc: Any = None
    retention: Any = None
    retention_task: asyncio.Task[None] | None = None


async def stop_gracefully(ctx: ServiceContext, listeners: Listeners, grace: float) -> None:
    """Takes everything down within `grace` seconds (past it plus a margin, the watchdog exits the process)."""
    loop = asyncio.get_running_loop()
    ctx.shutting_down = True
    deadline = loop.time() + grace
    # In-flight requests get the grace period minus a reserve for what follows them (cancelling the
    # requests still running, flushing the writer, closing storage), so the process is gone within it.
    reserve = min(1.5, grace / 4)
    drain_deadline = deadline - reserve
    watchdog = _watchdog(grace)
    if listeners.rest is not None:
        listeners.rest.should_exit = True
    if listeners.grpc is not None:
        await listeners.grpc.stop(max(0.05, drain_deadline - loop.time()))
    if listeners.rest_tasks:
        _, pending = await asyncio.wait(listeners.rest_tasks, timeout=max(0.05, drain_deadline - loop.time()))
        if pending and listeners.rest is not None:
            listeners.rest.force_exit = True
            await asyncio.wait(pending, timeout=max(0.05, min(reserve / 2, deadline - loop.time())))
    for name in ctx.listeners:
        ctx.listeners[name] = False
    if listeners.retention_task is not None:
        listeners.retention.stop()
        await asyncio.wait([listeners.retention_task], timeout=max(0.05, deadline - loop.time()))
    await ctx.writer.close()
    ctx.logs.close()
    ctx.storage.close()
    listeners.management.should_exit = True
    await asyncio.wait([listeners.management_task], timeout=max(0.05, deadline - loop.time()))
    for sock in listeners.sockets:
        sock.close()
    watchdog.cancel()
    faulthandler.cancel_dump_traceback_later()
    log.info("stopped")


def _watchdog(grace: float) -> threading.Timer:
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
