"""Golden cases of the strategic merge patch filter, and their regeneration from ``kubectl kustomize``.

Each folder of tests/smp_cases is one case: ``target.yaml`` (one resource), ``patch.yaml`` (one strategic
merge patch) and, optionally, ``case.yaml`` with a ``description``, a patch ``target`` selector and patch
``options`` (allowNameChange, allowKindChange). kubectl builds ``resources: [target.yaml]`` with
``patches: [{path: patch.yaml, ...}]``; its output is stored as ``expected.yaml`` (empty when the patch
deletes the resource) or, when kubectl refuses the patch, its message as ``expected-error.txt``. Those
files are kubectl's and never edited by hand:

    python -m tests.smp_golden            # every case
    python -m tests.smp_golden CASE ...   # only these cases
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).resolve().parent / "smp_cases"
TARGET_FILE = "target.yaml"
PATCH_FILE = "patch.yaml"
CASE_FILE = "case.yaml"
EXPECTED_FILE = "expected.yaml"
ERROR_FILE = "expected-error.txt"
KUBECTL_TIMEOUT = 60
_CASE_KEYS = {"description", "target", "options"}
_KLOG_HEADER = re.compile(r"^[EWI]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] ", re.MULTILINE)


class Yaml12Loader(yaml.SafeLoader):
    """A safe loader with YAML 1.2 booleans: only true/false are bools, so "yes", "on", "y" stay strings
    (kubectl writes YAML 1.2 and quotes nothing YAML 1.1 would read differently)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str) -> Any:
    """One YAML document, read with YAML 1.2 booleans; None for an empty text."""
    return yaml.load(text, Loader=Yaml12Loader)


@dataclass(frozen=True)
class SmpCase:
    """One strategic merge case: a resource, a patch and what kubectl makes of them."""

    name: str
    path: Path
    description: str = ""
    selector: dict[str, Any] | None = None
    options: dict[str, bool] = field(default_factory=dict)

    def read(self, file_name: str) -> Any:
        return load_yaml((self.path / file_name).read_text(encoding="utf-8"))

    @property
    def target(self) -> Any:
        return self.read(TARGET_FILE)

    @property
    def patch(self) -> Any:
        return self.read(PATCH_FILE)

    @property
    def expects_error(self) -> bool:
        return (self.path / ERROR_FILE).exists()

    @property
    def expected(self) -> Any:
        """kubectl's patched resource; None when the patch deleted it."""
        return self.read(EXPECTED_FILE)

    @property
    def expected_error(self) -> str:
        return (self.path / ERROR_FILE).read_text(encoding="utf-8")


def load_cases(names: Sequence[str] = ()) -> list[SmpCase]:
    """Every case folder (or only those named), sorted by name."""
    cases = []
    for path in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        if names and path.name not in names:
            continue
        meta: dict[str, Any] = {}
        if (path / CASE_FILE).exists():
            meta = load_yaml((path / CASE_FILE).read_text(encoding="utf-8")) or {}
            unknown = set(meta) - _CASE_KEYS
            if unknown:
                raise ValueError(f"{path.name}/{CASE_FILE}: unknown keys {sorted(unknown)}")
        cases.append(
            SmpCase(
                name=path.name,
                path=path,
                description=str(meta.get("description", "")),
                selector=meta.get("target"),
                options=dict(meta.get("options") or {}),
            )
        )
    return cases


@dataclass(frozen=True)
class KubectlResult:
    """What ``kubectl kustomize`` printed for a case: the output text, or the error message."""

    output: str
    error: str | None


def run_kubectl(case: SmpCase, kubectl: str = "kubectl") -> KubectlResult:
    """Build the case's one-resource, one-patch kustomization with kubectl, in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="smp-") as scratch:
        root = Path(scratch)
        shutil.copy(case.path / TARGET_FILE, root / TARGET_FILE)
        shutil.copy(case.path / PATCH_FILE, root / PATCH_FILE)
        entry: dict[str, Any] = {"path": PATCH_FILE}
        if case.selector:
            entry["target"] = case.selector
        if case.options:
            entry["options"] = case.options
        kustomization = {"resources": [TARGET_FILE], "patches": [entry]}
        (root / "kustomization.yaml").write_text(yaml.safe_dump(kustomization), encoding="utf-8")
        proc = subprocess.run(
            [kubectl, "kustomize", str(root)],
            capture_output=True,
            text=True,
            timeout=KUBECTL_TIMEOUT,
            check=False,
        )
        if proc.returncode != 0:
            message = _KLOG_HEADER.sub("", proc.stderr).replace(scratch, "<case>").strip()
            return KubectlResult(output="", error=message + "\n")
        return KubectlResult(output=proc.stdout, error=None)


def regenerate(case: SmpCase, kubectl: str = "kubectl") -> None:
    """Store kubectl's answer for ``case`` as its expected file (and remove the stale other one)."""
    result = run_kubectl(case, kubectl)
    expected, error = case.path / EXPECTED_FILE, case.path / ERROR_FILE
    if result.error is None:
        expected.write_text(result.output, encoding="utf-8")
        error.unlink(missing_ok=True)
    else:
        error.write_text(result.error, encoding="utf-8")
        expected.unlink(missing_ok=True)


def main(argv: Sequence[str]) -> int:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl is not on PATH: cannot regenerate the strategic merge golden cases", file=sys.stderr)
        return 1
    cases = load_cases(argv)
    for case in cases:
        regenerate(case, kubectl)
        outcome = "error" if case.expects_error else "ok"
        print(f"{case.name}: {outcome}")
    print(f"{len(cases)} cases regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
