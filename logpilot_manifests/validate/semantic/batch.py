"""The ``batch`` group: Job and CronJob (``pkg/apis/batch/validation``)."""

from __future__ import annotations

from ...models.k8s import batch_v1, core_v1
from .common import nonnegative
from .cron import schedule_error
from .errors import ErrorList, Path
from .meta import validate_label_selector, validate_labels
from .names import max_len_error
from .pod import validate_pod_template
from .timezones import is_time_zone

CRONJOB_NAME_MAX = 52
COMPLETION_MODES = ("NonIndexed", "Indexed")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
# What an absent job spec reads as: validated like the API server's zero value (a template without containers).
EMPTY_JOB = batch_v1.JobSpec(template=core_v1.PodTemplateSpec())


def _job_spec(spec: batch_v1.JobSpec, path: Path, errs: ErrorList) -> None:
    for f, value in (
        ("parallelism", spec.parallelism),
        ("completions", spec.completions),
        ("activeDeadlineSeconds", spec.activeDeadlineSeconds),
        ("backoffLimit", spec.backoffLimit),
        ("ttlSecondsAfterFinished", spec.ttlSecondsAfterFinished),
    ):
        nonnegative(value, (*path, f), errs)
    mode = spec.completionMode
    if mode is not None and mode not in COMPLETION_MODES:
        errs.not_supported((*path, "completionMode"), mode, COMPLETION_MODES)
    if mode == "Indexed" and spec.completions is None:
        errs.required((*path, "completions"), "when completion mode is Indexed")
    validate_label_selector(spec.selector, (*path, "selector"), errs)
    validate_pod_template(spec.template, (*path, "template"), errs, restart_policies=("OnFailure", "Never"))


def job(obj: batch_v1.Job, errs: ErrorList) -> None:
    _job_spec(obj.spec or EMPTY_JOB, ("spec",), errs)


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
    time_zone = spec.timeZone
    if time_zone is not None and (not time_zone or not is_time_zone(time_zone)):
        errs.invalid(("spec", "timeZone"), time_zone, f"unknown time zone {time_zone}")
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
    _job_spec(template.spec or EMPTY_JOB, ("spec", "jobTemplate", "spec"), errs)
