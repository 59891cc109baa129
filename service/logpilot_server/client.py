"""A small LogPilot client: REST or gRPC, background batching, retry with backoff, and a logging.Handler.

Three lines ship a Python application's logs::

    import logging
    from logpilot_server.client import LogPilotHandler
    logging.getLogger().addHandler(LogPilotHandler("my-app", url="http://logpilot:8080", api_key="..."))

`log()` never blocks the application: entries go to a bounded queue and a background thread sends them in
batches; when the queue is full new entries are dropped and counted (`dropped`). Retryable failures
(connection errors, 429, 503, other 5xx, gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED)
are retried with exponential backoff; a batch the server refuses (400, 403, 413, or a gRPC answer with status
"error") is dropped and logged. Pending entries are flushed on `close()`, on leaving a `with` block, and at
interpreter exit.

It works against this server and against the original LogPilot (Java), which answers a write with an empty
201 and says nothing about ids: there `send` and `send_batch` return None instead of ids.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import queue
import random
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

import orjson

__all__ = ["LogPilotClient", "LogPilotHandler", "LogPilotClientError"]

_T = TypeVar("_T")
log = logging.getLogger("logpilot.client")
_LEVELS = {
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARNING": "WARN",
    "WARN": "WARN",
    "ERROR": "ERROR",
    "CRITICAL": "ERROR",
}


_ID_RANGE = re.compile(r"ids (\d+)\.\.(\d+)$")


def _entry(fields: Mapping[str, Any]) -> dict[str, Any]:
    """An entry as both servers take it: the original requires a level, one of its four names."""
    entry = {k: v for k, v in fields.items() if v is not None and k != "meta"}
    level = entry.get("level") or "INFO"
    entry["level"] = _LEVELS.get(level.upper(), level) if isinstance(level, str) else level
    if fields.get("meta"):
        entry["meta"] = dict(fields["meta"])
    return entry


class LogPilotClientError(Exception):
    """A request failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


# The first and last id of a stored batch; None when the server does not say (the original LogPilot) or the
# batch was empty.
Ids = tuple[int, int] | None


class _Transport(Protocol):
    def send_batch(self, entries: list[dict[str, Any]]) -> Ids: ...
    def fetch(
        self, channel: str, consumer_id: str | None, limit: int, auto_commit: bool
    ) -> list[dict[str, Any]]: ...
    def commit(self, channel: str, consumer_id: str, last_log_id: int) -> None: ...
    def seek(self, channel: str, consumer_id: str, operation: str, log_id: int | None) -> None: ...
    def close(self) -> None: ...


def _error_detail(content: bytes) -> str:
    """The message of an error body (ours or the original's), else the body's text."""
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content.decode("utf-8", "replace")[:500]
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str):
            return message
    return content.decode("utf-8", "replace")[:500]


