"""The REST API and the management port against a real `logpilot-server` on loopback ports."""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import API_KEY, SECOND_KEY, ServerProcess, make_server

H = {"X-API-KEY": API_KEY}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("rest")
    srv = make_server(
        tmp, LOGPILOT_PROTOCOL="rest", LOGPILOT_MAX_BODY_BYTES="65536", LOGPILOT_MAX_BATCH_SIZE="500"
    )
    srv.start()
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=H, timeout=10) as c:
        yield c


def test_post_single_entry_returns_201_with_id_and_local_date_time(client: httpx.Client) -> None:
    r = client.post(
        "/api/logs", json={"channel": "single", "level": "ERROR", "message": "boom", "meta": {"a": 1}}
    )
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "success" and body["id"] >= 1
    # The original's LocalDateTime text: no zone (UTC), seconds always, the fraction without trailing zeros.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,2}[1-9])?", body["timestamp"])
    logs = client.get("/api/logs/single").json()
    assert logs[0] | {"timestamp": None} == {
        "id": body["id"],
        "channel": "single",
        "level": "ERROR",
        "message": "boom",
        "meta": {"a": 1},
        "timestamp": None,
    }
    assert logs[0]["timestamp"] == body["timestamp"]


def test_batch_is_stored_in_order_with_contiguous_ids(client: httpx.Client) -> None:
    entries = [
        {"channel": "batch", "level": lvl, "message": f"m{i}"}
        for i, lvl in enumerate(["debug", "INFO", "Warn", "WARNING", "ERROR"])
    ]
    r = client.post("/api/logs/batch", json=entries)
    assert r.status_code == 201
    body = r.json()
    assert body["count"] == 5 and body["lastId"] == body["firstId"] + 4
    logs = client.get("/api/logs/batch-not-this").json()
    assert logs == []
    stored = client.get("/api/logs/batch", params={"consumerId": "reader", "limit": 10}).json()
    assert [e["message"] for e in stored] == [f"m{i}" for i in range(5)]
    assert [e["level"] for e in stored] == ["DEBUG", "INFO", "WARN", "WARN", "ERROR"]
    assert [e["id"] for e in stored] == list(range(body["firstId"], body["lastId"] + 1))


def test_consumer_offsets_auto_commit_manual_commit_and_seek(client: httpx.Client) -> None:
    ids = client.post(
        "/api/logs/batch", json=[{"channel": "cons", "message": str(i)} for i in range(6)]
    ).json()
    first = ids["firstId"]

    def fetch(**params: object) -> list[int]:
        r = client.get("/api/logs/cons", params={"consumerId": "c1", **params})
        assert r.status_code == 200, r.text
        return [e["id"] for e in r.json()]

    assert fetch(limit=2) == [first, first + 1]
    assert fetch(limit=2) == [first + 2, first + 3]
    assert fetch(limit=2, autoCommit="false") == [first + 4, first + 5]
    assert fetch(limit=2, autoCommit="false") == [first + 4, first + 5]
    assert (
        client.post(
            "/api/logs/commit", json={"channel": "cons", "consumerId": "c1", "lastLogId": first + 4}
        ).status_code
        == 200
    )
    assert fetch() == [first + 5]
    assert fetch() == []
    r = client.post("/api/logs/seek", json={"channel": "cons", "consumerId": "c1", "operation": "EARLIEST"})
    assert r.json() == {"status": "success", "offset": 0}
    assert fetch(limit=1) == [first]
    client.post(
        "/api/logs/seek",
        json={"channel": "cons", "consumerId": "c1", "operation": "SPECIFIC", "logId": first + 3},
    )
    assert fetch(limit=1) == [first + 3]
    client.post("/api/logs/seek", json={"channel": "cons", "consumerId": "c1", "operation": "LATEST"})
    assert fetch() == []
    new = client.post("/api/logs", json={"channel": "cons", "message": "after"}).json()["id"]
    assert fetch() == [new]
    # another consumer has its own offset
    assert fetch(limit=100, consumerId="c2")[:2] == [first, first + 1]


