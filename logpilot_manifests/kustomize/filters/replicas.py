"""replicas: set the replica count of the named objects at the replica field specs of their kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ...errors import BuildError
from ..fieldspec import FieldSpec, visit
from ..resource import Resource

if TYPE_CHECKING:
    from ..plugins import Replica


def set_replicas(
    resources: list[Resource], replica: Replica, specs: Iterable[FieldSpec], source: str
) -> None:
    """Every object that has had the replica's name, for each spec naming its kind (kustomize matches any
    of its ids); none at all is an error."""
    specs = tuple(specs)

    def setter(parent: dict[str, Any], key: str) -> None:
        parent[key] = replica.count

    found = False
    for spec in specs:
        for res in resources:
            if any(
                i.name == replica.name and spec.selects(i.group, i.version, i.kind) for i in res.all_ids()
            ):
                found = True
                visit(res.obj, spec.path, setter, spec.create)
    if not found:
        kinds = ", ".join(dict.fromkeys(s.kind or "any kind" for s in specs)) or "no kind"
        raise BuildError(
            f"replicas: no resource named '{replica.name}' of a kind the replica field specs cover ({kinds})",
            file=source,
        )
