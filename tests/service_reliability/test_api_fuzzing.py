"""API fuzzing: schemathesis against the REST server's own /openapi.json (valid and invalid inputs from the
document; no 5xx, every response conforms to the document), and malformed or oversized protobuf on gRPC.

Bounded and deterministic: a fixed number of examples per operation, derandomized, so `make test` stays fast
and repeatable. SCHEMATHESIS_EXAMPLES raises the count for a longer run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
import schemathesis
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc
from schemathesis.generation.modes import GenerationMode

from .conftest import API_KEY, ServerProcess, make_server, report

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "60"))
GRPC_EXAMPLES = int(os.environ.get("GRPC_FUZZ_EXAMPLES", "300"))
TRIED: Counter[int] = Counter()
GRPC_CODES: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = make_server(
        tmp_path_factory.mktemp("fuzz"),
        LOGPILOT_PROTOCOL="all",
        LOGPILOT_MAX_BODY_BYTES="65536",
        LOGPILOT_MAX_BATCH_SIZE="200",
        LOGPILOT_GRPC_MAX_MESSAGE_BYTES="65536",
    )
    srv.log_path.parent.mkdir(parents=True, exist_ok=True)
    srv.start()
    yield srv
    code = srv.stop()
    unexpected = srv.logs().count("unexpected error")
    report(
        "api-fuzzing",
        rest_requests=sum(TRIED.values()),
        rest_by_status=dict(sorted(TRIED.items())),
        grpc_calls=sum(GRPC_CODES.values()),
        grpc_by_code=dict(sorted(GRPC_CODES.items())),
        server_errors_logged=unexpected,
        exit_code=code,
    )
    assert code == 0, srv.logs()[-2000:]
    assert unexpected == 0, srv.logs()[-3000:]


OPERATIONS = (
    "GET /api/logs",
    "POST /api/logs",
    "POST /api/logs/batch",
    "GET /api/logs/{channel}",
    "POST /api/logs/commit",
    "POST /api/logs/seek",
)


@pytest.fixture(scope="module")
def api_schema(fuzz_server: ServerProcess) -> Any:
    """The document the running server serves, as schemathesis reads it."""
    schema = schemathesis.openapi.from_url(f"{fuzz_server.base_url}/openapi.json")
    rejection = schema.config.checks.negative_data_rejection
    # A batch over maxItems may also be over the body size limit: 413 is a documented refusal too.
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


def test_openapi_document_lists_the_fuzzed_operations(api_schema: Any) -> None:
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("label", OPERATIONS)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_schemathesis_no_5xx_and_responses_conform(
    api_schema: Any, label: str, mode: GenerationMode, data: st.DataObject
) -> None:
    operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)
    case = data.draw(operation.as_strategy(generation_mode=mode, headers={"X-API-KEY": API_KEY}))
    response = case.call_and_validate(timeout=10)
    TRIED[response.status_code] += 1


# --- gRPC -------------------------------------------------------------------------------------------------

METHODS = {
    "SendLog": (pb.LogRequest, pb.LogResponse),
    "SendLogs": (pb.SendLogsRequest, pb.SendLogsResponse),
    "ListLogs": (pb.ListLogsRequest, pb.ListLogsResponse),
    "FetchLogs": (pb.FetchLogsRequest, pb.FetchLogsResponse),
    "Seek": (pb.SeekRequest, pb.SeekResponse),
}
AUTH = (("x-api-key", API_KEY),)


@pytest.fixture(scope="module")
def grpc_channel(fuzz_server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(fuzz_server.grpc_target) as channel:
        yield channel


def _valid_request(method: str, channel: str, message: str) -> bytes:
    entry = pb.LogRequest(channel=channel, level="WARN", message=message, meta={"k": message})
    request = {
        "SendLog": entry,
        "SendLogs": pb.SendLogsRequest(log_requests=[entry, entry]),
        "ListLogs": pb.ListLogsRequest(channel=channel, level="WARN", fromTimestamp=1),
        "FetchLogs": pb.FetchLogsRequest(channel=channel, consumerId=message or "c", limit=3),
        "Seek": pb.SeekRequest(channel=channel, consumerId="c", operation="SPECIFIC", logId=2),
    }[method]
    return request.SerializeToString()


@st.composite
def _malformed(draw: st.DrawFn) -> tuple[str, bytes]:
    """Random bytes, or a valid request truncated, with a byte changed, or with bytes inserted."""
    method = draw(st.sampled_from(sorted(METHODS)))
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "inserted", "bad-utf8"]))
    if kind == "random":
        return method, draw(st.binary(max_size=300))
    data = _valid_request(method, draw(st.text(min_size=1, max_size=20)), draw(st.text(max_size=40)))
    if kind == "truncated":
        return method, data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == "flipped":
        at = draw(st.integers(0, len(data) - 1))
        return method, data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if kind == "inserted":
        at = draw(st.integers(0, len(data)))
        return method, data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    # a string field (channel, field 1 or 2) holding bytes that are not UTF-8
    field = 2 if method in ("ListLogs", "FetchLogs") else 1
    tag = bytes([(field << 3) | 2])
    junk = draw(st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"a\x80b"]))
    return method, tag + bytes([len(junk)]) + junk + data


def test_grpc_malformed_protobuf_gets_invalid_argument_and_server_stays_up(
    grpc_channel: grpc.Channel, fuzz_server: ServerProcess
) -> None:
    clean = {grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT}

    @settings(max_examples=GRPC_EXAMPLES, derandomize=True, deadline=None, database=None)
    @given(_malformed())
    def one(sample: tuple[str, bytes]) -> None:
        method, data = sample
        call = grpc_channel.unary_unary(f"/logpilot.LogService/{method}")
        try:
            call(data, metadata=AUTH, timeout=10)
            code = grpc.StatusCode.OK
        except grpc.RpcError as exc:
            code = exc.code()
            assert code in clean, f"{method} {data!r}: {code.name} {exc.details()}"
        GRPC_CODES[code.name] += 1

    one()
    stub = pb_grpc.LogServiceStub(grpc_channel)
    assert stub.SendLog(pb.LogRequest(channel="after", message="still up"), metadata=AUTH).status == "success"
    health = health_pb2_grpc.HealthStub(grpc_channel).Check(health_pb2.HealthCheckRequest(service=""))
    assert health.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("method", ["SendLog", "SendLogs"])
def test_grpc_oversized_message_gets_resource_exhausted_and_server_stays_up(
    grpc_channel: grpc.Channel, fuzz_server: ServerProcess, method: str
) -> None:
    big = "x" * 70_000
    request = (
        pb.LogRequest(channel="big", message=big)
        if method == "SendLog"
        else pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="big", message=big[:1000])] * 70)
    )
    call = grpc_channel.unary_unary(f"/logpilot.LogService/{method}")
    for _ in range(3):
        with pytest.raises(grpc.RpcError) as info:
            call(request.SerializeToString(), metadata=AUTH, timeout=10)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        GRPC_CODES["RESOURCE_EXHAUSTED"] += 1
    too_many = pb.SendLogsRequest(log_requests=[pb.LogRequest(channel="big", message="m")] * 201)
    # A batch over the limit is the request's own fault: answered in the response, as the original does.
    refused = pb_grpc.LogServiceStub(grpc_channel).SendLogs(too_many, metadata=AUTH, timeout=10)
    assert refused.status == "error" and "limit is 200" in refused.message
    stub = pb_grpc.LogServiceStub(grpc_channel)
    assert stub.FetchLogs(pb.FetchLogsRequest(channel="big"), metadata=AUTH).logs == []
