"""The entry point runs plain `render` command lines without loading Typer. They must mean exactly what Typer
makes of them, and the program must print and exit exactly as the Typer application does, for command lines
it runs itself and for the ones it hands over (mistakes included)."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from logpilot_manifests.cli import render as render_command
from logpilot_manifests.cli.app import app
from logpilot_manifests.cli.main import plain_render
from logpilot_manifests.cli.options import RENDER_OPTIONS
from logpilot_manifests.cli.rendering import render_manifests
from tests.tools import require_shared_crds

REPO = Path(__file__).resolve().parent.parent
PROJECT = Path(__file__).parent / "fixtures_cli" / "project"
ENTRY = Path(sys.executable).parent / "logpilot-manifests"
# The Typer application alone, under the same program name (Click takes it from argv[0]).
TYPER_ONLY = (
    "import sys; sys.argv[0] = 'logpilot-manifests'; sys.setrecursionlimit(10_000); "
    "from logpilot_manifests.cli.app import app; app()"
)


def _render_params() -> dict[str, Any]:
    return {p.name: p for p in get_command(app).commands["render"].params}


def test_the_option_table_is_what_typer_parses() -> None:
    params = _render_params()
    assert params.pop("target").param_type_name == "argument"
    keywords = [
        n for n, p in inspect.signature(render_manifests).parameters.items() if p.kind is p.KEYWORD_ONLY
    ]
    assert list(params) == list(RENDER_OPTIONS) == keywords
    for name, param in params.items():
        opt = RENDER_OPTIONS[name]
        assert param.opts == list(opt.names), name
        assert param.secondary_opts == ([opt.negation] if opt.negation else []), name
        assert (param.is_flag, param.multiple, param.default) == (opt.flag, opt.repeat, opt.default), name
        assert param.metavar == opt.metavar, name
        choices = getattr(param.type, "choices", None)
        if choices is not None:
            assert list(choices) == [e.value for e in opt.convert], name


def _typer_kwargs(args: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What Typer's render command passes to ``render_manifests`` for ``args``."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        render_command, "render_manifests", lambda target, **kw: calls.append({"target": target, **kw})
    )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    return calls[0]


# Command lines the entry point runs itself: every option, each way of writing a value, repeats, the target
# anywhere.
PLAIN = [
    ["render", "dev"],
    ["render", "dev", "--no-validate"],
    ["render", "--no-validate", "dev", "--origin"],
    ["render", "dev", "--validate", "--no-validate", "--validate"],
    ["render", "dev", "-o", "out.yaml", "--format", "json"],
    ["render", "dev", "--output=rendered/", "--prune", "--format=yaml"],
    ["render", "dev", "-o", "-", "--no-validate"],
    ["render", "dev", "-o", "a", "--output", "b"],
    ["render", "dev", "--kube-version", "1.30", "--no-strict", "--strict", "--require-schemas"],
    ["render", "dev", "--crd", "crds/", "--crd=more.yaml", "--skip", "Service", "--skip=v1/ConfigMap,Secret"],
    [
        "render",
        "dev",
        "--ignore-missing-schemas",
        "--load-restrictor",
        "LoadRestrictionsNone",
        "--enable-helm",
    ],
    ["render", "dev", "--load-restrictor=LoadRestrictionsRootOnly"],
    ["render", "a target with spaces", "--origin"],
]

# Command lines handed to Typer: help, mistakes, and forms the small parser leaves alone.
HANDED_OVER = [
    ["render"],
    ["render", "--no-validate"],
    ["render", "dev", "other"],
    ["render", "dev", "--help"],
    ["render", "-h"],
    ["render", "dev", "--bogus"],
    ["render", "dev", "--valid"],
    ["render", "dev", "--origin=yes"],
    ["render", "dev", "--no-origin"],
    ["render", "dev", "-o"],
    ["render", "dev", "-o", "--no-validate"],
    ["render", "dev", "-oout.yaml"],
    ["render", "dev", "--output="],
    ["render", "dev", "--format", "JSON"],
    ["render", "dev", "--load-restrictor", "none"],
    ["render", "--", "dev"],
    ["render", "-"],
    ["--version"],
    ["validate", "dev"],
    [],
]


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_command_lines_get_the_values_typer_gives(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = plain_render(args)
    assert plain is not None
    assert plain == _typer_kwargs(args, monkeypatch)


@pytest.mark.parametrize("args", HANDED_OVER, ids=" ".join)
def test_other_command_lines_go_to_typer(args: list[str]) -> None:
    assert plain_render(args) is None


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_LOGPILOT_MANIFESTS_COMPLETE", "complete_bash")
    assert plain_render(["render", "dev"]) is None


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, with a broken overlay (a misspelt key) and one that fails validation."""
    root = tmp_path_factory.mktemp("main") / "repo"
    shutil.copytree(PROJECT, root)
    dev = root / "overlays" / "development" / "kustomization.yaml"
    broken = root / "overlays" / "broken"
    broken.mkdir()
    (broken / "kustomization.yaml").write_text(
        dev.read_text().replace("configMapGenerator:", "configMapGenrator:")
    )
    invalid = root / "overlays" / "invalid"
    invalid.mkdir()
    (invalid / "kustomization.yaml").write_text(
        "resources:\n  - ../../base\nreplicas:\n  - name: app\n    count: 1\n"
        "patches:\n  - target: {kind: Deployment}\n    patch: |-\n"
        "      - {op: add, path: /spec/template/spec/containers/0/bogusField, value: 1}\n"
    )
    return root


