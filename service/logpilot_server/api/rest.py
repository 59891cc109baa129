"""REST adapter (port 8080): parse, authenticate, call the core, serialise. No business logic here.

A bare ASGI application rather than a Starlette router: the log API has six fixed routes, and skipping the
framework's middleware stack, request objects and routing regexes is what lets single-entry requests reach
the throughput target. Management (not on the hot path) uses Starlette.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

import orjson

from ..context import ServiceContext
from ..core.entries import rows_to_json
from ..errors import (
    InvalidArgument,
    LogPilotError,
    MalformedRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
)
from ..timestamps import format_local, now_ms
from .openapi import openapi_document

log = logging.getLogger("logpilot.rest")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
# A route handler gets the scope, the receive callable and the raw Content-Length header value;
# it returns (status, JSON body).
Handler = Callable[[Scope, Receive, bytes | None], Awaitable[tuple[int, bytes]]]

_JSON_HEADERS = [(b"content-type", b"application/json")]
_LOGS_PREFIX = "/api/logs/"
_RAW_LOGS_PREFIX = _LOGS_PREFIX.encode()


class ClientDisconnected(Exception):
    """The client went away before sending the whole body; nothing to answer."""


def _error_body(error_code: str, message: str, error: str) -> bytes:
    """The original's error body ({errorCode, message, timestamp}), plus our `status` and `error` fields."""
    return orjson.dumps(
        {
            "errorCode": error_code,
            "message": message,
            "timestamp": format_local(now_ms()),
            "status": "error",
            "error": error,
        }
    )


