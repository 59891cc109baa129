"""gRPC adapter (port 50051): `logpilot.LogService`, the standard health service and server reflection.

The result model is the original LogPilot's: `SendLog`, `SendLogs` and `Seek` answer with status OK and
`status: "error"` plus a message when the request itself is wrong (the Java client then fails the call at
once instead of retrying it). Failures a retry can cure keep their status code, so that client retries them:
UNAUTHENTICATED (as the original), RESOURCE_EXHAUSTED (rate limit), UNAVAILABLE (storage down).
Imported only when the gRPC listener runs, so a rest-only install never needs the gRPC packages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any, NoReturn

import grpc
import orjson
from google.protobuf.message import DecodeError
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection

from .._proto import logpilot_pb2 as pb
from .._proto import logpilot_pb2_grpc as pb_grpc
from ..context import ServiceContext
from ..errors import InvalidArgument, LogPilotError, PayloadTooLarge, RateLimited
from ..storage.base import StoredRow
from ..timestamps import now_ms

log = logging.getLogger("logpilot.grpc")
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["LogService"].full_name
# Errors of the request itself: answered in the response (status "error"), not with a status code.
_REQUEST_ERRORS = (InvalidArgument, PayloadTooLarge)
_HEALTH_INTERVAL = 2.0


def _meta_to_strings(meta_json: str | None) -> dict[str, str]:
    """Stored meta (a JSON object, possibly with non-string values from REST) as a string map."""
    if not meta_json:
        return {}
    meta = orjson.loads(meta_json)
    return {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in meta.items()}


def _entries(rows: Sequence[StoredRow]) -> list[pb.LogEntry]:
    entry = pb.LogEntry
    return [
        entry(
            id=log_id,
            channel=channel,
            level=level,
            message=message,
            meta=_meta_to_strings(meta),
            timestamp=ts,
        )
        for log_id, channel, level, message, meta, ts in rows
    ]


class LogServicer(pb_grpc.LogServiceServicer):
    """Translates protobuf messages to core calls and LogPilotError to status codes."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._max_fetch = ctx.settings.consumers.max_fetch_limit

    def _authorize(self, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        ctx = self._ctx
        presented = None
        if ctx.auth.enabled:
            for item in context.invocation_metadata() or ():
                if item[0] == "x-api-key":
                    presented = item[1]
                    break
        ctx.limiter.take(ctx.auth.check(presented))

    async def _fail(
        self, context: grpc.aio.ServicerContext[Any, Any], route: str, started: float, exc: Exception
    ) -> NoReturn:
        if isinstance(exc, LogPilotError):
            code = getattr(grpc.StatusCode, exc.grpc_code)
            message = str(exc)
            if isinstance(exc, RateLimited):
                context.set_trailing_metadata((("retry-after", str(int(exc.retry_after))),))
        else:
            log.error("unexpected error on %s", route, exc_info=exc)
            code, message = grpc.StatusCode.INTERNAL, "internal error"
        self._ctx.metrics.observe_request("grpc", route, code.name, time.perf_counter() - started)
        await context.abort(code, message)

    def _done(self, route: str, started: float) -> None:
        self._ctx.metrics.observe_request("grpc", route, "OK", time.perf_counter() - started)

    async def SendLog(
        self, request: pb.LogRequest, context: grpc.aio.ServicerContext[pb.LogRequest, pb.LogResponse]
    ) -> pb.LogResponse:
        started = time.perf_counter()
        try:
            self._authorize(context)
            stored = await self._ctx.logs.store_message(request, now_ms())
        except _REQUEST_ERRORS as exc:
            self._done("SendLog", started)
            return pb.LogResponse(status="error", message=f"Failed to store log: {exc}")
        except Exception as exc:
            return await self._fail(context, "SendLog", started, exc)
        self._done("SendLog", started)
        return pb.LogResponse(status="success", message=f"stored with id {stored.first_id}")

    async def SendLogs(
        self,
        request: pb.SendLogsRequest,
        context: grpc.aio.ServicerContext[pb.SendLogsRequest, pb.SendLogsResponse],
    ) -> pb.SendLogsResponse:
        started = time.perf_counter()
        try:
            self._authorize(context)
            stored = await self._ctx.logs.store_messages(request.log_requests)
        except _REQUEST_ERRORS as exc:
            self._done("SendLogs", started)
            return pb.SendLogsResponse(status="error", message=f"Failed to store logs: {exc}")
        except Exception as exc:
            return await self._fail(context, "SendLogs", started, exc)
        self._done("SendLogs", started)
        if not stored.count:
            return pb.SendLogsResponse(status="success", message="stored 0 logs")
        return pb.SendLogsResponse(
            status="success",
            message=f"stored {stored.count} logs with ids {stored.first_id}..{stored.last_id}",
        )

    async def ListLogs(
        self,
        request: pb.ListLogsRequest,
        context: grpc.aio.ServicerContext[pb.ListLogsRequest, pb.ListLogsResponse],
    ) -> pb.ListLogsResponse:
        started = time.perf_counter()
        try:
            self._authorize(context)
            rows = await self._ctx.logs.query(
                request.channel or None,
                request.level or None,
                request.fromTimestamp or None,
                request.toTimestamp or None,
                self._max_fetch,
            )
            response = pb.ListLogsResponse(logs=_entries(rows))
        except Exception as exc:
            return await self._fail(context, "ListLogs", started, exc)
        self._done("ListLogs", started)
        return response

    async def FetchLogs(
        self,
        request: pb.FetchLogsRequest,
        context: grpc.aio.ServicerContext[pb.FetchLogsRequest, pb.FetchLogsResponse],
    ) -> pb.FetchLogsResponse:
        started = time.perf_counter()
        try:
            self._authorize(context)
            logs = self._ctx.logs
            limit = request.limit or 100
            # The original's client sends its consumer id as `since`; no channel means every channel.
            consumer_id = request.consumerId or request.since
            if consumer_id:
                rows = await logs.fetch(request.channel, consumer_id, limit, True)
            else:
                rows = await logs.latest(request.channel or None, limit)
            response = pb.FetchLogsResponse(logs=_entries(rows))
        except Exception as exc:
            return await self._fail(context, "FetchLogs", started, exc)
        self._done("FetchLogs", started)
        return response

    async def Seek(
        self, request: pb.SeekRequest, context: grpc.aio.ServicerContext[pb.SeekRequest, pb.SeekResponse]
    ) -> pb.SeekResponse:
        started = time.perf_counter()
        try:
            self._authorize(context)
            offset = await self._ctx.logs.seek(
                request.channel, request.consumerId, request.operation, request.logId or None
            )
        except _REQUEST_ERRORS as exc:
            self._done("Seek", started)
            return pb.SeekResponse(status="error", message=f"Failed to seek: {exc}")
        except Exception as exc:
            return await self._fail(context, "Seek", started, exc)
        self._done("Seek", started)
        return pb.SeekResponse(status="success", message=f"offset {offset}")


def _parsing(method: Any, message_type: Any) -> Any:
    """Parses the request inside the handler so a malformed message is INVALID_ARGUMENT, not UNKNOWN."""
    name = message_type.DESCRIPTOR.full_name

    async def handler(data: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            request = message_type.FromString(data)
        except DecodeError:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"malformed {name} message")
        return await method(request, context)

    return handler


def _log_service_handler(servicer: LogServicer) -> grpc.GenericRpcHandler:
    methods = pb.DESCRIPTOR.services_by_name["LogService"].methods
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
    for method in methods:
        request_type = getattr(pb, method.input_type.name)
        response_type = getattr(pb, method.output_type.name)
        handlers[method.name] = grpc.unary_unary_rpc_method_handler(
            _parsing(getattr(servicer, method.name), request_type),
            response_serializer=response_type.SerializeToString,
        )
    return grpc.method_handlers_generic_handler(SERVICE_NAME, handlers)


class GrpcListener:
    """The running gRPC server and its health reporter."""

    def __init__(self, server: grpc.aio.Server, health: Any, ctx: ServiceContext) -> None:
        self._server = server
        self._health = health
        self._ctx = ctx
        self._watch = asyncio.create_task(self._watch_storage())

    async def _set(self, status: int) -> None:
        for name in ("", SERVICE_NAME):
            await self._health.set(name, status)

    async def _watch_storage(self) -> None:
        """Keeps the gRPC health status in step with storage reachability (for the kubelet's grpc probe)."""
        serving = health_pb2.HealthCheckResponse.SERVING
        not_serving = health_pb2.HealthCheckResponse.NOT_SERVING
        while True:
            try:
                await asyncio.wait_for(self._ctx.logs.run_blocking(self._ctx.storage.ping), _HEALTH_INTERVAL)
                await self._set(serving)
            except (LogPilotError, TimeoutError):
                await self._set(not_serving)
            await asyncio.sleep(_HEALTH_INTERVAL)

    async def stop(self, grace: float) -> None:
        """Stops accepting calls, lets in-flight calls finish within `grace` seconds."""
        self._watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watch
        await self._health.enter_graceful_shutdown()
        await self._server.stop(grace)


async def start_grpc_server(ctx: ServiceContext, host: str, port: int) -> GrpcListener:
    """Binds and starts the gRPC server; raises OSError when the port cannot be bound."""
    limit = ctx.settings.grpc.max_message_bytes
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", limit),
            ("grpc.max_send_message_length", max(limit, 64 * 1024 * 1024)),
            ("grpc.so_reuseport", 0),
        ]
    )
    server.add_generic_rpc_handlers((_log_service_handler(LogServicer(ctx)),))
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    if ctx.settings.grpc.reflection:
        reflection.enable_server_reflection(
            (
                SERVICE_NAME,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as exc:
        raise OSError(f"cannot listen for gRPC on {address}: {exc}") from None
    if not bound:
        raise OSError(f"cannot listen for gRPC on {address}")
    await server.start()
    for name in ("", SERVICE_NAME):
        await health.set(name, health_pb2.HealthCheckResponse.SERVING)
    return GrpcListener(server, health, ctx)
