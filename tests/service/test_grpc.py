"""The gRPC API through generated stubs against a real server, plus the generated code's freshness."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc

from .conftest import API_KEY, SECOND_KEY, ServerProcess, make_server

REPO = Path(__file__).resolve().parents[2]
AUTH = (("x-api-key", API_KEY),)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = make_server(tmp_path_factory.mktemp("grpc"), LOGPILOT_PROTOCOL="all", LOGPILOT_MAX_BATCH_SIZE="100")
    srv.env["LOGPILOT_GRPC_MAX_MESSAGE_BYTES"] = "65536"
    srv.start()
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def channel(server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.grpc_target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


@pytest.fixture(scope="module")
def stub(channel: grpc.Channel) -> pb_grpc.LogServiceStub:
    return pb_grpc.LogServiceStub(channel)


def test_send_log_and_fetch_with_consumer_offsets(stub: pb_grpc.LogServiceStub) -> None:
    r = stub.SendLog(
        pb.LogRequest(channel="g1", level="WARN", message="hello", meta={"k": "v"}), metadata=AUTH
    )
    assert r.status == "success"
    batch = [pb.LogRequest(channel="g1", message=f"m{i}") for i in range(3)]
    assert stub.SendLogs(pb.SendLogsRequest(log_requests=batch), metadata=AUTH).status == "success"
    first = stub.FetchLogs(pb.FetchLogsRequest(channel="g1", consumerId="c", limit=2), metadata=AUTH).logs
    assert [e.message for e in first] == ["hello", "m0"]
    assert first[0].level == "WARN" and dict(first[0].meta) == {"k": "v"} and first[1].level == "INFO"
    assert first[0].timestamp > 1_600_000_000_000 and first[1].id == first[0].id + 1
    rest = stub.FetchLogs(pb.FetchLogsRequest(channel="g1", consumerId="c"), metadata=AUTH).logs
    assert [e.message for e in rest] == ["m1", "m2"]
    # older clients put the consumer id in `since`
    legacy = stub.FetchLogs(pb.FetchLogsRequest(channel="g1", since="c"), metadata=AUTH).logs
    assert list(legacy) == []
    stub.Seek(
        pb.SeekRequest(channel="g1", consumerId="c", operation="SPECIFIC", logId=first[1].id), metadata=AUTH
    )
    assert [
        e.message for e in stub.FetchLogs(pb.FetchLogsRequest(channel="g1", since="c"), metadata=AUTH).logs
    ] == ["m0", "m1", "m2"]
    stub.Seek(pb.SeekRequest(channel="g1", consumerId="c", operation="EARLIEST"), metadata=AUTH)
    assert len(stub.FetchLogs(pb.FetchLogsRequest(channel="g1", consumerId="c"), metadata=AUTH).logs) == 4
    latest = stub.FetchLogs(pb.FetchLogsRequest(channel="g1", limit=2), metadata=AUTH).logs
    assert [e.message for e in latest] == ["m2", "m1"]


def test_list_logs_filters_by_level_and_time(stub: pb_grpc.LogServiceStub) -> None:
    stub.SendLogs(
        pb.SendLogsRequest(
            log_requests=[
                pb.LogRequest(channel="g2", level=lvl, message=lvl) for lvl in ("INFO", "ERROR", "ERROR")
            ]
        ),
        metadata=AUTH,
    )
    errors = stub.ListLogs(pb.ListLogsRequest(channel="g2", level="ERROR"), metadata=AUTH).logs
    assert [e.level for e in errors] == ["ERROR", "ERROR"]
    ts = errors[0].timestamp
    assert (
        len(
            stub.ListLogs(
                pb.ListLogsRequest(channel="g2", fromTimestamp=ts, toTimestamp=ts), metadata=AUTH
            ).logs
        )
        == 3
    )
    assert list(stub.ListLogs(pb.ListLogsRequest(channel="g2", toTimestamp=ts - 1), metadata=AUTH).logs) == []


def test_rest_and_grpc_share_the_store(server: ServerProcess, stub: pb_grpc.LogServiceStub) -> None:
    httpx.post(
        f"{server.base_url}/api/logs",
        json={"channel": "shared", "message": "from rest", "meta": {"n": 1, "s": "x"}},
        headers={"X-API-KEY": API_KEY},
    )
    (entry,) = stub.FetchLogs(pb.FetchLogsRequest(channel="shared", consumerId="g"), metadata=AUTH).logs
    assert entry.message == "from rest" and dict(entry.meta) == {"n": "1", "s": "x"}


@pytest.mark.parametrize(
    ("call", "request_message", "fragment"),
    [
        ("SendLog", pb.LogRequest(channel="", message="x"), "channel"),
        ("SendLogs", pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="c")] * 101), "limit is 100"),
        ("SendLogs", pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="c"), pb.LogRequest()]), "[1]"),
        ("Seek", pb.SeekRequest(channel="c", consumerId="c", operation="NOWHERE"), "operation"),
        ("Seek", pb.SeekRequest(channel="c", consumerId="", operation="EARLIEST"), "consumerId"),
    ],
)
def test_bad_requests_answer_ok_with_status_error_like_the_original(
    stub: pb_grpc.LogServiceStub, call: str, request_message: object, fragment: str
) -> None:
    # The original never fails these calls: its Java client reads `status` and gives up at once, where a
    # status code would make it retry a request that cannot succeed.
    response = getattr(stub, call)(request_message, metadata=AUTH)
    assert response.status == "error"
    assert fragment in response.message


@pytest.mark.parametrize(
    ("call", "request_message"),
    [
        ("FetchLogs", pb.FetchLogsRequest(channel="c", consumerId="c", limit=-5)),
        ("ListLogs", pb.ListLogsRequest(fromTimestamp=10, toTimestamp=5)),
    ],
)
def test_bad_reads_give_invalid_argument(
    stub: pb_grpc.LogServiceStub, call: str, request_message: object
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        getattr(stub, call)(request_message, metadata=AUTH)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details()


def test_unknown_level_is_stored_as_info_and_empty_batch_accepted(stub: pb_grpc.LogServiceStub) -> None:
    assert stub.SendLogs(pb.SendLogsRequest(), metadata=AUTH).status == "success"
    batch = [
        pb.LogRequest(channel="lv", level=level, message=level) for level in ("TRACE", "warn", "", "FATAL")
    ]
    assert stub.SendLogs(pb.SendLogsRequest(log_requests=batch), metadata=AUTH).status == "success"
    assert (
        stub.SendLog(pb.LogRequest(channel="lv", level="LOUD", message="LOUD"), metadata=AUTH).status
        == "success"
    )
    stored = stub.FetchLogs(pb.FetchLogsRequest(channel="lv", consumerId="lv"), metadata=AUTH).logs
    assert [(e.message, e.level) for e in stored] == [
        ("TRACE", "INFO"),
        ("warn", "WARN"),
        ("", "INFO"),
        ("FATAL", "INFO"),
        ("LOUD", "INFO"),
    ]


def test_fetch_without_channel_returns_the_newest_of_every_channel(stub: pb_grpc.LogServiceStub) -> None:
    stub.SendLog(pb.LogRequest(channel="every-a", message="first"), metadata=AUTH)
    stub.SendLog(pb.LogRequest(channel="every-b", message="second"), metadata=AUTH)
    # The original's Java client asks for "all logs" with an empty channel and an empty `since`.
    logs = stub.FetchLogs(pb.FetchLogsRequest(channel="", since="", limit=2), metadata=AUTH).logs
    assert [(e.channel, e.message) for e in logs] == [("every-b", "second"), ("every-a", "first")]


def test_the_original_java_grpc_clients_calls_all_succeed(stub: pb_grpc.LogServiceStub) -> None:
    """The requests LogPilotGrpcClient makes (storage="sqlite" on each, the consumer id in `since`, logId 0
    for EARLIEST and LATEST): it retries on a status code and fails on any `status` but "success"."""

    def entry(level: str, message: str) -> pb.LogRequest:
        return pb.LogRequest(channel="jg", level=level, message=message, meta={"k": "v"}, storage="sqlite")

    assert stub.SendLog(entry("INFO", "one"), metadata=AUTH).status == "success"
    batch = pb.SendLogsRequest(log_requests=[entry("WARN", "two"), entry("ERROR", "three")])
    assert stub.SendLogs(batch, metadata=AUTH).status == "success"

    def get_logs(consumer: str, limit: int) -> list[str]:
        request = pb.FetchLogsRequest(since=consumer, channel="jg", limit=limit, storage="sqlite")
        return [e.message for e in stub.FetchLogs(request, metadata=AUTH).logs]

    assert get_logs("jc", 2) == ["one", "two"]
    assert get_logs("jc", 10) == ["three"]
    for operation in ("EARLIEST", "LATEST"):
        seek = pb.SeekRequest(channel="jg", consumerId="jc", operation=operation, logId=0, storage="sqlite")
        assert stub.Seek(seek, metadata=AUTH).status == "success"
    assert get_logs("jc", 10) == []
    everything = pb.FetchLogsRequest(since="", channel="", limit=1, storage="sqlite")
    (newest,) = stub.FetchLogs(everything, metadata=AUTH).logs
    assert (newest.channel, newest.message, newest.level) == ("jg", "three", "ERROR")
    assert newest.timestamp > 1_600_000_000_000 and dict(newest.meta) == {"k": "v"}


def test_missing_or_wrong_key_is_unauthenticated(stub: pb_grpc.LogServiceStub) -> None:
    for metadata in ((), (("x-api-key", "nope"),)):
        with pytest.raises(grpc.RpcError) as info:
            stub.SendLog(pb.LogRequest(channel="auth", message="x"), metadata=metadata)
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert (
        stub.SendLog(pb.LogRequest(channel="auth", message="x"), metadata=(("x-api-key", SECOND_KEY),)).status
        == "success"
    )
    with pytest.raises(grpc.RpcError) as info:
        stub.FetchLogs(pb.FetchLogsRequest(channel="auth"))
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_oversized_and_malformed_messages_get_clean_errors(
    channel: grpc.Channel, stub: pb_grpc.LogServiceStub
) -> None:
    big = pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="big", message="x" * 70_000)])
    with pytest.raises(grpc.RpcError) as info:
        stub.SendLogs(big, metadata=AUTH)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    raw = channel.unary_unary("/logpilot.LogService/SendLog")
    with pytest.raises(grpc.RpcError) as info:
        raw(b"\xff\xff\xff\xff\x0f garbage", metadata=AUTH)
    assert info.value.code() in (grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT)
    assert (
        stub.SendLog(pb.LogRequest(channel="ok", message="still serving"), metadata=AUTH).status == "success"
    )


def test_health_service_and_reflection(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "logpilot.LogService"):
        status = health.Check(health_pb2.HealthCheckRequest(service=service)).status
        assert status == health_pb2.HealthCheckResponse.SERVING
    reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
    (response,) = reflect.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    names = {s.name for s in response.list_services_response.service}
    assert {"logpilot.LogService", "grpc.health.v1.Health"} <= names


def test_grpc_metrics_and_health_component(server: ServerProcess, stub: pb_grpc.LogServiceStub) -> None:
    stub.SendLog(pb.LogRequest(channel="gm", message="x"), metadata=AUTH)
    text = httpx.get(f"{server.management_url}/actuator/prometheus").text
    assert re.search(r'logpilot_requests_total\{protocol="grpc",route="SendLog",status="OK"\} [1-9]', text)
    assert httpx.get(f"{server.management_url}/actuator/health").json()["components"]["grpc"] == {
        "status": "UP"
    }


def test_grpc_only_mode_has_no_http_listener(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(LOGPILOT_PROTOCOL="grpc")
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{srv.base_url}/api/logs", json={"channel": "c", "message": "m"})
    with grpc.insecure_channel(srv.grpc_target) as ch:
        assert (
            pb_grpc.LogServiceStub(ch).SendLog(pb.LogRequest(channel="c", message="m"), metadata=AUTH).status
            == "success"
        )
    assert set(httpx.get(f"{srv.management_url}/actuator/health").json()["components"]) == {"storage", "grpc"}


_BLOCK_GRPC = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('grpc', 'grpc_health', 'grpc_reflection', 'google'):
            raise ImportError(f'No module named {name!r}', name=name)
sys.meta_path.insert(0, Block())
from logpilot_server.app import main
main()
"""


