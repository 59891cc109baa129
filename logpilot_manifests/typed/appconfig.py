"""The service's configuration inside ConfigMaps, checked against the very model the service loads.

A ConfigMap carrying an ``application.yml`` (or ``application.yaml``) key is LogPilot's configuration file;
if ``logpilot_server`` is installed, its ``validate_application_yaml`` decides whether the service would
start with it, so a configuration the service would reject never renders. The service reads the file with
``config_file`` and checks it with its pydantic model; here the file is read the same way and checked against
the model's JSON schema (``settings.schema.json``) first, and the model, whose import costs more than a
whole render, runs only for a configuration that check does not accept: to decide, and to say why. A
configuration accepted once (by the schema or by the model) is remembered in the user's cache, by its text
and by the files that read and check it; a rejected one is checked every time.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import InvalidManifestError
from ..schema import conforms as conforms_module
from ..schema.conforms import conforms
from ..validate.cache import cache_read, cache_write, file_stamp

# The ConfigMap keys the service reads as its configuration file (LOGPILOT_CONFIG points at one of them).
APPLICATION_CONFIG_KEYS = ("application.yml", "application.yaml")
CONFIG_MODULE = "logpilot_server.config"
CONFIG_FILE_MODULE = "logpilot_server.config_file"
ACCEPTED_CACHE = "accepted-app-configs"
# Raise it whenever what makes up the key changes.
_FORMAT = b"accepted-app-configs-1"


def _service_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only a missing service package means "skip"; a broken import inside it is a real error.
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _validator() -> tuple[Callable[[str], None], type[Exception]] | None:
    """The service's validation function and the error it raises, or None when the service is not installed."""
    module = _service_module(CONFIG_MODULE)
    if module is None:
        return None
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


def _accepted_by_schema(reader: ModuleType, text: str, schema: dict[str, Any]) -> bool:
    """Whether the file, read as the service reads it, satisfies the model's JSON schema; when it does not
    (or cannot be read), the model decides."""
    try:
        data = reader.parse_application_yaml(text, "application.yml", {}, [])
    except reader.ConfigError:
        return False
    return conforms(data, schema)


def _accepted_key(reader: ModuleType, text: str) -> str:
    """The key of an accepted configuration: its text, the service's reading code (``config_file`` and the
    original layout's translation), the schema, the model, the check and the YAML library."""
    import hashlib

    import yaml

    here = Path(str(reader.__file__))
    files = (
        here,
        here.with_name("original_config.py"),
        here.with_name("config.py"),
        reader.SCHEMA_PATH,
        conforms_module.__file__,
        yaml.__file__,
    )
    h = hashlib.sha256(_FORMAT)
    for f in files:
        h.update(file_stamp(str(f)))
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def check_application_configs(objs: list[dict[str, Any]]) -> None:
    """Raise InvalidManifestError naming the first ConfigMap whose application.yml the service would reject.

    Does nothing when the service package is not installed (the generator is usable on its own).
    """
    configs = list(_application_configs(objs))
    if not configs:
        return
    reader = _service_module(CONFIG_FILE_MODULE)
    if reader is None:
        return
    schema: dict[str, Any] | None = None
    for obj, key, text in configs:
        resource = _resource_id(obj)
        if not isinstance(text, str):
            raise InvalidManifestError(
                f"data.{key} must be a string, got {type(text).__name__}", resource=resource
            )
        remembered = _accepted_key(reader, text)
        if cache_read(ACCEPTED_CACHE, remembered) is not None:
            continue
        schema = schema or json.loads(reader.SCHEMA_PATH.read_bytes())
        if _accepted_by_schema(reader, text, schema):
            cache_write(ACCEPTED_CACHE, remembered, [])
            continue
        found = _validator()
        if found is None:
            return
        validate, config_error = found
        try:
            validate(text)
        except config_error as exc:
            raise InvalidManifestError(
                f"data.{key} is not a configuration LogPilot accepts: {exc}", resource=resource
            ) from None
        cache_write(ACCEPTED_CACHE, remembered, [])
