"""The ``apps`` group: Deployment, ReplicaSet, DaemonSet, StatefulSet (``pkg/apis/apps/validation``).

Each controller's rules read the object as the API server validates it, after defaulting: a Deployment's
rolling update is 25%/25% unless set, a DaemonSet's is 1 unavailable and no surge, a StatefulSet's strategy
is RollingUpdate with at most 1 unavailable pod and its claim retention is Retain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from ...models.k8s import apps_v1, core_v1, meta_v1
from ...models.selectors import selector_is_empty, selector_matches
from .common import IntOrString, int_or_percent, nonnegative, not_more_than_100_percent
from .core import pvc_spec
from .errors import ErrorList
from .meta import validate_label_selector
from .names import is_dns1123_label_name, is_percent
from .pod import no_active_deadline, validate_pod_template

POD_MANAGEMENT_POLICIES = ("OrderedReady", "Parallel")
CLAIM_RETENTION_POLICIES = ("Retain", "Delete")
_GO_INT = re.compile(r"^[+-]?[0-9]+$")


def selector_and_template(
    selector: meta_v1.LabelSelector,
    template: core_v1.PodTemplateSpec | None,
    errs: ErrorList,
    owner: str,
    *,
    restart_policies: Sequence[str],
) -> None:
    """The selector is valid, not empty, and selects the template's labels; the template is a valid pod
    template whose restart policy the controller supports."""
    validate_label_selector(selector, ("spec", "selector"), errs)
    empty = selector_is_empty(selector)
    if empty:
        errs.invalid(("spec", "selector"), selector, f"empty selector is invalid for {owner}")
    labels = (template.metadata.labels if template and template.metadata else None) or {}
    if not empty and not selector_matches(selector, labels):
        errs.invalid(
            ("spec", "template", "metadata", "labels"), labels, "`selector` does not match template `labels`"
        )
    validate_pod_template(template, ("spec", "template"), errs, restart_policies=restart_policies)


def _amount(value: IntOrString) -> int:
    """The number an int-or-percent stands for when compared with zero (``getIntOrPercentValue``): a valid
    percentage's number, an integer, or a string read as an integer (0 when it is none)."""
    if isinstance(value, int):
        return value
    if not is_percent(value):
        return int(value[:-1])
    return int(value) if _GO_INT.match(value) else 0


