"""API-key authentication (constant time, several keys for rotation) and a token bucket per key."""

from __future__ import annotations

import hmac
import math
import time

from .errors import RateLimited, Unauthenticated


class ApiKeyAuth:
    """Checks a presented key against every configured key without an early exit."""

    def __init__(self, keys: list[bytes], enabled: bool = True) -> None:
        self.enabled = enabled
        self._keys = [k for k in keys if k]

    def check(self, presented: str | bytes | None) -> int:
        """Returns the index of the matching key (the rate-limit bucket); raises Unauthenticated."""
        if not self.enabled:
            return -1
        if not presented:
            raise Unauthenticated("missing API key (header X-API-KEY)")
        candidate = presented.encode() if isinstance(presented, str) else presented
        match = -1
        for index, key in enumerate(self._keys):
            if hmac.compare_digest(candidate, key) and match < 0:
                match = index
        if match < 0:
            raise Unauthenticated("invalid API key")
        return match


class RateLimiter:
    """One token bucket per key: `capacity` tokens, refilled at `refill_per_second`; a request costs one."""

    def __init__(self, enabled: bool, capacity: float, refill_per_second: float) -> None:
        self.enabled = enabled
        self.capacity = capacity
        self.refill = refill_per_second
        self._buckets: dict[int, list[float]] = {}

    def take(self, key: int, cost: float = 1.0) -> None:
        """Spends tokens or raises RateLimited with the seconds until enough have refilled."""
        if not self.enabled:
            return
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [self.capacity, now]
        tokens = min(self.capacity, bucket[0] + (now - bucket[1]) * self.refill)
        bucket[1] = now
        if tokens < cost:
            bucket[0] = tokens
            wait = (cost - tokens) / self.refill
            raise RateLimited("rate limit exceeded for this API key", retry_after=max(1.0, math.ceil(wait)))
        bucket[0] = tokens - cost
