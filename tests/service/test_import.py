"""`logpilot-server import DIR` reads the original's file storage into the configured store, keeping order,
fields and every consumer's place; running it twice stores nothing twice."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from logpilot_server.config import SqliteSettings
from logpilot_server.storage.sqlite import SqliteStorage

from .conftest import server_command


def write_file_store(directory: Path) -> None:
    """The original's layout: <channel>.log of JSON lines (LocalDateTime, no zone), .offsets/<consumer:channel>."""
    directory.mkdir(parents=True)
    orders = [
        {
            "timestamp": "2024-05-01T12:30:00.123456789",
            "channel": "orders",
            "level": "INFO",
            "message": "one",
        },
        "this line is not JSON",
        {
            "timestamp": "2024-05-01T12:30:01",
            "channel": "orders",
            "level": "ERROR",
            "message": "two",
            "meta": {"orderId": 42},
        },
        {"timestamp": "2024-05-01T12:30:02.5", "channel": "orders", "level": "WARN", "message": "three"},
    ]
    with (directory / "orders.log").open("w") as handle:
        for entry in orders:
            handle.write((entry if isinstance(entry, str) else json.dumps(entry)) + "\n")
    (directory / "pay_eu.log").write_text(
        json.dumps(
            {"timestamp": "2024-05-01T13:00:00", "channel": "pay/eu", "level": "DEBUG", "message": "p"}
        )
        + "\n"
    )
    offsets = directory / ".offsets"
    offsets.mkdir()
    (offsets / "billing:orders.offset").write_text("3")  # read lines 1-3: one, (bad line), two
    (offsets / "auditor:pay_eu.offset").write_text("0")


def _import(db: Path, directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"LOGPILOT_SQLITE_PATH": str(db), "LOGPILOT_LOG_FORMAT": "text", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [*server_command(), "import", str(directory), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_import_keeps_order_fields_and_offsets_and_is_safe_to_repeat(tmp_path: Path) -> None:
    store_dir, db = tmp_path / "logs", tmp_path / "logpilot.db"
    write_file_store(store_dir)
    first = _import(db, store_dir, "--timezone", "Europe/Berlin")
    assert first.returncode == 0, first.stderr
    assert "orders.log:2" in first.stderr and "imported 4 logs and 1 consumer offsets" in first.stderr
    second = _import(db, store_dir, "--timezone", "Europe/Berlin")
    assert second.returncode == 0 and "imported 0 logs and 0 consumer offsets" in second.stderr

    store = SqliteStorage(SqliteSettings(path=str(db)))
    store.open()
    try:
        rows = store.query(None, None, None, None, 100)
        berlin_noon_30 = 1_714_559_400_000  # 2024-05-01T12:30:00+02:00
        assert [r[1:] for r in rows] == [
            ("orders", "INFO", "one", None, berlin_noon_30 + 123),
            ("orders", "ERROR", "two", '{"orderId":42}', berlin_noon_30 + 1000),
            ("orders", "WARN", "three", None, berlin_noon_30 + 2500),
            ("pay/eu", "DEBUG", "p", None, berlin_noon_30 + 30 * 60_000),
        ]
        # billing had read through line 3 ("two"): it resumes at "three".
        offset, after = store.fetch_for_consumer("orders", "billing", 10)
        assert offset == rows[1][0] and [r[3] for r in after] == ["three"]
        assert store.fetch_for_consumer("pay/eu", "auditor", 10)[1][0][3] == "p"
    finally:
        store.close()


def test_import_of_a_missing_directory_fails_with_exit_1_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "logpilot.db"
    result = _import(db, tmp_path / "nowhere")
    assert result.returncode == 1 and "is not a directory" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM logs").fetchone() == (0,)
    conn.close()
