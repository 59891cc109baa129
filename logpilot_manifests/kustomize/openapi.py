"""``openapi``: the schema strategic merge uses, as a kustomization chooses it.

``path`` names a schema file (JSON or YAML, with ``definitions`` carrying ``x-kubernetes-group-version-kind``
and the patch strategies and merge keys of custom kinds); kustomize then merges with that file alone.
``version`` names a built-in schema: kustomize v5.5.0 has one, v1.21.2, which is what is used anyway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import KustomizationError, YamlError
from .documents import load_documents
from .loader import Loader

BUILTIN_VERSION = "v1.21.2"


def custom_schema(ldr: Loader, field: Mapping[str, str], source: str) -> dict[str, Any] | None:
    """The definitions of the schema file ``field`` names, or None when it keeps the built-in schema."""
    path, version = field.get("path"), field.get("version")
    if path:
        if version:
            raise KustomizationError(
                "openapi: builtin version and custom schema provided, cannot use both", file=source
            )
        text, shown = ldr.read_text(path)
        try:
            data = json.loads(text) if text.lstrip().startswith("{") else _first(text, shown)
        except (ValueError, YamlError) as exc:
            raise KustomizationError(f"invalid schema file: {exc}", file=shown) from None
        definitions = data.get("definitions") if isinstance(data, dict) else None
        if not isinstance(definitions, dict):
            raise KustomizationError("invalid schema file: no 'definitions' map", file=shown)
        return definitions
    if version and version != BUILTIN_VERSION:
        raise KustomizationError(
            f"openapi: the specified OpenAPI version '{version}' is not built in (kustomize has {BUILTIN_VERSION})",
            file=source,
        )
    return None


def _first(text: str, shown: str) -> Any:
    docs = load_documents(text, shown)
    return docs[0] if docs else None
