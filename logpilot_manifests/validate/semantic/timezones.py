"""IANA time zone names, as Go's time.LoadLocation accepts them for a CronJob's ``timeZone``."""

from __future__ import annotations

from functools import cache


@cache
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Known zone names, plus ``UTC`` (Go builds it in); ``Local`` means the server's zone and is refused."""
    return name == "UTC" or (name != "Local" and name in _zones())
