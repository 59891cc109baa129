"""Static checks of the Dockerfile: the three images the manifests run, non-root, protocol per image."""

from __future__ import annotations

import re
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


def _stages() -> dict[str, str]:
    text = DOCKERFILE.read_text()
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_builds_the_three_images_with_their_protocol() -> None:
    stages = _stages()
    assert {"logpilot", "logpilot-rest", "logpilot-grpc"} <= set(stages)
    assert "LOGPILOT_PROTOCOL=all" in stages["logpilot"]
    assert "LOGPILOT_PROTOCOL=rest" in stages["logpilot-rest"]
    assert "LOGPILOT_PROTOCOL=grpc" in stages["logpilot-grpc"]
    # the rest-only image gets the venv built without the gRPC extra
    assert "/opt/rest" in stages["logpilot-rest"] and "/opt/all" not in stages["logpilot-rest"]
    assert list(stages)[-1] == "logpilot", "the default target is the all-protocol image"


def test_runs_as_non_root_with_a_data_volume() -> None:
    runtime = _stages()["runtime"]
    assert re.search(r"^USER 10001:10001$", runtime, re.M)
    assert "/var/lib/logpilot" in runtime and "VOLUME" in runtime
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime
