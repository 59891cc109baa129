"""Reading the hostPath volumes of a pod and the containers that mount them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .context import Workload, as_dict, as_list


def host_paths(w: Workload) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path to the volume, normalised host path, volume) for every hostPath volume of the pod."""
    for v in as_list(w.pod_spec.get("volumes")):
        if not isinstance(v, dict):
            continue
        host = as_dict(v.get("hostPath"))
        raw = host.get("path")
        if isinstance(raw, str) and raw:
            norm = "/" + "/".join(p for p in raw.split("/") if p and p != ".")
            yield f"{w.spec_path}.volumes[name={v.get('name', '')}].hostPath.path", norm, v
