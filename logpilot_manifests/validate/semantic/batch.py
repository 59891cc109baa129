"""The ``batch`` group: Job and CronJob (``pkg/apis/batch/validation``).

A Job is validated after the API server's defaulting: both ``completions`` and ``parallelism`` are 1 when
neither is set, a pod condition pattern without ``status`` means True, and the template's restart policy is
Always when unset (which a Job refuses). Unless ``manualSelector`` is true the API server generates the
selector from the Job's name and uid and labels the template to match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ...models.k8s import batch_v1, core_v1
from ...models.selectors import selector_matches
from .common import nonnegative
from .cron import schedule_error
from .errors import ErrorList, FieldError, Path
from .meta import validate_label_selector, validate_labels
from .names import is_dns1123_label, is_qualified_name, max_len_error
from .pod import validate_pod_template
from .timezones import is_time_zone

CRONJOB_NAME_MAX = 52
COMPLETION_MODES = ("NonIndexed", "Indexed")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
JOB_RESTART_POLICIES = ("OnFailure", "Never")
POD_FAILURE_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
EXIT_CODE_OPERATORS = ("In", "NotIn")
CONDITION_STATUSES = ("False", "True", "Unknown")
POD_REPLACEMENT_POLICIES = ("Failed", "TerminatingOrFailed")
MAX_POD_FAILURE_RULES = 20
MAX_EXIT_CODE_VALUES = 255
MAX_CONDITION_PATTERNS = 20
MAX_SUCCESS_RULES = 20
MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024
MAX_INDEXED_PARALLELISM = 100_000
MAX_FAILED_INDEXES = 100_000
COMPLETIONS_SOFT_LIMIT = 100_000
HIGH_COMPLETIONS_LIMIT = 10_000
# The labels the API server puts on a Job's pods unless its selector is manual: by name and by uid.
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
CONTROLLER_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
# Each part of a time zone name, as the API server allows it before looking the zone up.
_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")
_GO_INT = re.compile(r"[+-]?[0-9]+")
# What an absent job spec reads as: validated like the API server's zero value (a template without containers).
EMPTY_JOB = batch_v1.JobSpec(template=core_v1.PodTemplateSpec())


def _go_quoted_list(values: Sequence[str]) -> str:
    """A list of strings as Go's ``%q`` prints it: ``["In" "NotIn"]``."""
    return "[" + " ".join(json.dumps(v) for v in values) + "]"


def _too_many(errs: ErrorList, path: Path, count: int, limit: int) -> None:
    errs.append(FieldError(path, "Too many", f"must have at most {limit} items", count, errs.rule))


def _invalid_without_value(errs: ErrorList, path: Path, detail: str) -> None:
    errs.append(FieldError(path, "Invalid value", detail, rule=errs.rule))


def _indexes_error(text: str, completions: int) -> tuple[int, str | None]:
    """How many indexes a list such as ``0,2-4`` holds, or the API server's complaint about it."""
    if not text:
        return 0, None
    total = 0
    last: int | None = None
    for interval in text.split(","):
        limits = interval.split("-")
        if len(limits) > 2:
            return 0, (
                f"the fragment {json.dumps(interval)} violates the requirement that an index interval can "
                "have at most two parts separated by '-'"
            )
        bounds: list[int] = []
        for limit in limits:
            if not _GO_INT.fullmatch(limit):
                return 0, f"cannot convert string to integer for index: {json.dumps(limit)}"
            if int(limit) >= completions:
                return 0, f"too large index: {json.dumps(limit)}"
            bounds.append(int(limit))
        low, high = bounds[0], bounds[-1]
        if len(bounds) == 2 and low >= high:
            return 0, f"non-increasing order, previous: {low}, current: {high}"
        if last is not None and last >= low:
            return 0, f"non-increasing order, previous: {last}, current: {low}"
        total += high - low + 1
        last = high
    return total, None


