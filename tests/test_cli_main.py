"""The entry point's plain `render` forms (run without loading Typer) must mean exactly what Typer makes of
the same command line, and produce the same output, messages and exit codes."""

from __future__ import annotations

import inspect
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from logpilot_manifests.cli import render as render_command
from logpilot_manifests.cli.app import app
from logpilot_manifests.cli.main import PLAIN_RENDER_FLAGS, plain_render
from logpilot_manifests.cli.rendering import render_manifests

REPO = Path(__file__).resolve().parent.parent


def _plain_forms() -> list[list[str]]:
    """Every order of up to three of the plain flags around a target."""
    forms = []
    for n in range(4):
        for flags in itertools.permutations(PLAIN_RENDER_FLAGS, n):
            for at in range(len(flags) + 1):
                forms.append(["render", *flags[:at], "some target", *flags[at:]])
    return forms


def _typer_call(args: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The keyword arguments Typer's render command passes on for ``args``."""
    calls: list[dict[str, Any]] = []

    def record(target: str, **kwargs: Any) -> None:
        calls.append({"target": target, **kwargs})

    monkeypatch.setattr(render_command, "render_manifests", record)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    return calls[0]


def _with_defaults(params: dict[str, Any]) -> dict[str, Any]:
    sig = inspect.signature(render_manifests)
    defaults = {n: p.default for n, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
    return {**defaults, **params}


@pytest.mark.parametrize("args", _plain_forms(), ids=" ".join)
def test_plain_render_forms_parse_as_typer_parses_them(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = plain_render(args)
    assert plain is not None
    typer_kwargs = _typer_call(args, monkeypatch)
    # Typer's empty repeatable option is an empty list where the function's default is None: both mean none.
    typer_kwargs["crd"] = typer_kwargs.get("crd") or None
    assert _with_defaults(plain) == typer_kwargs


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["render"],
        ["render", "--no-validate"],
        ["render", "a", "b"],
        ["render", "-o", "out.yaml", "dev"],
        ["render", "dev", "--output=out.yaml"],
        ["render", "dev", "--format", "json"],
        ["render", "dev", "--help"],
        ["render", "-h"],
        ["render", "-", "--no-validate"],
        ["render", "--", "dev"],
        ["render", "dev", "--crd", "x.yaml"],
        ["render", "dev", "--no-strict"],
        ["--version"],
        ["validate", "dev"],
        ["diff", "a", "b"],
    ],
    ids=" ".join,
)
def test_other_command_lines_go_to_typer(args: list[str]) -> None:
    assert plain_render(args) is None


def _run(args: list[str], entry: str) -> subprocess.CompletedProcess[bytes]:
    code = f"import sys; sys.argv[0] = 'logpilot-manifests'; from {entry}; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, check=False)


_TYPER_ENTRY = "logpilot_manifests.cli.app import app as main"
_ENTRY = "logpilot_manifests.cli.main import main"


@pytest.mark.parametrize(
    "args",
    [
        ["render", "overlays/development", "--no-validate"],
        ["render", "development", "--origin"],
        ["render", "no-such-environment"],
        ["render", "tests/cases/err_unknown_field", "--no-validate"],
        ["render", "base"],
    ],
    ids=" ".join,
)
def test_plain_render_behaves_as_the_typer_command(args: list[str]) -> None:
    assert plain_render(args) is not None
    fast, full = _run(args, _ENTRY), _run(args, _TYPER_ENTRY)
    assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr)


def test_plain_render_does_not_load_typer() -> None:
    code = (
        "import sys; sys.argv[1:] = ['render', 'overlays/development', '--no-validate']; "
        "from logpilot_manifests.cli.main import main; main(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'rich', 'pydantic')), "
        "file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, check=True)
    assert proc.stderr.decode().strip() == "[]"
