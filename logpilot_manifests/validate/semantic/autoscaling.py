"""The ``autoscaling`` group: HorizontalPodAutoscaler v1 and v2 (``pkg/apis/autoscaling/validation``).

A v2 autoscaler's behavior is validated after defaulting: a scaling rule left without ``policies``,
``selectPolicy`` or ``stabilizationWindowSeconds`` gets the defaults, so only values written are judged
(an explicitly empty policy list stays empty and is refused).
"""

from __future__ import annotations

from ...models.k8s import autoscaling_v1, autoscaling_v2
from .common import quantity
from .errors import ErrorList, Path
from .names import STANDARD_CONTAINER_RESOURCES, is_dns1123_label, is_path_segment_name, is_qualified_name

# A metric's type and the field that holds its source, in the order the API server looks at the sources.
METRIC_SOURCES = {
    "Object": "object",
    "External": "external",
    "Pods": "pods",
    "Resource": "resource",
    "ContainerResource": "containerResource",
}
TARGET_TYPES = ("Utilization", "Value", "AverageValue")
SELECT_POLICIES = ("Disabled", "Max", "Min")
SCALING_POLICY_TYPES = ("Percent", "Pods")
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600

Spec = autoscaling_v1.HorizontalPodAutoscalerSpec | autoscaling_v2.HorizontalPodAutoscalerSpec
Reference = autoscaling_v1.CrossVersionObjectReference | autoscaling_v2.CrossVersionObjectReference
Source = (
    autoscaling_v2.ObjectMetricSource
    | autoscaling_v2.ExternalMetricSource
    | autoscaling_v2.PodsMetricSource
    | autoscaling_v2.ResourceMetricSource
    | autoscaling_v2.ContainerResourceMetricSource
)


def _object_reference(ref: Reference, path: Path, errs: ErrorList) -> None:
    for f, value in (("kind", ref.kind), ("name", ref.name)):
        if not value:
            errs.required((*path, f))
        else:
            errs.invalid_each((*path, f), value, is_path_segment_name(value))


def _replicas_and_target(spec: Spec, errs: ErrorList) -> None:
    low, high = spec.minReplicas, spec.maxReplicas
    if low is not None and low < 1:
        errs.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high < 1:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if low is not None and high < low:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    _object_reference(spec.scaleTargetRef, ("spec", "scaleTargetRef"), errs)


def horizontal_pod_autoscaler_v1(obj: autoscaling_v1.HorizontalPodAutoscaler, errs: ErrorList) -> None:
    _replicas_and_target(obj.spec, errs)
    cpu = obj.spec.targetCPUUtilizationPercentage
    if cpu is not None and cpu < 1:
        errs.invalid(("spec", "targetCPUUtilizationPercentage"), cpu, "must be greater than 0")


def _metric_target(target: autoscaling_v2.MetricTarget, path: Path, errs: ErrorList) -> None:
    if not target.type:
        errs.required((*path, "type"), "must specify a metric target type")
    if target.type not in TARGET_TYPES:
        errs.invalid((*path, "type"), target.type, "must be either Utilization, Value, or AverageValue")
    for f, value in (("value", target.value), ("averageValue", target.averageValue)):
        if value is None:
            continue
        q = quantity(value, (*path, f), errs)
        if q is not None and q.value <= 0:
            errs.invalid((*path, f), str(q), "must be positive")
    if target.averageUtilization is not None and target.averageUtilization < 1:
        errs.invalid((*path, "averageUtilization"), target.averageUtilization, "must be greater than 0")


def _metric_name(metric: autoscaling_v2.MetricIdentifier, path: Path, errs: ErrorList) -> None:
    if not metric.name:
        errs.required((*path, "name"), "must specify a metric name")
    else:
        errs.invalid_each((*path, "name"), metric.name, is_path_segment_name(metric.name))


def _container_resource_name(name: str, path: Path, errs: ErrorList) -> None:
    if "/" in name:
        errs.invalid_each(path, name, is_qualified_name(name))
    elif name not in STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
        errs.invalid(path, name, "must be a standard resource for containers")