def _completions(spec: batch_v1.JobSpec) -> int | None:
    """``completions`` after defaulting: 1 when neither it nor ``parallelism`` is set."""
    if spec.completions is None and spec.parallelism is None:
        return 1
    return spec.completions


def _indexed_limits(spec: batch_v1.JobSpec, path: Path, errs: ErrorList) -> None:
    completions, parallelism, max_failed = _completions(spec), spec.parallelism, spec.maxFailedIndexes
    if completions is None:
        errs.required((*path, "completions"), "when completion mode is Indexed")
    if parallelism is not None and parallelism > MAX_INDEXED_PARALLELISM:
        errs.invalid(
            (*path, "parallelism"),
            parallelism,
            f"must be less than or equal to {MAX_INDEXED_PARALLELISM} when completion mode is Indexed",
        )
    if max_failed is not None and completions is not None and max_failed > completions:
        errs.invalid((*path, "maxFailedIndexes"), max_failed, "must be less than or equal to completions")
    if max_failed is not None and max_failed > MAX_FAILED_INDEXES:
        errs.invalid(
            (*path, "maxFailedIndexes"), max_failed, f"must be less than or equal to {MAX_FAILED_INDEXES}"
        )
    if (
        completions is not None
        and completions > COMPLETIONS_SOFT_LIMIT
        and spec.backoffLimitPerIndex is not None
    ):
        high = (
            f"must be less than or equal to {HIGH_COMPLETIONS_LIMIT} when completions are above "
            f"{COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
        )
        if max_failed is None:
            errs.required(
                (*path, "maxFailedIndexes"),
                f"must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}",
            )
        if parallelism is not None and parallelism > HIGH_COMPLETIONS_LIMIT:
            errs.invalid((*path, "parallelism"), parallelism, high)
        if max_failed is not None and max_failed > HIGH_COMPLETIONS_LIMIT:
            errs.invalid((*path, "maxFailedIndexes"), max_failed, high)


def _exit_codes(
    req: batch_v1.PodFailurePolicyOnExitCodesRequirement, path: Path, errs: ErrorList, containers: set[str]
) -> None:
    if not req.operator:
        errs.required((*path, "operator"), f"valid values: {_go_quoted_list(EXIT_CODE_OPERATORS)}")
    elif req.operator not in EXIT_CODE_OPERATORS:
        errs.not_supported((*path, "operator"), req.operator, EXIT_CODE_OPERATORS)
    if req.containerName is not None and req.containerName not in containers:
        errs.invalid(
            (*path, "containerName"),
            req.containerName,
            "must be one of the container or initContainer names in the pod template",
        )
    values = req.values
    if not values:
        errs.invalid((*path, "values"), values, "at least one value is required")
    elif len(values) > MAX_EXIT_CODE_VALUES:
        _too_many(errs, (*path, "values"), len(values), MAX_EXIT_CODE_VALUES)
    seen: set[int] = set()
    for j, value in enumerate(values):
        if req.operator == "In" and value == 0:
            errs.invalid((*path, "values", j), value, "must not be 0 for the In operator")
        if value in seen:
            errs.duplicate((*path, "values", j), value)
        seen.add(value)
    if any(a > b for a, b in zip(values, values[1:], strict=False)):
        errs.invalid((*path, "values"), values, "must be ordered")


def _pod_conditions(
    patterns: Sequence[batch_v1.PodFailurePolicyOnPodConditionsPattern], path: Path, errs: ErrorList
) -> None:
    if len(patterns) > MAX_CONDITION_PATTERNS:
        _too_many(errs, path, len(patterns), MAX_CONDITION_PATTERNS)
    for j, pattern in enumerate(patterns):
        errs.invalid_each((*path, j, "type"), pattern.type, is_qualified_name(pattern.type))
        # an empty status is defaulted to True in a Job; a CronJob's template is left as it is, so an
        # empty status is not judged here at all
        if pattern.status and pattern.status not in CONDITION_STATUSES:
            errs.not_supported((*path, j, "status"), pattern.status, CONDITION_STATUSES)


