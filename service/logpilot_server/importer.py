"""`logpilot-server import DIR`: copies the original LogPilot's file storage into the configured store.

The original's file storage (`logpilot.storage.type: file`) keeps one file per channel, `<channel>.log` (the
channel name with every character outside `[a-zA-Z0-9._-]` replaced by `_`), holding one JSON object per line:
`{"timestamp": "2024-05-01T12:30:00.123", "channel", "level", "message", "meta"?}`, the timestamp a Java
`LocalDateTime` (no zone: the original server's local time, read here in `--timezone`, UTC by default).
A log's id there is its line number, and `.offsets/<consumerId>:<channel>.offset` (characters outside
`[a-zA-Z0-9._:-]` replaced by `_`) holds a consumer's last line number.

Each channel file is imported in ONE transaction, its lines in file order, so ids keep each channel's order;
then the offsets that refer to it: an offset of line N becomes the id of the last imported line at or before
N, so every consumer resumes exactly where it stopped. Running the import again is safe: a channel file
already imported (the channel starts with its first line) is not stored twice, only offsets still missing are
written; a channel that has other logs in the store is skipped and reported. A line the original
could not read either (not JSON, no channel, an unknown level) is reported with its file and line and skipped,
as the original skipped it.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from .config import Settings
from .errors import LogPilotError
from .storage.base import NewRow, OffsetUpdate, Storage

log = logging.getLogger("logpilot.import")

_LEVELS = {"DEBUG", "INFO", "WARN", "ERROR"}
_OFFSET_UNSAFE = re.compile(r"[^a-zA-Z0-9._:-]")
_FRACTION = re.compile(r"(\.\d{6})\d+")


class ImportFailed(Exception):
    """The directory cannot be imported; nothing of the failing channel was stored."""


@dataclass
class ChannelFile:
    """One `<channel>.log` file read: its rows and, per channel and line number, the index of the row."""

    path: Path
    rows: list[NewRow] = field(default_factory=list)
    # (channel, line number) of each row, in row order
    lines: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    logs: int = 0
    offsets: int = 0
    channels: list[str] = field(default_factory=list)
    skipped_channels: list[str] = field(default_factory=list)
    skipped_lines: list[str] = field(default_factory=list)


def parse_zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailed(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from None


def _epoch_ms(text: object, zone: tzinfo) -> int:
    if not isinstance(text, str):
        raise ValueError("timestamp is missing")
    moment = datetime.fromisoformat(_FRACTION.sub(r"\1", text))  # Java may print nanoseconds
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp() * 1000)


def read_channel_file(path: Path, zone: tzinfo) -> ChannelFile:
    result = ChannelFile(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                entry = orjson.loads(raw)
                channel, level, message = entry["channel"], entry["level"], entry["message"]
                if not isinstance(channel, str) or not channel or level not in _LEVELS:
                    raise ValueError("channel or level invalid")
                if not isinstance(message, str):
                    raise ValueError("message is not text")
                meta = entry.get("meta")
                meta_text = orjson.dumps(meta).decode() if isinstance(meta, dict) and meta else None
                ts = _epoch_ms(entry.get("timestamp"), zone)
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                result.skipped.append(f"{path}:{number}: {exc}")
                continue
            result.rows.append((channel, level, message, meta_text, ts))
            result.lines.append((channel, number))
    return result


def read_offsets(directory: Path) -> dict[str, int]:
    """The offset files: sanitized `consumerId:channel` -> last line number read."""
    offsets: dict[str, int] = {}
    folder = directory / ".offsets"
    if not folder.is_dir():
        return offsets
    for path in sorted(folder.glob("*.offset")):
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        try:
            offsets[path.name[: -len(".offset")]] = int(text[0].strip()) if text else 0
        except ValueError:
            raise ImportFailed(f"{path}: not an offset (expected a line number)") from None
    return offsets


def _offset_updates(
    channel_file: ChannelFile, first_id: int, offsets: dict[str, int]
) -> Iterator[OffsetUpdate]:
    """The offsets that refer to this file's channels, as ids in the store (one bisect per consumer)."""
    lines_of: dict[str, tuple[list[int], list[int]]] = {}
    for index, (channel, number) in enumerate(channel_file.lines):
        numbers, ids = lines_of.setdefault(channel, ([], []))
        numbers.append(number)
        ids.append(first_id + index)
    for channel in sorted(lines_of, key=len, reverse=True):
        numbers, ids = lines_of[channel]
        suffix = ":" + _OFFSET_UNSAFE.sub("_", channel)
        for key in [k for k in offsets if k.endswith(suffix) and len(k) > len(suffix)]:
            position = bisect_right(numbers, offsets.pop(key))
            yield OffsetUpdate(channel, key[: -len(suffix)], ids[position - 1] if position else 0)


def _already_imported(storage: Storage, channel_file: ChannelFile) -> int | None:
    """The id of this file's first row when an earlier run stored it: the channel starts with it."""
    channel, level, message, meta, ts = channel_file.rows[0]
    stored = storage.read_after(channel, 0, 1)
    if stored and tuple(stored[0][1:]) == (channel, level, message, meta, ts):
        return int(stored[0][0])
    return None


def import_directory(storage: Storage, directory: Path, zone: tzinfo) -> ImportReport:
    if not directory.is_dir():
        raise ImportFailed(f"{directory} is not a directory")
    files = sorted(directory.glob("*.log"))
    if not files:
        raise ImportFailed(f"{directory} holds no <channel>.log files of the original's file storage")
    offsets = read_offsets(directory)
    report = ImportReport()
    for path in files:
        channel_file = read_channel_file(path, zone)
        report.skipped_lines.extend(channel_file.skipped)
        channels = sorted({channel for channel, _ in channel_file.lines})
        if not channels:
            continue
        first_id = _already_imported(storage, channel_file)
        if first_id is None:
            if any(storage.max_id(channel) for channel in channels):
                report.skipped_channels.extend(channels)
                continue
            first_id = storage.write(channel_file.rows, [])
            report.logs += len(channel_file.rows)
            report.channels.extend(channels)
        # Offsets follow the rows (they need the ids the write drew). Should this write fail, running the
        # import again finds the rows in place and writes the offsets that are still missing.
        updates = [
            u
            for u in _offset_updates(channel_file, first_id, offsets)
            # 0 is every consumer's starting point already; a consumer that moved since keeps its place.
            if u.last_log_id and storage.get_offset(u.channel, u.consumer_id) == 0
        ]
        if updates:
            storage.write([], updates)
        report.offsets += len(updates)
    for key in offsets:
        report.skipped_lines.append(f".offsets/{key}.offset: no imported channel matches it")
    return report


def run_import(settings: Settings, directory: str, zone_name: str) -> int:
    """The `import` command: exit 0 when imported, 1 when it failed (the message says why)."""
    from .storage import open_storage

    try:
        zone = parse_zone(zone_name)
        storage = open_storage(settings)
        storage.open()
    except (ImportFailed, LogPilotError) as exc:
        log.error("import failed: %s", exc)
        return 1
    try:
        report = import_directory(storage, Path(directory), zone)
    except (ImportFailed, LogPilotError, OSError) as exc:
        log.error("import failed: %s", exc)
        return 1
    finally:
        storage.close()
    for line in report.skipped_lines:
        log.warning("skipped %s", line)
    if report.skipped_channels:
        log.warning(
            "channels that already have logs in the store were not imported: %s", report.skipped_channels
        )
    log.info(
        "imported %d logs and %d consumer offsets of %d channels from %s",
        report.logs,
        report.offsets,
        len(report.channels),
        directory,
    )
    return 0
