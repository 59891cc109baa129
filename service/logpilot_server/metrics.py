"""A small Prometheus registry: counters and histograms updated on the event loop, rendered as text format.

Written here rather than taken from prometheus_client to keep the per-request cost to a dict lookup and a
bisect, and because every update happens on one thread (the event loop), so no locks are needed.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Iterable

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Label values chosen by clients (channels) are capped so a client cannot explode the series count.
MAX_CHANNEL_SERIES = 1000
OTHER_CHANNEL = "_other"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: tuple[str, ...], values: tuple[str, ...], extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


class Counter:
    """A monotonically increasing value per label set."""

    def __init__(self, name: str, help_text: str, labels: tuple[str, ...] = ()) -> None:
        self.name, self.help, self.label_names = name, help_text, labels
        self.values: dict[tuple[str, ...], float] = {}

    def inc(self, labels: tuple[str, ...] = (), amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}\n# TYPE {self.name} counter\n"
        for labels, value in self.values.items():
            yield f"{self.name}{_labels(self.label_names, labels)} {value}\n"


class Histogram:
    """Cumulative buckets, sum and count per label set."""

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: tuple[str, ...] = (),
        buckets: tuple[float, ...] = _LATENCY_BUCKETS,
    ) -> None:
        self.name, self.help, self.label_names, self.buckets = name, help_text, labels, buckets
        self.series: dict[tuple[str, ...], list[float]] = {}

    def observe(self, value: float, labels: tuple[str, ...] = ()) -> None:
        series = self.series.get(labels)
        if series is None:
            # per-bucket counts (the last one is +Inf), then sum, then count
            series = self.series[labels] = [0.0] * (len(self.buckets) + 3)
        series[bisect_left(self.buckets, value)] += 1
        series[-2] += value
        series[-1] += 1

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}\n# TYPE {self.name} histogram\n"
        for labels, series in self.series.items():
            running = 0.0
            for bound, count in zip((*self.buckets, float("inf")), series, strict=False):
                running += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                bucket_labels = _labels(self.label_names, labels, 'le="' + le + '"')
                yield f"{self.name}_bucket{bucket_labels} {running}\n"
            yield f"{self.name}_sum{_labels(self.label_names, labels)} {series[-2]}\n"
            yield f"{self.name}_count{_labels(self.label_names, labels)} {series[-1]}\n"


class Gauge:
    """Values computed at scrape time by a callback."""

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: tuple[str, ...],
        collect: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    ) -> None:
        self.name, self.help, self.label_names, self.collect = name, help_text, labels, collect

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}\n# TYPE {self.name} gauge\n"
        for labels, value in self.collect():
            yield f"{self.name}{_labels(self.label_names, labels)} {value}\n"


def _rss_bytes() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return float(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return 0.0


class Metrics:
    """Every metric the service exports."""

    def __init__(self) -> None:
        self.logs_received = Counter(
            "logpilot_logs_received_total", "Log entries stored, by level and channel.", ("level", "channel")
        )
        self.requests = Counter(
            "logpilot_requests_total",
            "Requests by protocol, route and status.",
            ("protocol", "route", "status"),
        )
        self.request_duration = Histogram(
            "logpilot_request_duration_seconds",
            "Request latency by protocol and route.",
            ("protocol", "route"),
        )
        self.storage_write_duration = Histogram(
            "logpilot_storage_write_duration_seconds",
            "Duration of one group-commit transaction.",
            ("storage",),
        )
        self.storage_write_rows = Histogram(
            "logpilot_storage_write_rows",
            "Rows per group-commit transaction.",
            ("storage",),
            buckets=(1, 10, 100, 1000, 5000, 10000, 20000, 50000),
        )
        self.storage_errors = Counter(
            "logpilot_storage_errors_total", "Failed storage operations.", ("storage",)
        )
        self._channels: set[str] = set()
        self.scrape_gauges: list[Gauge] = [
            Gauge(
                "process_resident_memory_bytes",
                "Resident memory of the server.",
                (),
                lambda: [((), _rss_bytes())],
            )
        ]

    def count_logs(self, pairs: Iterable[tuple[tuple[str, str], int]]) -> None:
        """Adds stored entries per (level, channel), folding channels beyond the cap into one series."""
        channels = self._channels
        for (level, channel), count in pairs:
            if channel not in channels:
                if len(channels) >= MAX_CHANNEL_SERIES:
                    channel = OTHER_CHANNEL
                else:
                    channels.add(channel)
            self.logs_received.inc((level, channel), count)

    def observe_request(self, protocol: str, route: str, status: str, seconds: float) -> None:
        self.requests.inc((protocol, route, status))
        self.request_duration.observe(seconds, (protocol, route))

    def render(self, extra: Iterable[Gauge] = ()) -> str:
        parts: list[str] = []
        for metric in (
            self.logs_received,
            self.requests,
            self.request_duration,
            self.storage_write_duration,
            self.storage_write_rows,
            self.storage_errors,
            *self.scrape_gauges,
            *extra,
        ):
            parts.extend(metric.render())
        return "".join(parts)
