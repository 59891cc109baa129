"""Telling secret-looking text from configuration: key names that say "secret", values with the shape of a
credential, and placeholders that are not secrets. Shared by the rules that look for committed secrets."""

from __future__ import annotations

import re

_SECRET_WORD = r"(?:pass(?:word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key)"
_SECRET_KEY = re.compile(rf"(?i){_SECRET_WORD}$")
# Names that mention a secret without holding one (a path to it, the name of the Secret, a switch).
_NOT_A_VALUE = re.compile(r"(?i)(_file|_path|_dir|_name|_ref|_enabled|_length|_ttl)$")
# Credential shapes, each behind a substring test: config files in ConfigMaps can be megabytes of JSON, and a
# substring test is far faster than any regular expression without a literal prefix.
_SECRET_VALUE = (
    ("PRIVATE KEY", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("AKIA", re.compile(r"AKIA[0-9A-Z]{16}\b")),
    ("://", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),  # a URL with a password in it
    ("eyJ", re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")),  # a JWT
    ("gh", re.compile(r"gh[pousr]_[A-Za-z0-9]{36}\b")),  # a GitHub token
    ("xox", re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}")),  # a Slack token
)
_WORDS = ("pass", "secret", "token", "key", "credential")
# Placeholders and references are not secrets: ${VAR}, $(VAR), <fill-me>, empty, null.
_PLACEHOLDER = re.compile(r"^\s*(|~|null|none|\$\{[^}]*\}|\$\([^)]*\)|<[^>]*>|['\"]{2})\s*$", re.IGNORECASE)
# A secret word right before a "key: value" or "key=value" separator: where to look closer (one C-speed pass
# over large config files), then the whole line is read with _LINE.
_SECRET_HINT = re.compile(rf"(?i){_SECRET_WORD}[\"']?[ \t]*[:=]")
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
    return any(quick in text and shape.search(text) for quick, shape in _SECRET_VALUE)


def secret_keys(key: str, text: str) -> list[str]:
    """The keys under ``key`` whose literal value looks secret (the key itself, or keys in a config file)."""
    found: list[str] = []
    key_says_secret = secret_key_name(key) and not is_placeholder(text) and "\n" not in text
    if key_says_secret or secret_value_shape(text):
        found.append(key)
    if "\n" in text:
        seen_lines: set[int] = set()
        lower = text.lower()
        if len(lower) != len(
            text
        ):  # lowering changed offsets (a few Unicode letters): search the text itself
            lower = text
        hints = _SECRET_HINT.finditer(lower) if any(w in lower.lower() for w in _WORDS) else iter(())
        for hint in hints:
            start = text.rfind("\n", 0, hint.start()) + 1
            if start in seen_lines:
                continue
            seen_lines.add(start)
            end = text.find("\n", hint.end())
            m = _LINE.match(text[start : end if end >= 0 else len(text)])
            if m and _SECRET_KEY.search(m.group(2)) and not is_placeholder(m.group(3)):
                found.append(f"{key}: {m.group(2)}")
    return list(dict.fromkeys(found))
