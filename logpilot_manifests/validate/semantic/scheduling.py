"""The ``scheduling.k8s.io`` group: PriorityClass (``pkg/apis/scheduling/validation``)."""

from __future__ import annotations

from ...models.k8s import scheduling_v1
from .errors import ErrorList

HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000


def priority_class(obj: scheduling_v1.PriorityClass, errs: ErrorList) -> None:
    if obj.value is not None and obj.value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.forbidden(
            ("value",),
            f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}",
        )
