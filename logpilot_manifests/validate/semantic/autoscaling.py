"""The ``autoscaling`` group: HorizontalPodAutoscaler v1 and v2 (``pkg/apis/autoscaling/validation``)."""

from __future__ import annotations

from ...models.k8s import autoscaling_v1, autoscaling_v2
from .common import nonnegative_quantity
from .errors import ErrorList
from .names import is_path_segment_name

# A metric's type and the field that holds its source.
METRIC_SOURCES = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "External": "external",
}
TARGET_TYPES = ("AverageValue", "Utilization", "Value")

Spec = autoscaling_v1.HorizontalPodAutoscalerSpec | autoscaling_v2.HorizontalPodAutoscalerSpec


def _replicas_and_target(spec: Spec, errs: ErrorList) -> None:
    low, high = spec.minReplicas, spec.maxReplicas
    if low is not None and low < 1:
        errs.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high < 1:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if low is not None and high < low:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    ref = spec.scaleTargetRef
    for f, value in (("kind", ref.kind), ("name", ref.name)):
        if not value:
            errs.required(("spec", "scaleTargetRef", f))
        else:
            errs.invalid_each(("spec", "scaleTargetRef", f), value, is_path_segment_name(value))


def horizontal_pod_autoscaler_v1(obj: autoscaling_v1.HorizontalPodAutoscaler, errs: ErrorList) -> None:
    _replicas_and_target(obj.spec, errs)
    cpu = obj.spec.targetCPUUtilizationPercentage
    if cpu is not None and cpu < 1:
        errs.invalid(("spec", "targetCPUUtilizationPercentage"), cpu, "must be greater than 0")


def horizontal_pod_autoscaler_v2(obj: autoscaling_v2.HorizontalPodAutoscaler, errs: ErrorList) -> None:
    _replicas_and_target(obj.spec, errs)
    for i, metric in enumerate(obj.spec.metrics or ()):
        here = ("spec", "metrics", i)
        field = METRIC_SOURCES.get(metric.type)
        if field is None:
            errs.not_supported((*here, "type"), metric.type, sorted(METRIC_SOURCES))
            continue
        source = getattr(metric, field)
        if source is None:
            errs.required((*here, field), "must populate information for the given metric source")
        for other in METRIC_SOURCES.values():
            if other != field and getattr(metric, other) is not None:
                errs.forbidden((*here, other), "must populate the given metric source only")
        if source is None:
            continue
        target: autoscaling_v2.MetricTarget = source.target
        tpath = (*here, field, "target")
        if target.type not in TARGET_TYPES:
            errs.not_supported((*tpath, "type"), target.type, TARGET_TYPES)
        if target.averageUtilization is not None and target.averageUtilization < 1:
            errs.invalid((*tpath, "averageUtilization"), target.averageUtilization, "must be greater than 0")
        for f, value in (("value", target.value), ("averageValue", target.averageValue)):
            if value is not None:
                nonnegative_quantity(value, (*tpath, f), errs)
