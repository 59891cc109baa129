"""The service's settings: one typed model read from `application.yml` and overridden by LOGPILOT_* variables.

The YAML file (path in LOGPILOT_CONFIG) is what the manifests' ConfigMaps mount; the environment variables are
what their `envFrom` and Secret references set. `validate_application_yaml` lets the manifest generator check a
ConfigMap against this very model; the generator first checks `settings.schema.json` (the model's JSON schema,
from `json_schema`) and runs the model only when that check fails, to decide and to say why. Settings that
only exist at run time (API keys, the PostgreSQL DSN, which come from Secrets) are checked by
`Settings.check_startable`, not by the YAML validation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

# ConfigError is defined beside the file reading, and raised and caught under this name too.
from .config_file import SCHEMA_PATH, parse_application_yaml
from .config_file import ConfigError as ConfigError
from .original_config import OriginalSettingError, translate_env


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)


class HttpSettings(_Section):
    """The REST listener."""

    port: int = Field(8080, ge=0, le=65535)
    max_body_bytes: int = Field(8 * 1024 * 1024, ge=1024)
    max_batch_size: int = Field(10_000, ge=1)
    access_log: bool = False
    # A request must arrive whole (headers and body) within this time of its connection opening or of the
    # previous response, and a client must take some of its response within this time while the server waits
    # on it; slower clients are disconnected, so they cannot hold connections for ever.
    request_timeout_seconds: float = Field(30.0, gt=0)


class GrpcSettings(_Section):
    """The gRPC listener."""

    port: int = Field(50051, ge=0, le=65535)
    max_message_bytes: int = Field(8 * 1024 * 1024, ge=1024)
    reflection: bool = True


class ManagementSettings(_Section):
    """Health, info and Prometheus metrics (always started, never authenticated)."""

    port: int = Field(8081, ge=0, le=65535)


class SqliteSettings(_Section):
    """The embedded store: one file in WAL mode."""

    path: str = "data/logpilot.db"
    # NORMAL survives a process crash (kill -9); FULL also survives power loss at the cost of an fsync per commit.
    synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "NORMAL"

    @field_validator("synchronous", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class PostgresSettings(_Section):
    """The shared store for several replicas."""

    dsn: SecretStr | None = None
    pool_min_size: int = Field(1, ge=0)
    pool_max_size: int = Field(8, ge=1)
    connect_timeout_seconds: float = Field(5.0, gt=0)
    statement_timeout_seconds: float = Field(30.0, gt=0)


class StorageSettings(_Section):
    """Which store and its options."""

    type: Literal["sqlite", "postgres"] = "sqlite"
    sqlite: SqliteSettings = SqliteSettings()
    postgres: PostgresSettings = PostgresSettings()

    @field_validator("type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class IngestSettings(_Section):
    """Group commit: how many rows one transaction takes and how many may wait before writes are refused."""

    max_group_rows: int = Field(20_000, ge=1)
    max_pending_rows: int = Field(200_000, ge=1)


class AuthSettings(_Section):
    """API keys for the log endpoints. There is no default key."""

    enabled: bool = True
    api_keys: list[SecretStr] = Field(default_factory=list)


class RateLimitSettings(_Section):
    """A token bucket per API key, counted in requests."""

    enabled: bool = False
    capacity: float = Field(1000.0, gt=0)
    refill_per_second: float = Field(500.0, gt=0)


class LoggingSettings(_Section):
    """The service's own logs."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    format: Literal["json", "text"] = "json"

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.upper()
            return "WARNING" if value == "WARN" else value
        return value


class RetentionLimits(_Section):
    """How long and how many entries one channel keeps; 0 (or absent) means no limit."""

    max_age_days: float = Field(0.0, ge=0)
    max_rows: int = Field(0, ge=0)


class ChannelRetention(_Section):
    """A channel's own limits; an absent key takes the default of `retention`."""

    max_age_days: float | None = Field(None, ge=0)
    max_rows: int | None = Field(None, ge=0)


class RetentionSettings(_Section):
    """Deletes each channel's oldest entries past an age or a count, in the background (core.retention)."""

    max_age_days: float = Field(0.0, ge=0)
    max_rows: int = Field(0, ge=0)
    channels: dict[str, ChannelRetention] = Field(default_factory=dict)
    interval_seconds: float = Field(60.0, gt=0)
    # Rows per delete transaction: small, so a write waits at most for one batch.
    batch_rows: int = Field(1000, ge=1, le=100_000)

    def limits(self, channel: str) -> RetentionLimits:
        own = self.channels.get(channel)
        return RetentionLimits(
            max_age_days=self.max_age_days if own is None or own.max_age_days is None else own.max_age_days,
            max_rows=self.max_rows if own is None or own.max_rows is None else own.max_rows,
        )

    @property
    def enabled(self) -> bool:
        return bool(self.max_age_days or self.max_rows) or any(
            c.max_age_days or c.max_rows for c in self.channels.values()
        )


