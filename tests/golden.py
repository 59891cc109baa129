"""The golden case table of tests/cases, and its regeneration from ``kubectl kustomize``.

Each folder of tests/cases is one case: a small kustomization tree plus a ``case.yaml`` saying what it
covers, which folder to build and, for inputs kubectl rejects, which substrings our error message must
contain. The expected files are kubectl's own output and are never edited by hand:

    python -m tests.golden            # every case
    python -m tests.golden CASE ...   # only these cases
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASE_FILE = "case.yaml"
EXPECTED_FILE = "expected.yaml"
ERROR_FILE = "expected-error.txt"
WARNINGS_FILE = "kubectl-warnings.txt"
KUBECTL_TIMEOUT = 120
# Stands for the case folder in stored kubectl messages, so no machine path is committed.
CASE_PLACEHOLDER = "<case>"

# kubectl's log-line header (severity, date, time, pid, source line) differs on every run; it is dropped.
_KLOG_HEADER = re.compile(r"^[EWI]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] ", re.MULTILINE)

# Go pointer values in some messages change from run to run.
_POINTER = re.compile(r"\b0x[0-9a-f]{6,}\b")

_CASE_KEYS = {"description", "build", "error_contains"}


class CaseFormatError(Exception):
    """A case folder that does not follow the table's format."""


@dataclass(frozen=True)
class Case:
    """One row of the table: a kustomization tree and what building it must give."""

    name: str
    path: Path
    description: str
    build: str
    error_contains: tuple[str, ...]

    @property
    def build_dir(self) -> Path:
        return self.path / self.build

    @property
    def expects_error(self) -> bool:
        return bool(self.error_contains)

    @property
    def expected_file(self) -> Path:
        return self.path / EXPECTED_FILE

    @property
    def error_file(self) -> Path:
        return self.path / ERROR_FILE

    @property
    def warnings_file(self) -> Path:
        return self.path / WARNINGS_FILE


@dataclass(frozen=True)
class KubectlResult:
    """What ``kubectl kustomize`` printed for a case; stderr has the case folder replaced by a placeholder."""

    returncode: int
    stdout: bytes
    stderr: str


def load_case(path: Path) -> Case:
    """Read ``path/case.yaml`` strictly: unknown keys and wrong types are format errors."""
    spec_file = path / CASE_FILE
    if not spec_file.is_file():
        raise CaseFormatError(f"{path.name}: missing {CASE_FILE}")
    try:
        spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: malformed YAML: {exc}") from None
    if not isinstance(spec, dict):
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: expected a mapping")
    unknown = set(spec) - _CASE_KEYS
    if unknown:
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: unknown keys {sorted(unknown)}")
    description = spec.get("description")
    if not isinstance(description, str) or not description.strip():
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: 'description' must be a non-empty string")
    build = spec.get("build", ".")
    if not isinstance(build, str) or Path(build).is_absolute() or ".." in Path(build).parts:
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: 'build' must be a folder inside the case")
    contains = spec.get("error_contains", [])
    if not isinstance(contains, list) or not all(isinstance(s, str) and s for s in contains):
        raise CaseFormatError(f"{path.name}/{CASE_FILE}: 'error_contains' must be a list of strings")
    return Case(path.name, path, description.strip(), build, tuple(contains))


def all_cases(cases_dir: Path = CASES_DIR) -> list[Case]:
    """Every case folder, sorted by name."""
    return [load_case(p) for p in sorted(cases_dir.iterdir()) if p.is_dir() and not p.name.startswith(".")]


def kubectl_path() -> str | None:
    return shutil.which("kubectl")


def run_kubectl(case: Case, kubectl: str = "kubectl") -> KubectlResult:
    """Build the case with ``kubectl kustomize``, from inside the case folder with a relative path."""
    proc = subprocess.run(
        [kubectl, "kustomize", case.build],
        cwd=case.path,
        capture_output=True,
        timeout=KUBECTL_TIMEOUT,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", errors="replace")
    for folder in {str(case.path.resolve()), str(case.path)}:
        stderr = stderr.replace(folder, CASE_PLACEHOLDER)
    stderr = _POINTER.sub("0x…", _KLOG_HEADER.sub("", stderr))
    return KubectlResult(proc.returncode, proc.stdout, stderr)


def write_golden(case: Case, result: KubectlResult) -> None:
    """Store kubectl's answer; refuse when it contradicts what the case says it tests."""
    if case.expects_error and result.returncode == 0:
        raise CaseFormatError(f"{case.name}: has error_contains but kubectl accepted it")
    if not case.expects_error and result.returncode != 0:
        raise CaseFormatError(f"{case.name}: kubectl rejected it:\n{result.stderr.strip()}")
    for stale in (case.expected_file, case.error_file, case.warnings_file):
        stale.unlink(missing_ok=True)
    if case.expects_error:
        case.error_file.write_text(result.stderr, encoding="utf-8")
        return
    case.expected_file.write_bytes(result.stdout)
    if result.stderr.strip():
        case.warnings_file.write_text(result.stderr, encoding="utf-8")


def main(argv: Sequence[str]) -> int:
    kubectl = kubectl_path()
    if kubectl is None:
        print("error: kubectl is not on PATH; it is needed to regenerate the golden files", file=sys.stderr)
        return 2
    cases = {c.name: c for c in all_cases()}
    unknown = [n for n in argv if n not in cases]
    if unknown:
        print(f"error: no such case: {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = 0
    for name in argv or sorted(cases):
        case = cases[name]
        try:
            write_golden(case, run_kubectl(case, kubectl))
        except CaseFormatError as exc:
            print(f"FAILED {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"{'error' if case.expects_error else 'ok':5} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