def _pod_failure_policy(
    spec: batch_v1.JobSpec, policy: batch_v1.PodFailurePolicy, path: Path, errs: ErrorList
) -> None:
    rules_path = (*path, "rules")
    if len(policy.rules) > MAX_POD_FAILURE_RULES:
        _too_many(errs, rules_path, len(policy.rules), MAX_POD_FAILURE_RULES)
    pod = spec.template.spec
    containers = {
        c.name for c in (*(pod.containers if pod else ()), *((pod.initContainers or ()) if pod else ()))
    }
    for i, rule in enumerate(policy.rules):
        here = (*rules_path, i)
        if not rule.action:
            errs.required((*here, "action"), f"valid values: {_go_quoted_list(POD_FAILURE_ACTIONS)}")
        elif rule.action == "FailIndex":
            if spec.backoffLimitPerIndex is None:
                errs.invalid((*here, "action"), rule.action, "requires the backoffLimitPerIndex to be set")
        elif rule.action not in POD_FAILURE_ACTIONS:
            errs.not_supported((*here, "action"), rule.action, POD_FAILURE_ACTIONS)
        if rule.onExitCodes is not None:
            _exit_codes(rule.onExitCodes, (*here, "onExitCodes"), errs, containers)
        if rule.onPodConditions:
            _pod_conditions(rule.onPodConditions, (*here, "onPodConditions"), errs)
        if rule.onExitCodes is not None and rule.onPodConditions:
            _invalid_without_value(
                errs, here, "specifying both OnExitCodes and OnPodConditions is not supported"
            )
        if rule.onExitCodes is None and not rule.onPodConditions:
            _invalid_without_value(
                errs, here, "specifying one of OnExitCodes and OnPodConditions is required"
            )


def _success_policy(
    spec: batch_v1.JobSpec, policy: batch_v1.SuccessPolicy, path: Path, errs: ErrorList
) -> None:
    rules_path = (*path, "rules")
    if not policy.rules:
        errs.required(rules_path, "at least one rules must be specified when the successPolicy is specified")
    if len(policy.rules) > MAX_SUCCESS_RULES:
        _too_many(errs, rules_path, len(policy.rules), MAX_SUCCESS_RULES)
    completions = _completions(spec)
    for i, rule in enumerate(policy.rules):
        here = (*rules_path, i)
        if rule.succeededCount is None and rule.succeededIndexes is None:
            errs.required(here, "at least one of succeededCount or succeededIndexes must be specified")
        total = 0
        indexes = rule.succeededIndexes
        if indexes is not None:
            if len(indexes) > MAX_SUCCEEDED_INDEXES_LENGTH:
                errs.too_long((*here, "succeededIndexes"), MAX_SUCCEEDED_INDEXES_LENGTH)
            if completions is not None:
                total, problem = _indexes_error(indexes, completions)
                if problem:
                    errs.invalid(
                        (*here, "succeededIndexes"), indexes, f"error parsing succeededIndexes: {problem}"
                    )
        count = rule.succeededCount
        if count is not None:
            nonnegative(count, (*here, "succeededCount"), errs)
            if completions is not None and count > completions:
                errs.invalid(
                    (*here, "succeededCount"),
                    count,
                    f"must be less than or equal to {completions} (the number of specified completions)",
                )
            if indexes is not None and completions is not None and count > total:
                errs.invalid(
                    (*here, "succeededCount"),
                    count,
                    f"must be less than or equal to {total} (the number of indexes in the specified "
                    "succeededIndexes field)",
                )


def _pod_replacement_policy(spec: batch_v1.JobSpec, path: Path, errs: ErrorList) -> None:
    value = spec.podReplacementPolicy
    if value is None:
        return
    if spec.podFailurePolicy is not None:
        if value != "Failed":
            errs.not_supported(path, value, ("Failed",))
    elif value not in POD_REPLACEMENT_POLICIES:
        errs.not_supported(path, value, POD_REPLACEMENT_POLICIES)