def test_without_consumer_returns_latest_newest_first(client: httpx.Client) -> None:
    client.post("/api/logs/batch", json=[{"channel": "latest", "message": str(i)} for i in range(5)])
    assert [e["message"] for e in client.get("/api/logs/latest", params={"limit": 3}).json()] == [
        "4",
        "3",
        "2",
    ]


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/api/logs", {"level": "INFO", "message": "x"}, "channel"),
        ("/api/logs", {"channel": "", "message": "x"}, "channel"),
        ("/api/logs", {"channel": "c"}, "message"),
        ("/api/logs", {"channel": "c", "message": "x", "level": "FATAL"}, "level"),
        ("/api/logs", {"channel": "c", "message": "x", "meta": [1]}, "meta"),
        ("/api/logs", [1], "object"),
        ("/api/logs/batch", {"channel": "c", "message": "x"}, "array"),
        ("/api/logs/batch", [{"channel": "c", "message": "x"}, {"channel": "c"}], "entry[1]"),
        ("/api/logs", {"channel": "c", "message": "x", "timestamp": "yesterday"}, "timestamp"),
        ("/api/logs", {"channel": "c", "message": "x", "timestamp": "2025-13-01T00:00:00"}, "timestamp"),
        ("/api/logs", {"channel": "c", "message": "x", "timestamp": 1700000000000}, "timestamp"),
        ("/api/logs/batch", [{"channel": "c", "message": "x", "timestamp": [2025, 9]}], "timestamp"),
        ("/api/logs/commit", {"channel": "c", "consumerId": "x", "lastLogId": -1}, "lastLogId"),
        ("/api/logs/commit", {"channel": "c", "lastLogId": 1}, "consumerId"),
        ("/api/logs/seek", {"channel": "c", "consumerId": "x", "operation": "SIDEWAYS"}, "operation"),
        ("/api/logs/seek", {"channel": "c", "consumerId": "x", "operation": "SPECIFIC"}, "logId"),
    ],
)
def test_bad_input_gives_400_with_a_clear_message(
    client: httpx.Client, path: str, body: object, fragment: str
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 400, r.text
    error = r.json()
    assert fragment in error["message"]
    # The original's error body: errorCode, message and a LocalDateTime timestamp.
    assert error["errorCode"] in ("VALIDATION_ERROR", "BAD_REQUEST")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", error["timestamp"])


def test_unparseable_timestamp_is_bad_request_like_the_original(client: httpx.Client) -> None:
    r = client.post("/api/logs", json={"channel": "ts-bad", "message": "x", "timestamp": "25/09/2025"})
    assert r.status_code == 400 and r.json()["errorCode"] == "BAD_REQUEST"
    assert client.get("/api/logs/ts-bad").json() == []


def test_client_timestamps_are_kept_and_returned_in_the_original_format(client: httpx.Client) -> None:
    sent = [
        ("2025-09-25T10:30:00", "2025-09-25T10:30:00"),
        ("2025-09-25T10:30", "2025-09-25T10:30:00"),
        ("2025-09-25T10:30:00.5", "2025-09-25T10:30:00.5"),
        ("2025-09-25T10:30:00.123456789", "2025-09-25T10:30:00.123"),
        ("2025-09-25T10:30:00Z", "2025-09-25T10:30:00"),
        ("2025-09-25T19:30:00.250+09:00", "2025-09-25T10:30:00.25"),
        # Jackson's default (array) form of a LocalDateTime, as the original's Java SDK sends it
        ([2025, 9, 25, 10, 30], "2025-09-25T10:30:00"),
        ([2025, 9, 25, 10, 30, 1], "2025-09-25T10:30:01"),
        ([2025, 9, 25, 10, 30, 1, 7_000_000], "2025-09-25T10:30:01.007"),
    ]
    r = client.post(
        "/api/logs/batch",
        json=[{"channel": "ts", "message": str(i), "timestamp": t} for i, (t, _) in enumerate(sent)],
    )
    assert r.status_code == 201, r.text
    stored = client.get("/api/logs/ts", params={"consumerId": "ts", "limit": 100}).json()
    assert [e["timestamp"] for e in stored] == [expected for _, expected in sent]
    single = client.post(
        "/api/logs", json={"channel": "ts1", "message": "x", "timestamp": "2020-02-29T23:59:59.9"}
    )
    assert single.json()["timestamp"] == "2020-02-29T23:59:59.9"
    assert client.get("/api/logs/ts1").json()[0]["timestamp"] == "2020-02-29T23:59:59.9"


def test_empty_batch_is_accepted_and_stores_nothing(client: httpx.Client) -> None:
    before = client.get("/api/logs", params={"limit": 1}).json()
    r = client.post("/api/logs/batch", json=[])
    assert r.status_code == 201 and r.json()["count"] == 0
    assert client.get("/api/logs", params={"limit": 1}).json() == before


def test_all_logs_newest_first_across_channels(client: httpx.Client) -> None:
    client.post("/api/logs", json={"channel": "all-a", "message": "a1"})
    client.post("/api/logs", json={"channel": "all-b", "message": "b1"})
    client.post("/api/logs", json={"channel": "all-a", "message": "a2"})
    r = client.get("/api/logs", params={"limit": 3})
    assert r.status_code == 200
    assert [(e["channel"], e["message"]) for e in r.json()] == [
        ("all-a", "a2"),
        ("all-b", "b1"),
        ("all-a", "a1"),
    ]
    assert len(client.get("/api/logs").json()) <= 100
    assert client.get("/api/logs", params={"limit": "x"}).status_code == 400


def test_bad_json_and_bad_query_parameters(client: httpx.Client) -> None:
    r = client.post("/api/logs", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["message"]
    assert client.get("/api/logs/x", params={"limit": "many"}).status_code == 400
    assert client.get("/api/logs/x", params={"limit": 0}).status_code == 400
    assert client.get("/api/logs/x", params={"consumerId": "c", "autoCommit": "maybe"}).status_code == 400


def test_oversized_body_and_batch_are_refused(client: httpx.Client) -> None:
    big = [{"channel": "big", "message": "x" * 1000} for _ in range(100)]
    r = client.post("/api/logs/batch", json=big)
    assert r.status_code == 413
    chunked = client.post("/api/logs/batch", content=iter([b"[" + b" " * 70000 + b"]"]))
    assert chunked.status_code == 413
    r = client.post("/api/logs/batch", json=[{"channel": "big", "message": ""}] * 501)
    assert r.status_code == 400 and "limit is 500" in r.json()["message"]
    assert client.get("/api/logs/big").json() == []


def test_api_key_is_required_and_rotation_keys_work(server: ServerProcess, client: httpx.Client) -> None:
    url = f"{server.base_url}/api/logs"
    entry = {"channel": "auth", "message": "x"}
    # 403 for a missing or wrong key, as the original answers.
    assert httpx.post(url, json=entry).status_code == 403
    assert httpx.post(url, json=entry, headers={"X-API-KEY": "wrong"}).status_code == 403
    assert httpx.post(url, json=entry, headers={"X-API-KEY": API_KEY + "x"}).status_code == 403
    assert httpx.get(f"{server.base_url}/api/logs/auth").status_code == 403
    assert httpx.get(f"{server.base_url}/api/logs").status_code == 403
    refused = httpx.post(f"{url}/seek", json={})
    assert refused.status_code == 403 and refused.json()["errorCode"] == "FORBIDDEN"
    assert httpx.post(url, json=entry, headers={"X-API-KEY": SECOND_KEY}).status_code == 201
    assert len(client.get("/api/logs/auth").json()) == 1


def test_openapi_document_describes_the_routes(server: ServerProcess) -> None:
    doc = httpx.get(f"{server.base_url}/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {
        "/api/logs",
        "/api/logs/batch",
        "/api/logs/{channel}",
        "/api/logs/commit",
        "/api/logs/seek",
    } <= set(doc["paths"])
    assert doc["components"]["schemas"]["LogIn"]["required"] == ["channel", "message"]


def test_concurrent_writers_all_acknowledged_and_stored(client: httpx.Client, server: ServerProcess) -> None:
    acked: list[int] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=H) as c:
            for i in range(25):
                r = c.post("/api/logs", json={"channel": "conc", "message": f"{n}-{i}"})
                assert r.status_code == 201
                with lock:
                    acked.append(r.json()["id"])

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = client.get("/api/logs/conc", params={"consumerId": "all", "limit": 1000}).json()
    assert sorted(acked) == [e["id"] for e in stored]
    assert len({e["message"] for e in stored}) == 200


def test_health_info_and_prometheus(server: ServerProcess, client: httpx.Client) -> None:
    client.post("/api/logs", json={"channel": "metrics", "level": "WARN", "message": "m"})
    client.get("/api/logs/metrics", params={"consumerId": "lagger", "limit": 1})
    client.post("/api/logs", json={"channel": "metrics", "message": "m2"})
    m = server.management_url
    health = httpx.get(f"{m}/actuator/health").json()
    assert health["status"] == "UP"
    assert health["components"]["storage"]["status"] == "UP"
    assert health["components"]["rest"]["status"] == "UP"
    assert "grpc" not in health["components"]
    assert httpx.get(f"{m}/actuator/health/liveness").json() == {"status": "UP"}
    assert httpx.get(f"{m}/actuator/health/readiness").json() == {"status": "UP"}
    assert httpx.get(f"{m}/actuator/info").json()["storage"]["type"] == "sqlite"
    text = httpx.get(f"{m}/actuator/prometheus").text
    assert 'logpilot_logs_received_total{level="WARN",channel="metrics"} 1.0' in text
    assert re.search(r'logpilot_requests_total\{protocol="rest",route="/api/logs",status="201"\} \d', text)
    assert 'logpilot_request_duration_seconds_bucket{protocol="rest",route="/api/logs",le="+Inf"}' in text
    assert "logpilot_storage_write_duration_seconds_count" in text
    assert re.search(r'logpilot_store_size_bytes\{storage="sqlite"\} [1-9]', text)
    assert 'logpilot_consumer_lag{channel="metrics",consumer="lagger"} 1.0' in text
    assert re.search(r"process_resident_memory_bytes [1-9]", text)


def test_rate_limit_per_key_returns_429_with_retry_after(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(
        LOGPILOT_PROTOCOL="rest",
        LOGPILOT_RATE_LIMIT_ENABLED="true",
        LOGPILOT_RATE_LIMIT_CAPACITY="5",
        LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND="0.5",
    )
    url = f"{srv.base_url}/api/logs"
    codes = [httpx.post(url, json={"channel": "rl", "message": "x"}, headers=H).status_code for _ in range(7)]
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]
    limited = httpx.post(url, json={"channel": "rl", "message": "x"}, headers=H)
    assert int(limited.headers["Retry-After"]) >= 1
    # the other key has its own bucket
    assert (
        httpx.post(url, json={"channel": "rl", "message": "x"}, headers={"X-API-KEY": SECOND_KEY}).status_code
        == 201
    )


def test_refuses_to_start_without_api_key(tmp_path: Path) -> None:
    import subprocess

    from .conftest import server_command

    srv = make_server(tmp_path)
    env = {k: v for k, v in srv.env.items() if k != "LOGPILOT_API_KEYS"}
    result = subprocess.run(server_command(), env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "LOGPILOT_AUTH=disabled" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_stops_start_up_naming_it(tmp_path: Path) -> None:
    import subprocess

    from .conftest import server_command

    srv = make_server(tmp_path, LOGPILOT_HTTP_PORT="eighty")
    result = subprocess.run(server_command(), env=srv.env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "http.port" in result.stderr and "LOGPILOT_HTTP_PORT" in result.stderr


def test_auth_disabled_explicitly_allows_anonymous_writes(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(LOGPILOT_PROTOCOL="rest", LOGPILOT_AUTH="disabled", LOGPILOT_API_KEYS="")
    assert httpx.post(f"{srv.base_url}/api/logs", json={"channel": "anon", "message": "x"}).status_code == 201


def test_sigterm_under_load_loses_no_acknowledged_log_and_exits_zero(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(LOGPILOT_PROTOCOL="rest")
    acked: list[int] = []
    stop = threading.Event()

    def send() -> None:
        with httpx.Client(base_url=srv.base_url, headers=H, timeout=5) as c:
            while not stop.is_set():
                try:
                    r = c.post("/api/logs/batch", json=[{"channel": "term", "message": "x"}] * 50)
                except httpx.HTTPError:
                    return
                if r.status_code != 201:
                    return
                body = r.json()
                acked.extend(range(body["firstId"], body["lastId"] + 1))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    import time

    time.sleep(0.7)
    assert srv.stop(signal.SIGTERM) == 0
    stop.set()
    for t in threads:
        t.join()
    assert acked
    srv.start()
    stored_ids: list[int] = []
    with httpx.Client(base_url=srv.base_url, headers=H) as c:
        while page := c.get("/api/logs/term", params={"consumerId": "check", "limit": 5000}).json():
            stored_ids.extend(e["id"] for e in page)
    assert len(stored_ids) == len(set(stored_ids))
    assert set(acked) <= set(stored_ids)


def test_unknown_routes_and_methods(server: ServerProcess, client: httpx.Client) -> None:
    assert client.get("/nope").status_code == 404
    assert client.delete("/api/logs/some-channel").status_code == 405
    assert client.delete("/api/logs").status_code == 405
    assert client.put("/api/logs/batch", json=[]).status_code == 405
    text = httpx.get(f"{server.management_url}/actuator/prometheus").text
    assert "/nope" not in text


def test_channel_names_may_contain_encoded_slashes_and_unicode(client: httpx.Client) -> None:
    for channel in ("team/app", "ünïcode ch"):
        assert client.post("/api/logs", json={"channel": channel, "message": "m"}).status_code == 201
        encoded = httpx.URL("/api/logs/").join(channel.replace("/", "%2F")).raw_path.decode()
        r = client.get(encoded, params={"consumerId": "enc"})
        assert r.status_code == 200, r.text
        assert [e["channel"] for e in r.json()] == [channel]
