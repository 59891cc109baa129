"""One exception hierarchy for the generator; the CLI maps it to a message and an exit code in one place."""

from __future__ import annotations


class ManifestError(Exception):
    """A problem with the user's input: reported as one clear message, exit code 1."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        resource: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.resource = resource

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [p for p in (where, self.resource) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class YamlError(ManifestError):
    """Malformed YAML (names file and line)."""


class KustomizationError(ManifestError):
    """An invalid kustomization file: unknown field, wrong type, bad value."""


class LoadError(ManifestError):
    """A file that cannot be read: missing, outside the root, remote, a cycle."""


class BuildError(ManifestError):
    """A build that kustomize would reject: ID conflicts, missing patch targets, bad replacements."""


class UsageError(ManifestError):
    """Wrong use of the command line (exit code 2)."""

    exit_code = 2
