"""The render-time check that every ConfigMap's application.yml is a configuration the service accepts."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from logpilot_manifests.errors import InvalidManifestError
from logpilot_manifests.typed.appconfig import check_application_configs


def configmap(name: str, data: dict[str, Any], namespace: str | None = "logpilot") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


GOOD = "protocol: rest\nhttp:\n  port: 8080\nlogging:\n  level: info\n"


def test_accepts_a_valid_configuration() -> None:
    check_application_configs([configmap("logpilot-rest-config", {"application.yml": GOOD})])


def test_names_the_configmap_and_the_setting_it_rejects() -> None:
    objs = [
        configmap("logpilot-rest-config", {"application.yml": GOOD}),
        configmap("logpilot-grpc-config", {"application.yml": "protocol: grpc\ngrpc:\n  port: 70000\n"}),
    ]
    with pytest.raises(InvalidManifestError) as info:
        check_application_configs(objs)
    message = str(info.value)
    assert message.startswith("ConfigMap logpilot/logpilot-grpc-config: data.application.yml")
    assert "grpc.port" in message


def test_rejects_unknown_settings_and_bad_yaml() -> None:
    with pytest.raises(InvalidManifestError, match="prtocol"):
        check_application_configs([configmap("c", {"application.yml": "prtocol: all\n"})])
    with pytest.raises(InvalidManifestError, match="not valid YAML"):
        check_application_configs([configmap("c", {"application.yaml": "protocol: [all\n"}, namespace=None)])


def test_rejects_a_non_string_value() -> None:
    with pytest.raises(InvalidManifestError, match="must be a string"):
        check_application_configs([configmap("c", {"application.yml": 42})])


def test_ignores_other_objects_and_keys() -> None:
    check_application_configs(
        [
            configmap("other", {"settings.yml": "protocol: ftp\n"}),
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "s"},
                "data": {"application.yml": "x"},
            },
            {"apiVersion": "example.com/v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}},
        ]
    )


def test_skips_the_check_when_the_service_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes the import fail exactly as if the package were absent.
    monkeypatch.setitem(sys.modules, "logpilot_server.config", None)
    check_application_configs([configmap("c", {"application.yml": "protocol: ftp\n"})])