def test_rest_only_mode_runs_without_grpc_packages(tmp_path: Path) -> None:
    srv = make_server(tmp_path, LOGPILOT_PROTOCOL="rest")
    log = srv.log_path.open("wb")
    srv.proc = subprocess.Popen(
        [sys.executable, "-c", _BLOCK_GRPC], env=srv.env, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    try:
        srv.wait_ready()
        r = httpx.post(
            f"{srv.base_url}/api/logs", json={"channel": "c", "message": "m"}, headers={"X-API-KEY": API_KEY}
        )
        assert r.status_code == 201
    finally:
        assert srv.stop() == 0
    srv.env["LOGPILOT_PROTOCOL"] = "all"
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_GRPC], env=srv.env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "logpilot[grpc]" in result.stderr and "Traceback" not in result.stderr


def test_generated_code_is_up_to_date_with_the_proto(tmp_path: Path) -> None:
    from grpc_tools import protoc

    args = [
        "protoc",
        "-Ilogpilot_server/_proto=" + str(REPO / "proto"),
        f"--python_out={tmp_path}",
        f"--pyi_out={tmp_path}",
        f"--grpc_python_out={tmp_path}",
        str(REPO / "proto" / "logpilot.proto"),
    ]
    assert protoc.main(args) == 0
    committed = REPO / "service" / "logpilot_server" / "_proto"
    generated = tmp_path / "logpilot_server" / "_proto"

    def descriptor(text: str) -> str:
        match = re.search(r"AddSerializedFile\((b'.*?')\)", text, re.S)
        assert match
        return match.group(1)

    def version(text: str) -> str:
        match = re.search(r"GRPC_GENERATED_VERSION = '([^']+)'", text)
        assert match
        return match.group(1)

    new_pb2, old_pb2 = (d / "logpilot_pb2.py" for d in (generated, committed))
    assert descriptor(new_pb2.read_text()) == descriptor(old_pb2.read_text()), "run `make proto`"
    new_grpc, old_grpc = ((d / "logpilot_pb2_grpc.py").read_text() for d in (generated, committed))
    if version(new_grpc) == version(old_grpc):
        assert new_grpc == old_grpc, "run `make proto`"
        assert new_pb2.read_text() == old_pb2.read_text(), "run `make proto`"
        assert (generated / "logpilot_pb2.pyi").read_text() == (committed / "logpilot_pb2.pyi").read_text()
