"""A build's objects as typed models, for Python users and tools: ``logpilot_manifests.load(target)``.

The plain dicts stay the truth (``yaml()`` is exactly what ``render --no-validate`` prints); each object's
model is built on first use, so code that reads only Deployments never decodes a ConfigMap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..models import Model, typed_or_none

M = TypeVar("M", bound=Model)


@dataclass
class TypedBuild:
    """The objects of one build, in output order, with their typed models on demand."""

    objects: list[dict[str, Any]]
    _models: dict[int, Model | None] = field(default_factory=dict, repr=False)

    def model(self, index: int) -> Model | None:
        """The typed model of ``objects[index]`` (None for a kind without a model); ModelError when the
        object does not fit its kind's schema."""
        if index not in self._models:
            self._models[index] = typed_or_none(self.objects[index])
        return self._models[index]

    def models(self) -> Iterator[Model]:
        """Every object that has a model, typed, in output order."""
        for i in range(len(self.objects)):
            m = self.model(i)
            if m is not None:
                yield m

    def of(self, cls: type[M]) -> list[M]:
        """The objects of exactly ``cls``'s apiVersion and kind (``apps_v1.Deployment``), typed."""
        out: list[M] = []
        for i, obj in enumerate(self.objects):
            if obj.get("kind") == cls.KIND and obj.get("apiVersion") == cls.API_VERSION:
                m = self.model(i)
                if isinstance(m, cls):
                    out.append(m)
        return out

    def yaml(self) -> str:
        """The build as YAML, byte for byte what ``render --no-validate`` writes."""
        from ..kustomize.documents import dump_documents

        return dump_documents(self.objects)


def load(target: str | Path) -> TypedBuild:
    """Build ``target`` (an environment name under ``overlays/`` or a kustomization directory) and return its
    objects with typed models on demand. Errors are :class:`~logpilot_manifests.errors.ManifestError`."""
    from ..cli.inputs import build, resolve_target

    resources = build(resolve_target(str(target)))
    return TypedBuild([r.obj for r in resources])
