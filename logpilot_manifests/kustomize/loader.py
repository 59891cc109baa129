"""Reading files for a build: the load restrictor (by default nothing outside a kustomization's root, also
through symlinks; kustomize's LoadRestrictionsNone lifts it), no remote resources, cycle detection, and YAML
errors with file and line."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from ..errors import LoadError
from . import KUSTOMIZATION_FILES
from .documents import load_documents

_REMOTE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)|\?ref=|\.git(?:/|$|//)"
)


class Loader:
    """File access for one kustomization directory.

    ``root`` is the directory (symlinks resolved); ``top`` the directory the build started from, used to
    show paths relative to it; ``chain`` the kustomization roots above this one, for cycle detection;
    ``restricted`` False for kustomize's LoadRestrictionsNone (files may come from anywhere).
    """

    def __init__(
        self, root: Path, top: Path | None = None, chain: tuple[Path, ...] = (), restricted: bool = True
    ) -> None:
        self.root = root.resolve()
        self.top = top or self.root
        self.chain = chain
        self.restricted = restricted

    def display(self, path: Path) -> str:
        return os.path.relpath(path, self.top)

    def display_dir(self, path: Path) -> str:
        """A directory for messages: relative to where the build started, or its name if it is that."""
        rel = self.display(path)
        return f"'{path.name}' (the directory being built)" if rel == "." else f"'{rel}'"

    def _check_remote(self, rel: str) -> None:
        if _REMOTE.search(rel):
            raise LoadError(
                f"remote resource '{rel}' is not supported: vendor it into the repository and refer to it by path",
                file=self.display(self.root / self.kustomization_name()),
            )

    def kustomization_path(self) -> Path:
        found = [self.root / n for n in KUSTOMIZATION_FILES if (self.root / n).is_file()]
        if not found:
            raise LoadError(
                "no kustomization.yaml, kustomization.yml or Kustomization in this directory",
                file=self.display(self.root) + "/",
            )
        if len(found) > 1:
            raise LoadError(
                "found several kustomization files: " + ", ".join(p.name for p in found),
                file=self.display(self.root) + "/",
            )
        return found[0]

    def kustomization_name(self) -> str:
        for n in KUSTOMIZATION_FILES:
            if (self.root / n).is_file():
                return n
        return KUSTOMIZATION_FILES[0]

    def _real(self, rel: str) -> Path:
        """``rel`` below the root with symlinks resolved; a path the OS cannot resolve is a LoadError."""
        try:
            return (self.root / rel).resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            # a symlink loop (RuntimeError), a name too long (OSError), a NUL byte (ValueError)
            reason = (
                "a symlink loop" if isinstance(exc, RuntimeError) else getattr(exc, "strerror", None) or exc
            )
            raise LoadError(
                f"cannot resolve '{rel[:200]}': {reason}", file=self.display(self.kustomization_path())
            ) from None

    def is_dir(self, rel: str) -> bool:
        """Whether ``rel`` names a directory; False for names the OS refuses (resolving them reports why)."""
        try:
            return (self.root / rel).is_dir()
        except (OSError, ValueError):
            return False

    def resolve(self, rel: str) -> Path:
        """The real path of a file named in this kustomization; refused if outside the root."""
        self._check_remote(rel)
        if not self.restricted:
            return self._real(rel)
        if os.path.isabs(rel):
            raise LoadError(
                f"'{rel}': absolute paths are not allowed", file=self.display(self.kustomization_path())
            )
        path = self._real(rel)
        if path != self.root and self.root not in path.parents:
            if not path.exists():
                # kustomize also reports a missing path as missing, wherever it would point
                raise LoadError(f"'{rel}' does not exist", file=self.display(self.kustomization_path()))
            raise LoadError(
                f"security: file '{rel}' is not in or below the kustomization root {self.display_dir(self.root)}"
                " (kustomize's --load-restrictor LoadRestrictionsNone allows it)",
                file=self.display(self.kustomization_path()),
            )
        return path

    def exists_file(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def read_bytes(self, rel: str) -> tuple[bytes, str]:
        path = self.resolve(rel)
        shown = self.display(path)
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
                # a FIFO or a device would block or never end
                raise LoadError(f"'{rel}' is not a regular file", file=shown)
            return path.read_bytes(), shown
        except FileNotFoundError:
            raise LoadError(f"'{rel}' does not exist", file=self.display(self.kustomization_path())) from None
        except IsADirectoryError:
            raise LoadError(f"'{rel}' is a directory, expected a file", file=shown) from None
        except OSError as exc:
            raise LoadError(f"cannot read '{rel}': {exc.strerror}", file=shown) from None

    def read_text(self, rel: str) -> tuple[str, str]:
        data, shown = self.read_bytes(rel)
        try:
            return data.decode("utf-8"), shown
        except UnicodeDecodeError:
            raise LoadError("file is not valid UTF-8 text", file=shown) from None

    def load_yaml(self, rel: str) -> tuple[list[Any], str]:
        text, shown = self.read_text(rel)
        return load_documents(text, shown), shown

    def child(self, rel: str) -> Loader:
        """A loader for a sub-kustomization (a base or component directory), refusing cycles."""
        self._check_remote(rel)
        if os.path.isabs(rel):
            # kustomize refuses an absolute base too ("new root cannot be absolute"): the tree must move as one
            raise LoadError(
                f"'{rel}': a base or component must be given by a relative path",
                file=self.display(self.kustomization_path()),
            )
        path = self._real(rel)
        if not self.is_dir(rel):
            raise LoadError(f"'{rel}' does not exist", file=self.display(self.kustomization_path()))
        if path == self.root or path in self.root.parents or path in self.chain:
            raise LoadError(
                f"cycle: '{rel}' refers back to {self.display_dir(path)}, which is already being built",
                file=self.display(self.kustomization_path()),
            )
        return Loader(path, self.top, (*self.chain, self.root), self.restricted)
