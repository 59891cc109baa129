"""The settings model: application.yml, LOGPILOT_* overrides, clear errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from logpilot_server.config import ConfigError, load_settings, validate_application_yaml

FULL = """
protocol: grpc
host: 127.0.0.1
http: {port: 9000, max-body-bytes: 4096, max-batch-size: 10, access-log: true}
grpc: {port: 9001, max-message-bytes: 4096, reflection: false}
management: {port: 9002}
storage:
  type: postgres
  sqlite: {path: /var/lib/logpilot/x.db, synchronous: full}
  postgres: {pool-min-size: 2, pool-max-size: 4}
ingest: {max-group-rows: 100, max-pending-rows: 1000}
auth: {enabled: true}
rate-limit: {enabled: true, capacity: 10, refill-per-second: 5}
logging: {level: warn, format: text}
consumers: {max-fetch-limit: 50}
shutdown-grace-seconds: 5
"""


def test_full_application_yaml_is_read(tmp_path: Path) -> None:
    path = tmp_path / "application.yml"
    path.write_text(FULL)
    settings = load_settings({"LOGPILOT_CONFIG": str(path)})
    assert settings.protocol == "grpc" and settings.http.port == 9000 and settings.grpc.reflection is False
    assert settings.storage.type == "postgres" and settings.storage.sqlite.synchronous == "FULL"
    assert settings.logging.level == "WARNING" and settings.rate_limit.capacity == 10
    validate_application_yaml(FULL)


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "application.yml"
    path.write_text(FULL)
    settings = load_settings(
        {
            "LOGPILOT_CONFIG": str(path),
            "LOGPILOT_PROTOCOL": "REST",
            "LOGPILOT_HTTP_PORT": "8088",
            "LOGPILOT_STORAGE_TYPE": "sqlite",
            "LOGPILOT_SQLITE_PATH": "/tmp/other.db",
            "LOGPILOT_API_KEY": "a",
            "LOGPILOT_API_KEYS": "b, c",
            "LOGPILOT_RATE_LIMIT_ENABLED": "false",
        }
    )
    assert settings.protocol == "rest" and settings.http.port == 8088 and settings.http.max_body_bytes == 4096
    assert settings.storage.type == "sqlite" and settings.storage.sqlite.path == "/tmp/other.db"
    assert settings.api_keys() == [b"a", b"b", b"c"]
    assert settings.rate_limit.enabled is False
    settings.check_startable()


def test_defaults_need_a_key_or_explicitly_disabled_auth() -> None:
    settings = load_settings({})
    assert (settings.protocol, settings.http.port, settings.grpc.port, settings.management.port) == (
        "all",
        8080,
        50051,
        8081,
    )
    with pytest.raises(ConfigError, match="LOGPILOT_AUTH=disabled"):
        settings.check_startable()
    load_settings({"LOGPILOT_AUTH": "disabled"}).check_startable()
    with pytest.raises(ConfigError, match="LOGPILOT_POSTGRES_DSN"):
        load_settings({"LOGPILOT_AUTH": "disabled", "LOGPILOT_STORAGE_TYPE": "postgres"}).check_startable()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("protocol: both\n", "invalid setting protocol from application.yml"),
        ("http:\n  port: 70000\n", "http.port"),
        ("http:\n  prot: 1\n", "http.prot"),
        ("storage:\n  type: mysql\n", "storage.type"),
        ("rate-limit:\n  capacity: -1\n", "rate-limit.capacity"),
        ("- a list\n", "expected a mapping"),
        ("http: [\n", "not valid YAML"),
    ],
)
def test_invalid_application_yaml_is_rejected_naming_the_setting(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_application_yaml(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_invalid_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="LOGPILOT_GRPC_PORT"):
        load_settings({"LOGPILOT_GRPC_PORT": "-1"})
    with pytest.raises(ConfigError, match="LOGPILOT_AUTH"):
        load_settings({"LOGPILOT_AUTH": "maybe"})


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read LOGPILOT_CONFIG"):
        load_settings({"LOGPILOT_CONFIG": str(tmp_path / "absent.yml")})
