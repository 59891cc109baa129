"""logpilot-manifests: a kustomize-compatible manifest generator for LogPilot.

The public API is deliberately small::

    import logpilot_manifests
    docs = logpilot_manifests.build("overlays/production")   # -> list[dict]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__version__ = "0.1.0"
__all__ = ["build", "__version__"]


def build(path: str | Path) -> list[dict[str, Any]]:
    """Build the kustomization at ``path`` (a directory) and return the rendered objects in output order."""
    from .kustomize.build import build_objects

    return build_objects(Path(path))
