"""Findings: one type for what validation and lint report, so every command prints and serialises them alike.

A finding says which check fired (``rule``), how bad it is (``severity``), on which object (``resource``), at
which field (``path``, in the notation ``diff`` and ``explain`` print), what is wrong (``message``), how to fix
it (``fix``, empty where the message says it), and where in the user's files the offending text is
(``location``, when the build knows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .severity import Severity

__all__ = ["Finding", "Location", "ResourceRef", "Severity"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRef:
    """The object a finding is about, by its rendered identity (empty fields where the document has none)."""

    kind: str = ""
    name: str = ""
    namespace: str = ""
    api_version: str = ""
    # The name in the source file, before prefixes, suffixes and hashes: how to find it in the user's files.
    source_name: str = ""

    @property
    def label(self) -> str:
        """``Kind/namespace/name``, or ``Kind/name`` without a namespace (``?`` for an unknown kind)."""
        return "/".join(p for p in (self.kind or "?", self.namespace, self.name) if p)

    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """A place in a file: ``file`` as the command shows it, 1-based ``line`` and ``column`` when known."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem with one object (or with a whole document, when ``resource`` is empty and ``path`` too)."""

    rule: str
    severity: Severity
    resource: ResourceRef = field(default_factory=ResourceRef)
    path: str = ""
    message: str
    fix: str = ""
    location: Location | None = None

    @property
    def source(self) -> str:
        """The location as text (``file:line:column``), or empty when unknown."""
        return str(self.location) if self.location else ""

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (*self.resource.key(), self.rule, self.path)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form every ``--output json`` uses, with Kubernetes-style keys (``apiVersion``)."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "resource": self.resource.label,
            "kind": self.resource.kind,
            "namespace": self.resource.namespace,
            "name": self.resource.name,
            "apiVersion": self.resource.api_version,
            "path": self.path,
            "message": self.message,
            "fix": self.fix,
            "source": self.source,
            "location": self.location.to_dict() if self.location else None,
        }