def _source(field: str, source: Source, path: Path, errs: ErrorList) -> None:
    """One metric source: what it names and its target, with the values each kind of source needs."""
    target = source.target
    tpath = (*path, "target")
    if isinstance(source, autoscaling_v2.ObjectMetricSource):
        _object_reference(source.describedObject, (*path, "describedObject"), errs)
    if isinstance(
        source,
        autoscaling_v2.ObjectMetricSource
        | autoscaling_v2.ExternalMetricSource
        | autoscaling_v2.PodsMetricSource,
    ):
        _metric_name(source.metric, (*path, "metric"), errs)
    if isinstance(source, autoscaling_v2.ContainerResourceMetricSource):
        if not source.name:
            errs.required((*path, "name"), "must specify a resource name")
        else:
            _container_resource_name(source.name, (*path, "name"), errs)
        if not source.container:
            errs.required((*path, "container"), "must specify a container")
        else:
            errs.invalid_each((*path, "container"), source.container, is_dns1123_label(source.container))
    if isinstance(source, autoscaling_v2.ResourceMetricSource) and not source.name:
        errs.required((*path, "name"), "must specify a resource name")
    _metric_target(target, tpath, errs)
    if field == "object" and target.value is None and target.averageValue is None:
        errs.required((*tpath, "averageValue"), "must set either a target value or averageValue")
    elif field == "external":
        if target.value is None and target.averageValue is None:
            errs.required(
                (*tpath, "averageValue"), "must set either a target value for metric or a per-pod target"
            )
        if target.value is not None and target.averageValue is not None:
            errs.forbidden(
                (*tpath, "value"), "may not set both a target value for metric and a per-pod target"
            )
    elif field == "pods" and target.averageValue is None:
        errs.required((*tpath, "averageValue"), "must specify a positive target averageValue")
    elif field in ("resource", "containerResource"):
        if target.averageUtilization is None and target.averageValue is None:
            errs.required(
                (*tpath, "averageUtilization"), "must set either a target raw value or a target utilization"
            )
        if target.averageUtilization is not None and target.averageValue is not None:
            errs.forbidden(
                (*tpath, "averageValue"), "may not set both a target raw value and a target utilization"
            )


def _metric(metric: autoscaling_v2.MetricSpec, path: Path, errs: ErrorList) -> None:
    """The type names a known source; that source, and no other, is given. Only the first source given
    (in the API server's order) is validated."""
    if not metric.type:
        errs.required((*path, "type"), "must specify a metric source type")
    expected = METRIC_SOURCES.get(metric.type)
    if expected is None:
        errs.not_supported((*path, "type"), metric.type, sorted(METRIC_SOURCES))
    present = [f for f in METRIC_SOURCES.values() if getattr(metric, f) is not None]
    if present:
        _source(present[0], getattr(metric, present[0]), (*path, present[0]), errs)
    if expected is not None and getattr(metric, expected) is None:
        errs.required((*path, expected), "must populate information for the given metric source")
    if len(present) != 1:
        for f in present:
            if f != expected:
                errs.forbidden((*path, f), "must populate the given metric source only")


def _scaling_rules(rules: autoscaling_v2.HPAScalingRules | None, path: Path, errs: ErrorList) -> None:
    if rules is None:
        return
    window = rules.stabilizationWindowSeconds
    if window is not None and window < 0:
        errs.invalid((*path, "stabilizationWindowSeconds"), window, "must be greater than or equal to zero")
    if window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.invalid(
            (*path, "stabilizationWindowSeconds"),
            window,
            f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}",
        )
    if rules.selectPolicy is not None and rules.selectPolicy not in SELECT_POLICIES:
        errs.not_supported((*path, "selectPolicy"), rules.selectPolicy, SELECT_POLICIES)
    if rules.policies is not None and not rules.policies:
        errs.required((*path, "policies"), "must specify at least one Policy")
    for i, policy in enumerate(rules.policies or ()):
        here = (*path, "policies", i)
        if policy.type not in SCALING_POLICY_TYPES:
            errs.not_supported((*here, "type"), policy.type, SCALING_POLICY_TYPES)
        if policy.value <= 0:
            errs.invalid((*here, "value"), policy.value, "must be greater than zero")
        if policy.periodSeconds <= 0:
            errs.invalid((*here, "periodSeconds"), policy.periodSeconds, "must be greater than zero")
        if policy.periodSeconds > MAX_PERIOD_SECONDS:
            errs.invalid(
                (*here, "periodSeconds"),
                policy.periodSeconds,
                f"must be less than or equal to {MAX_PERIOD_SECONDS}",
            )


def horizontal_pod_autoscaler_v2(obj: autoscaling_v2.HorizontalPodAutoscaler, errs: ErrorList) -> None:
    spec = obj.spec
    _replicas_and_target(spec, errs)
    for i, metric in enumerate(spec.metrics or ()):
        _metric(metric, ("spec", "metrics", i), errs)
    if spec.minReplicas == 0 and not any(m.type in ("Object", "External") for m in spec.metrics or ()):
        errs.forbidden(
            ("spec", "metrics"),
            "must specify at least one Object or External metric to support scaling to zero replicas",
        )
    if spec.behavior is not None:
        _scaling_rules(spec.behavior.scaleUp, ("spec", "behavior", "scaleUp"), errs)
        _scaling_rules(spec.behavior.scaleDown, ("spec", "behavior", "scaleDown"), errs)
