"""What the API adapters share: settings, the core services, metrics, auth and the rate limiter."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Settings
from .core.ingest import GroupCommitWriter
from .core.service import LogService
from .metrics import Metrics
from .security import ApiKeyAuth, RateLimiter
from .storage.base import Storage


@dataclass
class ServiceContext:
    """Built once by app.py; adapters only read it."""

    settings: Settings
    storage: Storage
    writer: GroupCommitWriter
    logs: LogService
    metrics: Metrics
    auth: ApiKeyAuth
    limiter: RateLimiter
    # Listener name -> running; the management health endpoint reports these as components.
    listeners: dict[str, bool] = field(default_factory=dict)
    shutting_down: bool = False
