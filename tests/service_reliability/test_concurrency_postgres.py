"""Concurrency on PostgreSQL: three server processes write to one database while consumers read with offsets.

Each consumer must see every log of its channel exactly once, in id order. To make late commits happen, a
trigger in the database delays every write transaction by a random 0-20 ms after its ids are drawn: without
the server's ordering of ids by commit, a consumer would read past an id whose transaction commits later and
never see it.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable

import grpc
import httpx
import psycopg
from logpilot_server._proto import logpilot_pb2 as pb
from logpilot_server._proto import logpilot_pb2_grpc as pb_grpc

from .conftest import API_KEY, report, stored_rows

H = {"X-API-KEY": API_KEY}
CHANNELS = ("orders", "payments", "audit")
PRODUCE_SECONDS = 4.0
LATE_COMMITS = """
CREATE FUNCTION late_commit() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_sleep(random() * 0.02); RETURN NULL; END $$;
CREATE TRIGGER late_commit AFTER INSERT ON logs FOR EACH STATEMENT EXECUTE FUNCTION late_commit();
"""


def test_replicas_on_one_database_consumers_see_every_log_once_in_order_despite_late_commits(
    server_factory, pg_database: str
) -> None:  # type: ignore[no-untyped-def]
    env = {
        "LOGPILOT_PROTOCOL": "all",
        "LOGPILOT_STORAGE_TYPE": "postgres",
        "LOGPILOT_POSTGRES_DSN": pg_database,
    }
    replicas = [server_factory(**env) for _ in range(3)]
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(LATE_COMMITS)

    producing = threading.Event()
    producing.set()
    lock = threading.Lock()
    acked: dict[str, list[int]] = defaultdict(list)
    sent = [0]
    problems: list[str] = []

    def produce(n: int) -> None:
        rng = random.Random(n)
        base = replicas[n % len(replicas)].base_url
        with httpx.Client(base_url=base, headers=H, timeout=30) as c:
            for i in itertools.count():
                if not producing.is_set():
                    return
                channel = CHANNELS[(n + i) % len(CHANNELS)]
                batch = [{"channel": channel, "message": f"p{n}-{i}-{j}"} for j in range(rng.randint(1, 30))]
                r = c.post("/api/logs/batch", json=batch)
                with lock:
                    sent[0] += len(batch)
                    if r.status_code != 201:
                        problems.append(f"producer {n}: {r.status_code} {r.text[:200]}")
                        return
                    body = r.json()
                    acked[channel].extend(range(body["firstId"], body["lastId"] + 1))

    seen: dict[str, list[int]] = defaultdict(list)
    pages: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)  # (turn, replica, first, last)

    def record(name: str, turn: int, ids: list[int]) -> None:
        seen[name].extend(ids)
        if ids:
            pages[name].append((turn, turn % len(replicas), ids[0], ids[-1]))

    finished = threading.Event()  # every producer has had its last answer

    def read_until_drained(name: str, read_page: Callable[[int], list[int]]) -> None:
        """Reads pages (turn 0, 1, ...) until two empty pages in a row were read after the last acknowledgment.

        Only a read that started once `finished` was set counts: a read that began before the last batch
        committed may come back empty after `finished` is set, and stopping on it would lose that batch.
        """
        empty = 0
        for turn in itertools.count():
            after_end = finished.is_set()
            ids = read_page(turn)
            record(name, turn, ids)
            empty = 0 if ids or not after_end else empty + 1
            if empty >= 2:
                return

    def consume_auto(channel: str) -> None:
        """autoCommit=true, reading through each replica in turn (as behind a load balancer)."""
        name = f"auto-{channel}"
        with httpx.Client(headers=H, timeout=30) as c:

            def read_page(turn: int) -> list[int]:
                base = replicas[turn % len(replicas)].base_url
                page = c.get(f"{base}/api/logs/{channel}", params={"consumerId": name, "limit": 37}).json()
                return [e["id"] for e in page]

            read_until_drained(name, read_page)

    def consume_manual(channel: str) -> None:
        """autoCommit=false, then an explicit commit of the last id through another replica."""
        name = f"manual-{channel}"
        with httpx.Client(headers=H, timeout=30) as c:

            def read_page(turn: int) -> list[int]:
                read_from, commit_to = replicas[turn % 3].base_url, replicas[(turn + 1) % 3].base_url
                params = {"consumerId": name, "limit": 53, "autoCommit": "false"}
                ids = [e["id"] for e in c.get(f"{read_from}/api/logs/{channel}", params=params).json()]
                if ids:
                    commit = {"channel": channel, "consumerId": name, "lastLogId": ids[-1]}
                    assert c.post(f"{commit_to}/api/logs/commit", json=commit).status_code == 200
                return ids

            read_until_drained(name, read_page)

    def consume_grpc(channel: str) -> None:
        """FetchLogs with a consumer id (commits as it reads), over gRPC on each replica in turn."""
        name = f"grpc-{channel}"
        channels = [grpc.insecure_channel(r.grpc_target) for r in replicas]
        try:
            stubs = [pb_grpc.LogServiceStub(ch) for ch in channels]

            def read_page(turn: int) -> list[int]:
                request = pb.FetchLogsRequest(channel=channel, consumerId=name, limit=41)
                reply = stubs[turn % 3].FetchLogs(request, metadata=(("x-api-key", API_KEY),), timeout=30)
                return [e.id for e in reply.logs]

            read_until_drained(name, read_page)
        finally:
            for ch in channels:
                ch.close()

    producers = [threading.Thread(target=produce, args=(n,)) for n in range(6)]
    consumers = [
        threading.Thread(target=fn, args=(channel,))
        for channel in CHANNELS
        for fn in (consume_auto, consume_manual, consume_grpc)
    ]
    for t in producers + consumers:
        t.start()
    time.sleep(PRODUCE_SECONDS)
    producing.clear()
    for t in producers:
        t.join(60)
    finished.set()
    for t in consumers:
        t.join(120)

    assert not problems, problems
    found_in_storage = 0
    for channel in CHANNELS:
        found_in_storage += len(set(acked[channel]) & {i for i, _ in stored_rows(replicas[0], channel)})
    deliveries = {name: len(ids) for name, ids in seen.items()}
    per_consumer_ok = {
        name: ids == sorted(acked[name.split("-", 1)[1]]) for name, ids in sorted(seen.items())
    }
    report(
        "concurrency-postgres",
        replicas=len(replicas),
        sent=sent[0],
        acknowledged=sum(len(v) for v in acked.values()),
        found=found_in_storage,
        consumers=len(seen),
        delivered=sum(deliveries.values()),
        consumers_exact=sum(per_consumer_ok.values()),
    )
    assert sent[0] > 1000
    assert len(seen) == 3 * len(CHANNELS)
    skipped = {
        name: sorted(set(acked[name.split("-", 1)[1]]) - set(ids)) for name, ids in sorted(seen.items())
    }
    skipped = {name: missing for name, missing in skipped.items() if missing}
    if skipped:
        stored = {i for channel in CHANNELS for i, _ in stored_rows(replicas[0], channel)}
        details = []
        for name, missing in skipped.items():
            lo, hi = missing[0] - 100, missing[-1] + 100
            near = [p for p in pages[name] if p[3] >= lo and p[2] <= hi]
            details.append(
                f"{name} skipped {len(missing)} logs, e.g. {missing[:5]} "
                f"({sum(i in stored for i in missing)} of them in storage); "
                f"its pages (turn, replica, first id, last id) near them: {near}"
            )
        raise AssertionError("\n".join(details))
    for name, ids in seen.items():
        expected = sorted(acked[name.split("-", 1)[1]])
        assert len(ids) == len(set(ids)), f"{name} saw a log twice"
        assert ids == sorted(ids), f"{name} saw logs out of id order"
        assert ids == expected, f"{name} saw logs that were never acknowledged"
