"""The project's lint configuration, ``.logpilot-lint.yaml``, found from the target upward (up to the folder
holding ``.git``, or the filesystem root)::

    production: [production, production-*, canary]   # environment names (globs) that get production rules
    rules:
      writable-root-filesystem: error                 # a severity, or off / on
      ssh-port: {enabled: false}
    exclude:
      - rule: host-network                            # a rule id, or "*" for every rule
        kind: DaemonSet                               # kind, namespace, name (globs): at least one
        name: node-exporter
        reason: the exporter reads the node's network counters

An invalid file is a usage error (exit code 2) naming the file and the key, with a suggestion for a typo.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..findings import Finding, Severity

CONFIG_FILE = ".logpilot-lint.yaml"
# Without a configuration file, environments named like production get the production rules.
DEFAULT_PRODUCTION = ("prod", "prod-*", "production", "production-*")
_TOP_KEYS = ("production", "rules", "exclude")
_RULE_KEYS = ("enabled", "severity")
_EXCLUDE_KEYS = ("rule", "kind", "namespace", "name", "reason")


class LintConfigError(UsageError):
    """An invalid ``.logpilot-lint.yaml`` (exit code 2)."""


@dataclass(frozen=True, kw_only=True)
class Exclusion:
    rule: str
    reason: str
    kind: str = "*"
    namespace: str = "*"
    name: str = "*"

    def matches(self, f: Finding) -> bool:
        ref = f.resource
        return (
            self.rule in ("*", f.rule)
            and fnmatchcase(ref.kind, self.kind)
            and fnmatchcase(ref.namespace, self.namespace)
            and (fnmatchcase(ref.name, self.name) or fnmatchcase(ref.source_name, self.name))
        )


@dataclass(frozen=True, kw_only=True)
class LintConfig:
    """Rules switched off, severity overrides, exclusions, production environments; empty = defaults."""

    path: Path | None = None
    production: tuple[str, ...] = DEFAULT_PRODUCTION
    disabled: frozenset[str] = frozenset()
    severities: dict[str, Severity] = field(default_factory=dict)
    exclusions: tuple[Exclusion, ...] = ()

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def severity(self, rule_id: str) -> Severity | None:
        return self.severities.get(rule_id)

    def excluded(self, f: Finding) -> bool:
        return any(e.matches(f) for e in self.exclusions)

    def is_production(self, label: str) -> bool:
        """Whether an environment (or a target path, by its last component) counts as production."""
        name = Path(label.rstrip("/")).name
        stem = name.rsplit(".", 1)[0] if "." in name else name  # a rendered file: production.yaml
        return any(fnmatchcase(n.lower(), p.lower()) for p in self.production for n in {name, stem})


def find_config(start: Path) -> Path | None:
    """The nearest ``.logpilot-lint.yaml`` in ``start`` or its parents, not above the repository root."""
    try:
        here = start.resolve()
    except OSError:
        return None
    if not here.is_dir():
        here = here.parent
    for d in (here, *here.parents):
        candidate = d / CONFIG_FILE
        if candidate.is_file():
            return candidate
        if (d / ".git").exists():
            return None
    return None


def load_config(path: Path, rule_ids: set[str], shown: str | None = None) -> LintConfig:
    """Read and check a configuration file against the known rule ids."""
    import yaml

    shown = shown or str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LintConfigError(f"cannot read: {exc.strerror or exc}", file=shown) from None
    except UnicodeDecodeError:
        raise LintConfigError("not UTF-8 text", file=shown) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise LintConfigError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=shown, line=line
        ) from None
    return parse_config(doc, rule_ids, shown, path)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_keys(mapping: dict[Any, Any], allowed: tuple[str, ...], where: str, shown: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise LintConfigError(
                f"{where}: unknown key '{key}'{_suggest(str(key), allowed)}; allowed: {', '.join(allowed)}",
                file=shown,
            )


def _severity(value: Any, where: str, shown: str) -> Severity:
    try:
        return Severity(str(value))
    except ValueError:
        raise LintConfigError(
            f"{where}: severity must be error or warning, not '{value}'{_suggest(str(value), [*Severity])}",
            file=shown,
        ) from None


def _rule_id(value: Any, rule_ids: set[str], where: str, shown: str, *, star: bool = False) -> str:
    rid = str(value)
    if rid not in rule_ids and not (star and rid == "*"):
        raise LintConfigError(f"{where}: unknown rule '{rid}'{_suggest(rid, rule_ids)}", file=shown)
    return rid


def parse_config(doc: Any, rule_ids: set[str], shown: str, path: Path | None = None) -> LintConfig:
    if doc is None:
        return LintConfig(path=path)
    if not isinstance(doc, dict):
        raise LintConfigError("the configuration must be a mapping (production, rules, exclude)", file=shown)
    _check_keys(doc, _TOP_KEYS, "top level", shown)
    production = doc.get("production", list(DEFAULT_PRODUCTION))
    if isinstance(production, str):
        production = [production]
    if not isinstance(production, list) or not all(isinstance(p, str) and p for p in production):
        raise LintConfigError("production: a list of environment names (globs allowed)", file=shown)

    disabled: set[str] = set()
    severities: dict[str, Severity] = {}
    rules = doc.get("rules") or {}
    if not isinstance(rules, dict):
        raise LintConfigError("rules: a mapping of rule id to a setting", file=shown)
    for key, setting in rules.items():
        where = f"rules.{key}"
        rid = _rule_id(key, rule_ids, "rules", shown)
        if isinstance(setting, bool) or setting in ("off", "on"):
            setting = {"enabled": setting in (True, "on")}
        elif isinstance(setting, str):
            setting = {"severity": setting}
        if not isinstance(setting, dict):
            raise LintConfigError(f"{where}: off, on, error, warning or {{enabled, severity}}", file=shown)
        _check_keys(setting, _RULE_KEYS, where, shown)
        if "enabled" in setting:
            if not isinstance(setting["enabled"], bool):
                raise LintConfigError(f"{where}.enabled: true or false", file=shown)
            if not setting["enabled"]:
                disabled.add(rid)
        if "severity" in setting:
            severities[rid] = _severity(setting["severity"], f"{where}.severity", shown)

    exclusions: list[Exclusion] = []
    entries = doc.get("exclude") or []
    if not isinstance(entries, list):
        raise LintConfigError("exclude: a list of {rule, kind, namespace, name, reason}", file=shown)
    for i, entry in enumerate(entries):
        where = f"exclude[{i}]"
        if not isinstance(entry, dict):
            raise LintConfigError(f"{where}: a mapping with rule, reason and kind/namespace/name", file=shown)
        _check_keys(entry, _EXCLUDE_KEYS, where, shown)
        if "rule" not in entry:
            raise LintConfigError(f"{where}: 'rule' is required (a rule id, or \"*\")", file=shown)
        rid = _rule_id(entry["rule"], rule_ids, f"{where}.rule", shown, star=True)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise LintConfigError(
                f"{where}: 'reason' is required: say why this object is an exception", file=shown
            )
        if not any(k in entry for k in ("kind", "namespace", "name")):
            raise LintConfigError(
                f"{where}: name the objects excluded (kind, namespace and/or name)", file=shown
            )
        exclusions.append(
            Exclusion(
                rule=rid,
                reason=reason,
                **{k: str(entry[k]) for k in ("kind", "namespace", "name") if k in entry},
            )
        )
    return LintConfig(
        path=path,
        production=tuple(production),
        disabled=frozenset(disabled),
        severities=severities,
        exclusions=tuple(exclusions),
    )
