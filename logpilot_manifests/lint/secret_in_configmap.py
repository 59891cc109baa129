"""Secret-looking literals where anyone can read them: in a ConfigMap (rendered, so also configMapGenerator
literals and files) and as ``literals`` of a secretGenerator committed in a kustomization file.
Messages name the key, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import ERROR, Finding, finding
from .context import LintContext

ID = "secret-in-configmap"
SEVERITY = ERROR
SUMMARY = "A secret-looking literal in a ConfigMap or generator"
FIX = "move the value to a Secret created outside git (or a secretGenerator reading an untracked file)"

_SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?|access[_-]?key)$"
)
_SECRET_VALUE = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"),  # a URL with a password in it
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."),  # a JWT
)
# Placeholders and references are not secrets: ${VAR}, $(VAR), <fill-me>, empty, null.
_PLACEHOLDER = re.compile(r"^\s*(|~|null|none|\$\{[^}]*\}|\$\([^)]*\)|<[^>]*>|['\"]{2})\s*$", re.IGNORECASE)
_LINE = re.compile(r"^\s*-?\s*([\"']?)([\w.-]+)\1\s*[:=]\s*(.*?)\s*$")
_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def _last_word(key: str) -> str:
    return re.split(r"[._]", key)[-1] if "." in key else key


def secret_keys(key: str, value: Any) -> list[str]:
    """The keys under ``key`` whose literal value looks secret (the key itself, or keys in a config file)."""
    text = "" if value is None else str(value)
    found: list[str] = []
    key_says_secret = (
        _SECRET_KEY.search(_last_word(key)) and not _PLACEHOLDER.match(text) and "\n" not in text
    )
    if key_says_secret or any(p.search(text) for p in _SECRET_VALUE):
        found.append(key)
    if "\n" in text:
        for line in text.splitlines():
            m = _LINE.match(line)
            if m and _SECRET_KEY.search(m.group(2)) and not _PLACEHOLDER.match(m.group(3)):
                found.append(f"{key}: {m.group(2)}")
    return list(dict.fromkeys(found))


def _kustomization_files(root: Path) -> Iterator[Path]:
    """The kustomization files of ``root`` and of every local base or component it includes."""
    seen: set[Path] = set()
    todo = [root]
    while todo:
        d = todo.pop()
        try:
            d = d.resolve()
        except OSError:
            continue
        if d in seen:
            continue
        seen.add(d)
        f = next((d / n for n in _KUSTOMIZATION_FILES if (d / n).is_file()), None)
        if f is None:
            continue
        yield f
        doc = _load(f)
        for section in ("resources", "components", "bases"):
            for entry in doc.get(section) or []:
                if isinstance(entry, str) and "://" not in entry and (d / entry).is_dir():
                    todo.append(d / entry)


def _load(path: Path) -> dict[str, Any]:
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return doc if isinstance(doc, dict) else {}


def check(ctx: LintContext) -> Iterator[Finding]:
    for cm in ctx.of_kind("ConfigMap"):
        data = cm.obj.get("data")
        for key, value in data.items() if isinstance(data, dict) else []:
            for where in secret_keys(str(key), value):
                yield finding(ID, cm, f'data["{key}"]', f"'{where}' looks like a secret value")
    if ctx.root is None:
        return
    secrets_by_name: dict[str, list[Any]] = {}
    for s in ctx.of_kind("Secret"):
        for name in dict.fromkeys(rid.name for rid in s.all_ids()):
            secrets_by_name.setdefault(name, []).append(s)
    for kfile in _kustomization_files(ctx.root):
        for gen in _load(kfile).get("secretGenerator") or []:
            if not isinstance(gen, dict):
                continue
            for literal in gen.get("literals") or []:
                key, sep, value = str(literal).partition("=")
                if not sep or _PLACEHOLDER.match(value):
                    continue
                name = str(gen.get("name") or "")
                message = (
                    f"secretGenerator '{name}' in {_rel(kfile, ctx.root)} has a literal value for '{key}'"
                )
                targets = secrets_by_name.get(name) or [None]
                for target in targets:
                    yield finding(ID, target, "literals", message, kind="Secret", name=name)


def _rel(path: Path, root: Path) -> str:
    import os

    return os.path.relpath(path, root.resolve())
