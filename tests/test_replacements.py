"""Replacements: each case of tests/replacement_cases is a kustomization kubectl built (or rejected); the
same small pipeline as the name-reference tests runs ``apply_replacements`` at each level and the objects
must be kubectl's, or the build must fail with kubectl's reason.

Regenerate the golden files from kubectl (never edit them by hand)::

    python -m tests.test_replacements            # every case
    python -m tests.test_replacements CASE ...   # only these
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from logpilot_manifests.errors import BuildError
from logpilot_manifests.kustomize.filters.replacements import apply_replacements, split_field_path
from logpilot_manifests.kustomize.resource import Resource
from tests.test_nameref import (
    ERROR_FILE,
    EXPECTED_FILE,
    Case,
    _load_yaml_docs,
    build,
    check_kubectl_agrees,
    load_cases,
    regenerate,
    sorted_objects,
)

CASES_DIR = Path(__file__).resolve().parent / "replacement_cases"
CASES = load_cases(CASES_DIR)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_matches_kubectl(case: Case) -> None:
    """The objects after our replacements are kubectl's, or we fail where kubectl fails and say why."""
    if case.error_contains:
        assert (case.path / ERROR_FILE).is_file()
        kubectl_message = (case.path / ERROR_FILE).read_text(encoding="utf-8").replace('\\"', '"')
        assert all(s in kubectl_message for s in case.error_contains), (
            "case expects words kubectl did not say"
        )
        with pytest.raises(BuildError) as err:
            build(case.path)
        missing = [s for s in case.error_contains if s not in str(err.value)]
        assert not missing, f"message lacks {missing}: {err.value}"
        return
    expected = sorted_objects(_load_yaml_docs(case.path / EXPECTED_FILE))
    got = sorted_objects([r.obj for r in build(case.path)])
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_kubectl_still_agrees_with_golden(case: Case, kubectl: str) -> None:
    check_kubectl_agrees(case, kubectl)


def test_table_has_cases() -> None:
    assert len(CASES) >= 20


def _objs() -> list[Resource]:
    src = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "src"}, "data": {"v": "x", "n": 5}}
    dst = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dst"}, "data": {"a": None, "b": 1}}
    return [Resource(src), Resource(dst)]


def _one(source_path: str, target_path: str, create: bool = False) -> dict[str, Any]:
    return {
        "source": {"kind": "ConfigMap", "name": "src", "fieldPath": source_path},
        "targets": [{"select": {"name": "dst"}, "fieldPaths": [target_path], "options": {"create": create}}],
    }


def test_path_splitting_keeps_bracketed_dots_and_escapes() -> None:
    assert split_field_path("a.[name=x.y].b") == ["a", "[name=x.y]", "b"]
    assert split_field_path("metadata.annotations.[a.b/c]") == ["metadata", "annotations", "a.b/c"]
    assert split_field_path("a\\.b.c") == ["a.b", "c"]


def test_existing_scalar_keeps_its_type() -> None:
    objs = _objs()
    apply_replacements(objs, [_one("data.n", "data.b")])
    assert objs[1].obj["data"]["b"] == 5
    with pytest.raises(BuildError, match="cannot decode !!str `x` as a !!int"):
        apply_replacements(objs, [_one("data.v", "data.b")])


def test_null_target_takes_only_null_text() -> None:
    objs = _objs()
    with pytest.raises(BuildError, match="cannot decode !!str `x` as a !!null"):
        apply_replacements(objs, [_one("data.v", "data.a")])
    objs = _objs()
    objs[0].obj["data"]["v"] = "~"
    apply_replacements(objs, [_one("data.v", "data.a")])
    assert objs[1].obj["data"]["a"] is None


def test_unreadable_text_fails_after_the_other_replacements() -> None:
    """kustomize reads the objects back only after every replacement ran: an earlier structural error wins."""
    later_error = _one("data.v", "data.nothing")
    with pytest.raises(BuildError, match="unable to find field"):
        apply_replacements(_objs(), [_one("data.v", "data.b"), later_error])


def test_bad_regex_in_list_step_is_a_clear_error() -> None:
    objs = _objs()
    objs[1].obj["data"]["l"] = [{"name": "a"}]
    with pytest.raises(BuildError, match="regexp"):
        apply_replacements(objs, [_one("data.v", "data.l.[name=(].x")])


def test_wrong_types_are_reported() -> None:
    with pytest.raises(BuildError, match="mapping"):
        apply_replacements(_objs(), ["not a mapping"])  # type: ignore[list-item]
    with pytest.raises(BuildError, match="index"):
        bad = _one("data.v", "data.b")
        bad["targets"][0]["options"] = {"index": "one"}
        apply_replacements(_objs(), [bad])


if __name__ == "__main__":
    raise SystemExit(regenerate(CASES_DIR, sys.argv[1:]))
