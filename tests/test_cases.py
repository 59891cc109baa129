"""The golden table: every case of tests/cases rendered by our CLI must match kubectl kustomize byte for byte,
or, where kubectl rejects the input, fail with exit code 1 and a message naming what is wrong.

Builds run two at a time in the background (each is a fresh process); each test waits for its own case."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from logpilot_manifests.kustomize import KUSTOMIZATION_FILES
from tests.conftest import CliRunner
from tests.golden import (
    CASE_PLACEHOLDER,
    Case,
    CaseFormatError,
    KubectlResult,
    all_cases,
    load_case,
    run_kubectl,
)

CASES = all_cases()
IDS = [c.name for c in CASES]
WORKERS = 2

T = TypeVar("T")


def _selected_cases(request: pytest.FixtureRequest, test_name: str) -> list[Case]:
    """The cases whose ``test_name`` item is part of this run (so ``-k one_case`` builds only that case)."""
    names = {
        item.callspec.params["case"].name
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == test_name
        and item.path == Path(__file__)
        and hasattr(item, "callspec")
    }
    return [c for c in CASES if c.name in names]


def _in_background(cases: list[Case], fn: Callable[[Case], T]) -> Iterator[dict[str, Future[T]]]:
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        yield {c.name: pool.submit(fn, c) for c in cases}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def test_table_is_well_formed() -> None:
    """Each case builds a real kustomization folder and holds exactly the golden file its kind calls for."""
    assert len(CASES) >= 60
    for case in CASES:
        assert case.build_dir.is_dir(), case.name
        assert any((case.build_dir / f).is_file() for f in KUSTOMIZATION_FILES), case.name
        if case.expects_error:
            assert case.error_file.is_file() and not case.expected_file.exists(), case.name
        else:
            assert case.expected_file.is_file() and not case.error_file.exists(), case.name


@pytest.fixture(scope="session")
def our_renders(
    request: pytest.FixtureRequest, run_cli: CliRunner
) -> Iterator[dict[str, Future[subprocess.CompletedProcess[bytes]]]]:
    """`logpilot-manifests render` of every selected case, started in the background.

    Schema validation is off: the cases are deliberately minimal objects (kustomize does not require valid
    Kubernetes objects), and the table pins kustomize compatibility only."""
    cases = _selected_cases(request, "test_render_matches_kubectl")
    yield from _in_background(
        cases, lambda c: run_cli("render", "--no-validate", str(c.build_dir), cwd=c.path)
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_render_matches_kubectl(
    case: Case, our_renders: dict[str, Future[subprocess.CompletedProcess[bytes]]]
) -> None:
    """Our `render` gives kubectl's exact bytes, or kubectl's rejection as a clear message and exit code 2."""
    proc = our_renders[case.name].result()
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr, stderr
    if case.expects_error:
        assert proc.returncode == 2, f"exit code {proc.returncode}; stderr: {stderr}"
        assert proc.stdout == b""
        missing = [s for s in case.error_contains if s not in stderr]
        assert not missing, f"message lacks {missing}: {stderr}"
    else:
        assert proc.returncode == 0, stderr
        # Decoded only for a readable diff; decoding keeps every byte (no newline translation).
        expected = case.expected_file.read_bytes().decode("utf-8", errors="replace")
        assert proc.stdout.decode("utf-8", errors="replace") == expected


@pytest.fixture(scope="session")
def kubectl_results(
    request: pytest.FixtureRequest, kubectl: str
) -> Iterator[dict[str, Future[KubectlResult]]]:
    """kubectl's live answer for every selected case, started in the background."""
    cases = _selected_cases(request, "test_kubectl_still_agrees_with_golden")
    yield from _in_background(cases, lambda c: run_kubectl(c, kubectl))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_kubectl_still_agrees_with_golden(
    case: Case, kubectl_results: dict[str, Future[KubectlResult]]
) -> None:
    """The installed kubectl still gives the stored answer (otherwise run `make golden` and review the diff)."""
    result = kubectl_results[case.name].result()
    if case.expects_error:
        assert result.returncode != 0 and result.stdout == b""
        assert result.stderr == case.error_file.read_text(encoding="utf-8")
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout == case.expected_file.read_bytes()


def test_case_spec_is_read_strictly(tmp_path: Path) -> None:
    """A misspelt key or a build folder outside the case is a format error, not a silently different case."""
    (tmp_path / "case.yaml").write_text("description: x\nerror_contain: [a]\n")
    with pytest.raises(CaseFormatError, match="error_contain"):
        load_case(tmp_path)
    (tmp_path / "case.yaml").write_text("description: x\nbuild: ../elsewhere\n")
    with pytest.raises(CaseFormatError, match="build"):
        load_case(tmp_path)


def test_stored_kubectl_messages_hold_no_machine_paths(kubectl: str, tmp_path: Path) -> None:
    """kubectl's stderr is stored with the case folder replaced and its per-run log header dropped."""
    (tmp_path / "kustomization.yaml").write_text("resources:\n- missing.yaml\n")
    (tmp_path / "case.yaml").write_text("description: x\nerror_contains: [missing.yaml]\n")
    result = run_kubectl(load_case(tmp_path), kubectl)
    assert result.returncode != 0
    assert CASE_PLACEHOLDER in result.stderr and str(tmp_path) not in result.stderr
    assert not re.match(r"^[EWI]\d{4} ", result.stderr)