class _RestTransport:
    def __init__(self, url: str, api_key: str | None, timeout: float) -> None:
        import httpx

        headers = {"Content-Type": "application/json"}
        if api_key:
            headers["X-API-KEY"] = api_key
        self._httpx = httpx
        self._client = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._client.request(method, path, **kwargs)
        except self._httpx.HTTPError as exc:
            raise LogPilotClientError(f"{method} {path}: {exc}", retryable=True) from exc
        if response.status_code >= 400:
            retry_after = response.headers.get("Retry-After")
            retryable = response.status_code in (408, 429) or response.status_code >= 500
            raise LogPilotClientError(
                f"{method} {path}: HTTP {response.status_code}: {_error_detail(response.content)}",
                retryable=retryable,
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        if not response.content:
            return None  # the original answers writes, commits and seeks with an empty body
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise LogPilotClientError(
                f"{method} {path}: HTTP {response.status_code} with a body that is not JSON", retryable=False
            ) from None

    def send_batch(self, entries: list[dict[str, Any]]) -> Ids:
        body = self._request("POST", "/api/logs/batch", content=orjson.dumps(entries))
        if isinstance(body, dict) and isinstance(body.get("firstId"), int):
            return body["firstId"], body["lastId"]
        return None

    def fetch(
        self, channel: str, consumer_id: str | None, limit: int, auto_commit: bool
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit}
        if consumer_id is not None:
            params |= {"consumerId": consumer_id, "autoCommit": "true" if auto_commit else "false"}
        return list(self._request("GET", f"/api/logs/{channel}", params=params))

    def commit(self, channel: str, consumer_id: str, last_log_id: int) -> None:
        payload = {"channel": channel, "consumerId": consumer_id, "lastLogId": last_log_id}
        self._request("POST", "/api/logs/commit", content=orjson.dumps(payload))

    def seek(self, channel: str, consumer_id: str, operation: str, log_id: int | None) -> None:
        payload = {"channel": channel, "consumerId": consumer_id, "operation": operation, "logId": log_id}
        self._request("POST", "/api/logs/seek", content=orjson.dumps(payload))

    def close(self) -> None:
        self._client.close()


class _GrpcTransport:
    # CANCELLED too: this client never cancels its own calls, so CANCELLED comes from a server shutting down,
    # which cancels calls it had not started yet (and, past its grace period, ones still running: as after
    # DEADLINE_EXCEEDED, a retry may then store a batch twice; delivery is at least once).
    _RETRYABLE = (
        "UNAVAILABLE",
        "RESOURCE_EXHAUSTED",
        "DEADLINE_EXCEEDED",
        "ABORTED",
        "INTERNAL",
        "UNKNOWN",
        "CANCELLED",
    )

    def __init__(self, target: str, api_key: str | None, timeout: float) -> None:
        import grpc

        from ._proto import logpilot_pb2, logpilot_pb2_grpc

        self._grpc = grpc
        self._pb = logpilot_pb2
        self._channel = grpc.insecure_channel(target)
        # grpc_tools writes the stub module without annotations (the generated modules are left unchecked).
        self._stub = logpilot_pb2_grpc.LogServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._metadata = (("x-api-key", api_key),) if api_key else ()
        self._timeout = timeout

    def _call(self, name: str, request: Any) -> Any:
        try:
            response = getattr(self._stub, name)(request, metadata=self._metadata, timeout=self._timeout)
        except self._grpc.RpcError as exc:
            code = exc.code()
            raise LogPilotClientError(
                f"{name}: {code.name}: {exc.details()}",
                retryable=code.name in self._RETRYABLE,
            ) from exc
        # Writes and seeks report a refused request in the response (status OK on the wire).
        if getattr(response, "status", "success") == "error":
            raise LogPilotClientError(f"{name}: {response.message}", retryable=False)
        return response

    def send_batch(self, entries: list[dict[str, Any]]) -> Ids:
        pb = self._pb
        requests = [
            pb.LogRequest(
                channel=e["channel"],
                level=e.get("level") or "INFO",
                message=e["message"],
                meta={
                    k: v if isinstance(v, str) else orjson.dumps(v).decode()
                    for k, v in (e.get("meta") or {}).items()
                },
            )
            for e in entries
        ]
        response = self._call("SendLogs", pb.SendLogsRequest(log_requests=requests))
        # Ours says "stored 3 logs with ids 7..9"; the original "Logs stored successfully".
        match = _ID_RANGE.search(response.message)
        return (int(match[1]), int(match[2])) if match else None

    def fetch(
        self, channel: str, consumer_id: str | None, limit: int, auto_commit: bool
    ) -> list[dict[str, Any]]:
        if not auto_commit:
            raise LogPilotClientError("autoCommit=false is only available over REST", retryable=False)
        request = self._pb.FetchLogsRequest(channel=channel, consumerId=consumer_id or "", limit=limit)
        return [
            {
                "id": e.id,
                "channel": e.channel,
                "level": e.level,
                "message": e.message,
                "meta": dict(e.meta),
                "timestamp": e.timestamp,
            }
            for e in self._call("FetchLogs", request).logs
        ]

    def commit(self, channel: str, consumer_id: str, last_log_id: int) -> None:
        # The gRPC contract has no commit call: seeking to the next id sets the same offset.
        self.seek(channel, consumer_id, "SPECIFIC", last_log_id + 1)

    def seek(self, channel: str, consumer_id: str, operation: str, log_id: int | None) -> None:
        request = self._pb.SeekRequest(
            channel=channel, consumerId=consumer_id, operation=operation, logId=log_id or 0
        )
        self._call("Seek", request)

    def close(self) -> None:
        self._channel.close()


def _transport(url: str, api_key: str | None, timeout: float) -> _Transport:
    if url.startswith("grpc://"):
        return _GrpcTransport(url[len("grpc://") :], api_key, timeout)
    if url.startswith(("http://", "https://")):
        return _RestTransport(url, api_key, timeout)
    raise ValueError(f"unsupported LogPilot URL {url!r}: use http(s)://host:8080 or grpc://host:50051")


def _close_at_exit(ref: weakref.ReferenceType[LogPilotClient]) -> None:
    client = ref()
    if client is not None:
        client.close()


class LogPilotClient:
    """Sends log entries to LogPilot and reads them back with consumer offsets.

    `url` is `http(s)://host:8080` for REST or `grpc://host:50051` for gRPC (default: LOGPILOT_URL or
    http://localhost:8080); `api_key` defaults to LOGPILOT_API_KEY.
    """

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        *,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        max_queue: int = 10_000,
        max_retries: int = 8,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
        timeout: float = 10.0,
    ) -> None:
        self.url = url or os.environ.get("LOGPILOT_URL", "http://localhost:8080")
        self._transport = _transport(self.url, api_key or os.environ.get("LOGPILOT_API_KEY"), timeout)
        self._batch_size = max(1, batch_size)
        self._flush_interval = flush_interval
        self._max_retries = max_retries
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=max_queue)
        self._lock = threading.Lock()
        self._unsent = 0  # queued or being sent
        self._idle = threading.Condition(self._lock)
        self._closed = threading.Event()
        self._flush_waiters = 0
        self.dropped = 0
        self.sent = 0
        self.retries = 0  # requests sent again after a retryable failure
        self._thread: threading.Thread | None = None
        atexit.register(_close_at_exit, weakref.ref(self))

    # --- producing --------------------------------------------------------------------------------------

    def log(
        self, channel: str, message: str, level: str = "INFO", meta: Mapping[str, Any] | None = None
    ) -> bool:
        """Queues one entry for background sending; returns False (and counts it) when the queue is full."""
        if self._closed.is_set():
            self.dropped += 1
            return False
        entry = _entry({"channel": channel, "level": level, "message": message, "meta": meta})
        with self._lock:
            try:
                self._queue.put_nowait(entry)
            except queue.Full:
                self.dropped += 1
                return False
            self._unsent += 1
        self._ensure_thread()
        return True

    def send(
        self, channel: str, message: str, level: str = "INFO", meta: Mapping[str, Any] | None = None
    ) -> int | None:
        """Sends one entry now (with retries); returns its id (None from a server that does not say)."""
        entry = _entry({"channel": channel, "level": level, "message": message, "meta": meta})
        ids = self._with_retry(lambda: self._transport.send_batch([entry]))
        return None if ids is None else ids[0]

    def send_batch(self, entries: Iterable[Mapping[str, Any]]) -> Ids:
        """Sends entries now in one request (with retries); returns the first and last id, when known."""
        batch = [_entry(e) for e in entries]
        return self._with_retry(lambda: self._transport.send_batch(batch))

    # --- consuming --------------------------------------------------------------------------------------

    def fetch(
        self, channel: str, consumer_id: str | None = None, limit: int = 100, auto_commit: bool = True
    ) -> list[dict[str, Any]]:
        """Entries after the consumer's offset (committing it unless auto_commit is False), or the latest."""
        return self._transport.fetch(channel, consumer_id, limit, auto_commit)

    def commit(self, channel: str, consumer_id: str, last_log_id: int) -> None:
        """Commits a consumer's offset explicitly."""
        self._transport.commit(channel, consumer_id, last_log_id)

    def seek(self, channel: str, consumer_id: str, operation: str, log_id: int | None = None) -> None:
        """EARLIEST, LATEST, or SPECIFIC with log_id (the next fetch starts at that id)."""
        self._transport.seek(channel, consumer_id, operation, log_id)

    # --- lifecycle --------------------------------------------------------------------------------------

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Waits until every queued entry was sent (or dropped); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            self._flush_waiters += 1
            try:
                while self._unsent:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._idle.wait(remaining if remaining is not None else 1.0)
            finally:
                self._flush_waiters -= 1
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Flushes, stops the background thread and closes connections (idempotent)."""
        if self._closed.is_set():
            return
        self.flush(timeout)
        self._closed.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._transport.close()

    def __enter__(self) -> LogPilotClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- background sending -----------------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="logpilot-client", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while not (self._closed.is_set() and self._queue.empty()):
            try:
                first = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = [first]
            deadline = time.monotonic() + self._flush_interval
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    if self._closed.is_set() or self._flush_requested():
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(self._queue.get(timeout=min(remaining, 0.05)))
                    except queue.Empty:
                        continue
            try:
                self._with_retry(functools.partial(self._transport.send_batch, batch))
                self.sent += len(batch)
            except Exception as exc:  # refused, out of retries, or the transport closed under a late send
                self.dropped += len(batch)
                why = exc if isinstance(exc, LogPilotClientError) else f"{type(exc).__name__}: {exc}"
                log.warning("dropped %d log entries: %s", len(batch), why)
            with self._idle:
                self._unsent -= len(batch)
                self._idle.notify_all()

    def _flush_requested(self) -> bool:
        # Someone waits in flush(): send the partial batch now rather than after flush_interval.
        return self._flush_waiters > 0

    def _with_retry(self, call: Callable[[], _T]) -> _T:
        delay = self._backoff_initial
        for attempt in range(self._max_retries + 1):
            try:
                return call()
            except LogPilotClientError as exc:
                if not exc.retryable or attempt == self._max_retries:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else delay * (0.5 + random.random())
                if self._closed.is_set():
                    wait = min(wait, 0.5)
                self.retries += 1
                time.sleep(min(wait, self._backoff_max))
                delay = min(delay * 2, self._backoff_max)
        raise AssertionError("unreachable")


_FORMATTER = logging.Formatter()


class LogPilotHandler(logging.Handler):
    """A logging.Handler that ships records to one LogPilot channel through a background LogPilotClient.

    Records of the client's own loggers (and its HTTP/gRPC libraries) are skipped to avoid feedback loops.
    The record's logger, module, line, thread and exception become `meta`; `extra={"meta": {...}}` adds more.
    """

    _SKIP = ("logpilot.client", "httpx", "httpcore", "grpc", "hpack", "h2")

    def __init__(
        self,
        channel: str,
        url: str | None = None,
        api_key: str | None = None,
        level: int = logging.NOTSET,
        client: LogPilotClient | None = None,
        **client_options: Any,
    ) -> None:
        super().__init__(level)
        self.channel = channel
        self._owns_client = client is None
        self.client = client or LogPilotClient(url, api_key, **client_options)

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(self._SKIP):
            return
        try:
            meta: dict[str, Any] = {
                "logger": record.name,
                "module": record.module,
                "line": str(record.lineno),
                "thread": record.threadName or "",
            }
            if record.exc_info:
                meta["exception"] = _FORMATTER.formatException(record.exc_info)
            extra = getattr(record, "meta", None)
            if isinstance(extra, Mapping):
                meta.update({str(k): v for k, v in extra.items()})
            message = record.getMessage() if self.formatter is None else self.format(record)
            self.client.log(self.channel, message, record.levelname, meta)
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        self.client.flush()

    def close(self) -> None:
        try:
            if self._owns_client:
                self.client.close()
        finally:
            super().close()
