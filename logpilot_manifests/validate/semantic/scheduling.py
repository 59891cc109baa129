"""The ``scheduling.k8s.io`` group: PriorityClass (``pkg/apis/scheduling/validation``)."""

from __future__ import annotations

from ...models.k8s import scheduling_v1
from .errors import ErrorList

HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000
SYSTEM_PREFIX = "system-"
# The priority classes the API server creates itself: name -> value (neither is a global default).
SYSTEM_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")


def _system_class_error(name: str, value: int, global_default: bool) -> str | None:
    """Why a `system-` class is not one of the system's own (``IsKnownSystemPriorityClass``), or None."""
    if name not in SYSTEM_PRIORITY_CLASSES:
        return f"{name} is not a known system priority class"
    if value != SYSTEM_PRIORITY_CLASSES[name]:
        return f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
    if global_default:
        return f"globalDefault of {name} PriorityClass must be false"
    return None


def priority_class(obj: scheduling_v1.PriorityClass, errs: ErrorList) -> None:
    name = (obj.metadata.name if obj.metadata else None) or ""
    value = obj.value or 0
    if name.startswith(SYSTEM_PREFIX):
        problem = _system_class_error(name, value, bool(obj.globalDefault))
        if problem:
            errs.forbidden(
                ("metadata", "name"),
                f"priority class names with '{SYSTEM_PREFIX}' prefix are reserved for system use only. "
                f"error: {problem}",
            )
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        errs.forbidden(
            ("value",),
            f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}",
        )
    policy = obj.preemptionPolicy
    if policy == "":
        errs.required(("preemptionPolicy",))
    elif policy is not None and policy not in PREEMPTION_POLICIES:
        errs.not_supported(("preemptionPolicy",), policy, PREEMPTION_POLICIES)
