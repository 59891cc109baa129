"""Reading the hostPath volumes of a pod and the containers that mount them."""

from __future__ import annotations

from collections.abc import Iterator

from ..models.k8s import core_v1
from .context import Workload


def host_paths(w: Workload) -> Iterator[tuple[str, str, core_v1.Volume]]:
    """(path to the volume, normalised host path, volume) for every hostPath volume of the pod."""
    for v in w.pod.volumes or []:
        raw = v.hostPath.path if v.hostPath else ""
        if raw:
            norm = "/" + "/".join(p for p in raw.split("/") if p and p != ".")
            yield f"{w.spec_path}.volumes[name={v.name}].hostPath.path", norm, v
