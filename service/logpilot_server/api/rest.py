"""REST adapter (port 8080): parse, authenticate, call the core, serialise. No business logic here."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..context import ServiceContext
from ..core.entries import now_ms, row_from_json, rows_from_json, rows_to_json
from ..errors import InvalidArgument, LogPilotError, PayloadTooLarge, RateLimited
from .openapi import openapi_document

log = logging.getLogger("logpilot.rest")
JSON = "application/json"
Handler = Callable[[Request], Awaitable[Response]]


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON, headers=headers)


def error_response(exc: LogPilotError) -> Response:
    headers = {"Retry-After": str(int(exc.retry_after))} if isinstance(exc, RateLimited) else None
    return json_response(
        {"status": "error", "error": type(exc).__name__, "message": str(exc)}, exc.http_status, headers
    )


def _iso(ms: int) -> str:
    second, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)) + f".{millis:03d}Z"


def build_rest_app(ctx: ServiceContext) -> Starlette:
    """The Starlette application serving the log API and its OpenAPI document."""
    settings = ctx.settings
    max_body = settings.http.max_body_bytes
    max_batch = settings.http.max_batch_size
    auth, limiter, metrics = ctx.auth, ctx.limiter, ctx.metrics
    ingestor, consumers = ctx.ingestor, ctx.consumers

    def endpoint(route: str, handler: Handler) -> Handler:
        """Wraps a handler with auth, rate limiting, error mapping and metrics."""

        async def wrapped(request: Request) -> Response:
            started = time.perf_counter()
            try:
                key = auth.check(request.headers.get("x-api-key"))
                limiter.take(key)
                response = await handler(request)
            except LogPilotError as exc:
                response = error_response(exc)
            except Exception:
                log.exception("unexpected error on %s", route)
                response = json_response(
                    {"status": "error", "error": "Internal", "message": "internal error"}, 500
                )
            metrics.observe_request("rest", route, str(response.status_code), time.perf_counter() - started)
            return response

        return wrapped

    async def read_json(request: Request) -> object:
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise InvalidArgument("invalid Content-Length")
            if int(length) > max_body:
                raise PayloadTooLarge(f"request body larger than {max_body} bytes")
            body = await request.body()
        else:
            chunks: list[bytes] = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_body:
                    raise PayloadTooLarge(f"request body larger than {max_body} bytes")
                chunks.append(chunk)
            body = b"".join(chunks)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidArgument(f"the body is not valid JSON: {exc}") from None

    async def post_log(request: Request) -> Response:
        ts = now_ms()
        row = row_from_json(await read_json(request), ts)
        log_id = await ingestor.append((row,))
        return json_response({"status": "success", "id": log_id, "timestamp": _iso(ts)}, 201)

    async def post_batch(request: Request) -> Response:
        rows = rows_from_json(await read_json(request), max_batch)
        first_id = await ingestor.append(rows)
        return json_response(
            {
                "status": "success",
                "count": len(rows),
                "firstId": first_id,
                "lastId": first_id + len(rows) - 1,
            },
            201,
        )

    def int_param(request: Request, name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise InvalidArgument(f"{name} must be an integer") from None

    async def get_logs(request: Request) -> Response:
        channel = request.path_params["channel"]
        limit = int_param(request, "limit", 100)
        consumer_id = request.query_params.get("consumerId")
        if consumer_id is None:
            rows = await consumers.latest(channel, limit)
        else:
            raw = request.query_params.get("autoCommit", "true").lower()
            if raw not in ("true", "false"):
                raise InvalidArgument("autoCommit must be true or false")
            rows = await consumers.fetch(channel, consumer_id, limit, raw == "true")
        return Response(rows_to_json(rows), media_type=JSON)

    async def object_body(request: Request) -> dict[str, object]:
        body = await read_json(request)
        if not isinstance(body, dict):
            raise InvalidArgument("the body must be a JSON object")
        return body

    async def commit(request: Request) -> Response:
        body = await object_body(request)
        await consumers.commit(body.get("channel"), body.get("consumerId"), body.get("lastLogId"))  # type: ignore[arg-type]
        return json_response({"status": "success"})

    async def seek(request: Request) -> Response:
        body = await object_body(request)
        offset = await consumers.seek(
            body.get("channel"),  # type: ignore[arg-type]
            body.get("consumerId"),  # type: ignore[arg-type]
            body.get("operation"),
            body.get("logId"),
        )
        return json_response({"status": "success", "offset": offset})

    document = orjson.dumps(openapi_document(settings))

    async def openapi(_: Request) -> Response:
        return Response(document, media_type=JSON)

    routes = [
        Route("/api/logs", endpoint("/api/logs", post_log), methods=["POST"]),
        Route("/api/logs/batch", endpoint("/api/logs/batch", post_batch), methods=["POST"]),
        Route("/api/logs/commit", endpoint("/api/logs/commit", commit), methods=["POST"]),
        Route("/api/logs/seek", endpoint("/api/logs/seek", seek), methods=["POST"]),
        Route("/api/logs/{channel}", endpoint("/api/logs/{channel}", get_logs), methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    return Starlette(routes=routes)
