"""Secret-looking literals where anyone can read them: in a ConfigMap (rendered, so also configMapGenerator
literals and files) and as ``literals`` of a secretGenerator committed in a kustomization file (the build
records which keys came from literals). Messages name the key, never the value."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from ..findings import Finding
from ..models.k8s import core_v1
from .context import LintContext
from .rule import ERROR, Rule
from .secret_text import is_placeholder, secret_keys


def _decoded(value: str) -> str:
    try:
        return base64.b64decode(value, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def check(ctx: LintContext) -> Iterator[Finding]:
    for cm, config_map in ctx.models("ConfigMap", core_v1.ConfigMap):
        for key, value in (config_map.data or {}).items():
            for where in secret_keys(key, value):
                yield RULE.finding(cm, f'data["{key}"]', f"'{where}' looks like a secret value")
    for secret, model in ctx.models("Secret", core_v1.Secret):
        if secret.generator is None:
            continue
        data = model.data or {}
        name = secret.orig_id().name
        for key in secret.generator.literal_keys:
            if key in data and not is_placeholder(_decoded(data[key])):
                yield RULE.finding(
                    secret,
                    f'data["{key}"]',
                    f"secretGenerator '{name}' in {secret.origin} has a literal value for '{key}'",
                )


RULE = Rule(
    id="secret-in-configmap",
    severity=ERROR,
    summary="A secret-looking literal in a ConfigMap or generator",
    description=(
        "ConfigMaps are readable by anyone who can read the namespace's configuration and are committed in "
        "plain text; a secretGenerator literal is committed in the kustomization file. Keys named like "
        "secrets (password, token, api-key...) with a non-placeholder value, and values shaped like "
        "credentials (private keys, AWS keys, URLs with a password, JWTs), are flagged."
    ),
    fix="move the value to a Secret created outside git (or a secretGenerator reading an untracked file)",
    kinds=("ConfigMap", "Secret"),
    tags=("security", "secrets"),
    check=check,
)
