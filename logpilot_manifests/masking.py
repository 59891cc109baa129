"""Masking Secret values for display: ``<secret 1a2b3c4d>``, equal for equal values within one run (so a diff
still shows that a value changed) and unreadable, and unlinkable across runs."""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from typing import Any

# A process-wide key: masked tokens are equal for equal secret values within one run and say nothing about
# the value across runs.
_MASK_KEY = secrets.token_bytes(32)


def mask_token(value: Any) -> str:
    """A stand-in for a secret value: equal values give equal tokens in one run; the value cannot be read back."""
    digest = hmac.new(_MASK_KEY, repr(value).encode(), hashlib.sha256).hexdigest()[:8]
    return f"<secret {digest}>"


def mask_secrets(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with the values of a Secret's ``data`` and ``stringData`` masked (others unchanged)."""
    if obj.get("kind") != "Secret":
        return obj
    out = copy.copy(obj)
    for section in ("data", "stringData"):
        values = obj.get(section)
        if isinstance(values, dict):
            out[section] = {k: mask_token(v) for k, v in values.items()}
        elif section in obj and values is not None:
            # malformed (a list, a string): still secret, so masked whole
            out[section] = mask_token(values)
    return out
