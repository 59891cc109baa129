"""The golden table: every case of tests/cases rendered by our CLI must match kubectl kustomize byte for byte,
or, where kubectl rejects the input, fail with exit code 1 and a message naming what is wrong."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import CliRunner
from tests.golden import Case, KubectlResult, all_cases, run_kubectl

CASES = all_cases()
IDS = [c.name for c in CASES]


def test_table_is_well_formed() -> None:
    """Each case builds a real kustomization folder and holds exactly the golden file its kind calls for."""
    assert len(CASES) >= 60
    for case in CASES:
        assert case.build_dir.is_dir(), case.name
        assert any(
            (case.build_dir / f).is_file()
            for f in ("kustomization.yaml", "kustomization.yml", "Kustomization")
        ), case.name
        if case.expects_error:
            assert case.error_file.is_file() and not case.expected_file.exists(), case.name
        else:
            assert case.expected_file.is_file() and not case.error_file.exists(), case.name


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_render_matches_kubectl(case: Case, run_cli: CliRunner) -> None:
    """Our `render` gives kubectl's exact bytes, or kubectl's rejection as a clear message and exit code 1."""
    proc = run_cli("render", str(case.build_dir), cwd=case.path)
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr, stderr
    if case.expects_error:
        assert proc.returncode == 1, f"exit code {proc.returncode}; stderr: {stderr}"
        assert proc.stdout == b""
        missing = [s for s in case.error_contains if s not in stderr]
        assert not missing, f"message lacks {missing}: {stderr}"
    else:
        assert proc.returncode == 0, stderr
        # Decoded only for a readable diff; decoding keeps every byte (no newline translation).
        expected = case.expected_file.read_bytes().decode("utf-8", errors="replace")
        assert proc.stdout.decode("utf-8", errors="replace") == expected


@pytest.fixture(scope="session")
def kubectl_results(kubectl: str) -> dict[str, KubectlResult]:
    """kubectl's live answer for every case, computed once, two builds at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(IDS, pool.map(lambda c: run_kubectl(c, kubectl), CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_kubectl_still_agrees_with_golden(case: Case, kubectl_results: dict[str, KubectlResult]) -> None:
    """The installed kubectl still gives the stored answer (otherwise run `make golden` and review the diff)."""
    result = kubectl_results[case.name]
    if case.expects_error:
        assert result.returncode != 0 and result.stdout == b""
        assert result.stderr == case.error_file.read_text(encoding="utf-8")
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout == case.expected_file.read_bytes()