class ConsumerSettings(_Section):
    """Reads."""

    max_fetch_limit: int = Field(10_000, ge=1)


class Settings(_Section):
    """Everything the service reads at start-up."""

    protocol: Literal["all", "rest", "grpc"] = "all"
    host: str = "0.0.0.0"
    http: HttpSettings = HttpSettings()
    grpc: GrpcSettings = GrpcSettings()
    management: ManagementSettings = ManagementSettings()
    storage: StorageSettings = StorageSettings()
    ingest: IngestSettings = IngestSettings()
    auth: AuthSettings = AuthSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    logging: LoggingSettings = LoggingSettings()
    consumers: ConsumerSettings = ConsumerSettings()
    retention: RetentionSettings = RetentionSettings()
    shutdown_grace_seconds: float = Field(20.0, gt=0)

    @field_validator("protocol", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    def api_keys(self) -> list[bytes]:
        """The configured keys as bytes, ready for constant-time comparison."""
        return [key.get_secret_value().encode() for key in self.auth.api_keys]

    def check_startable(self) -> None:
        """Checks what only the running environment can satisfy (keys and DSN come from Secrets)."""
        if self.auth.enabled and not any(key.get_secret_value() for key in self.auth.api_keys):
            raise ConfigError(
                "no API key configured: set LOGPILOT_API_KEY or LOGPILOT_API_KEYS (comma-separated), "
                "or set LOGPILOT_AUTH=disabled explicitly to run without authentication"
            )
        if self.storage.type == "postgres" and self.storage.postgres.dsn is None:
            raise ConfigError("storage.type is postgres but no DSN is set: set LOGPILOT_POSTGRES_DSN")


# Environment variable -> (path in the YAML tree, kind). Names are the ones the manifests use.
ENV_SETTINGS: dict[str, tuple[tuple[str, ...], str]] = {
    "LOGPILOT_PROTOCOL": (("protocol",), "str"),
    "LOGPILOT_HOST": (("host",), "str"),
    "LOGPILOT_HTTP_PORT": (("http", "port"), "str"),
    "LOGPILOT_MAX_BODY_BYTES": (("http", "max-body-bytes"), "str"),
    "LOGPILOT_MAX_BATCH_SIZE": (("http", "max-batch-size"), "str"),
    "LOGPILOT_ACCESS_LOG": (("http", "access-log"), "str"),
    "LOGPILOT_REQUEST_TIMEOUT_SECONDS": (("http", "request-timeout-seconds"), "str"),
    "LOGPILOT_GRPC_PORT": (("grpc", "port"), "str"),
    "LOGPILOT_GRPC_REFLECTION": (("grpc", "reflection"), "str"),
    "LOGPILOT_GRPC_MAX_MESSAGE_BYTES": (("grpc", "max-message-bytes"), "str"),
    "LOGPILOT_MANAGEMENT_PORT": (("management", "port"), "str"),
    "LOGPILOT_STORAGE_TYPE": (("storage", "type"), "str"),
    "LOGPILOT_SQLITE_PATH": (("storage", "sqlite", "path"), "str"),
    "LOGPILOT_SQLITE_SYNCHRONOUS": (("storage", "sqlite", "synchronous"), "str"),
    "LOGPILOT_POSTGRES_DSN": (("storage", "postgres", "dsn"), "str"),
    "LOGPILOT_POSTGRES_POOL_MIN_SIZE": (("storage", "postgres", "pool-min-size"), "str"),
    "LOGPILOT_POSTGRES_POOL_MAX_SIZE": (("storage", "postgres", "pool-max-size"), "str"),
    "LOGPILOT_AUTH": (("auth", "enabled"), "auth"),
    "LOGPILOT_API_KEY": (("auth", "api-keys"), "keys"),
    "LOGPILOT_API_KEYS": (("auth", "api-keys"), "keys"),
    "LOGPILOT_RATE_LIMIT_ENABLED": (("rate-limit", "enabled"), "str"),
    "LOGPILOT_RATE_LIMIT_CAPACITY": (("rate-limit", "capacity"), "str"),
    "LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND": (("rate-limit", "refill-per-second"), "str"),
    "LOGPILOT_RETENTION_MAX_AGE_DAYS": (("retention", "max-age-days"), "str"),
    "LOGPILOT_RETENTION_MAX_ROWS": (("retention", "max-rows"), "str"),
    "LOGPILOT_RETENTION_INTERVAL_SECONDS": (("retention", "interval-seconds"), "str"),
    "LOGPILOT_LOG_LEVEL": (("logging", "level"), "str"),
    "LOGPILOT_LOG_FORMAT": (("logging", "format"), "str"),
    "LOGPILOT_SHUTDOWN_GRACE_SECONDS": (("shutdown-grace-seconds",), "str"),
}


def _known_keys(path: tuple[str, ...]) -> list[str]:
    """The YAML names of the settings under `path` (kebab-case, as application.yml spells them)."""
    model: Any = Settings
    for part in path:
        field = next((f for n, f in model.model_fields.items() if _kebab(n) == part or n == part), None)
        if (
            field is None
            or not isinstance(field.annotation, type)
            or not issubclass(field.annotation, BaseModel)
        ):
            return []
        model = field.annotation
    return [_kebab(name) for name in model.model_fields]


def _describe(exc: ValidationError, source: str, env_paths: Mapping[tuple[str, ...], str]) -> str:
    problems = []
    for err in exc.errors():
        path = tuple(str(part) for part in err["loc"])
        name = ".".join(path) or "(root)"
        origin = next((env for env_path, env in env_paths.items() if path[: len(env_path)] == env_path), None)
        where = f"{origin} (environment)" if origin else source
        if err["type"] == "extra_forbidden":
            known = ", ".join(_known_keys(path[:-1]))
            problems.append(f"unknown setting {name} in {where}; the settings at this level are: {known}")
            continue
        problems.append(f"invalid setting {name} from {where}: {err['msg']}")
    return "; ".join(problems)


def _validate(data: dict[str, Any], source: str, env_paths: Mapping[tuple[str, ...], str]) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source, env_paths)) from None


