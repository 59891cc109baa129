"""The validation cache (``$XDG_CACHE_HOME/logpilot``) stays bounded: entries unused for a month go, and so do
the least recently used past a count, pruned at most once a day when something is written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from logpilot_manifests.validate import cache
from logpilot_manifests.validate.cache import (
    Packed,
    cache_dir,
    cache_read,
    cache_read_bytes,
    cache_write,
    cache_write_bytes,
    pack,
    prune,
)

DAY = 86400


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))


def _aged(kind: str, key: str, days: float) -> Path:
    cache_write(kind, key, [key])
    path = cache_dir(kind) / f"{key}.json"
    when = time.time() - days * DAY
    os.utime(path, (when, when))
    return path


def test_prune_removes_entries_unused_for_a_month_and_keeps_the_rest() -> None:
    old, recent = _aged("k", "old", 31), _aged("k", "recent", 29)
    assert prune(cache_dir("k")) == 1
    assert not old.exists() and recent.exists()


def test_prune_keeps_the_most_recently_used_entries_past_the_count() -> None:
    paths = [_aged("k", f"e{i}", days=i) for i in range(5)]  # e0 used last
    assert prune(cache_dir("k"), max_entries=3) == 2
    assert [p.exists() for p in paths] == [True, True, True, False, False]


def test_reading_an_entry_marks_it_used() -> None:
    path = _aged("k", "entry", 40)
    assert cache_read("k", "entry") == ["entry"]
    assert prune(cache_dir("k")) == 0 and path.exists()


def test_an_entry_marked_used_within_the_hour_is_not_marked_again() -> None:
    path = _aged("k", "entry", 0)
    recent = time.time() - cache.MARK_EVERY_SECONDS / 2
    os.utime(path, (recent, recent))
    assert cache_read("k", "entry") == ["entry"]
    assert path.stat().st_mtime == pytest.approx(recent)


def test_entries_kept_as_bytes_are_read_back_and_pruned_alike() -> None:
    cache_write_bytes("k", "blob", b"\x00 not JSON\n")
    assert cache_read_bytes("k", "blob") == b"\x00 not JSON\n"
    assert cache_read("k", "blob") is None  # a value entry of that key is another file
    path = cache_dir("k") / "blob.bin"
    when = time.time() - 31 * DAY
    os.utime(path, (when, when))
    assert prune(cache_dir("k")) == 1 and not path.exists()
    assert cache_read_bytes("k", "blob") is None


def test_a_packed_entry_gives_back_its_header_and_each_part() -> None:
    parts = [b'{"a":[1,2]}', b'"text with\\nbreak"', b"null"]
    packed = Packed(pack({"names": ["a", "b", "c"]}, parts))
    assert packed.header["names"] == ["a", "b", "c"] and len(packed) == 3
    assert [bytes(packed.raw(i)) for i in range(3)] == parts
    assert [packed.value(i) for i in range(3)] == [{"a": [1, 2]}, "text with\nbreak", None]
    for damaged in (b"no header", b'{"starts": [0, 5]}\nabc', b"[1]\n", b'{"starts": [1]}\n'):
        with pytest.raises(ValueError):
            Packed(damaged)


def test_writing_prunes_at_most_once_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    for i in range(3):
        _aged("k", f"e{i}", days=i)
    # the first write into the folder pruned it (nothing to remove then) and marked the time
    assert len(list(cache_dir("k").glob("*.json"))) == 3
    mark = cache_dir("k") / ".pruned"
    os.utime(mark, (time.time() - 2 * DAY,) * 2)
    cache_write("k", "new", 1)
    assert sorted(p.stem for p in cache_dir("k").glob("*.json")) == ["e0", "new"]
    _aged("k", "e1", days=1)
    cache_write("k", "newer", 1)  # pruned less than a day ago: nothing removed
    assert len(list(cache_dir("k").glob("*.json"))) == 4


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    cache_write("k", "key", 1)
    assert cache_read("k", "key") is None


def test_what_is_cached_never_stands_in_for_a_check(tmp_path: Path) -> None:
    """The cache holds parsed inputs and the results of CEL and of the API server's rules per object, never a
    verdict on the documents: an unchanged run validates them again, and a document made invalid afterwards
    is found."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from logpilot_manifests.validate import validate_objects\n"
        "replicas = int(sys.argv[1])\n"
        "doc = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'd'},\n"
        "       'spec': {'replicas': replicas, 'selector': {'matchLabels': {'a': 'b'}},\n"
        "                'template': {'metadata': {'labels': {'a': 'b'}},\n"
        "                             'spec': {'containers': [{'name': 'c', 'image': 'i'}]}}}}\n"
        "found = validate_objects([(doc, 'd.yaml')])\n"
        "print('jsonschema_rs' in sys.modules, [f.path for f in found])\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run(replicas: int) -> str:
        return subprocess.run(
            [sys.executable, "-c", code, str(replicas)], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()

    assert run(1) == "True []"
    assert run(1) == "True []"
    assert run(-1) == "True ['spec.replicas']"


def test_the_api_server_rules_of_an_unchanged_object_are_read_back_and_a_secret_never_is(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from logpilot_manifests.validate import validate_objects\n"
        "kind = sys.argv[1]\n"
        "doc = {'apiVersion': 'v1', 'kind': kind, 'metadata': {'name': 'c'}, 'data': {'bad key': 'eA=='}}\n"
        "found = validate_objects([(doc, 'c.yaml')])\n"
        "print('logpilot_manifests.validate.semantic' in sys.modules, [(f.path, f.rule) for f in found])\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run(kind: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code, kind], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()

    first = run("ConfigMap")
    assert first == "True [('data[\"bad key\"]', 'semantic')]"
    assert run("ConfigMap") == first.replace("True", "False", 1)  # read back: the rules are not even imported
    assert run("Secret").startswith("True") and run("Secret").startswith("True")


def test_json_is_read_alike_with_and_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    import json as stdlib_json
    import sys

    from logpilot_manifests.validate import schemas

    text = stdlib_json.dumps(
        {"a": [1, 2.5, -3e-7, True, None], "b": {"c": "é \u2028 \\n"}, "big": 2**62}
    ).encode()
    with_orjson = schemas.loads_json(b" " * schemas._LARGE_JSON + text)
    assert "orjson" in sys.modules
    monkeypatch.delitem(sys.modules, "orjson")  # a small text is then read by the standard library
    assert schemas.loads_json(text) == schemas.loads_json(memoryview(text)) == with_orjson
    assert "orjson" not in sys.modules


def test_a_cel_cache_key_tells_apart_what_json_does_and_refuses_the_rest() -> None:
    import datetime
    import math

    from logpilot_manifests.validate.engine import _canonical_json

    assert _canonical_json({"b": 1, "a": [True]}) == b'{"a":[true],"b":1}'
    keys = {_canonical_json({"a": v}) for v in (True, 1, 1.0, None, "1")}
    assert len(keys) == 5
    for value in ({1: "a"}, datetime.date(2024, 1, 2), math.nan, "\ud800", b"bytes"):
        assert _canonical_json({"spec": [value]}) is None
