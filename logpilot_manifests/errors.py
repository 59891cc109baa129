"""One exception hierarchy for the generator; the CLI maps it to a message and an exit code in one place.

Exit codes (the same for every command, documented in the README and each ``--help``): 0 success, 1 findings
or differences (the input was read and judged), 2 the command could not do its job (wrong usage, a build
kustomize would reject, a file that cannot be read). Every ManifestError is of the last kind unless its class
says otherwise.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class ManifestError(Exception):
    """A problem with the user's input: reported as one clear message, exit code 2.

    ``file`` is the path as the engine shows it; ``line`` and ``column`` are 1-based when known.
    """

    exit_code = EXIT_ERROR
    category = "error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        resource: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.resource = resource

    @property
    def where(self) -> str:
        """``file:line:column`` (as much of it as is known), or empty."""
        if not self.file:
            return ""
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.resource) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def to_dict(self) -> dict[str, Any]:
        """The error object of ``--output json``."""
        return {
            "category": self.category,
            "message": self.message,
            "resource": self.resource or "",
            "location": None
            if not self.file
            else {"file": self.file, "line": self.line, "column": self.column},
            "text": str(self),
        }


class YamlError(ManifestError):
    """Malformed YAML (names file and line)."""

    category = "yaml"


class KustomizationError(ManifestError):
    """An invalid kustomization file: unknown field, wrong type, bad value."""

    category = "kustomization"
    # The key (or list index) the problem is at, from the document's top; the loader turns it into a line.
    key_path: tuple[str | int, ...] = ()


class LoadError(ManifestError):
    """A file that cannot be read: missing, outside the root, remote, a cycle."""

    category = "load"


class BuildError(ManifestError):
    """A build that kustomize would reject: ID conflicts, missing patch targets, bad replacements."""

    category = "build"


class InvalidManifestError(ManifestError):
    """The build succeeded but what it produced fails a check (exit code 1, like any finding)."""

    exit_code = EXIT_FINDINGS
    category = "invalid"


class UsageError(ManifestError):
    """Wrong use of the command line (exit code 2)."""

    category = "usage"
