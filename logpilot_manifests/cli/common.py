"""What every command shares: finding targets, writing files safely, and turning errors into exit codes."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ..errors import ManifestError, UsageError

if TYPE_CHECKING:
    from ..kustomize.build import BuildOptions

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILURE = 1  # findings, differences, invalid input
EXIT_USAGE = 2

T = TypeVar("T")


def project_root() -> Path:
    """The folder holding ``overlays/``: LOGPILOT_ROOT, else the current directory or one of its parents."""
    env = os.environ.get("LOGPILOT_ROOT")
    if env:
        return Path(env)
    here = Path.cwd()
    for d in (here, *here.parents):
        if (d / "overlays").is_dir():
            return d
    return here


def environments(root: Path | None = None) -> list[str]:
    """Environment names: the folders of ``overlays/`` holding a kustomization file."""
    overlays = (root or project_root()) / "overlays"
    if not overlays.is_dir():
        return []
    return sorted(
        p.name
        for p in overlays.iterdir()
        if p.is_dir() and any((p / f).is_file() for f in KUSTOMIZATION_FILES)
    )


def has_kustomization(path: Path) -> bool:
    return path.is_dir() and any((path / f).is_file() for f in KUSTOMIZATION_FILES)


def resolve_target(target: str) -> Path:
    """An environment name (folder under ``overlays/``) or a kustomization directory; else a usage error."""
    path = Path(target)
    if has_kustomization(path):
        return path
    if "/" not in target and os.sep not in target:
        env_dir = project_root() / "overlays" / target
        if has_kustomization(env_dir):
            return env_dir
    if path.is_dir():
        raise UsageError(
            f"{target}: no kustomization.yaml, kustomization.yml or Kustomization in this directory"
        )
    envs = environments()
    known = f" Available environments: {', '.join(envs)}." if envs else ""
    raise UsageError(f"{target}: not an environment name or a kustomization directory.{known}")


def fail(message: str, code: int) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def run_guarded(fn: Callable[[], T]) -> T:
    """Run ``fn``; a ManifestError becomes one message on stderr and its exit code, never a traceback."""
    try:
        return fn()
    except ManifestError as exc:
        fail(str(exc), exc.exit_code)
    except RecursionError:
        fail("input nests too deeply to process", EXIT_FAILURE)
    except MemoryError:
        fail("input too large to process", EXIT_FAILURE)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        _drop_stdout()
        raise SystemExit(EXIT_FAILURE) from None
    except OSError as exc:
        # Writing the output failed (a full disk, an I/O error); inputs are read through the engine's
        # loader, which reports its own errors. What is still buffered cannot be written either.
        _drop_stdout()
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}cannot write the output: {exc.strerror or exc}", EXIT_FAILURE)
    raise AssertionError("unreachable")


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file descriptor (an in-process test runner): nothing is buffered for the OS


def _write_error(path: Path, exc: OSError) -> ManifestError:
    return ManifestError(f"cannot write: {exc.strerror or exc}", file=str(path))


@contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    A symlink is followed; an existing special file (/dev/stdout, a FIFO) is written in place, since
    replacing it would destroy it. Failures are ManifestErrors naming ``path``.
    """
    try:
        try:
            mode = os.stat(path).st_mode
            special = not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
        except FileNotFoundError:
            special = False
        target = path if special else Path(os.path.realpath(path))
        if not special:
            target.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # only when writing a file: slow to import, and stdout needs none

            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            os.close(fd)
    except OSError as exc:
        raise _write_error(path, exc) from None
    if special:
        try:
            yield target
        except OSError as exc:
            raise _write_error(path, exc) from None
        return
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


class LoadRestrictor(StrEnum):
    root_only = "LoadRestrictionsRootOnly"
    none = "LoadRestrictionsNone"


LoadRestrictorOption = Annotated[
    LoadRestrictor,
    typer.Option(
        "--load-restrictor",
        help="As kustomize's flag: LoadRestrictionsNone lets kustomizations read files outside their root.",
    ),
]
EnableHelmOption = Annotated[
    bool,
    typer.Option(
        "--enable-helm", help="Inflate helmCharts by running the helm binary on the PATH (as kustomize)."
    ),
]


def build_options(load_restrictor: LoadRestrictor, enable_helm: bool) -> BuildOptions:
    from ..kustomize.build import BuildOptions

    return BuildOptions(load_restricted=load_restrictor is LoadRestrictor.root_only, enable_helm=enable_helm)
