"""The resources of a build so far, in order, with kustomize's id-conflict checks, and what a kustomization
hands up to the one that includes it besides its resources: the merged transformer configuration and the
declared vars."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import BuildError
from .generators import merge_generated
from .resource import ResId, Resource
from .tconfig import EMPTY, TransformerConfig

if TYPE_CHECKING:
    from .vars import Var


def id_key(rid: ResId) -> tuple[str, str, str, str, str]:
    return (rid.group, rid.version, rid.kind, rid.name, rid.effective_namespace)


class Accumulator:
    """``items`` in build order; ``config`` the transformer configuration merged so far; ``vars`` the vars."""

    def __init__(self) -> None:
        self.items: list[Resource] = []
        self.config: TransformerConfig = EMPTY
        self.vars: list[Var] = []

    def _current_index(self) -> dict[tuple[str, str, str, str, str], Resource]:
        return {id_key(r.id): r for r in self.items}

    def append_all(self, resources: Iterable[Resource]) -> None:
        index = self._current_index()
        for res in resources:
            key = id_key(res.id)
            other = index.get(key)
            if other is not None:
                rid = res.id
                raise BuildError(
                    f"may not add resource with an already registered id: {rid.kind} '{rid.name}'"
                    + (f" in namespace '{rid.namespace}'" if rid.namespace else "")
                    + f" (from {other.origin or '?'} and {res.origin or '?'})"
                )
            index[key] = res
            self.items.append(res)

    def merge_config(self, config: TransformerConfig) -> None:
        self.config = self.config.merge(config)

    def absorb(self, other: Accumulator) -> None:
        """Take in a base's resources, configuration and vars (kustomize's MergeAccumulator)."""
        self.append_all(other.items)
        self.merge_config(other.config)
        if other.vars:
            from .vars import merge_var_sets

            self.vars = merge_var_sets(self.vars, other.vars)

    def matching_any_id(self, rid: ResId) -> list[Resource]:
        key = id_key(rid)
        return [r for r in self.items if any(id_key(i) == key for i in r.all_ids())]

    def absorb_generated(self, res: Resource, source: str) -> None:
        assert res.generator is not None
        matches = self.matching_any_id(res.id)
        behavior = res.generator.behavior
        what = f"{res.kind} '{res.name}'"
        if not matches:
            if behavior in ("merge", "replace"):
                raise BuildError(f"{what} does not exist in any base; cannot {behavior} it", file=source)
            self.append_all([res])
            return
        if len(matches) > 1:
            raise BuildError(f"several objects could accept the {behavior} of {what}", file=source)
        old = matches[0]
        if behavior not in ("merge", "replace"):
            raise BuildError(
                f"{what} already exists (from {old.origin or '?'}); its generator's behavior must be merge or replace",
                file=source,
            )
        merge_generated(res, old)
        self.items[self.items.index(old)] = res
