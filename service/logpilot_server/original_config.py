"""The original (Java/Spring Boot) LogPilot's settings, read so an upgrade keeps working on its configuration.

Each of the original's `application.yml` keys and environment variables either maps onto this service's
settings, or is reported: a setting whose intent this server cannot honour (file storage, a protocol the
profile contradicts) stops start-up with a message naming it and what replaces it; a tuning knob of a
mechanism this server does not have (HikariCP pooling, Jackson options, Spring logging categories) is
accepted and listed in one start-up warning, so nothing is silently ignored.

The original's `application.yml` is recognised by its shape (`logpilot:`, `spring:`, `server:`,
`grpc: {server: ...}`, `management: {server|endpoints|endpoint|metrics: ...}`, `logging: {level: {...}}`),
may hold several documents selected by `spring.config.activate.on-profile`, and may use Spring's
`${NAME:default}` placeholders, which are resolved from the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any


class OriginalSettingError(ValueError):
    """An original setting this server cannot honour; the message says what replaces it."""


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.\-]+)(?::([^}]*))?\}")
_PROFILES = ("rest", "grpc", "all")


def resolve_placeholders(value: Any, environ: Mapping[str, str]) -> Any:
    """Spring's `${NAME:default}` in strings, from the environment (the default when NAME is unset)."""
    if isinstance(value, dict):
        return {k: resolve_placeholders(v, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_placeholders(v, environ) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = environ.get(name)
        if found is not None:
            return found
        if default is None:
            raise OriginalSettingError(f"placeholder ${{{name}}} has no value and no default")
        return default

    whole = _PLACEHOLDER.fullmatch(value)
    resolved = _PLACEHOLDER.sub(substitute, value)
    if whole is not None:
        # A value that is only a placeholder takes the type YAML would give it (`${PORT:8080}` is a number).
        import yaml

        try:
            return yaml.safe_load(resolved) if resolved.strip() else resolved
        except yaml.YAMLError:
            return resolved
    return resolved


def looks_original(document: Mapping[str, Any]) -> bool:
    """True when a settings document has the original's shape rather than this service's."""
    if any(key in document for key in ("logpilot", "spring", "server")):
        return True
    grpc, management, logging = document.get("grpc"), document.get("management"), document.get("logging")
    if isinstance(grpc, dict) and "server" in grpc:
        return True
    if isinstance(management, dict) and {"server", "endpoints", "endpoint", "metrics"} & set(management):
        return True
    return isinstance(logging, dict) and isinstance(logging.get("level"), dict)


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict) and node:
        flat: dict[str, Any] = {}
        for key, value in node.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: node}