def _restart_policy(spec: batch_v1.JobSpec, path: Path, errs: ErrorList) -> None:
    """Pods of a Job run to completion: OnFailure or Never (Never only with a pod failure policy)."""
    pod = spec.template.spec
    restart = (pod.restartPolicy if pod else None) or "Always"
    here = (*path, "template", "spec", "restartPolicy")
    if restart == "Always":
        errs.required(here, f"valid values: {', '.join(json.dumps(p) for p in JOB_RESTART_POLICIES)}")
    elif restart not in JOB_RESTART_POLICIES:
        errs.not_supported(here, restart, JOB_RESTART_POLICIES)
    elif spec.podFailurePolicy is not None and restart != "Never":
        errs.invalid(here, restart, 'only "Never" is supported when podFailurePolicy is specified')


def _job_spec(spec: batch_v1.JobSpec, path: Path, errs: ErrorList) -> None:
    for f, value in (
        ("parallelism", spec.parallelism),
        ("completions", spec.completions),
        ("activeDeadlineSeconds", spec.activeDeadlineSeconds),
        ("backoffLimit", spec.backoffLimit),
        ("ttlSecondsAfterFinished", spec.ttlSecondsAfterFinished),
        ("backoffLimitPerIndex", spec.backoffLimitPerIndex),
        ("maxFailedIndexes", spec.maxFailedIndexes),
    ):
        nonnegative(value, (*path, f), errs)
    if spec.maxFailedIndexes is not None and spec.backoffLimitPerIndex is None:
        errs.required((*path, "backoffLimitPerIndex"), "when maxFailedIndexes is specified")
    mode = spec.completionMode
    if mode is not None and mode not in COMPLETION_MODES:
        errs.not_supported((*path, "completionMode"), mode, COMPLETION_MODES)
    if mode == "Indexed":
        _indexed_limits(spec, path, errs)
    elif mode in (None, "NonIndexed"):
        for f, value in (
            ("backoffLimitPerIndex", spec.backoffLimitPerIndex),
            ("maxFailedIndexes", spec.maxFailedIndexes),
        ):
            if value is not None:
                errs.invalid((*path, f), value, "requires indexed completion mode")
    if spec.podFailurePolicy is not None:
        _pod_failure_policy(spec, spec.podFailurePolicy, (*path, "podFailurePolicy"), errs)
    if spec.successPolicy is not None:
        if mode != "Indexed":
            errs.invalid((*path, "successPolicy"), spec.successPolicy, "requires indexed completion mode")
        else:
            _success_policy(spec, spec.successPolicy, (*path, "successPolicy"), errs)
    _pod_replacement_policy(spec, (*path, "podReplacementPolicy"), errs)
    validate_pod_template(spec.template, (*path, "template"), errs, restart_policies=None)
    _restart_policy(spec, path, errs)


