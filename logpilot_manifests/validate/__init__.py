"""Offline validation of Kubernetes objects against the bundled Kubernetes schemas and CRD schemas.

``validate_objects([(obj, source), ...], ValidateOptions(...))`` returns a list of ``Finding``.
"""

from __future__ import annotations

from .engine import SchemaValidator, ValidateOptions, has_errors, validate_objects
from .findings import ERROR, WARNING, Finding

__all__ = [
    "ERROR",
    "WARNING",
    "Finding",
    "SchemaValidator",
    "ValidateOptions",
    "has_errors",
    "validate_objects",
]
