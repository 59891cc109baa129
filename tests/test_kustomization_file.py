"""The kustomization file: the fast schema check used by builds must agree with the pydantic model, and
the committed JSON schema must be the one the model generates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from logpilot_manifests.errors import KustomizationError, YamlError
from logpilot_manifests.kustomize import KUSTOMIZATION_FILES
from logpilot_manifests.kustomize.kfile import SCHEMA_PATH, conforms, parse, schema
from logpilot_manifests.kustomize.kustomization import Kustomization, json_schema
from logpilot_manifests.yaml import reader

REPO = Path(__file__).resolve().parent.parent


def pydantic_accepts(data: Any) -> bool:
    try:
        Kustomization.model_validate(data)
    except ValidationError:
        return False
    return True


def test_committed_schema_is_generated_from_the_model() -> None:
    """Regenerate with `python -m logpilot_manifests.kustomize.kustomization` after changing the model."""
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(json.dumps(json_schema()))


def all_kustomization_files() -> list[Path]:
    return sorted(p for n in KUSTOMIZATION_FILES for p in REPO.glob(f"**/{n}") if ".venv" not in p.parts)


@pytest.mark.parametrize("path", all_kustomization_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_fast_check_agrees_with_model_on_every_file_in_the_repo(path: Path) -> None:
    try:
        # read as the build reads a kustomization file: go-yaml v2 (YAML 1.1)
        docs = reader.load_documents(path.read_text(), str(path), v2=True)
    except YamlError:
        # Only the error cases are malformed on purpose, and then the loader must say so as a YAML error.
        assert (path.parent / "expected-error.txt").is_file(), f"{path} does not parse"
        return
    for doc in docs:
        assert conforms(doc, schema()) == pydantic_accepts(doc)


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3), st.floats(allow_nan=False)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = sorted(Kustomization.model_fields)


@st.composite
def near_kustomizations(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly valid kustomizations with random values put in random (known and unknown) places."""
    base: dict[str, Any] = {
        "resources": ["a.yaml"],
        "namePrefix": "p-",
        "labels": [{"pairs": {"a": "b"}, "includeSelectors": True}],
        "images": [{"name": "nginx", "newTag": "1"}],
        "patches": [{"path": "p.yaml", "target": {"kind": "Deployment"}}],
        "configMapGenerator": [{"name": "c", "literals": ["a=b"], "options": {"labels": {"x": "y"}}}],
        "replicas": [{"name": "w", "count": 2}],
    }
    for _ in range(draw(st.integers(1, 3))):
        where = draw(
            st.sampled_from(
                [
                    *FIELDS,
                    "unknownField",
                    "labels.0",
                    "images.0",
                    "patches.0.target",
                    "configMapGenerator.0.options",
                    "replicas.0",
                ]
            )
        )
        key = draw(
            st.sampled_from(
                ["name", "count", "pairs", "kind", "labels", "bogus", "newTag", "includeSelectors"]
            )
        )
        value = draw(VALUES)
        if "." in where:
            node: Any = base
            for part in where.split("."):
                node = node[int(part)] if part.isdigit() else node[part]
            node[key] = value
        else:
            base[where] = value
    return base


@settings(max_examples=400, derandomize=True, deadline=None)
@given(near_kustomizations())
def test_fast_check_agrees_with_model(data: dict[str, Any]) -> None:
    assert conforms(data, schema()) == pydantic_accepts(data)


def test_typo_is_reported_with_file_and_suggestion() -> None:
    with pytest.raises(KustomizationError) as info:
        parse({"resources": ["a.yaml"], "namePrefx": "p-"}, "overlays/x/kustomization.yaml")
    message = str(info.value)
    assert "overlays/x/kustomization.yaml" in message
    assert "namePrefx" in message and "namePrefix" in message


def test_wrong_type_names_the_field() -> None:
    with pytest.raises(KustomizationError) as info:
        parse({"replicas": [{"name": "w", "count": "two"}]}, "k.yaml")
    assert "replicas.0.count" in str(info.value)
