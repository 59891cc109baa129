"""Offline validation of Kubernetes objects against the bundled Kubernetes schemas and CRD schemas.

``validate_objects([(obj, source), ...], ValidateOptions(...))`` returns a list of ``Finding``
(the type every command shares, from ``logpilot_manifests.findings``).
"""

from __future__ import annotations

from ..findings import Finding
from ..locations import Document
from .engine import ERROR, WARNING, SchemaValidator, ValidateOptions, has_errors, validate_objects

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
