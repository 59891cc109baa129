"""The render-time check that every ConfigMap's application.yml is a configuration the service accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from logpilot_server.config import Settings, json_schema
from logpilot_server.config_file import SCHEMA_PATH, parse_application_yaml
from pydantic import ValidationError

from logpilot_manifests.errors import InvalidManifestError
from logpilot_manifests.schema.conforms import conforms, resolve
from logpilot_manifests.typed.appconfig import ACCEPTED_CACHE, check_application_configs
from logpilot_manifests.validate.cache import cache_dir


def configmap(name: str, data: dict[str, Any], namespace: str | None = "logpilot") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


GOOD = "protocol: rest\nhttp:\n  port: 8080\nlogging:\n  level: info\n"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


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


# --- the fast check: the model's JSON schema, with the model deciding whatever the schema does not accept ---

REPO = Path(__file__).resolve().parent.parent


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def test_committed_settings_schema_is_generated_from_the_model() -> None:
    """Regenerate with `make schemas` after changing the settings model."""
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(json.dumps(json_schema()))


def model_accepts(data: Any) -> bool:
    try:
        Settings.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("path", sorted(REPO.glob("base/**/application.y*ml")), ids=lambda p: p.parent.name)
def test_the_repository_configurations_pass_the_fast_check(path: Path) -> None:
    data = parse_application_yaml(path.read_text(), str(path), {}, [])
    assert conforms(data, schema()) and model_accepts(data)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-70_000, 70_000),
    st.sampled_from([0, 1, 1023, 1024, 65535, 65536, 0.0, 0.5, -0.5, float("inf"), float("nan")]),
    st.sampled_from(
        ["", "all", "ALL", "rest", "json", "info", "INFO", "warn", "NORMAL", "full", "8080", "x"]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.dictionaries(st.sampled_from(["a", "port", "max-rows"]), inner, max_size=2),
    ),
    max_leaves=4,
)


def _paths(s: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every path in the schema, each spelled as application.yml spells it and as the model names it."""
    s = resolve(s, schema())
    out: list[tuple[str, ...]] = []
    for name, sub in (s.get("properties") or {}).items():
        for spelled in {name, name.replace("-", "_")}:
            out.append((*prefix, spelled))
        out.extend(_paths(sub, (*prefix, name)))
    return out


PATHS = _paths(schema()) + [("retention", "channels", "audit", "max-rows"), ("unknown",), ("http", "bogus")]
# the settings themselves, as application.yml spells them (no sections), drawn as often as all paths
SETTINGS = [p for p in PATHS if "_" not in p[-1] and not any(q[: len(p)] == p and q != p for q in PATHS)]


@st.composite
def near_settings(draw: st.DrawFn) -> dict[str, Any]:
    """The production configuration with random values put at random (known and unknown) settings."""
    data: dict[str, Any] = parse_application_yaml(
        (REPO / "base/workloads/all/application.yml").read_text(), "application.yml", {}, []
    )
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(SETTINGS) | st.sampled_from(PATHS))
        node = data
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = draw(st.one_of(SCALARS, VALUES))
    return data


@settings(max_examples=600, derandomize=True, deadline=None)
@given(near_settings())
def test_what_the_schema_accepts_the_model_accepts(data: dict[str, Any]) -> None:
    if conforms(data, schema()):
        assert model_accepts(data)


def test_a_valid_configuration_is_checked_without_importing_pydantic() -> None:
    # (a lowercase level is accepted too, by the model: the schema lists the spelling the model stores)
    text = GOOD.replace("level: info", "level: INFO")
    code = (
        "import sys\n"
        "from logpilot_manifests.typed.appconfig import check_application_configs\n"
        f"check_application_configs([{configmap('c', {'application.yml': text})!r}])\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_an_accepted_configuration_is_remembered_and_a_changed_one_checked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = GOOD.replace("level: info", "level: INFO")
    check_application_configs([configmap("c", {"application.yml": text})])
    assert len(list(cache_dir(ACCEPTED_CACHE).glob("*.json"))) == 1

    def not_read(*_: Any) -> Any:
        raise AssertionError("a configuration accepted before was read again")

    with monkeypatch.context() as patched:
        patched.setattr("logpilot_server.config_file.parse_application_yaml", not_read)
        check_application_configs([configmap("c", {"application.yml": text})])
        with pytest.raises(AssertionError, match="read again"):
            check_application_configs([configmap("c", {"application.yml": text + "host: 0.0.0.0\n"})])
    # what the service rejects is never remembered: it is rejected every time, in the model's words
    for _ in range(2):
        with pytest.raises(InvalidManifestError, match="grpc.port"):
            check_application_configs([configmap("c", {"application.yml": "grpc:\n  port: 70000\n"})])
    assert len(list(cache_dir(ACCEPTED_CACHE).glob("*.json"))) == 1
    # one the model accepts and the schema does not (a lowercase level) is remembered too
    check_application_configs([configmap("c", {"application.yml": GOOD})])
    with monkeypatch.context() as patched:
        patched.setattr("logpilot_manifests.typed.appconfig._validator", not_read)
        check_application_configs([configmap("c", {"application.yml": GOOD})])
    assert len(list(cache_dir(ACCEPTED_CACHE).glob("*.json"))) == 2
