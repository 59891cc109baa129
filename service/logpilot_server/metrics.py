"""A small Prometheus registry: counters and histograms updated on the event loop, rendered as text format.

Written here rather than taken from prometheus_client to keep the per-request cost to a dict lookup and a
bisect, and because every update happens on one thread (the event loop), so no locks are needed.
"""

from __future__ import annotations

import gc
import os
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping

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

    def add(self, labels: tuple[str, ...], other: list[float]) -> None:
        """Adds another histogram's series (same buckets) into this one's series for `labels`."""
        series = self.series.get(labels)
        if series is None:
            series = self.series[labels] = [0.0] * (len(self.buckets) + 3)
        for index, value in enumerate(other):
            series[index] += value

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


class Timer(Histogram):
    """A histogram that also exports `<name>_max`, the longest observation of a window of about two minutes,
    as Micrometer's timers do (dashboards made for Micrometer read it). The window restarts at the first
    scrape after two minutes, so an observation costs one comparison and no clock read."""

    _WINDOW = 120.0

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: tuple[str, ...] = (),
        buckets: tuple[float, ...] = _LATENCY_BUCKETS,
    ) -> None:
        super().__init__(name, help_text, labels, buckets)
        self.maxima: dict[tuple[str, ...], float] = {}
        self._window_start = time.monotonic()

    def observe(self, value: float, labels: tuple[str, ...] = ()) -> None:
        series = self.series.get(labels)
        if series is None:
            series = self.series[labels] = [0.0] * (len(self.buckets) + 3)
            self.maxima[labels] = 0.0
        series[bisect_left(self.buckets, value)] += 1
        series[-2] += value
        series[-1] += 1
        if value > self.maxima[labels]:
            self.maxima[labels] = value

    def render(self) -> Iterable[str]:
        yield from super().render()
        yield f"# HELP {self.name}_max Longest observation of the last two minutes or so.\n"
        yield f"# TYPE {self.name}_max gauge\n"
        for labels, peak in self.maxima.items():
            yield f"{self.name}_max{_labels(self.label_names, labels)} {peak}\n"
        now = time.monotonic()
        if now - self._window_start > self._WINDOW:
            self._window_start = now
            self.maxima = dict.fromkeys(self.maxima, 0.0)


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


def _proc_status() -> dict[str, int]:
    """Numeric fields of /proc/self/status (kB fields in bytes): RssAnon, RssFile, Threads, ..."""
    fields: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if parts and parts[0].isdigit():
                    fields[name] = int(parts[0]) * (1024 if parts[-1] == "kB" else 1)
    except OSError:
        pass
    return fields


