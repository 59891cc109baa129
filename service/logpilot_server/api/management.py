"""Management adapter (port 8081, never authenticated): health, liveness, readiness, info, Prometheus."""

from __future__ import annotations

import asyncio
import logging

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import __version__
from ..context import ServiceContext
from ..errors import LogPilotError
from ..metrics import Gauge

log = logging.getLogger("logpilot.management")
_PING_TIMEOUT = 2.0


def _json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def build_management_app(ctx: ServiceContext) -> Starlette:
    """The Starlette application of the management port."""
    storage = ctx.storage

    async def storage_status() -> dict[str, object]:
        try:
            await asyncio.wait_for(ctx.logs.run_blocking(storage.ping), _PING_TIMEOUT)
        except (LogPilotError, TimeoutError) as exc:
            return {"status": "DOWN", "details": {"type": storage.name, "error": str(exc) or "timeout"}}
        if not ctx.writer.healthy:
            # The last write failed and none has succeeded since: storage answers but does not serve.
            error = f"last write failed: {ctx.writer.last_error}"
            return {"status": "DOWN", "details": {"type": storage.name, "error": error}}
        return {"status": "UP", "details": {"type": storage.name}}

    def listener_components() -> dict[str, dict[str, object]]:
        return {name: {"status": "UP" if up else "DOWN"} for name, up in ctx.listeners.items()}

    async def health(_: Request) -> Response:
        components: dict[str, dict[str, object]] = {
            "storage": await storage_status(),
            **listener_components(),
        }
        up = all(c["status"] == "UP" for c in components.values())
        return _json({"status": "UP" if up else "DOWN", "components": components}, 200 if up else 503)

    async def liveness(_: Request) -> Response:
        return _json({"status": "UP"})

    async def readiness(_: Request) -> Response:
        storage_component = await storage_status()
        ready = (
            not ctx.shutting_down
            and storage_component["status"] == "UP"
            and all(ctx.listeners.values())
            and bool(ctx.listeners)
        )
        return _json({"status": "UP" if ready else "DOWN"}, 200 if ready else 503)

    async def info(_: Request) -> Response:
        settings = ctx.settings
        return _json(
            {
                "app": {"name": "logpilot", "version": __version__},
                "protocol": settings.protocol,
                "storage": {"type": storage.name},
                "listeners": sorted(ctx.listeners),
            }
        )

    async def prometheus(_: Request) -> Response:
        size = -1.0
        capacity: int | None = None
        lags: list[tuple[tuple[str, ...], float]] = []
        up = 1.0
        try:
            size = float(await ctx.logs.run_blocking(storage.size_bytes))
            capacity = await ctx.logs.run_blocking(storage.capacity_bytes)
            lags = [
                ((lag.channel, lag.consumer_id), float(lag.lag))
                for lag in await ctx.logs.run_blocking(storage.consumer_lags)
            ]
        except LogPilotError as exc:
            log.warning("metrics: storage unavailable: %s", exc)
            up = 0.0
        gauges = [
            Gauge(
                "logpilot_store_size_bytes",
                "Bytes the store occupies.",
                ("storage",),
                lambda: [((storage.name,), size)],
            ),
            Gauge(
                "logpilot_storage_size_bytes",
                "Bytes the store occupies (the name the original's dashboards query).",
                ("storage",),
                lambda: [((storage.name,), size)],
            ),
            Gauge(
                "logpilot_storage_capacity_bytes",
                "Bytes of the volume holding the store (SQLite only).",
                ("storage",),
                lambda: [((storage.name,), float(capacity))] if capacity is not None else [],
            ),
            Gauge(
                "logpilot_storage_up",
                "1 if the storage answered the scrape's queries.",
                ("storage",),
                lambda: [((storage.name,), up)],
            ),
            Gauge(
                "logpilot_consumer_lag",
                "Entries of the channel after the consumer's offset.",
                ("channel", "consumer"),
                lambda: lags,
            ),
            Gauge(
                "logpilot_ingest_pending_rows",
                "Rows waiting for the group commit.",
                (),
                lambda: [((), float(ctx.writer.pending_rows))],
            ),
        ]
        return Response(ctx.metrics.render(gauges), media_type="text/plain; version=0.0.4; charset=utf-8")

    return Starlette(
        routes=[
            Route("/actuator/health", health),
            Route("/actuator/health/liveness", liveness),
            Route("/actuator/health/readiness", readiness),
            Route("/actuator/info", info),
            Route("/actuator/prometheus", prometheus),
        ]
    )
