"""The ``policy`` group: PodDisruptionBudget (``pkg/apis/policy/validation``)."""

from __future__ import annotations

from ...models.k8s import policy_v1
from .common import int_or_percent, not_more_than_100_percent
from .errors import ErrorList
from .meta import validate_label_selector

EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")


def pod_disruption_budget(obj: policy_v1.PodDisruptionBudget, errs: ErrorList) -> None:
    spec = obj.spec or policy_v1.PodDisruptionBudgetSpec()
    if spec.minAvailable is not None and spec.maxUnavailable is not None:
        errs.invalid(("spec",), "", "minAvailable and maxUnavailable cannot be both set")
    for f, value in (("minAvailable", spec.minAvailable), ("maxUnavailable", spec.maxUnavailable)):
        if value is not None:
            int_or_percent(value, ("spec", f), errs)
            not_more_than_100_percent(value, ("spec", f), errs)
    validate_label_selector(spec.selector, ("spec", "selector"), errs)
    policy = spec.unhealthyPodEvictionPolicy
    if policy is not None and policy not in EVICTION_POLICIES:
        errs.not_supported(("spec", "unhealthyPodEvictionPolicy"), policy, EVICTION_POLICIES)
