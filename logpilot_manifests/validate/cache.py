"""What validation keeps across runs, in the user's cache directory: one file per entry, by kind.

``$XDG_CACHE_HOME/logpilot/<kind>/<key>.json`` (``~/.cache`` by default), or ``<key>.bin`` for an entry kept as
bytes. Every entry is keyed by the content it was computed from, so an entry is never wrong, only unused:
reading one marks it used (its modification time, at most once an hour), and writing prunes its kind, at
most once a day, to the entries used in the last ``MAX_AGE_DAYS`` and at most ``MAX_ENTRIES`` of them. A
cache that cannot be read or written only costs speed.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from .schemas import loads_json

MAX_AGE_DAYS = 30
MAX_ENTRIES = 500
PRUNE_EVERY_SECONDS = 24 * 3600
MARK_EVERY_SECONDS = 3600
# Its modification time says when the folder it is in was last pruned.
_PRUNED_MARK = ".pruned"
_JSON = ".json"
# The names of entries: JSON values and bytes.
_SUFFIXES = (_JSON, ".bin")


def cache_dir(kind: str) -> Path:
    """``$XDG_CACHE_HOME/logpilot/<kind>`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "logpilot" / kind


def file_stamp(path: str | Path) -> bytes:
    """What identifies a file in a cache key: its path, size and modification time (as Python's own bytecode
    cache knows its sources), or only its path when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return b"%s\0-\n" % os.fsencode(path)
    return b"%s\0%d\0%d\n" % (os.fsencode(path), st.st_size, st.st_mtime_ns)


def cache_read(kind: str, key: str) -> Any:
    """A cached value, or None when absent or unreadable; a value read is marked as used now."""
    data = cache_read_bytes(kind, key, _JSON)
    if data is None:
        return None
    try:
        return loads_json(data)
    except ValueError:
        return None


def cache_read_bytes(kind: str, key: str, suffix: str = ".bin") -> bytes | None:
    """The bytes of a cached entry, or None when absent or unreadable; an entry read is marked as used now
    (unless it was within the last ``MARK_EVERY_SECONDS``: pruning counts in days)."""
    path = cache_dir(kind) / f"{key}{suffix}"
    try:
        with open(path, "rb") as f:
            data = f.read()
            used = os.fstat(f.fileno()).st_mtime
    except OSError:
        return None
    if time.time() - used > MARK_EVERY_SECONDS:
        with contextlib.suppress(OSError):
            os.utime(path)
    return data


def cache_write(kind: str, key: str, value: Any) -> None:
    """Best effort: a cache that cannot be written (read-only home, full disk) only costs speed."""
    import json

    try:
        data = json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        return
    cache_write_bytes(kind, key, data, _JSON)


def cache_write_bytes(kind: str, key: str, data: bytes, suffix: str = ".bin") -> None:
    """Keep ``data`` as an entry, replacing it whole (best effort, as ``cache_write``)."""
    import tempfile

    directory = cache_dir(kind)
    tmp = ""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, directory / f"{key}{suffix}")
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return
    _prune_when_due(directory)


def _prune_when_due(directory: Path) -> None:
    mark = directory / _PRUNED_MARK
    try:
        if time.time() - mark.stat().st_mtime < PRUNE_EVERY_SECONDS:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    prune(directory, MAX_AGE_DAYS, MAX_ENTRIES)
    with contextlib.suppress(OSError):
        mark.touch()


def prune(
    directory: Path,
    max_age_days: float = MAX_AGE_DAYS,
    max_entries: int = MAX_ENTRIES,
    now: float | None = None,
) -> int:
    """Remove the entries of ``directory`` not used for ``max_age_days``, then the least recently used past
    ``max_entries``, and temporary files a stopped run left; the number removed."""
    now = time.time() if now is None else now
    entries: list[tuple[float, Path]] = []
    stale: list[Path] = []
    try:
        with os.scandir(directory) as found:
            for e in found:
                try:
                    used = e.stat().st_mtime
                except OSError:
                    continue
                if e.name.endswith(_SUFFIXES) and not e.name.startswith("."):
                    entries.append((used, Path(e.path)))
                elif e.name.endswith(".tmp") and now - used > 3600:
                    stale.append(Path(e.path))
    except OSError:
        return 0
    entries.sort(reverse=True)
    cutoff = now - max_age_days * 86400
    stale.extend(p for i, (used, p) in enumerate(entries) if used < cutoff or i >= max_entries)
    removed = 0
    for p in stale:
        with contextlib.suppress(OSError):
            p.unlink()
            removed += 1
    return removed


def pack(header: dict[str, Any], parts: list[bytes]) -> bytes:
    """An entry whose parts are read one by one: a line of JSON (``header``, with where each part starts), then
    the parts (JSON texts, which ``orjson`` writes without line breaks) one after the other."""
    import orjson

    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part))
    return orjson.dumps({**header, "starts": starts}) + b"\n" + b"".join(parts)


class Packed:
    """An entry made by ``pack``: its header, and each part as bytes or as the JSON value it holds, parsed only
    when asked for."""

    def __init__(self, data: bytes) -> None:
        """Raises ValueError when ``data`` is not what ``pack`` makes."""
        end = data.index(b"\n")
        header = loads_json(data[:end])
        starts = header.get("starts") if isinstance(header, dict) else None
        body = memoryview(data)[end + 1 :]
        if not isinstance(starts, list) or not starts or starts[0] != 0 or starts[-1] != len(body):
            raise ValueError("not a packed cache entry")
        self.header: dict[str, Any] = header
        self._starts: list[int] = starts
        self._body = body

    def __len__(self) -> int:
        return len(self._starts) - 1

    def raw(self, i: int) -> memoryview:
        return self._body[self._starts[i] : self._starts[i + 1]]

    def value(self, i: int) -> Any:
        return loads_json(self.raw(i))
