"""The series the original LogPilot's Grafana dashboards and recording rules query exist, with the names and
labels Spring Boot's Micrometer and grpc-spring give them, beside ours."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc

from .conftest import API_KEY, ServerProcess, make_server

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)$')


def parse(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Prometheus text format -> name -> [(labels, value)]; every non-comment line must be a sample."""
    series: dict[str, list[tuple[dict[str, str], float]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        series.setdefault(match.group(1), []).append((labels, float(match.group(3))))
    return series


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = make_server(tmp_path_factory.mktemp("metrics"))
    srv.start()
    yield srv
    assert srv.stop() == 0


def _find(series: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    matches = [v for got, v in series.get(name, []) if all(got.get(k) == x for k, x in labels.items())]
    assert matches, f"no {name}{labels}; have {[g for g, _ in series.get(name, [])]}"
    return sum(matches)


def test_dashboard_series_exist_with_micrometer_names_and_labels(
    server: ServerProcess, tmp_path: Path
) -> None:
    headers = {"X-API-KEY": API_KEY}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as client:
        for _ in range(3):
            assert (
                client.post(
                    "/api/logs", json={"channel": "dash", "level": "ERROR", "message": "x"}
                ).status_code
                == 201
            )
        assert client.get("/api/logs/dash").status_code == 200
        assert client.get("/nowhere").status_code == 404
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = pb_grpc.LogServiceStub(channel)
        metadata = (("x-api-key", API_KEY),)
        stub.SendLog(pb.LogRequest(channel="dash", level="INFO", message="g"), metadata=metadata)
    text = httpx.get(f"{server.management_url}/actuator/prometheus", timeout=10).text
    series = parse(text)

    # HTTP, as Spring Boot 3 tags http.server.requests
    post = {"method": "POST", "uri": "/api/logs", "status": "201", "outcome": "SUCCESS"}
    assert _find(series, "http_server_requests_seconds_count", **post) == 3
    assert _find(series, "http_server_requests_seconds_sum", **post) > 0
    assert _find(series, "http_server_requests_seconds_bucket", **post, le="+Inf") == 3
    assert _find(series, "http_server_requests_seconds_max", **post) > 0
    get = {"method": "GET", "uri": "/api/logs/{channel}", "status": "200", "outcome": "SUCCESS"}
    assert _find(series, "http_server_requests_seconds_count", **get) == 1
    missing = {"uri": "NOT_FOUND", "status": "404", "outcome": "CLIENT_ERROR"}
    assert _find(series, "http_server_requests_seconds_count", **missing) == 1
    for labels, _ in series["http_server_requests_seconds_count"]:
        assert set(labels) == {"error", "exception", "method", "outcome", "status", "uri"}

    # gRPC, as grpc-spring names its server metrics
    call = {"service": "logpilot.LogService", "method": "SendLog", "methodType": "UNARY"}
    assert _find(series, "grpc_server_requests_received_messages_total", **call) == 1
    assert _find(series, "grpc_server_responses_sent_messages_total", **call) == 1
    assert _find(series, "grpc_server_processing_duration_seconds_count", **call, statusCode="OK") == 1
    assert _find(series, "grpc_server_processing_duration_seconds_max", **call, statusCode="OK") > 0

    # logs by level and by channel (the dashboards sum by one label or the other)
    assert _find(series, "logpilot_logs_received_total", level="ERROR") == 3
    assert _find(series, "logpilot_logs_received_total", channel="dash") == 4

    # process and JVM-named memory, threads, GC, storage size and capacity
    assert _find(series, "process_resident_memory_bytes") > 10_000_000
    heap = _find(series, "jvm_memory_used_bytes", area="heap")
    assert 0 < heap <= _find(series, "process_resident_memory_bytes")
    assert _find(series, "jvm_memory_used_bytes", area="nonheap") > 0
    assert "jvm_memory_max_bytes" in series
    assert _find(series, "jvm_threads_current") >= 2
    assert _find(series, "jvm_threads_peak") >= _find(series, "jvm_threads_current")
    assert _find(series, "jvm_gc_pause_seconds_count", action="end of minor GC") >= 1
    size = _find(series, "logpilot_storage_size_bytes", storage="sqlite")
    assert 0 < size < _find(series, "logpilot_storage_capacity_bytes", storage="sqlite")
    # ours stay beside them
    assert _find(series, "logpilot_requests_total", protocol="rest", route="/api/logs", status="201") == 3
