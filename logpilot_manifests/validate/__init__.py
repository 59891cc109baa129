"""Offline validation of Kubernetes objects against the bundled Kubernetes schemas and CRD schemas.

``validate_objects([(obj, source), ...], ValidateOptions(...))`` returns a list of ``Finding``
(the type every command shares, from ``logpilot_manifests.findings``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..locations import Document
from .engine import ERROR, WARNING, SchemaValidator, ValidateOptions, has_errors, validate_objects

if TYPE_CHECKING:
    from ..findings import Finding


def __getattr__(name: str) -> Any:
    # The finding type is imported when asked for: a validation without findings does without it.
    if name == "Finding":
        from ..findings import Finding

        return Finding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ERROR",
    "Document",
    "WARNING",
    "Finding",
    "SchemaValidator",
    "ValidateOptions",
    "has_errors",
    "validate_objects",
]
