"""Bare reference servers for bench/service_ingest.py: the least code that accepts logs into SQLite.

`rest`: a Starlette app with orjson writing each request straight to SQLite with executemany (no validation,
auth, metrics or group commit). `grpc`: a grpc.aio servicer doing the same for SendLogs. The service is
measured against these in the same run, so the ratio holds on a busy machine.

    python bench/service_bare.py rest|grpc PORT DB_PATH
"""

from __future__ import annotations

import sqlite3
import sys
import time

import orjson

SCHEMA = """
CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, level TEXT NOT NULL,
                   message TEXT NOT NULL, meta TEXT, ts INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS logs_channel_id ON logs (channel, id);
"""
INSERT = "INSERT INTO logs (channel, level, message, meta, ts) VALUES (?, ?, ?, ?, ?)"


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    return conn


def write(conn: sqlite3.Connection, entries: list[dict]) -> None:
    ts = int(time.time() * 1000)
    rows = [
        (e["channel"], e["level"], e["message"], orjson.dumps(e.get("meta")).decode(), ts) for e in entries
    ]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(INSERT, rows)
    conn.execute("COMMIT")


def run_rest(port: int, path: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    conn = connect(path)

    async def batch(request: Request) -> Response:
        write(conn, orjson.loads(await request.body()))
        return Response(b'{"status":"success"}', 201, media_type="application/json")

    async def single(request: Request) -> Response:
        write(conn, [orjson.loads(await request.body())])
        return Response(b'{"status":"success"}', 201, media_type="application/json")

    app = Starlette(
        routes=[
            Route("/api/logs/batch", batch, methods=["POST"]),
            Route("/api/logs", single, methods=["POST"]),
        ]
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        http="httptools",
        loop="uvloop",
    )


def run_grpc(port: int, path: str) -> None:
    import grpc
    from logpilot_server._proto import logpilot_pb2 as pb

    conn = connect(path)

    async def send_logs(
        request: pb.SendLogsRequest, context: grpc.aio.ServicerContext
    ) -> pb.SendLogsResponse:
        ts = int(time.time() * 1000)
        rows = [
            (r.channel, r.level, r.message, orjson.dumps(dict(r.meta)).decode(), ts)
            for r in request.log_requests
        ]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT, rows)
        conn.execute("COMMIT")
        return pb.SendLogsResponse(status="success")

    async def serve() -> None:
        server = grpc.aio.server()
        handler = grpc.unary_unary_rpc_method_handler(
            send_logs,
            request_deserializer=pb.SendLogsRequest.FromString,
            response_serializer=pb.SendLogsResponse.SerializeToString,
        )
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("logpilot.LogService", {"SendLogs": handler}),)
        )
        server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        await server.wait_for_termination()

    import uvloop

    uvloop.run(serve())


if __name__ == "__main__":
    kind, port, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    (run_rest if kind == "rest" else run_grpc)(port, db)