def select_documents(documents: list[dict[str, Any]], environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """Spring's multi-document file: documents without `spring.config.activate.on-profile`, plus those of
    the active profile (SPRING_PROFILES_ACTIVE, else `spring.profiles.active` of the plain documents)."""
    plain = [d for d in documents if not _flatten(d).get("spring.config.activate.on-profile")]
    active = environ.get("SPRING_PROFILES_ACTIVE")
    if active is None:
        for document in plain:
            value = _flatten(document).get("spring.profiles.active")
            if value is not None:
                active = str(value)
    profiles = {p.strip() for p in (active or "").split(",") if p.strip()}
    chosen = []
    for document in documents:
        on = _flatten(document).get("spring.config.activate.on-profile")
        if on is None or str(on) in profiles:
            chosen.append(document)
    return chosen


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _storage_type(value: Any, source: str) -> str:
    kind = str(value).strip().lower()
    if kind == "file":
        raise OriginalSettingError(
            f"{source}=file: the original's file storage (JSON lines per channel) is not supported; "
            "import its directory once with `logpilot-server import DIR` into SQLite or PostgreSQL, "
            "then set the storage type to sqlite or postgres"
        )
    return kind


def _log_level(value: Any) -> str:
    level = str(value).strip().upper()
    return {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL", "OFF": "CRITICAL"}.get(level, level)


class _Translation:
    """Collects this service's settings and the notes for original settings that have no effect."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.no_effect: list[str] = []
        self.refill_tokens: float | None = None
        self.refill_seconds: float | None = None
        self.rate_limit_given = False

    def rate_limit(self) -> None:
        if self.refill_tokens is not None or self.refill_seconds is not None:
            tokens = 100.0 if self.refill_tokens is None else self.refill_tokens
            seconds = 60.0 if self.refill_seconds is None else self.refill_seconds
            if seconds <= 0:
                raise OriginalSettingError("the rate limit's refill duration must be more than 0 seconds")
            _set(self.data, ("rate-limit", "refill-per-second"), tokens / seconds)
        if self.rate_limit_given:
            # The original always applied its rate limit when configured.
            self.data.setdefault("rate-limit", {}).setdefault("enabled", True)


def _number(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise OriginalSettingError(f"{name}: expected a number, got {value!r}") from None


# Keys of the original's application.yml that are tuning knobs of machinery this server does not have.
_NO_EFFECT_PREFIXES = (
    "spring.application.name",
    "spring.jackson.deserialization.",
    "spring.profiles.active",
    "spring.config.activate.on-profile",
    "logpilot.storage.sqlite.pooling.",
    "logpilot.server.port",
    "management.endpoints.",
    "management.endpoint.",
    "management.metrics.",
    "logging.level.",
)


def translate_yaml(document: dict[str, Any], protocol_hint: str | None) -> tuple[dict[str, Any], list[str]]:
    """This service's settings for one merged original document, and the keys that have no effect here."""
    t = _Translation()
    ours = {k: v for k, v in document.items() if not _is_original_key(k, v)}
    flat = _flatten({k: v for k, v in document.items() if _is_original_key(k, v)})
    # The environment's protocol wins over the file's, as it does for every setting.
    protocol = protocol_hint or flat.get("logpilot.server.protocol") or "all"
    handlers: dict[str, Callable[[Any], None]] = {
        "server.port": lambda v: _server_port(t, v, protocol),
        "grpc.server.port": lambda v: _set(t.data, ("grpc", "port"), v),
        "grpc.server.enabled": lambda v: _grpc_enabled(v, protocol),
        "logpilot.server.protocol": lambda v: _set(t.data, ("protocol",), v),
        "logpilot.server.api-key": lambda v: _set(t.data, ("auth", "api-keys"), [_api_key(v)]),
        "logpilot.server.rate-limit.capacity": lambda v: _capacity(t, v),
        "logpilot.server.rate-limit.refill-tokens": lambda v: _refill_tokens(t, v),
        "logpilot.server.rate-limit.refill-duration-seconds": lambda v: _refill_seconds(t, v),
        "logpilot.storage.type": lambda v: _set(
            t.data, ("storage", "type"), _storage_type(v, "logpilot.storage.type")
        ),
        "logpilot.storage.sqlite.path": lambda v: _set(t.data, ("storage", "sqlite", "path"), v),
        "logpilot.storage.directory": lambda v: t.no_effect.append(
            "logpilot.storage.directory (the original's file storage; import it with `logpilot-server import`)"
        ),
        "management.server.port": lambda v: _set(t.data, ("management", "port"), v),
        "logging.level.com.logpilot": lambda v: _set(t.data, ("logging", "level"), _log_level(v)),
        "spring.jackson.serialization.write-dates-as-timestamps": _dates_as_text,
    }
    for key, value in flat.items():
        handler = handlers.get(key)
        if handler is not None:
            handler(value)
        elif any(key == p or (p.endswith(".") and key.startswith(p)) for p in _NO_EFFECT_PREFIXES):
            t.no_effect.append(key)
        else:
            raise OriginalSettingError(
                f"{key} is not a setting of the original LogPilot that this server knows; remove it "
                "(this server's own settings are listed in the README's Configuration section)"
            )
    t.rate_limit()
    for key, value in ours.items():
        if isinstance(value, dict) and isinstance(t.data.get(key), dict):
            t.data[key] = {**t.data[key], **value}
        else:
            t.data[key] = value
    return t.data, t.no_effect


def _is_original_key(key: str, value: Any) -> bool:
    if key in ("logpilot", "spring", "server"):
        return True
    if key == "grpc":
        return isinstance(value, dict) and "server" in value
    if key == "management":
        return isinstance(value, dict) and bool({"server", "endpoints", "endpoint", "metrics"} & set(value))
    if key == "logging":
        return isinstance(value, dict) and isinstance(value.get("level"), dict)
    return False


def _server_port(t: _Translation, value: Any, protocol: Any) -> None:
    if str(value).strip() == "-1":
        if str(protocol).lower() != "grpc":
            raise OriginalSettingError(
                "server.port: -1 turns the REST listener off: set logpilot.server.protocol (or "
                "LOGPILOT_PROTOCOL) to grpc instead"
            )
        return
    _set(t.data, ("http", "port"), value)


def _grpc_enabled(value: Any, protocol: Any) -> None:
    if str(value).strip().lower() == "false" and str(protocol).lower() != "rest":
        raise OriginalSettingError(
            "grpc.server.enabled: false turns gRPC off: set logpilot.server.protocol (or LOGPILOT_PROTOCOL) "
            "to rest instead"
        )


# The original's built-in default key: published in its application.yml, so it protects nothing.
_PUBLIC_DEFAULT_KEY = "logpilot-secret-key-123"


def _api_key(value: Any) -> str:
    key = str(value)
    if key == _PUBLIC_DEFAULT_KEY:
        raise OriginalSettingError(
            "logpilot.server.api-key is the original's published default key, which protects nothing: "
            "set LOGPILOT_API_KEY (or LOGPILOT_API_KEYS) from a Secret"
        )
    return key


def _dates_as_text(value: Any) -> None:
    if str(value).strip().lower() != "false":
        raise OriginalSettingError(
            "spring.jackson.serialization.write-dates-as-timestamps: only false (ISO-8601 text, the "
            "original's setting) is supported; remove it"
        )


def _capacity(t: _Translation, value: Any) -> None:
    _set(t.data, ("rate-limit", "capacity"), _number(value, "logpilot.server.rate-limit.capacity"))
    t.rate_limit_given = True


def _refill_tokens(t: _Translation, value: Any) -> None:
    t.refill_tokens = _number(value, "logpilot.server.rate-limit.refill-tokens")
    t.rate_limit_given = True


def _refill_seconds(t: _Translation, value: Any) -> None:
    t.refill_seconds = _number(value, "logpilot.server.rate-limit.refill-duration-seconds")
    t.rate_limit_given = True


# The original's environment variables with no equivalent here (read by its HikariCP pool, its file storage
# or Spring's gRPC logging), reported in the start-up warning.
NO_EFFECT_ENV = {
    "LOGPILOT_SQLITE_POOL_SIZE": "SQLite uses one writer connection and one per reader thread, no pool",
    "LOGPILOT_SQLITE_MIN_IDLE": "SQLite uses one writer connection and one per reader thread, no pool",
    "LOGPILOT_SQLITE_CONN_TIMEOUT": "SQLite uses one writer connection and one per reader thread, no pool",
    "LOGPILOT_SQLITE_IDLE_TIMEOUT": "SQLite uses one writer connection and one per reader thread, no pool",
    "LOGPILOT_STORAGE_DIR": "the original's file storage; import it once with `logpilot-server import DIR`",
    "LOGPILOT_GRPC_LOG_LEVEL": "LOGPILOT_LOG_LEVEL sets the level of every logger",
}


def translate_env(environ: Mapping[str, str], data: dict[str, Any]) -> list[str]:
    """Applies the original's environment variables that differ from ours onto `data`; returns notes."""
    notes = [f"{name} ({why})" for name, why in NO_EFFECT_ENV.items() if name in environ]
    storage_type = environ.get("LOGPILOT_STORAGE_TYPE")
    if storage_type is not None:
        _set(data, ("storage", "type"), _storage_type(storage_type, "LOGPILOT_STORAGE_TYPE"))
    profile = environ.get("SPRING_PROFILES_ACTIVE")
    if profile is not None and "LOGPILOT_PROTOCOL" not in environ:
        names = [p.strip().lower() for p in profile.split(",") if p.strip()]
        chosen = [p for p in names if p in _PROFILES]
        if len(chosen) > 1 or (names and not chosen):
            raise OriginalSettingError(
                f"SPRING_PROFILES_ACTIVE={profile}: the original's profiles are rest, grpc and all (they set "
                "the protocol); set LOGPILOT_PROTOCOL instead"
            )
        if chosen:
            data["protocol"] = chosen[0]
    tokens = environ.get("LOGPILOT_RATE_LIMIT_REFILL_TOKENS")
    seconds = environ.get("LOGPILOT_RATE_LIMIT_REFILL_DURATION")
    if tokens is not None or seconds is not None:
        if "LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND" in environ:
            raise OriginalSettingError(
                "LOGPILOT_RATE_LIMIT_REFILL_TOKENS/_REFILL_DURATION and LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND "
                "say the same thing twice: keep LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND"
            )
        t = _Translation()
        if tokens is not None:
            t.refill_tokens = _number(tokens, "LOGPILOT_RATE_LIMIT_REFILL_TOKENS")
        if seconds is not None:
            t.refill_seconds = _number(seconds, "LOGPILOT_RATE_LIMIT_REFILL_DURATION")
        t.rate_limit()
        _set(data, ("rate-limit", "refill-per-second"), t.data["rate-limit"]["refill-per-second"])
    if "LOGPILOT_RATE_LIMIT_ENABLED" not in environ and any(
        name in environ
        for name in (
            "LOGPILOT_RATE_LIMIT_CAPACITY",
            "LOGPILOT_RATE_LIMIT_REFILL_TOKENS",
            "LOGPILOT_RATE_LIMIT_REFILL_DURATION",
            "LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND",
        )
    ):
        # A rate-limit value set in the environment means a rate limit, as it did in the original.
        _set(data, ("rate-limit", "enabled"), True)
    return notes
