"""replicas: set spec.replicas of the named workloads."""

from __future__ import annotations

from ...errors import BuildError
from ..kfile import View
from ..resource import Resource
from ..specs import REPLICA_KINDS


def set_replicas(resources: list[Resource], replicas: list[View], source: str) -> None:
    kinds = {kind for _, _, kind in REPLICA_KINDS}
    for rep in replicas:
        found = False
        for res in resources:
            if res.kind in kinds and any(i.name == rep.name for i in res.all_ids()):
                spec = res.obj.get("spec")
                if not isinstance(spec, dict):
                    spec = {}
                    res.obj["spec"] = spec
                spec["replicas"] = rep.count
                found = True
        if not found:
            raise BuildError(
                f"replicas: no Deployment, ReplicationController, ReplicaSet or StatefulSet named '{rep.name}'",
                file=source,
            )