def _job_selector(obj: batch_v1.Job, spec: batch_v1.JobSpec, errs: ErrorList) -> None:
    """The selector selects the template; unless it is manual, the API server generates it from the Job's
    name and uid, and refuses one asking for more. Selectors naming the uid labels are left alone (the uid
    is the server's)."""
    name = obj.metadata.name if obj.metadata else None
    selector = spec.selector
    written = (spec.template.metadata.labels if spec.template.metadata else None) or {}
    labels = dict(written)
    if spec.manualSelector is True:
        if selector is None:
            errs.required(("spec", "selector"))
            return
        validate_label_selector(selector, ("spec", "selector"), errs)
        if not selector_matches(selector, labels):
            errs.invalid(
                ("spec", "template", "metadata", "labels"),
                labels,
                "`selector` does not match template `labels`",
            )
        return
    if name:
        for key in JOB_NAME_LABELS:
            if key in labels and labels[key] != name:
                errs.invalid(("spec", "template", "metadata", "labels", key), written, f"must be '{name}'")
            labels.setdefault(key, name)
    if selector is None:
        return
    validate_label_selector(selector, ("spec", "selector"), errs)
    keys = set(selector.matchLabels or {}) | {r.key for r in selector.matchExpressions or ()}
    if keys & set(CONTROLLER_UID_LABELS) or (not name and keys & set(JOB_NAME_LABELS)):
        return
    generated = {key: name for key in JOB_NAME_LABELS} if name else {}
    if not selector_matches(selector, generated):
        errs.invalid(("spec", "selector"), selector, "`selector` not auto-generated")
    if not selector_matches(selector, labels):
        errs.invalid(
            ("spec", "template", "metadata", "labels"), labels, "`selector` does not match template `labels`"
        )


def job(obj: batch_v1.Job, errs: ErrorList) -> None:
    spec = obj.spec or EMPTY_JOB
    _job_selector(obj, spec, errs)
    _job_spec(spec, ("spec",), errs)
    name = obj.metadata.name if obj.metadata else None
    completions = _completions(spec)
    if name and spec.completionMode == "Indexed" and completions:
        hostname = f"{name}-{completions - 1}"
        if is_dns1123_label(hostname):
            errs.invalid(
                ("metadata", "name"), name, f"will not able to create pod with invalid DNS label: {hostname}"
            )


def _time_zone(time_zone: str | None, errs: ErrorList) -> None:
    if time_zone is None:
        return
    path = ("spec", "timeZone")
    if not time_zone:
        errs.invalid(path, time_zone, "timeZone must be nil or non-empty string")
        return
    for part in time_zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.fullmatch(part):
            errs.invalid(path, time_zone, f"unknown time zone {time_zone}")
            return
    if time_zone.lower() == "local":
        errs.invalid(
            path,
            time_zone,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        )
    if time_zone != "Local" and not is_time_zone(time_zone):
        errs.invalid(path, time_zone, f"unknown time zone {time_zone}")


def cron_job(obj: batch_v1.CronJob, errs: ErrorList) -> None:
    name = obj.metadata.name if obj.metadata else None
    if name and len(name) > CRONJOB_NAME_MAX:
        errs.invalid(("metadata", "name"), name, max_len_error(CRONJOB_NAME_MAX))
    spec = obj.spec
    problem = schedule_error(spec.schedule)
    if problem:
        errs.invalid(("spec", "schedule"), spec.schedule, problem)
    if "TZ" in spec.schedule:
        errs.invalid(
            ("spec", "schedule"),
            spec.schedule,
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        )
    _time_zone(spec.timeZone, errs)
    policy = spec.concurrencyPolicy
    if policy is not None and policy not in CONCURRENCY_POLICIES:
        errs.not_supported(("spec", "concurrencyPolicy"), policy, CONCURRENCY_POLICIES)
    for f, value in (
        ("startingDeadlineSeconds", spec.startingDeadlineSeconds),
        ("successfulJobsHistoryLimit", spec.successfulJobsHistoryLimit),
        ("failedJobsHistoryLimit", spec.failedJobsHistoryLimit),
    ):
        nonnegative(value, ("spec", f), errs)
    template = spec.jobTemplate
    validate_labels(
        template.metadata.labels if template.metadata else None,
        ("spec", "jobTemplate", "metadata", "labels"),
        errs,
    )
    job_spec = template.spec or EMPTY_JOB
    path = ("spec", "jobTemplate", "spec")
    _job_spec(job_spec, path, errs)
    if job_spec.selector is not None:
        errs.invalid((*path, "selector"), job_spec.selector, "`selector` will be auto-generated")
    if job_spec.manualSelector is True:
        errs.not_supported((*path, "manualSelector"), True, ("nil", "false"))