def _rss_bytes() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return float(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return 0.0


def _memory_limit_bytes() -> float:
    """The container's memory limit (cgroup v2, then v1); -1 when there is none, as Micrometer reports."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            return float(text)
        return -1.0
    return -1.0


_START_TIME = time.time()
_MICROMETER_OUTCOMES = {
    "1": "INFORMATIONAL",
    "2": "SUCCESS",
    "3": "REDIRECTION",
    "4": "CLIENT_ERROR",
    "5": "SERVER_ERROR",
}
GRPC_SERVICE = "logpilot.LogService"
_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class _GcPauses:
    """Python's cyclic collector stops the interpreter like a JVM pause: timed through gc.callbacks, once
    per process (every Metrics instance shares it)."""

    timer: Timer | None = None

    def __init__(self) -> None:
        self._started = 0.0

    @classmethod
    def shared_timer(cls) -> Timer:
        if cls.timer is None:
            cls.timer = Timer(
                "jvm_gc_pause_seconds",
                "Pauses of Python's cyclic garbage collector (named as the JVM's for the original's dashboards).",
                ("action", "cause", "gc"),
            )
            gc.callbacks.append(cls()._callback)
        return cls.timer

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info.get("generation", 0)
        action = "end of major GC" if generation == 2 else "end of minor GC"
        assert self.timer is not None
        self.timer.observe(
            time.perf_counter() - self._started, (action, "Python cyclic GC", f"generation {generation}")
        )


class Metrics:
    """Every metric the service exports."""

    def __init__(self) -> None:
        self.logs_received = Counter(
            "logpilot_logs_received_total", "Log entries stored, by level and channel.", ("level", "channel")
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
        # One measurement per request, in the series the original (Spring Boot's Micrometer, grpc-spring)
        # exported and its dashboards query; ours (logpilot_requests_total, logpilot_request_duration_seconds)
        # and grpc-spring's message counters are derived from them at scrape time (`_request_views`).
        self.http_server_requests = Timer(
            "http_server_requests_seconds",
            "REST requests, as Spring Boot's Micrometer names them.",
            ("error", "exception", "method", "outcome", "status", "uri"),
        )
        self._http_labels: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._grpc_labels: dict[tuple[str, str], tuple[str, ...]] = {}
        self.grpc_processing = Timer(
            "grpc_server_processing_duration_seconds",
            "gRPC calls from start to status, as grpc-spring's Micrometer names them.",
            ("method", "methodType", "service", "statusCode"),
        )
        self.gc_pause = _GcPauses.shared_timer()
        self.retention_deleted = Counter(
            "logpilot_retention_deleted_rows_total",
            "Entries deleted by retention, by reason (age, count).",
            ("reason",),
        )
        self.retention_duration = Histogram(
            "logpilot_retention_pass_duration_seconds", "Duration of one retention pass over every channel."
        )
        self.retention_last_pass = 0.0
        self._peak_threads = 0
        self.scrape_gauges: list[Gauge] = [
            Gauge(
                "process_resident_memory_bytes",
                "Resident memory of the server.",
                (),
                lambda: [((), _rss_bytes())],
            ),
            Gauge(
                "process_start_time_seconds", "Start time of the process.", (), lambda: [((), _START_TIME)]
            ),
            Gauge(
                "process_uptime_seconds",
                "Uptime of the process.",
                (),
                lambda: [((), time.time() - _START_TIME)],
            ),
            Gauge(
                "jvm_memory_used_bytes",
                "For the original's dashboards: area=heap is the process's anonymous resident memory (the "
                "Python heap and stacks), area=nonheap its file-backed and shared resident memory.",
                ("area", "id"),
                self._memory_used,
            ),
            Gauge(
                "jvm_memory_max_bytes",
                "For the original's dashboards: the container's memory limit (-1 without one).",
                ("area", "id"),
                lambda: [(("heap", "process"), _memory_limit_bytes())],
            ),
            Gauge(
                "logpilot_retention_last_pass_timestamp_seconds",
                "When the last retention pass finished (0: none yet or retention off).",
                (),
                lambda: [((), self.retention_last_pass)],
            ),
            Gauge(
                "jvm_threads_current", "Threads of the process.", (), lambda: [((), float(self._threads()))]
            ),
            Gauge(
                "jvm_threads_peak",
                "Most threads the process had at a scrape.",
                (),
                lambda: [((), float(max(self._peak_threads, self._threads())))],
            ),
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

    def observe_retention(self, deleted: Mapping[str, int], seconds: float) -> None:
        for reason, count in deleted.items():
            self.retention_deleted.inc((reason,), count)
        self.retention_duration.observe(seconds)
        self.retention_last_pass = time.time()

    def _memory_used(self) -> list[tuple[tuple[str, ...], float]]:
        status = _proc_status()
        return [
            (("heap", "process"), float(status.get("RssAnon", 0))),
            (("nonheap", "process"), float(status.get("RssFile", 0) + status.get("RssShmem", 0))),
        ]

    def _threads(self) -> int:
        threads = _proc_status().get("Threads", 0)
        self._peak_threads = max(self._peak_threads, threads)
        return threads

    def observe_request(
        self, protocol: str, route: str, status: str, seconds: float, method: str = ""
    ) -> None:
        """One finished request, in Micrometer's timer of its protocol (HTTP or gRPC)."""
        if protocol == "grpc":
            grpc_labels = self._grpc_labels.get((route, status))
            if grpc_labels is None:
                grpc_labels = self._grpc_labels[(route, status)] = (route, "UNARY", GRPC_SERVICE, status)
            self.grpc_processing.observe(seconds, grpc_labels)
            return
        key = (method, route, status)
        http_labels = self._http_labels.get(key)
        if http_labels is None:
            uri = route if route.startswith("/") else "NOT_FOUND" if status == "404" else "UNKNOWN"
            if method not in _HTTP_METHODS:
                method = "UNKNOWN"  # a client-chosen token must not create series without bound
            outcome = _MICROMETER_OUTCOMES.get(status[:1], "UNKNOWN")
            http_labels = self._http_labels[key] = ("none", "none", method, outcome, status, uri)
        self.http_server_requests.observe(seconds, http_labels)

    def _request_views(self) -> list[Counter | Histogram]:
        """Our request series and grpc-spring's message counters, summed from the two request timers."""
        requests = Counter(
            "logpilot_requests_total",
            "Requests by protocol, route and status.",
            ("protocol", "route", "status"),
        )
        duration = Histogram(
            "logpilot_request_duration_seconds",
            "Request latency by protocol and route.",
            ("protocol", "route"),
        )
        received = Counter(
            "grpc_server_requests_received_messages_total",
            "gRPC request messages received, as grpc-spring's Micrometer names them.",
            ("method", "methodType", "service"),
        )
        sent = Counter(
            "grpc_server_responses_sent_messages_total",
            "gRPC response messages sent.",
            ("method", "methodType", "service"),
        )
        for labels, series in self.http_server_requests.series.items():
            status, uri = labels[4], labels[5]
            route = uri if uri.startswith("/") else "other"
            requests.inc(("rest", route, status), series[-1])
            duration.add(("rest", route), series)
        for (method, method_type, service, status), series in self.grpc_processing.series.items():
            requests.inc(("grpc", method, status), series[-1])
            duration.add(("grpc", method), series)
            received.inc((method, method_type, service), series[-1])
            if status == "OK":
                sent.inc((method, method_type, service), series[-1])
        return [requests, duration, received, sent]

    def render(self, extra: Iterable[Gauge] = ()) -> str:
        parts: list[str] = []
        for metric in (
            self.logs_received,
            *self._request_views(),
            self.storage_write_duration,
            self.storage_write_rows,
            self.storage_errors,
            self.http_server_requests,
            self.grpc_processing,
            self.gc_pause,
            self.retention_deleted,
            self.retention_duration,
            *self.scrape_gauges,
            *extra,
        ):
            parts.extend(metric.render())
        return "".join(parts)
