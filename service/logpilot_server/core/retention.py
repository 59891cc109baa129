"""Retention: each channel keeps its entries up to an age and a count; older ones are deleted in the background.

Deletion always takes a channel's oldest entries first (lowest ids), so a channel stays a contiguous run of
its newest entries and consumers, which read `id > offset` in id order, never see a hole open in front of
them. An entry is deleted by age once it and every older entry of its channel are past `max-age-days` (the
age is the entry's timestamp); by count once `max-rows` newer entries of its channel exist.

Deletes run on a worker thread in small transactions (`batch-rows` rows each) with a short pause between
them, so the writer, which shares the store, waits at most for one batch and never for a whole pass. A
consumer whose offset lies below the oldest remaining entry simply continues with that entry: what was
deleted is skipped, and its lag counts only what remains.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import Counter

from ..config import RetentionSettings
from ..errors import LogPilotError
from ..metrics import Metrics
from ..storage.base import Storage

log = logging.getLogger("logpilot.retention")

# Pause between two delete transactions: room for the writer's group commits.
_PAUSE_SECONDS = 0.01
_DAY_MS = 86_400_000


class Retention:
    """Enforces `RetentionSettings` on one store; `run` loops until stopped, `enforce` does one pass."""

    def __init__(self, storage: Storage, settings: RetentionSettings, metrics: Metrics) -> None:
        self._storage = storage
        self._settings = settings
        self._metrics = metrics
        self._stopping = threading.Event()  # read by the worker thread between delete transactions
        self._wake: asyncio.Event | None = None

    def enforce(self, now_ms: int | None = None) -> Counter[str]:
        """One pass over every channel (blocking); returns the rows deleted by reason ("age", "count")."""
        settings = self._settings
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        if settings.max_age_days or settings.max_rows:
            channels = self._storage.channels()
        else:
            channels = sorted(settings.channels)
        deleted: Counter[str] = Counter()
        for channel in channels:
            if self._stopping.is_set():
                break
            limits = settings.limits(channel)
            if limits.max_rows:
                boundary = self._storage.nth_newest_id(channel, limits.max_rows)
                if boundary:
                    deleted["count"] += self._delete_through(channel, boundary)
            if limits.max_age_days:
                deleted["age"] += self._delete_older(channel, now_ms - int(limits.max_age_days * _DAY_MS))
        return deleted

    def _delete_through(self, channel: str, last_id: int) -> int:
        total = 0
        batch = self._settings.batch_rows
        while not self._stopping.is_set():
            count = self._storage.delete_through(channel, last_id, batch)
            total += count
            if count < batch:
                break
            time.sleep(_PAUSE_SECONDS)
        return total

    def _delete_older(self, channel: str, cutoff_ms: int) -> int:
        total = 0
        batch = self._settings.batch_rows
        while not self._stopping.is_set():
            oldest = self._storage.oldest(channel, batch)
            expired = 0
            while expired < len(oldest) and oldest[expired][1] < cutoff_ms:
                expired += 1
            if not expired:
                break
            total += self._storage.delete_through(channel, oldest[expired - 1][0], batch)
            if expired < len(oldest) or len(oldest) < batch:
                break
            time.sleep(_PAUSE_SECONDS)
        return total

    async def run(self) -> None:
        """Enforces the limits every `interval-seconds` until `stop` is called."""
        interval = self._settings.interval_seconds
        self._wake = asyncio.Event()
        while not self._stopping.is_set():
            started = time.perf_counter()
            try:
                deleted = await asyncio.to_thread(self.enforce)
            except LogPilotError as exc:
                log.warning("retention pass failed (retried in %.0fs): %s", interval, exc)
            else:
                # Metrics are updated on the event loop only (metrics.py takes no locks).
                self._metrics.observe_retention(deleted, time.perf_counter() - started)
                if deleted:
                    log.info("retention deleted %s", dict(deleted))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)

    def stop(self) -> None:
        """Ends the loop (call it on the event loop); a pass in progress stops after its current delete."""
        self._stopping.set()
        if self._wake is not None:
            self._wake.set()