def _deployment_rolling_update(rolling: apps_v1.RollingUpdateDeployment, errs: ErrorList) -> None:
    path = ("spec", "strategy", "rollingUpdate")
    unavailable = rolling.maxUnavailable if rolling.maxUnavailable is not None else "25%"
    surge = rolling.maxSurge if rolling.maxSurge is not None else "25%"
    int_or_percent(unavailable, (*path, "maxUnavailable"), errs)
    int_or_percent(surge, (*path, "maxSurge"), errs)
    if _amount(unavailable) == 0 and _amount(surge) == 0:
        errs.invalid((*path, "maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0")
    not_more_than_100_percent(unavailable, (*path, "maxUnavailable"), errs)


def _daemon_set_rolling_update(rolling: apps_v1.RollingUpdateDaemonSet, errs: ErrorList) -> None:
    """Both bounds valid and at most 100%, and exactly one of them not zero."""
    path = ("spec", "updateStrategy", "rollingUpdate")
    unavailable = rolling.maxUnavailable if rolling.maxUnavailable is not None else 1
    surge = rolling.maxSurge if rolling.maxSurge is not None else 0
    for f, value in (("maxUnavailable", unavailable), ("maxSurge", surge)):
        int_or_percent(value, (*path, f), errs)
    for f, value in (("maxUnavailable", unavailable), ("maxSurge", surge)):
        not_more_than_100_percent(value, (*path, f), errs)
    some_unavailable, some_surge = _amount(unavailable) != 0, _amount(surge) != 0
    if some_unavailable and some_surge:
        errs.invalid((*path, "maxSurge"), surge, "may not be set when maxUnavailable is non-zero")
    elif not some_unavailable and not some_surge:
        errs.required((*path, "maxUnavailable"), "cannot be 0 when maxSurge is 0")


def deployment(obj: apps_v1.Deployment, errs: ErrorList) -> None:
    spec = obj.spec
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    selector_and_template(spec.selector, spec.template, errs, "deployment", restart_policies=("Always",))
    no_active_deadline(spec.template, "ReplicaSet", errs)
    strategy = spec.strategy or apps_v1.DeploymentStrategy()
    typ = strategy.type or "RollingUpdate"
    if typ == "Recreate":
        if strategy.rollingUpdate is not None:
            errs.forbidden(
                ("spec", "strategy", "rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            )
    elif typ != "RollingUpdate":
        errs.not_supported(("spec", "strategy"), strategy, ("Recreate", "RollingUpdate"))
    elif strategy.rollingUpdate is not None:
        _deployment_rolling_update(strategy.rollingUpdate, errs)
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
    no_active_deadline(spec.template, "ReplicaSet", errs)


def daemon_set(obj: apps_v1.DaemonSet, errs: ErrorList) -> None:
    spec = obj.spec
    selector_and_template(spec.selector, spec.template, errs, "daemonset", restart_policies=("Always",))
    no_active_deadline(spec.template, "DaemonSet", errs)
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    strategy = spec.updateStrategy or apps_v1.DaemonSetUpdateStrategy()
    typ = strategy.type or "RollingUpdate"
    if typ == "RollingUpdate":
        _daemon_set_rolling_update(strategy.rollingUpdate or apps_v1.RollingUpdateDaemonSet(), errs)
    elif typ != "OnDelete":
        errs.not_supported(("spec", "updateStrategy"), strategy, ("RollingUpdate", "OnDelete"))
    nonnegative(spec.revisionHistoryLimit, ("spec", "revisionHistoryLimit"), errs)


def _stateful_set_strategy(strategy: apps_v1.StatefulSetUpdateStrategy, errs: ErrorList) -> None:
    path = ("spec", "updateStrategy")
    typ = strategy.type or "RollingUpdate"
    rolling = strategy.rollingUpdate
    if typ == "OnDelete":
        if rolling is not None:
            errs.invalid((*path, "rollingUpdate"), rolling, "only allowed for updateStrategy 'RollingUpdate'")
    elif typ != "RollingUpdate":
        errs.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")
    elif rolling is not None:
        nonnegative(rolling.partition, (*path, "rollingUpdate", "partition"), errs)
        unavailable = rolling.maxUnavailable
        if unavailable is not None:
            here = (*path, "rollingUpdate", "maxUnavailable")
            int_or_percent(unavailable, here, errs)
            if _amount(unavailable) == 0:
                errs.invalid(here, unavailable, "cannot be 0")
            not_more_than_100_percent(unavailable, here, errs)


def _with_claim_volumes(spec: apps_v1.StatefulSetSpec) -> core_v1.PodTemplateSpec:
    """The template as the API server validates it: each claim template is a volume of the pods (a claim of
    the same name), in place of any template volume so named."""
    template = spec.template
    claims: dict[str, core_v1.Volume] = {}
    for claim in spec.volumeClaimTemplates or ():
        name = claim.metadata.name if claim.metadata else None
        if name:
            source = core_v1.PersistentVolumeClaimVolumeSource(claimName=name)
            claims.setdefault(name, core_v1.Volume(name=name, persistentVolumeClaim=source))
    if not claims or template.spec is None:
        return template
    kept = [v for v in template.spec.volumes or () if v.name not in claims]
    pod = msgspec.structs.replace(template.spec, volumes=[*claims.values(), *kept])
    return msgspec.structs.replace(template, spec=pod)


def stateful_set(obj: apps_v1.StatefulSet, errs: ErrorList) -> None:
    spec = obj.spec
    policy = spec.podManagementPolicy or "OrderedReady"
    if policy not in POD_MANAGEMENT_POLICIES:
        errs.invalid(("spec", "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
    _stateful_set_strategy(spec.updateStrategy or apps_v1.StatefulSetUpdateStrategy(), errs)
    retention = spec.persistentVolumeClaimRetentionPolicy
    for f in ("whenDeleted", "whenScaled"):
        value = getattr(retention, f) if retention is not None else None
        if value and value not in CLAIM_RETENTION_POLICIES:
            errs.not_supported(
                ("spec", "persistentVolumeClaimRetentionPolicy", f), value, CLAIM_RETENTION_POLICIES
            )
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    nonnegative(spec.minReadySeconds, ("spec", "minReadySeconds"), errs)
    if spec.ordinals is not None:
        nonnegative(spec.ordinals.start, ("spec", "ordinals", "start"), errs)
    if spec.serviceName:
        errs.invalid_each(("spec", "serviceName"), spec.serviceName, is_dns1123_label_name(spec.serviceName))
    # Since Kubernetes 1.34 a new StatefulSet's pod template is validated whole, its claim templates as volumes.
    selector_and_template(
        spec.selector, _with_claim_volumes(spec), errs, "statefulset", restart_policies=("Always",)
    )
    no_active_deadline(spec.template, "StatefulSet", errs)
    for i, claim in enumerate(spec.volumeClaimTemplates or ()):
        pvc_spec(claim.spec, ("spec", "volumeClaimTemplates", i, "spec"), errs)
