"""The original LogPilot's application.yml keys and environment variables: they work, or start-up stops
naming the setting and what replaces it; knobs without an equivalent are listed in one warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from logpilot_server import __version__
from logpilot_server.config import ConfigError, load_settings, validate_application_yaml

from .conftest import server_command

# The original's layout: Spring placeholders, a `logpilot:` tree, profile documents.
ORIGINAL_YAML = """
spring:
  application: {name: logpilot-server}
  jackson:
    serialization: {write-dates-as-timestamps: false}
server:
  port: ${LOGPILOT_HTTP_PORT:8080}
grpc:
  server:
    port: ${LOGPILOT_GRPC_PORT:50051}
logpilot:
  server:
    protocol: ${LOGPILOT_PROTOCOL:all}
    api-key: ${LOGPILOT_API_KEY:from-the-file}
    rate-limit:
      capacity: ${LOGPILOT_RATE_LIMIT_CAPACITY:100}
      refill-tokens: ${LOGPILOT_RATE_LIMIT_REFILL_TOKENS:100}
      refill-duration-seconds: ${LOGPILOT_RATE_LIMIT_REFILL_DURATION:60}
  storage:
    type: ${LOGPILOT_STORAGE_TYPE:sqlite}
    directory: ./data/logs
    sqlite:
      path: ${LOGPILOT_SQLITE_PATH:./data/original.db}
      pooling: {maximum-pool-size: 10}
management:
  endpoints: {web: {exposure: {include: "health,info,metrics,prometheus"}}}
  server:
    port: ${LOGPILOT_MANAGEMENT_PORT:8081}
logging:
  level:
    com.logpilot: ${LOGPILOT_LOG_LEVEL:WARN}
---
spring:
  config: {activate: {on-profile: grpc}}
logpilot:
  server: {protocol: grpc}
server:
  port: -1
