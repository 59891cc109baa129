"""The service's configuration inside ConfigMaps, checked against the very model the service loads.

A ConfigMap carrying an ``application.yml`` (or ``application.yaml``) key is LogPilot's configuration file;
if ``logpilot_server`` is installed, its ``validate_application_yaml`` decides whether the service would
start with it, so a configuration the service would reject never renders.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import InvalidManifestError

# The ConfigMap keys the service reads as its configuration file (LOGPILOT_CONFIG points at one of them).
APPLICATION_CONFIG_KEYS = ("application.yml", "application.yaml")
CONFIG_MODULE = "logpilot_server.config"


def _validator() -> tuple[Callable[[str], None], type[Exception]] | None:
    """The service's validation function and the error it raises, or None when the service is not installed."""
    try:
        module = importlib.import_module(CONFIG_MODULE)
    except ModuleNotFoundError as exc:
        # Only a missing service package means "skip"; a broken import inside it is a real error.
        if exc.name is not None and CONFIG_MODULE.startswith(exc.name):
            return None
        raise
    validate: Callable[[str], None] = module.validate_application_yaml
    error: type[Exception] = getattr(module, "ConfigError", ValueError)
    return validate, error


def _resource_id(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    name = meta.get("name", "<unnamed>")
    return f"ConfigMap {namespace}/{name}" if namespace else f"ConfigMap {name}"


def _application_configs(objs: Iterable[dict[str, Any]]) -> Iterable[tuple[dict[str, Any], str, Any]]:
    for obj in objs:
        if not isinstance(obj, dict) or obj.get("kind") != "ConfigMap" or obj.get("apiVersion") != "v1":
            continue
        data = obj.get("data")
        if not isinstance(data, dict):
            continue
        for key in APPLICATION_CONFIG_KEYS:
            if key in data:
                yield obj, key, data[key]


def check_application_configs(objs: list[dict[str, Any]]) -> None:
    """Raise InvalidManifestError naming the first ConfigMap whose application.yml the service would reject.

    Does nothing when the service package is not installed (the generator is usable on its own).
    """
    configs = list(_application_configs(objs))
    if not configs:
        return
    found = _validator()
    if found is None:
        return
    validate, config_error = found
    for obj, key, text in configs:
        resource = _resource_id(obj)
        if not isinstance(text, str):
            raise InvalidManifestError(
                f"data.{key} must be a string, got {type(text).__name__}", resource=resource
            )
        try:
            validate(text)
        except config_error as exc:
            raise InvalidManifestError(
                f"data.{key} is not a configuration LogPilot accepts: {exc}", resource=resource
            ) from None
