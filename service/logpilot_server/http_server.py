"""The HTTP listeners: uvicorn with our protocol layer over httptools, on sockets we bind ourselves.

Our protocol adds two things to uvicorn's httptools protocol:

- A request that offers an upgrade we do not accept (`Connection: Upgrade, HTTP2-Settings` with
  `Upgrade: h2c`, sent by the JDK's HttpClient and so by every Java LogPilot client) is served as plain
  HTTP/1.1, as RFC 9110 section 7.8 allows. httptools stops parsing at the end of such a request's headers
  (it skips the body and reports an upgrade), and uvicorn then answers the request with an empty body.
  So the parser must not see the offer: when a request head arrives whole at the start of the received
  bytes (the usual case), its Upgrade header is renamed before parsing (`X-Declined-Upgrade`), which costs
  plain requests two short searches. Otherwise (a head split across reads, a pipelined request behind
  another) httptools reports the upgrade, and we feed a fresh parser the same head without the offer,
  followed by the bytes after it. Either way body (Content-Length or chunked), keep-alive and pipelined
  requests go through the ordinary path.
- Deadlines for slow clients (see the protocol class).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import socket
import sys
import termios
from collections.abc import Iterator
from typing import Any

from .config import Settings
from .errors import StartupError

# Connection tokens that only make sense with the upgrade we decline.
_UPGRADE_TOKENS = frozenset((b"upgrade", b"http2-settings"))
# How far into the received bytes a request head is looked for (uvicorn's httptools limit is larger, but a
# head this long is served by the slower replay path all the same).
_HEAD_SCAN = 16384


def _rename_upgrade_header(data: bytes, keep_websocket: bool) -> bytes:
    """`data` with the Upgrade header of the request head it starts with renamed, if it has one."""
    end = data.find(b"\r\n\r\n", 0, _HEAD_SCAN)
    if end < 0 or (data.find(b"pgrade", 0, end) < 0 and data.find(b"PGRADE", 0, end) < 0):
        return data
    head = data[:end].lower()
    start = head.find(b"\r\nupgrade:")
    if start < 0 or (keep_websocket and b"websocket" in head):
        return data
    return data[: start + 2] + b"X-Declined-" + data[start + 2 :]


def bind(host: str, port: int, what: str) -> socket.socket:
    """A listening, non-blocking socket; StartupError names the listener when the port cannot be bound."""
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


def _head_without_upgrade(
    method: bytes, url: bytes, version: str, headers: list[tuple[bytes, bytes]]
) -> bytes:
    """The request head again, minus the Upgrade header and the upgrade tokens of Connection."""
    lines = [method, b" ", url, b" HTTP/", version.encode("ascii"), b"\r\n"]
    for name, value in headers:
        if name == b"upgrade" or name == b"http2-settings":
            continue
        if name == b"connection":
            kept = [
                t for t in (t.strip() for t in value.split(b",")) if t and t.lower() not in _UPGRADE_TOKENS
            ]
            if not kept:
                continue
            value = b", ".join(kept)
        lines += [name, b": ", value, b"\r\n"]
    lines.append(b"\r\n")
    return b"".join(lines)


def http_protocol(timeout: float) -> type:
    """uvicorn's httptools protocol, serving declined upgrades as HTTP/1.1 and with slow-client deadlines."""
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class LogPilotHttpProtocol(HttpToolsProtocol):
        """Declined upgrades served as HTTP/1.1 (see the module's docstring), and slow-client deadlines.

        uvicorn times out idle keep-alive connections only after a response; a client that opens a
        connection and sends its headers or body a byte at a time (slowloris) would otherwise keep it, and a
        file descriptor, for ever. The request deadline runs from the connection opening, or from the
        previous response, to the end of the request's body; past it the connection is closed (a handler
        still reading the body sees a disconnect).

        The same bound applies to a client that stops reading its responses: once the response it is sent
        fills the connection's write buffer, the connection is dropped if the client takes no byte of it for
        `timeout` seconds (a slow but steady reader is not cut off), so its handler and buffered response
        are released.
        """

        _request_deadline: asyncio.TimerHandle | None = None
        # Set when the request whose headers just ended offers an upgrade we decline.
        _declined_upgrade = False
        # True between requests and while a head is arriving: the next bytes continue or start a head.
        _in_head = True

        # --- declined upgrades ------------------------------------------------------------------------

        def on_headers_complete(self) -> None:
            self._in_head = False
            if self.parser.should_upgrade() and not self._should_upgrade():
                self._declined_upgrade = True
                return
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            if self._declined_upgrade:
                return  # httptools ends the message without its body; the replayed request carries it
            self._disarm_request_deadline()
            self._unanswered += 1
            super().on_message_complete()

        def data_received(self, data: bytes) -> None:
            self._unset_keepalive_if_required()
            if self._in_head:
                data = _rename_upgrade_header(data, self.ws_protocol_class is not None)
            while True:
                try:
                    self.parser.feed_data(data)
                    return
                except httptools.HttpParserError:
                    msg = "Invalid HTTP request received."
                    self.logger.warning(msg)
                    self.send_400_response(msg)
                    return
                except httptools.HttpParserUpgrade as exc:
                    if not self._declined_upgrade:
                        if self._should_upgrade():
                            self.handle_websocket_upgrade()
                        return
                    self._declined_upgrade = False
                    method = self.parser.get_method()
                    if method == b"CONNECT":  # an upgrade by its method alone: nothing to replay
                        self.send_400_response("CONNECT is not supported.")
                        return
                    # Serve it as HTTP/1.1: the head without the offer, then whatever followed the head.
                    version = self.parser.get_http_version()
                    head = _head_without_upgrade(method, self.url, version, self.headers)
                    offset = exc.args[0] if exc.args and isinstance(exc.args[0], int) else len(data)
                    self.parser = httptools.HttpRequestParser(self)
                    data = head + data[offset:]

        # --- slow clients -----------------------------------------------------------------------------

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

        # uvicorn's HttpToolsProtocol narrows asyncio's BaseTransport parameter to Transport; this override
        # keeps uvicorn's signature, which mypy reports against the asyncio base class.
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_request_deadline()

        # Requests received whole and not answered yet (more than one when a client pipelines).
        _unanswered = 0

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

    return LogPilotHttpProtocol


def uvicorn_server(app: Any, settings: Settings, access_log: bool) -> Any:
    """A uvicorn server for `app` that leaves signal handling to us (several servers share one loop)."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    http: Any
    try:
        import httptools  # noqa: F401

        http = http_protocol(settings.http.request_timeout_seconds)
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