def validate_application_yaml(text: str) -> None:
    """Checks an application.yml text against the service's settings model; raises ConfigError if invalid."""
    application_settings(text)


def application_settings(text: str) -> Settings:
    """The settings an application.yml text describes (before LOGPILOT_* variables); ConfigError if invalid."""
    return _validate(parse_application_yaml(text, "application.yml", {}, []), "application.yml", {})


def _apply_env(data: dict[str, Any], environ: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    env_paths: dict[tuple[str, ...], str] = {}
    keys: list[str] = []
    for name, (path, kind) in ENV_SETTINGS.items():
        raw = environ.get(name)
        if raw is None:
            continue
        value: Any = raw
        if kind == "auth":
            lowered = raw.strip().lower()
            if lowered not in ("enabled", "disabled", "true", "false"):
                raise ConfigError(
                    f"invalid setting auth.enabled from {name} (environment): use enabled or disabled"
                )
            value = lowered in ("enabled", "true")
        elif kind == "keys":
            keys.extend(part.strip() for part in raw.split(",") if part.strip())
            env_paths[path] = name
            continue
        node = data
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = value
        env_paths[path] = name
    if keys:
        auth = data.setdefault("auth", {})
        if isinstance(auth, dict):
            existing = auth.get("api-keys", auth.get("api_keys")) or []
            auth.pop("api_keys", None)
            auth["api-keys"] = [*existing, *keys] if isinstance(existing, list) else keys
    return env_paths


def load_settings(environ: Mapping[str, str] | None = None, notes: list[str] | None = None) -> Settings:
    """Reads LOGPILOT_CONFIG (if set) and applies LOGPILOT_* overrides; raises ConfigError naming the setting.

    The original LogPilot's settings are read too (see original_config); those that have no effect here are
    appended to `notes` for the start-up warning.
    """
    notes = [] if notes is None else notes
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    source = "defaults"
    config_path = environ.get("LOGPILOT_CONFIG")
    if config_path:
        path = Path(config_path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read LOGPILOT_CONFIG={config_path}: {exc.strerror}") from None
        source = str(path)
        data = parse_application_yaml(text, source, environ, notes)
    env_paths = _apply_env(data, environ)
    try:
        notes.extend(translate_env(environ, data))
    except OriginalSettingError as exc:
        raise ConfigError(str(exc)) from None
    return _validate(data, source, env_paths)


def json_schema() -> dict[str, Any]:
    """The JSON schema of the settings as application.yml spells them (kebab-case); committed as
    ``settings.schema.json`` by ``make schemas``."""
    return Settings.model_json_schema(by_alias=True)


if __name__ == "__main__":
    import json
    import sys

    SCHEMA_PATH.write_text(json.dumps(json_schema(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH.name}\n")
