"""Crash safety on SQLite: kill -9 under load, restart, and every acknowledged log is there exactly once."""

from __future__ import annotations

import signal
import threading
import time

import httpx

from .conftest import API_KEY

H = {"X-API-KEY": API_KEY}


def test_kill_9_under_load_keeps_every_acknowledged_log(server_factory) -> None:  # type: ignore[no-untyped-def]
    srv = server_factory(LOGPILOT_PROTOCOL="rest")
    acked: list[int] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        with httpx.Client(base_url=srv.base_url, headers=H, timeout=5) as c:
            i = 0
            while True:
                try:
                    r = c.post(
                        "/api/logs/batch",
                        json=[{"channel": "crash", "message": f"{n}-{i}-{j}"} for j in range(25)],
                    )
                except httpx.HTTPError:
                    return
                if r.status_code != 201:
                    return
                body = r.json()
                with lock:
                    acked.extend(range(body["firstId"], body["lastId"] + 1))
                i += 1

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    srv.stop(signal.SIGKILL)
    for t in threads:
        t.join()
    assert len(acked) > 100
    srv.start()
    stored: list[int] = []
    messages: list[str] = []
    with httpx.Client(base_url=srv.base_url, headers=H) as c:
        while page := c.get("/api/logs/crash", params={"consumerId": "audit", "limit": 5000}).json():
            stored.extend(e["id"] for e in page)
            messages.extend(e["message"] for e in page)
    assert set(acked) <= set(stored)
    assert len(messages) == len(set(messages)), "no entry stored twice"
