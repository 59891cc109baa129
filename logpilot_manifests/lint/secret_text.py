"""Telling secret-looking text from configuration: key names that say "secret", values with the shape of a
credential, and placeholders that are not secrets. Shared by the rules that look for committed secrets."""

from __future__ import annotations

import re
from typing import Any

_SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key)$"
)
# Names that mention a secret without holding one (a path to it, the name of the Secret, a switch).
_NOT_A_VALUE = re.compile(r"(?i)(_file|_path|_dir|_name|_ref|_enabled|_length|_ttl)$")
_SECRET_VALUE = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"),  # a URL with a password in it
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."),  # a JWT
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),  # a GitHub token
    re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),  # a Slack token
)
# Placeholders and references are not secrets: ${VAR}, $(VAR), <fill-me>, empty, null.
_PLACEHOLDER = re.compile(r"^\s*(|~|null|none|\$\{[^}]*\}|\$\([^)]*\)|<[^>]*>|['\"]{2})\s*$", re.IGNORECASE)
_LINE = re.compile(r"^\s*-?\s*([\"']?)([\w.-]+)\1\s*[:=]\s*(.*?)\s*$")


def _last_word(key: str) -> str:
    return re.split(r"[._]", key)[-1] if "." in key else key


def is_placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value))


def secret_key_name(key: str) -> bool:
    """Whether a variable or data key's name says it holds a secret (``DB_PASSWORD``, ``api-key``)."""
    return bool(_SECRET_KEY.search(_last_word(key))) and not _NOT_A_VALUE.search(key)


def secret_value_shape(text: str) -> bool:
    """Whether a value has the shape of a credential whatever its key (a private key, a URL with a password)."""
    return any(p.search(text) for p in _SECRET_VALUE)


def secret_keys(key: str, value: Any) -> list[str]:
    """The keys under ``key`` whose literal value looks secret (the key itself, or keys in a config file)."""
    text = "" if value is None else str(value)
    found: list[str] = []
    key_says_secret = secret_key_name(key) and not is_placeholder(text) and "\n" not in text
    if key_says_secret or secret_value_shape(text):
        found.append(key)
    if "\n" in text:
        for line in text.splitlines():
            m = _LINE.match(line)
            if m and _SECRET_KEY.search(m.group(2)) and not is_placeholder(m.group(3)):
                found.append(f"{key}: {m.group(2)}")
    return list(dict.fromkeys(found))