"""


def _load(tmp_path: Path, text: str, **env: str) -> tuple[object, list[str]]:
    path = tmp_path / "application.yml"
    path.write_text(text)
    notes: list[str] = []
    return load_settings({"LOGPILOT_CONFIG": str(path), **env}, notes), notes


def test_original_application_yaml_maps_onto_our_settings(tmp_path: Path) -> None:
    settings, notes = _load(tmp_path, ORIGINAL_YAML)
    assert settings.protocol == "all" and settings.http.port == 8080 and settings.grpc.port == 50051  # type: ignore[attr-defined]
    assert settings.api_keys() == [b"from-the-file"]  # type: ignore[attr-defined]
    limit = settings.rate_limit  # type: ignore[attr-defined]
    assert (
        limit.enabled is True and limit.capacity == 100 and limit.refill_per_second == pytest.approx(100 / 60)
    )
    assert settings.storage.type == "sqlite" and settings.storage.sqlite.path == "./data/original.db"  # type: ignore[attr-defined]
    assert settings.logging.level == "WARNING"  # type: ignore[attr-defined]
    joined = " ".join(notes)
    for key in (
        "spring.application.name",
        "pooling.maximum-pool-size",
        "management.endpoints",
        "storage.directory",
    ):
        assert key in joined


def test_placeholders_and_profiles_follow_the_environment(tmp_path: Path) -> None:
    settings, _ = _load(
        tmp_path,
        ORIGINAL_YAML,
        SPRING_PROFILES_ACTIVE="grpc",
        LOGPILOT_GRPC_PORT="6000",
        LOGPILOT_RATE_LIMIT_REFILL_TOKENS="10",
        LOGPILOT_RATE_LIMIT_REFILL_DURATION="5",
    )
    assert settings.protocol == "grpc" and settings.grpc.port == 6000  # type: ignore[attr-defined]
    assert settings.rate_limit.refill_per_second == 2.0  # type: ignore[attr-defined]


def test_original_environment_variables_work_without_a_file() -> None:
    notes: list[str] = []
    settings = load_settings(
        {
            "LOGPILOT_STORAGE_TYPE": "SQLITE",
            "LOGPILOT_RATE_LIMIT_CAPACITY": "7",
            "LOGPILOT_RATE_LIMIT_REFILL_TOKENS": "30",
            "LOGPILOT_RATE_LIMIT_REFILL_DURATION": "60",
            "LOGPILOT_SQLITE_POOL_SIZE": "20",
            "LOGPILOT_STORAGE_DIR": "/data/logs",
            "SPRING_PROFILES_ACTIVE": "rest",
        },
        notes,
    )
    assert settings.storage.type == "sqlite" and settings.protocol == "rest"
    assert settings.rate_limit.enabled and settings.rate_limit.capacity == 7
    assert settings.rate_limit.refill_per_second == 0.5
    assert any("LOGPILOT_SQLITE_POOL_SIZE" in n for n in notes)
    assert any("LOGPILOT_STORAGE_DIR" in n and "logpilot-server import" in n for n in notes)
    assert (
        load_settings(
            {"LOGPILOT_RATE_LIMIT_CAPACITY": "7", "LOGPILOT_RATE_LIMIT_ENABLED": "false"}
        ).rate_limit.enabled
        is False
    )


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"LOGPILOT_STORAGE_TYPE": "file"}, "LOGPILOT_STORAGE_TYPE=file: .*logpilot-server import DIR"),
        ({"SPRING_PROFILES_ACTIVE": "prod"}, "SPRING_PROFILES_ACTIVE=prod: .*set LOGPILOT_PROTOCOL"),
        (
            {"LOGPILOT_RATE_LIMIT_REFILL_TOKENS": "1", "LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND": "2"},
            "keep LOGPILOT_RATE_LIMIT_REFILL_PER_SECOND",
        ),
    ],
)
def test_original_variables_that_cannot_work_stop_start_up_with_the_replacement(
    env: dict[str, str], fragment: str
) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(env)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("logpilot:\n  storage: {type: FILE}\n", "logpilot.storage.type=file: .*import"),
        ("server: {port: -1}\n", "server.port: -1 .*protocol .* to grpc"),
        ("grpc: {server: {enabled: false}}\n", "grpc.server.enabled: false .*to rest"),
        ("logpilot: {server: {apikey: x}}\n", "logpilot.server.apikey is not a setting of the original"),
        ("spring: {jackson: {serialization: {write-dates-as-timestamps: true}}}\n", "only false"),
        (
            "logpilot: {server: {api-key: logpilot-secret-key-123}}\n",
            "published default key, which protects nothing: set LOGPILOT_API_KEY",
        ),
        ("server: {port: '${NO_SUCH_VARIABLE}'}\n", "NO_SUCH_VARIABLE.* no value and no default"),
        (
            "htp: {port: 1}\n",
            "unknown setting htp in application.yml; the settings at this level are: protocol",
        ),
        ("storage: {sqlite: {pth: x}}\n", "unknown setting storage.sqlite.pth .* are: path, synchronous"),
    ],
)
def test_bad_or_unknown_keys_name_the_key_and_the_way_out(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        validate_application_yaml(text)


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*server_command(), *args], capture_output=True, text=True, timeout=30, env=env, check=False
    )


def test_help_and_version_answer_without_starting_a_server() -> None:
    version = _run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"logpilot-server {__version__}"
    helped = _run("--help")
    assert helped.returncode == 0 and "LOGPILOT_CONFIG" in helped.stdout and "import" in helped.stdout
    bad = _run("--bogus")
    assert bad.returncode == 2 and "unrecognized arguments: --bogus" in bad.stderr


def test_file_storage_type_stops_the_real_server_with_exit_2(tmp_path: Path) -> None:
    env = {"LOGPILOT_STORAGE_TYPE": "file", "LOGPILOT_AUTH": "disabled", "PATH": "/usr/bin:/bin"}
    result = _run(env=env)
    assert result.returncode == 2
    assert "LOGPILOT_STORAGE_TYPE=file" in result.stderr and "logpilot-server import" in result.stderr
