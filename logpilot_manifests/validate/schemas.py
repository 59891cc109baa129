"""The built-in Kubernetes schemas that the kubernetes-validate package bundles, found without importing it.

Each bundled Kubernetes version has two folders (``v1.NN.0-local`` and ``v1.NN.0-local-strict``) holding one
small JSON schema per kind (``deployment-apps-v1.json``) that refers into one large ``_definitions.json``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ManifestError, UsageError

# The base URI the bundled kind schemas use to refer to the shared definitions.
DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
OBJECT_META_REF = DEFINITIONS_URI + "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local$")
_VERSION_ARG = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


# orjson parses several times faster than the standard library, but importing it costs about 2 ms: worth it
# for a large text (the 1.8 MB definitions), or once it is imported anyway; not for the small cache entries a
# run with its caches filled reads.
_LARGE_JSON = 256 * 1024


def loads_json(data: bytes | memoryview) -> Any:
    """Parse JSON: with orjson for a large text or once it is imported, else with the standard library."""
    if len(data) < _LARGE_JSON and "orjson" not in sys.modules:
        return json.loads(bytes(data))
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson ships with the default install
        return json.loads(bytes(data))
    return orjson.loads(data)


@cache
def schema_root() -> Path:
    """The ``kubernetes-json-schema`` folder of the installed kubernetes-validate package."""
    spec = importlib.util.find_spec("kubernetes_validate")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for loc in locations:
        root = Path(loc) / "kubernetes-json-schema"
        if root.is_dir():
            return root
    raise ManifestError(
        "the kubernetes-validate package (which bundles the Kubernetes schemas) is not installed; "
        "reinstall logpilot"
    )


@cache
def bundled_versions() -> tuple[str, ...]:
    """The bundled Kubernetes versions as ``major.minor``, oldest first."""
    found: list[tuple[int, int]] = []
    for p in schema_root().iterdir():
        m = _VERSION_DIR.match(p.name)
        if m and p.is_dir():
            found.append((int(m.group(1)), int(m.group(2))))
    return tuple(f"{a}.{b}" for a, b in sorted(found))


def latest_version() -> str:
    versions = bundled_versions()
    if not versions:
        raise ManifestError(f"no Kubernetes schemas found in {schema_root()}")
    return versions[-1]


def resolve_version(requested: str | None) -> str:
    """Normalise ``--kube-version`` (``1.31``, ``v1.31``, ``1.31.4``) to a bundled ``major.minor``."""
    if not requested:
        return latest_version()
    m = _VERSION_ARG.match(requested.strip())
    version = f"{int(m.group(1))}.{int(m.group(2))}" if m else None
    if version is None or version not in bundled_versions():
        raise UsageError(
            f"--kube-version {requested}: not a bundled Kubernetes version; "
            f"choose one of {', '.join(bundled_versions())}"
        )
    return version


def schema_dir(version: str, strict: bool) -> Path:
    return schema_root() / f"v{version}.0-local{'-strict' if strict else ''}"


def kind_schema_file(version: str, strict: bool, group: str, api_version: str, kind: str) -> Path:
    """Where kubernetes-validate keeps the schema of a kind: ``<kind>-<first group label>-<version>.json``."""
    short_group = group.split(".", 1)[0]
    stem = f"{kind.lower()}-{short_group}-{api_version}" if group else f"{kind.lower()}-{api_version}"
    return schema_dir(version, strict) / f"{stem}.json"


def load_kind_schema(
    version: str, strict: bool, group: str, api_version: str, kind: str
) -> dict[str, Any] | None:
    """The bundled schema of exactly this group/version/kind, or None when Kubernetes ``version`` has none.

    File names drop all but the first label of the group, so the schema's own group-version-kind list is
    checked: ``apps.example.com/v1 Deployment`` must not be validated as ``apps/v1 Deployment``.
    """
    path = kind_schema_file(version, strict, group, api_version, kind)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    schema: dict[str, Any] = loads_json(data)
    gvks = schema.get("x-kubernetes-group-version-kind") or []
    if not any(
        g.get("group", "") == group and g.get("version") == api_version and g.get("kind") == kind
        for g in gvks
    ):
        return None
    return schema


def load_definitions(version: str, strict: bool) -> dict[str, Any]:
    """The shared ``_definitions.json`` of one bundled version (every kind schema refers into it)."""
    path = schema_dir(version, strict) / "_definitions.json"
    try:
        definitions: dict[str, Any] = loads_json(path.read_bytes())
        return definitions
    except OSError as exc:
        raise ManifestError(f"cannot read the bundled Kubernetes schemas: {exc}") from None
