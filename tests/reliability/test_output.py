"""Writing the output can fail too: a full device, a missing or unwritable folder. Each ends with one message
and exit 1; and `-o` never destroys what it writes to (a device, a FIFO, a symlink stays what it was)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .conftest import write_tree
from .harness import invoke, judge

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(not FULL.is_char_device(), reason="no /dev/full on this system")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "k", {"kustomization.yaml": "resources: [deploy.yaml]\n"})


@needs_full
@pytest.mark.parametrize(
    "command",
    [["render", "--no-validate", "{root}"], ["lint", "{root}"], ["diff", "{root}", "{root}/deploy.yaml"]],
    ids=["render", "lint", "diff"],
)
def test_a_full_stdout_is_one_error(root: Path, command: list[str]) -> None:
    args = [a.replace("{root}", str(root)) for a in command]
    with FULL.open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "logpilot_manifests", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    stderr = proc.stderr.decode()
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert stderr.count("error:") == 1 and "No space left on device" in stderr, stderr


@needs_full
def test_output_to_a_device_writes_into_it_and_leaves_it_a_device(root: Path) -> None:
    out = invoke(["render", "--no-validate", str(root), "-o", str(FULL)])
    judge("output: write failures", out, allowed=(2,))
    assert "No space left on device" in out.stderr
    assert FULL.is_char_device()


def test_output_to_a_fifo_keeps_the_fifo(root: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    out = invoke(["render", "--no-validate", str(root), "-o", str(fifo)])
    reader.join(timeout=30)
    judge("output: write failures", out, allowed=(0,))
    assert b"name: web" in received[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_through_a_symlink_writes_its_target(root: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to("target.yaml")
    out = invoke(["render", "--no-validate", str(root), "-o", str(link)])
    judge("output: write failures", out, allowed=(0,))
    assert link.is_symlink()
    assert "name: web" in (tmp_path / "target.yaml").read_text()


@pytest.mark.parametrize("where", ["under a file", "missing folder in /proc"])
def test_an_output_path_that_cannot_be_created_is_one_error(root: Path, where: str) -> None:
    path = str(root / "deploy.yaml" / "out.yaml") if where == "under a file" else "/proc/no-such/out.yaml"
    out = invoke(["render", "--no-validate", str(root), "-o", path])
    judge("output: write failures", out, allowed=(2,))
    assert out.stderr.startswith(f"error: {path}: cannot write"), out.stderr
