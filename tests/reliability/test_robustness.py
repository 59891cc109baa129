"""Robustness: arbitrary bytes or structured-but-wrong YAML as a kustomization, resource or patch file make
the CLI end with exit 0 (the input was in fact valid) or 1 and one clear message: never a traceback, never a
hang. `make test` runs a short seeded profile; ROBUSTNESS_EXAMPLES (used by `make fuzz`) sets the count."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import write_tree
from .harness import Outcome, invoke, judge
from .inputs import hostile, kustomization_values, object_values, patch_values

EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "30"))

robust = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("ROBUSTNESS_RANDOM") is None,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# The commands that build a kustomization directory ({dir}), render's in its main variants.
DIR_COMMANDS = st.sampled_from(
    (
        ["render", "--no-validate", "{dir}"],
        ["render", "{dir}"],
        ["render", "--format", "json", "--no-validate", "{dir}"],
        ["render", "--origin", "{dir}"],
        ["explain", "{dir}", "Deployment/web", "spec.template.spec.containers[name=web].image"],
        ["lint", "{dir}"],
        ["diff", "{dir}", "{dir}/deploy.yaml"],
        ["validate", "{dir}"],
    )
)

# Every way a kustomization reads a file given as a patch (or as generator input).
PATCH_USES = (
    "resources: [deploy.yaml]\npatches:\n- path: p.yaml\n",
    "resources: [deploy.yaml]\npatches:\n- path: p.yaml\n  target: {kind: Deployment}\n",
    "resources: [deploy.yaml]\npatchesStrategicMerge: [p.yaml]\n",
    "resources: [deploy.yaml]\npatchesJson6902:\n- path: p.yaml\n  target: {group: apps, version: v1, kind: Deployment, name: web}\n",
    "resources: [deploy.yaml]\nreplacements:\n- path: p.yaml\n",
    "resources: [deploy.yaml]\nsecretGenerator:\n- name: s\n  envs: [p.yaml]\n",
    "resources: [deploy.yaml]\nconfigMapGenerator:\n- name: c\n  files: [p.yaml]\n",
    "components: [comp]\n",
)


# explain's reference (Deployment/web) becomes ambiguous when the input adds another Deployment/web in
# another namespace or API group: a usage error (2) whose message says how to choose, as documented.
_AMBIGUOUS = ("choose one with --namespace", "qualify the kind with the group")


def _codes(command: list[str], out: Outcome) -> tuple[int, ...]:
    if command[0] == "explain" and any(hint in out.stderr for hint in _AMBIGUOUS):
        return (2,)
    return (0, 1, 2)


def _render(tmp: str, files: dict[str, bytes | str], command: list[str]) -> Outcome:
    root = write_tree(Path(tmp), files)
    return invoke([arg.replace("{dir}", str(root)) for arg in command])


@robust
@given(data=hostile(kustomization_values()), command=DIR_COMMANDS)
def test_render_survives_any_kustomization_file(data: bytes, command: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = _render(
            tmp, {"kustomization.yaml": data, "p.yaml": "- {op: add, path: /x, value: 1}\n"}, command
        )
    judge(f"kustomization file: {command[0]}", out, _codes(command, out), given=data)


@robust
@given(data=hostile(object_values()), command=DIR_COMMANDS)
@example(  # a second Deployment/web (no apiVersion) makes explain's reference ambiguous
    data=b"(:\nkind: Deployment\nmetadata:\n name: web",
    command=["explain", "{dir}", "Deployment/web", "spec.template.spec.containers[name=web].image"],
)
def test_render_survives_any_resource_file(data: bytes, command: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = _render(
            tmp, {"kustomization.yaml": "resources: [deploy.yaml, file.yaml]\n", "file.yaml": data}, command
        )
    judge(f"resource file: {command[0]}", out, _codes(command, out), given=data)


@robust
@given(data=hostile(patch_values()), use=st.sampled_from(PATCH_USES), command=DIR_COMMANDS)
def test_render_survives_any_patch_file(data: bytes, use: str, command: list[str]) -> None:
    files: dict[str, bytes | str] = {"kustomization.yaml": use, "p.yaml": data}
    if use.startswith("components"):
        files["comp/kustomization.yaml"] = (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: p.yaml\n"
        )
        files["comp/p.yaml"] = data
        files["kustomization.yaml"] = "resources: [deploy.yaml]\n" + use
    with tempfile.TemporaryDirectory() as tmp:
        out = _render(tmp, files, command)
    judge(f"patch file: {command[0]}", out, _codes(command, out), given=(use, data))


@robust
@given(
    data=hostile(object_values()),
    command=st.sampled_from(("validate", "lint", "diff", "diff-stdin", "validate-stdin", "lint-json")),
)
@example(  # deeper than the schema validator's own recursion bound (255)
    data=b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndeep: " + b"[" * 300 + b"]" * 300,
    command="validate",
)
def test_file_commands_survive_any_file(data: bytes, command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(Path(tmp), {"file.yaml": data})
        file, other = str(root / "file.yaml"), str(root / "deploy.yaml")
        args, stdin = {
            "validate": (["validate", file], None),
            "lint": (["lint", file], None),
            "lint-json": (["lint", "--output", "json", file], None),
            "diff": (["diff", file, other], None),
            "diff-stdin": (["diff", "-", other], data),
            "validate-stdin": (["validate", "-"], data),
        }[command]
        out = invoke(args, stdin=stdin)
    judge(f"file: {command.split('-')[0]}", out, given=data)


def test_the_valid_tree_renders() -> None:
    """The tree the tests damage is itself valid, so exit 1 in them comes from the damage."""
    with tempfile.TemporaryDirectory() as tmp:
        out = _render(tmp, {"kustomization.yaml": "resources: [deploy.yaml]\n"}, ["render", "{dir}"])
    assert out.exit_code == 0, out.text
    assert "name: web" in out.stdout


@pytest.mark.parametrize("data", [b"\x80", b'a: "\xff"\n', b"\xef\xbb\xbf\xfe\xff", b"\x00" * 64])
@pytest.mark.parametrize("command", [["validate", "-"], ["lint", "-"], ["diff", "-", "-"]])
def test_bad_bytes_on_stdin_in_a_real_process(data: bytes, command: list[str]) -> None:
    """The real entry point reads stdin through the locale's decoder; an in-process run does not."""
    proc = subprocess.run(
        [sys.executable, "-m", "logpilot_manifests", *command],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    out = Outcome(
        command, proc.returncode, proc.stdout.decode(), proc.stderr.decode("utf-8", "replace"), None, 0
    )
    judge("stdin: real process", out, allowed=(1, 2))
    assert out.stderr.startswith("error: "), out.stderr


def _fifo(root: Path) -> None:
    os.mkfifo(root / "odd.yaml")


def _symlink_loop(root: Path) -> None:
    (root / "odd.yaml").symlink_to("odd.yaml")


def _symlink_cycle(root: Path) -> None:
    (root / "odd.yaml").symlink_to("other.yaml")
    (root / "other.yaml").symlink_to("odd.yaml")


def _unreadable(root: Path) -> None:
    (root / "odd.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "odd.yaml").chmod(0)


# Names and files the operating system itself refuses or never finishes reading.
ODD_FILES = {
    "fifo": _fifo,
    "symlink loop": _symlink_loop,
    "symlink cycle": _symlink_cycle,
    "unreadable": _unreadable,
}
ODD_NAMES = {
    "name too long": "a" * 5_000,
    "NUL in the name": "a\\0b.yaml",
    "path too long": "a/" * 3_000 + "x",
}
ODD_USES = (
    "resources: [deploy.yaml, {name}]\n",
    "resources: [deploy.yaml]\npatches:\n- path: {name}\n",
    "configMapGenerator:\n- name: c\n  files: [{name}]\n",
    "secretGenerator:\n- name: s\n  envs: [{name}]\n",
    "components: [{name}]\n",
)


@pytest.mark.parametrize("use", ODD_USES)
@pytest.mark.parametrize("odd", [*ODD_FILES, *ODD_NAMES])
def test_files_and_names_the_os_refuses_end_in_one_message(tmp_path: Path, odd: str, use: str) -> None:
    root = write_tree(tmp_path / "k", {})
    if odd in ODD_FILES:
        ODD_FILES[odd](root)
        name = "odd.yaml"
    else:
        name = ODD_NAMES[odd]
    (root / "kustomization.yaml").write_text(use.replace("{name}", f'"{name}"'), encoding="utf-8")
    out = invoke(["render", "--no-validate", str(root)], seconds=20)
    judge(
        "file system oddities: render", out, allowed=(2,) if os.geteuid() or odd != "unreadable" else (0, 2)
    )


@pytest.mark.parametrize("annotations", ["a", "5", "[a]", "~"])
def test_annotations_that_are_not_a_mapping(tmp_path: Path, annotations: str) -> None:
    """Found by the robustness test: a list crashed the build. kustomize ignores a scalar there and crashes
    on a list; we drop the scalar as it does and refuse the list in one message."""
    root = write_tree(
        tmp_path / "k",
        {
            "kustomization.yaml": "resources: [r.yaml]\n",
            "r.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations: {annotations}\n",
        },
    )
    out = invoke(["render", "--no-validate", str(root)])
    judge("resource file: render", out)
    if annotations.startswith("["):
        assert "metadata.annotations must be a mapping" in out.stderr, out.stderr
    else:
        assert out.exit_code == 0 and "annotations" not in out.stdout, out.text