class RestApp:
    """The ASGI application serving the log API and its OpenAPI document."""

    def __init__(self, ctx: ServiceContext) -> None:
        settings = ctx.settings
        self._ctx = ctx
        self._max_body = settings.http.max_body_bytes
        self._openapi = orjson.dumps(openapi_document(settings))
        self._posts: dict[str, Handler] = {
            "/api/logs": self._post_log,
            "/api/logs/batch": self._post_batch,
            "/api/logs/commit": self._commit,
            "/api/logs/seek": self._seek,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        ctx = self._ctx
        method, path = scope["method"], scope["path"]
        route = "other"
        extra_headers: list[tuple[bytes, bytes]] = []
        try:
            handler = self._posts.get(path) if method == "POST" else None
            if handler is None:
                route, handler = self._other_route(method, path, scope.get("raw_path") or path.encode())
            else:
                route = path
            api_key = length = None
            for name, value in scope["headers"]:
                if name == b"x-api-key":
                    api_key = value
                elif name == b"content-length":
                    length = value
            if route != "/openapi.json":
                ctx.limiter.take(ctx.auth.check(api_key))
            status, body = await handler(scope, receive, length)
        except ClientDisconnected:
            return
        except LogPilotError as exc:
            status, body = exc.http_status, _error_body(exc.error_code, str(exc), type(exc).__name__)
            if isinstance(exc, RateLimited):
                extra_headers.append((b"retry-after", str(int(exc.retry_after)).encode()))
        except Exception:
            log.exception("unexpected error on %s %s", method, route)
            status, body = (
                500,
                _error_body("INTERNAL_SERVER_ERROR", "An unexpected error occurred", "Internal"),
            )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode()), *extra_headers],
            }
        )
        await send({"type": "http.response.body", "body": body})
        ctx.metrics.observe_request("rest", route, str(status), time.perf_counter() - started, method)

    def _other_route(self, method: str, path: str, raw_path: bytes) -> tuple[str, Handler]:
        if path == "/api/logs" and method == "GET":
            return "GET /api/logs", self._get_all_logs
        # The channel is one raw path segment, so a channel may contain an encoded slash (%2F).
        if raw_path.startswith(_RAW_LOGS_PREFIX) and b"/" not in raw_path[len(_RAW_LOGS_PREFIX) :]:
            # GET /api/logs/batch reads the channel "batch"; other methods on the POST routes are 405.
            if method != "GET":
                where = path if path in self._posts else "/api/logs/{channel}"
                raise MethodNotAllowed(f"{method} is not allowed on {where}")
            return "/api/logs/{channel}", self._get_logs
        if path == "/openapi.json":
            if method != "GET":
                raise MethodNotAllowed(f"{method} is not allowed on {path}")
            return path, self._get_openapi
        if path in self._posts:
            raise MethodNotAllowed(f"{method} is not allowed on {path}")
        raise NotFound(f"no route {path}")

    async def _read_json(self, receive: Receive, length: bytes | None) -> Any:
        limit = self._max_body
        if length is not None:
            if not length.isdigit():
                raise InvalidArgument("invalid Content-Length")
            if int(length) > limit:
                raise PayloadTooLarge(f"request body larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"request body larger than {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        try:
            return orjson.loads(chunks[0] if len(chunks) == 1 else b"".join(chunks))
        except orjson.JSONDecodeError as exc:
            raise MalformedRequest(f"the body is not valid JSON: {exc}") from None

    async def _object(self, receive: Receive, length: bytes | None) -> dict[str, Any]:
        body = await self._read_json(receive, length)
        if not isinstance(body, dict):
            raise InvalidArgument("the body must be a JSON object")
        return body

    async def _post_log(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        arrival = now_ms()
        stored = await self._ctx.logs.store_json(await self._read_json(receive, length), arrival)
        _channel, _level, _message, _meta, ts = stored.rows[0]
        timestamp = format_local(ts)
        return 201, orjson.dumps({"status": "success", "id": stored.first_id, "timestamp": timestamp})

    async def _post_batch(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        stored = await self._ctx.logs.store_json_batch(await self._read_json(receive, length))
        body = {
            "status": "success",
            "count": stored.count,
            "firstId": stored.first_id,
            "lastId": stored.last_id,
        }
        return 201, orjson.dumps(body)

    @staticmethod
    def _params(scope: Scope) -> dict[str, str]:
        return dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))

    @staticmethod
    def _limit(params: dict[str, str]) -> int:
        raw_limit = params.get("limit", "100")
        # Plain ASCII digits only: int() would also take "", " 5", "1_0" and other scripts' digits.
        if not (raw_limit.isascii() and raw_limit.removeprefix("-").isdigit()):
            raise InvalidArgument("limit must be an integer")
        return int(raw_limit)

    async def _get_all_logs(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        return 200, rows_to_json(await self._ctx.logs.latest(None, self._limit(self._params(scope))))

    async def _get_logs(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        raw = scope.get("raw_path") or scope["path"].encode()
        try:
            channel = unquote_to_bytes(raw[len(_RAW_LOGS_PREFIX) :]).decode()
        except UnicodeDecodeError:
            raise InvalidArgument("the channel in the path is not valid UTF-8") from None
        params = self._params(scope)
        limit = self._limit(params)
        logs = self._ctx.logs
        consumer_id = params.get("consumerId")
        auto_commit = params.get("autoCommit", "true").lower()
        if auto_commit not in ("true", "false"):
            raise InvalidArgument("autoCommit must be true or false")
        if consumer_id is None:
            rows = await logs.latest(channel, limit)
        else:
            rows = await logs.fetch(channel, consumer_id, limit, auto_commit == "true")
        return 200, rows_to_json(rows)

    async def _commit(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        body = await self._object(receive, length)
        await self._ctx.logs.commit(body.get("channel"), body.get("consumerId"), body.get("lastLogId"))
        return 200, b'{"status":"success"}'

    async def _seek(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        body = await self._object(receive, length)
        offset = await self._ctx.logs.seek(
            body.get("channel"),
            body.get("consumerId"),
            body.get("operation"),
            body.get("logId"),
        )
        return 200, orjson.dumps({"status": "success", "offset": offset})

    async def _get_openapi(self, scope: Scope, receive: Receive, length: bytes | None) -> tuple[int, bytes]:
        return 200, self._openapi


def build_rest_app(ctx: ServiceContext) -> RestApp:
    """The ASGI application of the REST port."""
    return RestApp(ctx)
