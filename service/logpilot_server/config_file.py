"""Reading an ``application.yml`` into the settings tree, before (and without) the settings model.

Kept apart from ``config`` so that the manifest generator can read a ConfigMap's configuration and check it
against ``settings.schema.json`` (the JSON schema of ``config.Settings``, kept in sync by a test) without
importing pydantic; ``config`` runs the model on the same tree and remains the authority.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .original_config import (
    OriginalSettingError,
    looks_original,
    resolve_placeholders,
    select_documents,
    translate_yaml,
)

# The JSON schema of the settings model, as application.yml spells the settings (kebab-case).
SCHEMA_PATH = Path(__file__).resolve().parent / "settings.schema.json"


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the setting and where it came from."""


def parse_application_yaml(
    text: str, source: str, environ: Mapping[str, str], notes: list[str]
) -> dict[str, Any]:
    """This service's settings tree from an application.yml, in its own shape or in the original's (settings
    of the original that have no effect here are appended to ``notes``)."""
    try:
        documents: list[Any] = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not documents:
        return {}
    mappings: list[dict[str, Any]] = []
    for document in documents:
        if not isinstance(document, dict):
            raise ConfigError(f"{source}: expected a mapping of settings, got {type(document).__name__}")
        mappings.append(document)
    documents = mappings
    if len(documents) == 1 and not looks_original(documents[0]):
        return documents[0]
    if not all(looks_original(d) for d in documents):
        raise ConfigError(
            f"{source}: several YAML documents are only read in the original LogPilot's layout "
            "(spring.config.activate.on-profile); write one document"
        )
    try:
        merged: dict[str, Any] = {}
        for document in select_documents(documents, environ):
            merged = _deep_merge(merged, resolve_placeholders(document, environ))
        data, no_effect = translate_yaml(merged, environ.get("LOGPILOT_PROTOCOL"))
    except OriginalSettingError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    notes.extend(f"{key} (in {source})" for key in no_effect)
    return data


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
