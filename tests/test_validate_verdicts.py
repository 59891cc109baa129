"""Clean verdicts across runs: documents found without any finding are not checked again while nothing that
decides their findings has changed; findings are always computed afresh."""

from __future__ import annotations

import datetime
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from logpilot_manifests.validate import engine, validate_objects
from logpilot_manifests.validate.cache import cache_dir
from logpilot_manifests.validate.verdicts import CLEAN_CACHE, clean_key

FIXTURES = Path(__file__).resolve().parent / "validate_fixtures"
OPTIONS = ("1.31", True, [], False, False)


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def configmap(data: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}


def remembered() -> int:
    return len(list(cache_dir(CLEAN_CACHE).glob("*.json")))


def test_a_clean_run_is_remembered_and_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [(configmap({"a": "b"}), "c.yaml")]
    assert validate_objects(docs) == [] and remembered() == 1

    def no_schemas(*_: Any) -> Any:
        raise AssertionError("the schemas were loaded for a run known to be clean")

    monkeypatch.setattr(engine, "_builtin", no_schemas)
    assert validate_objects(docs) == []


def test_findings_are_never_remembered() -> None:
    docs = [({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": 3}, "d.yaml")]
    first = validate_objects(docs)
    assert first and remembered() == 0
    assert validate_objects(docs) == first


def test_a_warning_is_not_clean() -> None:
    docs = [({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}, "w.yaml")]
    assert validate_objects(docs) and remembered() == 0


def test_the_key_holds_the_objects_and_the_options() -> None:
    base = clean_key([configmap({"a": "b"})], OPTIONS, [])
    assert base == clean_key([configmap({"a": "b"})], OPTIONS, [])
    assert base != clean_key([configmap({"a": "c"})], OPTIONS, [])
    assert base != clean_key([configmap({"a": "b"})], ("1.31", False, [], False, False), [])
    assert base != clean_key([configmap({"a": "b"})], ("1.30", True, [], False, False), [])
    assert base != clean_key([configmap({"a": "b"})], ("1.31", True, ["configmap"], False, False), [])
    assert base != clean_key([configmap({"a": "b"})], ("1.31", True, [], False, True), [])
    # true and 1, 1 and 1.0, null and a missing key: different objects, different keys
    keys = {clean_key([configmap({"a": v})], OPTIONS, []) for v in (True, 1, 1.0, None, "1")}
    assert len(keys) == 5


def test_the_key_follows_the_crd_files(tmp_path: Path) -> None:
    crd = tmp_path / "crd.yaml"
    crd.write_text((FIXTURES / "cel" / "rules-crd.yaml").read_text())
    before = clean_key([configmap({})], OPTIONS, [crd])
    assert before != clean_key([configmap({})], OPTIONS, [])
    crd.write_text(crd.read_text() + "\n")
    assert clean_key([configmap({})], OPTIONS, [crd]) != before


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, {1: "a"}, datetime.date(2024, 1, 2), b"bytes"],
    ids=["nan", "infinity", "int-key", "date", "bytes"],
)
def test_values_json_cannot_tell_apart_have_no_key(value: Any) -> None:
    # NaN would be written as null, a date as the string it equals: such runs are always checked
    assert clean_key([configmap({"a": value})], OPTIONS, []) is None


def test_a_render_known_to_be_clean_starts_no_schema_validator(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from logpilot_manifests.validate import validate_objects\n"
        "assert validate_objects([({'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': 'n'}}, 'n')]) == []\n"
        "print('jsonschema_rs' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()

    assert run() == "True"
    assert run() == "False"
