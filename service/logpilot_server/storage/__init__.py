"""Storage backends behind one narrow interface (`base.Storage`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings
    from .base import Storage


def open_storage(settings: Settings) -> Storage:
    """Builds the configured backend (not yet opened); imports only the driver it needs."""
    if settings.storage.type == "postgres":
        from .postgres import PostgresStorage

        return PostgresStorage(settings.storage.postgres)
    from .sqlite import SqliteStorage

    return SqliteStorage(settings.storage.sqlite)
