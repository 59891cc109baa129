"""What every command shares: writing files safely, and turning errors into one message and an exit code.

Exit codes, the same for every command (README, "Exit codes"): 0 success, 1 findings or differences, 2 the
command could not do its job (usage, a build kustomize would reject, unreadable input, unwritable output).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, ManifestError

if TYPE_CHECKING:
    from ..kustomize.build import BuildOptions

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "LoadRestrictor",
    "atomic_write",
    "build_options",
    "run_guarded",
    "write_text_atomic",
]

T = TypeVar("T")

ErrorWriter = Callable[[ManifestError], None]


def fail(exc: ManifestError, on_error: ErrorWriter | None = None) -> None:
    """Report ``exc`` (one ``error:`` line on stderr, and the error document when the command writes one)
    and exit with its code."""
    print(f"error: {exc}", file=sys.stderr)
    if on_error is not None:
        try:
            on_error(exc)
        except OSError:
            _drop_stdout()
    raise SystemExit(exc.exit_code)


def run_guarded(fn: Callable[[], T], on_error: ErrorWriter | None = None) -> T:
    """Run ``fn``; a ManifestError becomes one message on stderr and its exit code, never a traceback.

    ``on_error`` writes the error as the command's output document (``--output json|sarif``).
    """
    try:
        return fn()
    except ManifestError as exc:
        fail(exc, on_error)
    except RecursionError:
        fail(ManifestError("input nests too deeply to process"), on_error)
    except MemoryError:
        fail(ManifestError("input too large to process"), on_error)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing more to say.
        _drop_stdout()
        raise SystemExit(EXIT_ERROR) from None
    except OSError as exc:
        # Writing the output failed (a full disk, an I/O error); inputs are read through the engine's
        # loader, which reports its own errors. What is still buffered cannot be written either.
        _drop_stdout()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR) from None
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
        # mkstemp creates the file 0600: give it the mode the file had, or what the umask gives a new file
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


class LoadRestrictor(StrEnum):
    root_only = "LoadRestrictionsRootOnly"
    none = "LoadRestrictionsNone"


def build_options(load_restrictor: LoadRestrictor, enable_helm: bool) -> BuildOptions:
    from ..kustomize.build import BuildOptions

    return BuildOptions(load_restricted=load_restrictor is LoadRestrictor.root_only, enable_helm=enable_helm)
