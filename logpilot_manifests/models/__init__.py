"""Typed models of Kubernetes objects, generated from schemas (see ``codegen``), built only when asked for.

Every built-in kind has a model of its exact API version (``models.k8s.apps_v1.Deployment``), generated
from the Kubernetes definitions that validation uses too; the custom kinds LogPilot deploys (ServiceMonitor,
PrometheusRule, PodMonitor, the Gateway API kinds, Argo Rollout) have models generated from their upstream
CRDs (``models.crds``). A model is a frozen ``msgspec`` Struct whose fields keep the manifest's names::

    from logpilot_manifests.models import typed
    deploy = typed(obj)                                    # apps_v1.Deployment
    deploy.spec.template.spec.containers[0].ports[0].containerPort

A model is a read-only view: the object it was made from is what renders, byte for byte. Nothing here is
imported by ``render`` unless a command reads models, and a module of models is imported on the first
object of one of its kinds.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

import msgspec

from ..errors import ManifestError
from .base import Model

__all__ = [
    "Model",
    "ModelError",
    "decode",
    "model_class",
    "of_model",
    "reading_class",
    "typed",
    "typed_or_none",
]

M = TypeVar("M", bound=Model)


class ModelError(ManifestError):
    """An object that does not fit the model of its kind (a type the schema does not allow)."""


def _registries() -> Iterable[tuple[str, dict[tuple[str, str], tuple[str, str]]]]:
    from .crds import KINDS as CRD_KINDS
    from .k8s import KINDS as K8S_KINDS

    yield "k8s", K8S_KINDS
    yield "crds", CRD_KINDS


@cache
def model_class(api_version: str, kind: str) -> type[Model] | None:
    """The model of ``apiVersion``/``kind``, or None when there is none (an unknown or foreign custom kind)."""
    for package, kinds in _registries():
        found = kinds.get((api_version, kind))
        if found is not None:
            module_name, class_name = found
            module = importlib.import_module(f"{__name__}.{package}.{module_name}")
            cls: type[Model] = getattr(module, class_name)
            return cls
    return None


@cache
def reading_class(api_version: str, kind: str) -> type[Model] | None:
    """The model that reads objects of ``apiVersion``/``kind``: their own, or for a removed older version of
    the same shape, the newer version's (``versions.SAME_SHAPE``); None when there is neither."""
    cls = model_class(api_version, kind)
    if cls is None:
        from .versions import SAME_SHAPE

        newer = SAME_SHAPE.get((api_version, kind))
        cls = model_class(newer, kind) if newer else None
    return cls


def _describe(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return f"{obj.get('kind')} {name or '<unnamed>'}"


def typed_or_none(obj: Any, *, older_versions: bool = False) -> Model | None:
    """The typed model of ``obj``, or None when its kind has no model; ModelError when it does not fit.
    With ``older_versions``, an object of a removed version is read with its newer version's model."""
    if not isinstance(obj, dict):
        return None
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    cls = reading_class(api_version, kind) if older_versions else model_class(api_version, kind)
    if cls is None:
        return None
    return _convert(obj, cls)


def typed(obj: dict[str, Any]) -> Model:
    """The typed model of ``obj``; ModelError when its kind has no model or the object does not fit it."""
    model = typed_or_none(obj)
    if model is None:
        raise ModelError(f"{_describe(obj)}: no model for {obj.get('apiVersion')} {obj.get('kind')}")
    return model


def of_model(objs: Iterable[dict[str, Any]], cls: type[M]) -> list[M]:
    """The objects of exactly ``cls``'s apiVersion and kind, typed (ModelError when one does not fit)."""
    api_version, kind = cls.API_VERSION, cls.KIND
    if not api_version or not kind:
        raise TypeError(f"{cls.__name__} is not the model of a kind")
    return [
        _convert(obj, cls)
        for obj in objs
        if isinstance(obj, dict) and obj.get("kind") == kind and obj.get("apiVersion") == api_version
    ]


def _convert(obj: dict[str, Any], cls: type[M]) -> M:
    return decode(obj, cls, _describe(obj))


def decode(value: Any, cls: type[M], where: str, at: str = "") -> M:
    """``value`` (an object, or a part of one such as a pod template) as ``cls``; otherwise ModelError naming
    ``where``, the model (a kind by its apiVersion and kind) and the field, as a path from the object's root
    when ``at`` says where the part sits (``spec.template``)."""
    try:
        return msgspec.convert(value, cls)
    except msgspec.ValidationError as exc:
        # msgspec says "Expected `int`, got `str` - at `$.spec.replicas`": keep its words, name the object.
        message = str(exc).replace("`$", f"`$.{at}", 1) if at else str(exc)
        model = f"{cls.API_VERSION} {cls.KIND}" if cls.KIND else cls.__name__
        raise ModelError(f"{where}: does not fit {model}: {message}") from None