def _run(prefix: list[str], args: list[str], cwd: Path) -> tuple[int, str, str, dict[str, bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    env["LOGPILOT_ROOT"] = str(cwd)
    proc = subprocess.run(
        [*prefix, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    files = {str(p.relative_to(cwd)): p.read_bytes() for p in sorted(cwd.rglob("*")) if p.is_file()}
    return proc.returncode, proc.stdout, proc.stderr, files


# Both paths run each of these in a fresh copy of the project; what they print, write and exit with must match.
END_TO_END = [
    ["render", "development", "--no-validate"],
    ["render", "--origin", "development", "--no-validate"],
    ["render", "production", "--format", "json"],
    ["render", "production", "--no-validate", "-o", "out.yaml"],
    ["render", "production", "--no-validate", "--output=out/", "--format=json"],
    ["render", "production", "--no-validate", "-o", "-"],
    ["render", "production", "--no-validate", "--prune"],
    ["render", "development", "--no-validate", "--load-restrictor", "LoadRestrictionsNone"],
    ["render", "development", "--require-schemas", "--ignore-missing-schemas"],
    ["render", "invalid"],
    ["render", "invalid", "--no-strict"],
    ["render", "broken", "--no-validate"],
    ["render", "nowhere", "--no-validate"],
    ["render", "base", "--no-validate"],
    ["render", "development", "--no-validate", "--format", "JSON"],
    ["render", "development", "--no-validate", "--bogus"],
    ["render", "development", "--no-validate", "-o"],
    ["render", "development", "production"],
    ["render"],
    ["render", "--help"],
]


@pytest.mark.parametrize("args", END_TO_END, ids=" ".join)
def test_the_entry_point_prints_writes_and_exits_as_typer_does(
    args: list[str], project: Path, tmp_path: Path
) -> None:
    results = []
    for name, prefix in (("entry", [str(ENTRY)]), ("typer", [sys.executable, "-c", TYPER_ONLY])):
        cwd = tmp_path / name
        shutil.copytree(project, cwd)
        results.append(_run(prefix, args, cwd))
    assert results[0] == results[1]
    assert "Traceback" not in results[0][2]


def test_the_end_to_end_cases_cover_both_paths() -> None:
    plain = [args for args in END_TO_END if plain_render(args) is not None]
    assert len(plain) >= 10
    assert len(END_TO_END) - len(plain) >= 5


# Packages a plain `render --no-validate` has no use for: the command-line framework, validation, the
# typed models, the terminal renderer; and dataclasses, whose import (with inspect) and generated methods
# cost several milliseconds (the build's own types are named tuples and plain classes).
NOT_FOR_PLAIN_RENDER = (
    "dataclasses",
    "inspect",
    "typer",
    "click",
    "rich",
    "pydantic",
    "pydantic_core",
    "jsonschema_rs",
    "kubernetes_validate",
    "cel_expr_python",
    "google",
    "ruamel",
    "orjson",
    "logpilot_manifests.validate",
    "logpilot_manifests.typed",
    "logpilot_manifests.lint",
    "logpilot_manifests.cli.app",
)
# A validating render needs the validators, and prints its warnings through the terminal renderer, but not
# the command-line framework.
NOT_FOR_VALIDATING_RENDER = ("typer", "click", "logpilot_manifests.cli.app")


# What a validating render without findings has no use for once its caches are filled: the finding types, the
# CEL module and runtime (the CEL results are read back), writing to the cache, and orjson (whose import
# costs more than it saves on the small entries read).
NOT_FOR_CLEAN_VALIDATING_RENDER = (
    "logpilot_manifests.findings",
    "logpilot_manifests.validate.cel",
    "cel_expr_python",
    "tempfile",
    "orjson",
)


def _imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The modules the entry point imports for ``args`` (run in the repository, on its overlays)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", str(ENTRY), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    assert proc.stdout.startswith("apiVersion:")
    return {
        line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    ("args", "unwanted"),
    [
        (["render", "overlays/development", "--no-validate"], NOT_FOR_PLAIN_RENDER),
        (["render", "overlays/development"], NOT_FOR_VALIDATING_RENDER),
    ],
    ids=["no-validate", "validate"],
)
def test_plain_render_imports_no_framework(args: list[str], unwanted: tuple[str, ...]) -> None:
    imported = _imported(args)
    assert "logpilot_manifests.cli.rendering" in imported
    loaded = sorted(m for m in imported if any(m == p or m.startswith(f"{p}.") for p in unwanted))
    assert loaded == []


def test_a_clean_validating_render_with_its_caches_filled_imports_no_finding_types(tmp_path: Path) -> None:
    crds = require_shared_crds()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "LOGPILOT_CRD_PATH": str(crds)}
    args = ["render", "overlays/production"]
    first = _imported(args, env)
    assert "logpilot_manifests.validate.cel" in first  # the CEL findings are computed once
    again = _imported(args, env)
    assert "jsonschema_rs.jsonschema_rs" in again  # validated again
    loaded = sorted(
        m for m in again if any(m == p or m.startswith(f"{p}.") for p in NOT_FOR_CLEAN_VALIDATING_RENDER)
    )
    assert loaded == []
