"""The ``apps`` group: Deployment, ReplicaSet, DaemonSet, StatefulSet (``pkg/apis/apps/validation``)."""

from __future__ import annotations

from collections.abc import Sequence

from ...models.k8s import apps_v1, core_v1, meta_v1
from ...models.selectors import selector_is_empty, selector_matches
from .common import IntOrString, int_or_percent, nonnegative, not_more_than_100_percent
from .core import pvc_spec
from .errors import ErrorList, Path
from .meta import validate_label_selector
from .names import is_dns1123_label
from .pod import pod_quantities, validate_pod_template


def selector_and_template(
    selector: meta_v1.LabelSelector,
    template: core_v1.PodTemplateSpec | None,
    errs: ErrorList,
    owner: str,
    *,
    restart_policies: Sequence[str],
    pod_spec: bool = True,
) -> None:
    """The selector is valid, not empty, and selects the template's labels."""
    validate_label_selector(selector, ("spec", "selector"), errs)
    empty = selector_is_empty(selector)
    if empty:
        errs.invalid(("spec", "selector"), selector, f"empty selector is invalid for {owner}")
    labels = (template.metadata.labels if template and template.metadata else None) or {}
    if not empty and not selector_matches(selector, labels):
        errs.invalid(
            ("spec", "template", "metadata", "labels"), labels, "`selector` does not match template `labels`"
        )
    validate_pod_template(
        template, ("spec", "template"), errs, restart_policies=restart_policies, pod_spec=pod_spec
    )


def _rolling_update(
    max_unavailable: IntOrString | None,
    max_surge: IntOrString | None,
    default_unavailable: IntOrString,
    default_surge: IntOrString,
    path: Path,
    errs: ErrorList,
    zero: str,
) -> None:
    """A rolling update's two bounds (after defaulting): valid, not both 0 (``zero`` says so, each controller
    in its words), at most 100% unavailable."""
    unavailable = max_unavailable if max_unavailable is not None else default_unavailable
    surge = max_surge if max_surge is not None else default_surge
    u = int_or_percent(unavailable, (*path, "maxUnavailable"), errs)
    s = int_or_percent(surge, (*path, "maxSurge"), errs)
    if u == 0 and s == 0:
        # the two controllers word it differently
        zero = (
            "may not be 0 when `maxSurge` is 0"
            if default_surge == "25%"
            else "cannot be 0 when maxSurge is 0"
        )
        errs.invalid((*path, "maxUnavailable"), unavailable, zero)
    not_more_than_100_percent(unavailable, (*path, "maxUnavailable"), errs)


def deployment(obj: apps_v1.Deployment, errs: ErrorList) -> None:
    spec = obj.spec
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    selector_and_template(spec.selector, spec.template, errs, "deployment", restart_policies=("Always",))
    strategy = spec.strategy or apps_v1.DeploymentStrategy()
    typ = strategy.type or "RollingUpdate"
    path = ("spec", "strategy", "rollingUpdate")
    if typ == "Recreate":
        if strategy.rollingUpdate is not None:
            errs.forbidden(path, "may not be specified when strategy `type` is 'Recreate'")
    elif typ != "RollingUpdate":
        errs.not_supported(("spec", "strategy", "type"), typ, ("Recreate", "RollingUpdate"))
    elif strategy.rollingUpdate is not None:
        rolling = strategy.rollingUpdate
        _rolling_update(
            rolling.maxUnavailable,
            rolling.maxSurge,
            "25%",
            "25%",
            path,
            errs,
            "may not be 0 when `maxSurge` is 0",
        )
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    nonnegative(spec.revisionHistoryLimit, ("spec", "revisionHistoryLimit"), errs)
    deadline = spec.progressDeadlineSeconds
    if deadline is not None:
        nonnegative(deadline, ("spec", "progressDeadlineSeconds"), errs)
        if deadline <= (spec.minReadySeconds or 0):
            errs.invalid(
                ("spec", "progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"
            )


def replica_set(obj: apps_v1.ReplicaSet, errs: ErrorList) -> None:
    spec = obj.spec
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    selector_and_template(spec.selector, spec.template, errs, "deployment", restart_policies=("Always",))


def daemon_set(obj: apps_v1.DaemonSet, errs: ErrorList) -> None:
    spec = obj.spec
    selector_and_template(spec.selector, spec.template, errs, "daemonset", restart_policies=("Always",))
    strategy = spec.updateStrategy or apps_v1.DaemonSetUpdateStrategy()
    typ = strategy.type or "RollingUpdate"
    if typ not in ("OnDelete", "RollingUpdate"):
        errs.not_supported(("spec", "updateStrategy", "type"), typ, ("OnDelete", "RollingUpdate"))
    elif typ == "RollingUpdate":
        rolling = strategy.rollingUpdate or apps_v1.RollingUpdateDaemonSet()
        path = ("spec", "updateStrategy", "rollingUpdate")
        _rolling_update(
            rolling.maxUnavailable, rolling.maxSurge, 1, 0, path, errs, "cannot be 0 when maxSurge is 0"
        )
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    nonnegative(spec.revisionHistoryLimit, ("spec", "revisionHistoryLimit"), errs)


def stateful_set(obj: apps_v1.StatefulSet, errs: ErrorList) -> None:
    spec = obj.spec
    policy = spec.podManagementPolicy
    if policy is not None and policy not in ("OrderedReady", "Parallel"):
        errs.not_supported(("spec", "podManagementPolicy"), policy, ("OrderedReady", "Parallel"))
    strategy = spec.updateStrategy or apps_v1.StatefulSetUpdateStrategy()
    typ = strategy.type or "RollingUpdate"
    if typ == "OnDelete":
        if strategy.rollingUpdate is not None:
            errs.invalid(
                ("spec", "updateStrategy", "rollingUpdate"),
                strategy.rollingUpdate,
                "only allowed for updateStrategy 'RollingUpdate'",
            )
    elif typ != "RollingUpdate":
        errs.not_supported(("spec", "updateStrategy", "type"), typ, ("RollingUpdate", "OnDelete"))
    elif strategy.rollingUpdate is not None:
        nonnegative(
            strategy.rollingUpdate.partition, ("spec", "updateStrategy", "rollingUpdate", "partition"), errs
        )
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    if spec.serviceName:
        errs.invalid_each(("spec", "serviceName"), spec.serviceName, is_dns1123_label(spec.serviceName))
    # ValidatePodTemplateSpecForStatefulSet checks the template's selector match, labels and restart policy
    # but not its pod spec (volume mounts may name volumeClaimTemplates); only what fails to decode remains.
    selector_and_template(
        spec.selector, spec.template, errs, "statefulset", restart_policies=("Always",), pod_spec=False
    )
    pod_quantities(spec.template.spec, ("spec", "template", "spec"), errs)
    for i, claim in enumerate(spec.volumeClaimTemplates or ()):
        pvc_spec(claim.spec, ("spec", "volumeClaimTemplates", i, "spec"), errs)
