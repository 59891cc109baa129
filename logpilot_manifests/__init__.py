"""logpilot-manifests: a kustomize-compatible manifest generator for LogPilot.

The public API is deliberately small::

    import logpilot_manifests
    docs = logpilot_manifests.build("overlays/production")   # -> list[dict]
    built = logpilot_manifests.load("production")            # the same objects, typed on demand
    built.of(apps_v1.Deployment)                              # from logpilot_manifests.models.k8s
    lp = logpilot_manifests.LogPilotDeployment.load("production")
    lp.workload("rest").container.readinessProbe

Typed models and the LogPilot view are imported on first use, so ``import logpilot_manifests`` stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .typed.build import TypedBuild
    from .typed.logpilot import LogPilotDeployment

__version__ = "0.1.0"
__all__ = ["build", "load", "LogPilotDeployment", "__version__"]


def build(path: str | Path) -> list[dict[str, Any]]:
    """Build the kustomization at ``path`` (a directory) and return the rendered objects in output order."""
    from .kustomize.build import build_objects

    return build_objects(Path(path))


def load(target: str | Path) -> TypedBuild:
    """Build ``target`` (an environment name or a kustomization directory); its objects, typed on demand."""
    from .typed.build import load as load_typed

    return load_typed(target)


def __getattr__(name: str) -> Any:
    if name == "LogPilotDeployment":
        from .typed.logpilot import LogPilotDeployment

        return LogPilotDeployment
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
