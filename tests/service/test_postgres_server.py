"""The server on PostgreSQL: the same API, several replicas on one database, and a storage outage."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from .conftest import API_KEY, PostgresServer

H = {"X-API-KEY": API_KEY}


def test_rest_round_trip_on_postgres(server_factory, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(
        LOGPILOT_PROTOCOL="rest", LOGPILOT_STORAGE_TYPE="postgres", LOGPILOT_POSTGRES_DSN=pg_database
    )
    with httpx.Client(base_url=srv.base_url, headers=H) as c:
        first = c.post(
            "/api/logs/batch", json=[{"channel": "pg", "message": str(i)} for i in range(10)]
        ).json()
        assert first["count"] == 10
        assert [
            e["id"] for e in c.get("/api/logs/pg", params={"consumerId": "c", "limit": 4}).json()
        ] == list(range(first["firstId"], first["firstId"] + 4))
        c.post("/api/logs/seek", json={"channel": "pg", "consumerId": "c", "operation": "LATEST"})
        assert c.get("/api/logs/pg", params={"consumerId": "c"}).json() == []
    health = httpx.get(f"{srv.management_url}/actuator/health").json()
    assert health["components"]["storage"] == {"status": "UP", "details": {"type": "postgres"}}


def test_two_replicas_on_one_database_deliver_every_log_once_in_order(
    server_factory, pg_database: str
) -> None:  # type: ignore[no-untyped-def]
    env = {
        "LOGPILOT_PROTOCOL": "rest",
        "LOGPILOT_STORAGE_TYPE": "postgres",
        "LOGPILOT_POSTGRES_DSN": pg_database,
    }
    replicas = [server_factory(**env), server_factory(**env)]
    stop = threading.Event()
    acked: list[int] = []
    lock = threading.Lock()

    def produce(base_url: str) -> None:
        with httpx.Client(base_url=base_url, headers=H) as c:
            while not stop.is_set():
                body = c.post("/api/logs/batch", json=[{"channel": "rep", "message": "x"}] * 20).json()
                with lock:
                    acked.extend(range(body["firstId"], body["lastId"] + 1))

    producers = [threading.Thread(target=produce, args=(r.base_url,)) for r in replicas for _ in range(2)]
    for t in producers:
        t.start()
    seen: list[int] = []
    with httpx.Client(headers=H) as c:
        deadline = time.monotonic() + 3
        turn = 0
        while time.monotonic() < deadline:
            # the consumer alternates between replicas, as behind a load balancer
            base = replicas[turn % 2].base_url
            turn += 1
            seen.extend(
                e["id"]
                for e in c.get(f"{base}/api/logs/rep", params={"consumerId": "lb", "limit": 50}).json()
            )
        stop.set()
        for t in producers:
            t.join()
        while page := c.get(
            f"{replicas[0].base_url}/api/logs/rep", params={"consumerId": "lb", "limit": 1000}
        ).json():
            seen.extend(e["id"] for e in page)
    assert seen == sorted(acked)


def test_storage_outage_fails_fast_and_recovers(
    server_factory, postgres: PostgresServer, pg_database: str
) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(
        LOGPILOT_PROTOCOL="rest",
        LOGPILOT_STORAGE_TYPE="postgres",
        LOGPILOT_POSTGRES_DSN=pg_database,
    )
    url = f"{srv.base_url}/api/logs"
    assert httpx.post(url, json={"channel": "out", "message": "before"}, headers=H).status_code == 201
    postgres.stop("immediate")
    try:
        first = httpx.post(url, json={"channel": "out", "message": "during"}, headers=H, timeout=30)
        assert first.status_code == 503
        # once the storage is known to be down, writes fail at once instead of waiting for a connection
        started = time.monotonic()
        codes = [
            httpx.post(url, json={"channel": "out", "message": "during"}, headers=H).status_code
            for _ in range(5)
        ]
        assert codes == [503] * 5
        assert time.monotonic() - started < 2
        health = httpx.get(f"{srv.management_url}/actuator/health", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "DOWN"
        assert httpx.get(f"{srv.management_url}/actuator/health/readiness", timeout=10).status_code == 503
        assert httpx.get(f"{srv.management_url}/actuator/health/liveness", timeout=10).status_code == 200
    finally:
        postgres.start()
    deadline = time.monotonic() + 30
    while True:
        r = httpx.post(url, json={"channel": "out", "message": "after"}, headers=H, timeout=30)
        if r.status_code == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert r.status_code == 201
    messages = [
        e["message"]
        for e in httpx.get(f"{srv.base_url}/api/logs/out", params={"consumerId": "c"}, headers=H).json()
    ]
    assert messages == ["before", "after"]
    assert httpx.get(f"{srv.management_url}/actuator/health").json()["status"] == "UP"


@pytest.mark.parametrize("protocol", ["grpc"])
def test_grpc_on_postgres(server_factory, pg_database: str, protocol: str) -> None:  # type: ignore[no-untyped-def]
    import grpc
    from logpilot_server._proto import logpilot_pb2 as pb
    from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc

    srv = server_factory(
        LOGPILOT_PROTOCOL=protocol, LOGPILOT_STORAGE_TYPE="postgres", LOGPILOT_POSTGRES_DSN=pg_database
    )
    with grpc.insecure_channel(srv.grpc_target) as ch:
        stub = pb_grpc.LogServiceStub(ch)
        md = (("x-api-key", API_KEY),)
        stub.SendLogs(
            pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="gpg", message=str(i)) for i in range(3)]),
            metadata=md,
        )
        assert [
            e.message
            for e in stub.FetchLogs(pb.FetchLogsRequest(channel="gpg", consumerId="c"), metadata=md).logs
        ] == ["0", "1", "2"]
