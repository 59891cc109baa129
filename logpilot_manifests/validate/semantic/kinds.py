"""The API server's rules per kind: which name format each kind's objects need and which checks run on them.

``NAME_FORMATS`` and ``KIND_RULES`` are the tables; each rule is a function ``(obj, errs)`` written after the
kind's ``Validate<Kind>`` function in Kubernetes' ``pkg/apis/<group>/validation``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
from collections.abc import Callable
from typing import Any

from .access import integer, items, mapping, str_map, text
from .cron import schedule_error
from .errors import ErrorList, Path
from .meta import selector_is_empty, selector_matches, validate_label_selector, validate_labels
from .names import (
    NameCheck,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_path_segment_name,
    is_percent,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
    max_len_error,
)
from .pod import PORT_PROTOCOLS, pod_quantities, validate_pod_spec, validate_pod_template
from .quantity import QuantityError, quantity_of
from .timezones import is_time_zone

Rule = Callable[[dict[str, Any], ErrorList], None]

MAX_CONFIG_SIZE = 1024 * 1024
CRONJOB_NAME_MAX = 52
RBAC_GROUP = "rbac.authorization.k8s.io"


# --- shared pieces -------------------------------------------------------------------------------------


def _nonnegative(value: Any, path: Path, errs: ErrorList) -> None:
    n = integer(value)
    if n is not None and n < 0:
        errs.invalid(path, n, "must be greater than or equal to 0")


def _int_or_percent(value: Any, path: Path, errs: ErrorList) -> int | None:
    """``ValidatePositiveIntOrPercent``; returns the number or percentage for the callers' cross-checks."""
    if isinstance(value, str):
        msgs = is_percent(value)
        errs.invalid_each(path, value, msgs)
        if msgs:
            return None
        n = int(value[:-1])
    elif integer(value) is not None:
        n = value
    else:
        return None
    if n < 0:
        errs.invalid(path, value, "must be greater than or equal to 0")
    return n


def _not_more_than_100_percent(value: Any, path: Path, errs: ErrorList) -> None:
    if isinstance(value, str) and not is_percent(value) and int(value[:-1]) > 100:
        errs.invalid(path, value, "must not be greater than 100%")


def _selector_and_template(
    spec: dict[str, Any],
    errs: ErrorList,
    owner: str,
    *,
    restart_policies: tuple[str, ...],
    default_restart: str = "Always",
    pod_spec: bool = True,
) -> None:
    """The selector is required, not empty, valid, and selects the template's labels."""
    selector = spec.get("selector")
    if selector is None:
        errs.required(("spec", "selector"))
    else:
        validate_label_selector(selector, ("spec", "selector"), errs)
        if selector_is_empty(selector):
            errs.invalid(("spec", "selector"), selector, f"empty selector is invalid for {owner}")
    template = mapping(spec.get("template"))
    labels = mapping(template.get("metadata")).get("labels")
    if selector is not None and not selector_is_empty(selector) and not selector_matches(selector, labels):
        errs.invalid(
            ("spec", "template", "metadata", "labels"),
            labels or {},
            "`selector` does not match template `labels`",
        )
    validate_pod_template(
        template,
        ("spec", "template"),
        errs,
        restart_policies=restart_policies,
        default_restart=default_restart,
        pod_spec=pod_spec,
    )


# --- apps ----------------------------------------------------------------------------------------------


def deployment(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    _nonnegative(spec.get("replicas"), ("spec", "replicas"), errs)
    _selector_and_template(spec, errs, "deployment", restart_policies=("Always",))
    strategy = mapping(spec.get("strategy"))
    rolling = strategy.get("rollingUpdate")
    typ = strategy.get("type") or "RollingUpdate"
    if typ == "Recreate":
        if rolling is not None:
            errs.forbidden(
                ("spec", "strategy", "rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            )
    elif typ != "RollingUpdate":
        errs.not_supported(("spec", "strategy", "type"), typ, ("Recreate", "RollingUpdate"))
    elif rolling is not None:
        r = mapping(rolling)
        path = ("spec", "strategy", "rollingUpdate")
        unavailable = r.get("maxUnavailable", "25%")
        surge = r.get("maxSurge", "25%")
        u = _int_or_percent(unavailable, (*path, "maxUnavailable"), errs)
        s = _int_or_percent(surge, (*path, "maxSurge"), errs)
        if u == 0 and s == 0:
            errs.invalid((*path, "maxUnavailable"), unavailable, "may not be 0 when `maxSurge` is 0")
        _not_more_than_100_percent(unavailable, (*path, "maxUnavailable"), errs)
    for f in ("minReadySeconds", "revisionHistoryLimit"):
        _nonnegative(spec.get(f), ("spec", f), errs)
    deadline = integer(spec.get("progressDeadlineSeconds"))
    if deadline is not None:
        _nonnegative(deadline, ("spec", "progressDeadlineSeconds"), errs)
        if deadline <= (integer(spec.get("minReadySeconds")) or 0):
            errs.invalid(
                ("spec", "progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"
            )


def replica_set(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    _nonnegative(spec.get("replicas"), ("spec", "replicas"), errs)
    _nonnegative(spec.get("minReadySeconds"), ("spec", "minReadySeconds"), errs)
    _selector_and_template(spec, errs, "deployment", restart_policies=("Always",))


def daemon_set(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    _selector_and_template(spec, errs, "daemonset", restart_policies=("Always",))
    strategy = mapping(spec.get("updateStrategy"))
    typ = strategy.get("type") or "RollingUpdate"
    if typ not in ("OnDelete", "RollingUpdate"):
        errs.not_supported(("spec", "updateStrategy", "type"), typ, ("OnDelete", "RollingUpdate"))
    elif typ == "RollingUpdate":
        r = mapping(strategy.get("rollingUpdate"))
        path = ("spec", "updateStrategy", "rollingUpdate")
        unavailable, surge = r.get("maxUnavailable", 1), r.get("maxSurge", 0)
        u = _int_or_percent(unavailable, (*path, "maxUnavailable"), errs)
        s = _int_or_percent(surge, (*path, "maxSurge"), errs)
        if u == 0 and s == 0:
            errs.invalid((*path, "maxUnavailable"), unavailable, "cannot be 0 when maxSurge is 0")
        _not_more_than_100_percent(unavailable, (*path, "maxUnavailable"), errs)
    for f in ("minReadySeconds", "revisionHistoryLimit"):
        _nonnegative(spec.get(f), ("spec", f), errs)


def stateful_set(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    policy = spec.get("podManagementPolicy")
    if isinstance(policy, str) and policy not in ("OrderedReady", "Parallel"):
        errs.not_supported(("spec", "podManagementPolicy"), policy, ("OrderedReady", "Parallel"))
    strategy = mapping(spec.get("updateStrategy"))
    typ = strategy.get("type") or "RollingUpdate"
    if typ == "OnDelete":
        if strategy.get("rollingUpdate") is not None:
            errs.invalid(
                ("spec", "updateStrategy", "rollingUpdate"),
                strategy["rollingUpdate"],
                "only allowed for updateStrategy 'RollingUpdate'",
            )
    elif typ != "RollingUpdate":
        errs.not_supported(("spec", "updateStrategy", "type"), typ, ("RollingUpdate", "OnDelete"))
    else:
        r = mapping(strategy.get("rollingUpdate"))
        _nonnegative(r.get("partition"), ("spec", "updateStrategy", "rollingUpdate", "partition"), errs)
    _nonnegative(spec.get("replicas"), ("spec", "replicas"), errs)
    _nonnegative(spec.get("minReadySeconds"), ("spec", "minReadySeconds"), errs)
    service = text(spec.get("serviceName"))
    if service:
        errs.invalid_each(("spec", "serviceName"), service, is_dns1123_label(service))
    # ValidatePodTemplateSpecForStatefulSet checks the template's selector match, labels and restart policy
    # but not its pod spec (volume mounts may name volumeClaimTemplates); only what fails to decode remains.
    _selector_and_template(spec, errs, "statefulset", restart_policies=("Always",), pod_spec=False)
    pod_quantities(mapping(spec.get("template")).get("spec"), ("spec", "template", "spec"), errs)
    for i, claim in enumerate(items(spec.get("volumeClaimTemplates"))):
        _pvc_spec(mapping(claim).get("spec"), ("spec", "volumeClaimTemplates", i, "spec"), errs)


# --- batch ---------------------------------------------------------------------------------------------


def _job_spec(spec: Any, path: Path, errs: ErrorList) -> None:
    s = mapping(spec)
    for f in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ):
        _nonnegative(s.get(f), (*path, f), errs)
    mode = s.get("completionMode")
    if isinstance(mode, str) and mode not in ("NonIndexed", "Indexed"):
        errs.not_supported((*path, "completionMode"), mode, ("NonIndexed", "Indexed"))
    if mode == "Indexed" and s.get("completions") is None:
        errs.required((*path, "completions"), "when completion mode is Indexed")
    template = mapping(s.get("template"))
    if s.get("selector") is not None:
        validate_label_selector(s["selector"], (*path, "selector"), errs)
    validate_pod_template(
        template, (*path, "template"), errs, restart_policies=("OnFailure", "Never"), default_restart="Always"
    )


def job(obj: dict[str, Any], errs: ErrorList) -> None:
    _job_spec(obj.get("spec"), ("spec",), errs)


def cron_job(obj: dict[str, Any], errs: ErrorList) -> None:
    name = text(mapping(obj.get("metadata")).get("name"))
    if name and len(name) > CRONJOB_NAME_MAX:
        errs.invalid(("metadata", "name"), name, max_len_error(CRONJOB_NAME_MAX))
    spec = mapping(obj.get("spec"))
    schedule = text(spec.get("schedule"))
    time_zone = text(spec.get("timeZone"))
    if schedule is None:
        if spec.get("schedule") is None:
            errs.required(("spec", "schedule"))
    else:
        problem = schedule_error(schedule)
        if problem:
            errs.invalid(("spec", "schedule"), schedule, problem)
        if "TZ" in schedule:
            errs.invalid(
                ("spec", "schedule"),
                schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            )
    if time_zone is not None and (not time_zone or not is_time_zone(time_zone)):
        errs.invalid(("spec", "timeZone"), time_zone, f"unknown time zone {time_zone}")
    policy = spec.get("concurrencyPolicy")
    if isinstance(policy, str) and policy not in ("Allow", "Forbid", "Replace"):
        errs.not_supported(("spec", "concurrencyPolicy"), policy, ("Allow", "Forbid", "Replace"))
    for f in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        _nonnegative(spec.get(f), ("spec", f), errs)
    job_template = mapping(spec.get("jobTemplate"))
    validate_labels(
        mapping(job_template.get("metadata")).get("labels"),
        ("spec", "jobTemplate", "metadata", "labels"),
        errs,
    )
    _job_spec(job_template.get("spec"), ("spec", "jobTemplate", "spec"), errs)


# --- core ----------------------------------------------------------------------------------------------


def pod(obj: dict[str, Any], errs: ErrorList) -> None:
    validate_pod_spec(obj.get("spec"), ("spec",), errs, for_pod=True)


def pod_template(obj: dict[str, Any], errs: ErrorList) -> None:
    validate_pod_template(obj.get("template"), ("template",), errs, restart_policies=None)


def replication_controller(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    _nonnegative(spec.get("replicas"), ("spec", "replicas"), errs)
    selector = str_map(spec.get("selector"))
    template = mapping(spec.get("template"))
    labels = str_map(mapping(template.get("metadata")).get("labels"))
    validate_labels(selector, ("spec", "selector"), errs)
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        errs.invalid(
            ("spec", "template", "metadata", "labels"), labels, "`selector` does not match template `labels`"
        )
    validate_pod_template(template, ("spec", "template"), errs, restart_policies=("Always",))


SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


def service(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    typ = text(spec.get("type")) or "ClusterIP"
    if typ not in SERVICE_TYPES:
        errs.not_supported(("spec", "type"), typ, SERVICE_TYPES)
    cluster_ip = text(spec.get("clusterIP")) or ""
    ips = [c for c in items(spec.get("clusterIPs")) if isinstance(c, str)] or (
        [cluster_ip] if cluster_ip else []
    )
    headless = bool(ips) and ips[0] == "None"
    ports = items(spec.get("ports"))
    if typ == "ExternalName":
        ext = text(spec.get("externalName"))
        if not ext:
            errs.required(("spec", "externalName"))
        else:
            errs.invalid_each(("spec", "externalName"), ext, is_dns1123_subdomain(ext.removesuffix(".")))
        if cluster_ip:
            errs.forbidden(("spec", "clusterIP"), "may not be set for ExternalName services")
    elif not ports and not headless:
        errs.required(("spec", "ports"))
    for ip in ips:
        if ip == "None" or not ip:
            continue
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            errs.invalid(("spec", "clusterIP"), ip, "must be empty, 'None', or a valid IP address")
    if headless and typ in ("LoadBalancer", "NodePort"):
        errs.invalid(("spec", "clusterIP"), "None", f"may not be set to 'None' for {typ} services")
    names: set[str] = set()
    seen: set[tuple[str, int]] = set()
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        p = mapping(port)
        here = ("spec", "ports", i)
        name = text(p.get("name")) or ""
        if len(ports) > 1 and not name:
            errs.required((*here, "name"))
        elif name:
            errs.invalid_each((*here, "name"), name, is_dns1123_label(name))
            if name in names:
                errs.duplicate((*here, "name"), name)
            names.add(name)
        number = integer(p.get("port"))
        if number is not None:
            errs.invalid_each((*here, "port"), number, is_valid_port_num(number))
        protocol = text(p.get("protocol")) or "TCP"
        if protocol not in PORT_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, PORT_PROTOCOLS)
        if number is not None:
            if (protocol, number) in seen:
                errs.duplicate(here, {"port": number, "protocol": protocol})
            seen.add((protocol, number))
        target = p.get("targetPort")
        if isinstance(target, str):
            if target.isdigit():
                errs.invalid_each((*here, "targetPort"), target, is_valid_port_num(int(target)))
            else:
                errs.invalid_each((*here, "targetPort"), target, is_valid_port_name(target))
        elif (port := integer(target)) is not None:
            errs.invalid_each((*here, "targetPort"), target, is_valid_port_num(port))
        node_port = integer(p.get("nodePort"))
        if node_port:
            if typ in ("ClusterIP", "ExternalName"):
                errs.forbidden((*here, "nodePort"), f"may not be used when `type` is '{typ}'")
            else:
                errs.invalid_each((*here, "nodePort"), node_port, is_valid_port_num(node_port))
                if (protocol, node_port) in node_ports:
                    errs.duplicate((*here, "nodePort"), node_port)
                node_ports.add((protocol, node_port))
    if spec.get("externalTrafficPolicy") and typ not in ("NodePort", "LoadBalancer"):
        errs.forbidden(
            ("spec", "externalTrafficPolicy"), "may only be set when `type` is 'NodePort' or 'LoadBalancer'"
        )
    for f in ("externalTrafficPolicy", "internalTrafficPolicy"):
        v = spec.get(f)
        if isinstance(v, str) and v and v not in ("Cluster", "Local"):
            errs.not_supported(("spec", f), v, ("Cluster", "Local"))
    affinity = spec.get("sessionAffinity")
    if isinstance(affinity, str) and affinity not in ("ClientIP", "None"):
        errs.not_supported(("spec", "sessionAffinity"), affinity, ("ClientIP", "None"))
    validate_labels(spec.get("selector"), ("spec", "selector"), errs)
    for i, cidr in enumerate(items(spec.get("loadBalancerSourceRanges"))):
        if isinstance(cidr, str) and not _is_cidr(cidr.strip()):
            errs.invalid(
                ("spec", "loadBalancerSourceRanges", i),
                cidr,
                "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ",
            )


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def _data_keys(obj: dict[str, Any], errs: ErrorList, fields: tuple[str, ...], encoded: str) -> int:
    """Valid config keys, no key twice across the data fields; returns the total size of the values
    (the ``encoded`` field holds base64 text, counted by its decoded size)."""
    seen: dict[str, str] = {}
    total = 0
    for f in fields:
        for key, value in str_map(obj.get(f)).items():
            errs.invalid_each((f, key), key, is_config_map_key(key))
            if key in seen and {seen[key], f} != {"data", "stringData"}:
                errs.invalid((f, key), key, f"duplicate of key present in `{seen[key]}`")
            seen.setdefault(key, f)
            if isinstance(value, str):
                total += len(value) * 3 // 4 if f == encoded else len(value.encode())
    return total


def config_map(obj: dict[str, Any], errs: ErrorList) -> None:
    if _data_keys(obj, errs, ("data", "binaryData"), "binaryData") > MAX_CONFIG_SIZE:
        errs.too_long((), MAX_CONFIG_SIZE)
    for key, value in str_map(obj.get("binaryData")).items():
        _base64(value, ("binaryData", key), errs)


def _base64(value: Any, path: Path, errs: ErrorList) -> None:
    """A ``[]byte`` field: the API server decodes it as standard base64 (newlines ignored)."""
    if not isinstance(value, str):
        return
    bad = base64_error(value)
    if bad:
        errs.invalid(path, "<value>", bad)


def base64_error(value: str) -> str | None:
    """Go's ``illegal base64 data at input byte N`` for a string that is not standard base64, else None."""
    cleaned = value.replace("\r", "").replace("\n", "")
    try:
        base64.b64decode(cleaned, validate=True)
        return None
    except (binascii.Error, ValueError):
        pass
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    pos = 0
    for i, ch in enumerate(value):
        if ch in "\r\n":
            continue
        if ch not in alphabet:
            pos = i
            break
        pos = i + 1
    else:
        pos = len(value) - len(value) % 4 if len(cleaned) % 4 else len(value)
    return f"illegal base64 data at input byte {pos}"


SECRET_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
}


def secret(obj: dict[str, Any], errs: ErrorList) -> None:
    if _data_keys(obj, errs, ("data", "stringData"), "data") > MAX_CONFIG_SIZE:
        errs.too_long(("data",), MAX_CONFIG_SIZE)
    data = str_map(obj.get("data"))
    for key, value in data.items():
        _base64(value, ("data", key), errs)
    typ = text(obj.get("type")) or "Opaque"
    keys = set(data) | set(str_map(obj.get("stringData")))
    for key in SECRET_REQUIRED_KEYS.get(typ, ()):
        if key not in keys:
            errs.required(("data", key))
    if typ == "kubernetes.io/service-account-token":
        annotations = str_map(mapping(obj.get("metadata")).get("annotations"))
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.required(("metadata", "annotations", "kubernetes.io/service-account.name"))
    if typ == "kubernetes.io/basic-auth" and not keys & {"username", "password"}:
        errs.required(("data", "username"), "must specify at least one of username or password")
    if typ == "kubernetes.io/dockerconfigjson":
        raw = str_map(obj.get("stringData")).get(".dockerconfigjson")
        if (
            raw is None
            and isinstance(data.get(".dockerconfigjson"), str)
            and not base64_error(data[".dockerconfigjson"])
        ):
            raw = base64.b64decode(data[".dockerconfigjson"].replace("\n", "")).decode("utf-8", "replace")
        if isinstance(raw, str):
            try:
                json.loads(raw)
            except ValueError as exc:
                errs.invalid(("data", ".dockerconfigjson"), "<secret contents redacted>", str(exc))


def namespace(obj: dict[str, Any], errs: ErrorList) -> None:
    for i, f in enumerate(items(mapping(obj.get("spec")).get("finalizers"))):
        if isinstance(f, str):
            errs.invalid_each(("spec", "finalizers", i), f, is_qualified_name(f))


def _pvc_spec(spec: Any, path: Path, errs: ErrorList) -> None:
    s = mapping(spec)
    modes = items(s.get("accessModes"))
    if not modes and s.get("dataSourceRef") is None:
        errs.required((*path, "accessModes"), "at least 1 access mode is required")
    supported = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
    for i, m in enumerate(modes):
        if isinstance(m, str) and m not in supported:
            errs.not_supported((*path, "accessModes", i), m, supported)
    requests = str_map(mapping(s.get("resources")).get("requests"))
    if "storage" not in requests:
        errs.required((*path, "resources", "requests", "storage"))
    for part in ("requests", "limits"):
        for name, value in str_map(mapping(s.get("resources")).get(part)).items():
            _quantity_field(value, (*path, "resources", part, name), errs)
    mode = s.get("volumeMode")
    if isinstance(mode, str) and mode not in ("Block", "Filesystem"):
        errs.not_supported((*path, "volumeMode"), mode, ("Block", "Filesystem"))


def _quantity_field(value: Any, path: Path, errs: ErrorList) -> None:
    try:
        q = quantity_of(value)
    except QuantityError as exc:
        errs.invalid(path, value, str(exc))
        return
    if q.value < 0:
        errs.invalid(path, str(q), "must be greater than or equal to 0")


def persistent_volume_claim(obj: dict[str, Any], errs: ErrorList) -> None:
    _pvc_spec(obj.get("spec"), ("spec",), errs)


def service_account(obj: dict[str, Any], errs: ErrorList) -> None:
    for i, ref in enumerate(items(obj.get("imagePullSecrets"))):
        name = text(mapping(ref).get("name"))
        if name:
            errs.invalid_each(("imagePullSecrets", i, "name"), name, is_dns1123_subdomain(name))


def limit_range(obj: dict[str, Any], errs: ErrorList) -> None:
    for i, limit in enumerate(items(mapping(obj.get("spec")).get("limits"))):
        lim = mapping(limit)
        typ = lim.get("type")
        if (
            typ not in ("Pod", "Container", "PersistentVolumeClaim")
            and isinstance(typ, str)
            and "/" not in typ
        ):
            errs.not_supported(
                ("spec", "limits", i, "type"), typ, ("Container", "PersistentVolumeClaim", "Pod")
            )
        for f in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            for name, value in str_map(lim.get(f)).items():
                _quantity_field(value, ("spec", "limits", i, f, name), errs)


def resource_quota(obj: dict[str, Any], errs: ErrorList) -> None:
    for name, value in str_map(mapping(obj.get("spec")).get("hard")).items():
        _quantity_field(value, ("spec", "hard", name), errs)


# --- networking ----------------------------------------------------------------------------------------


def _ingress_backend(backend: Any, path: Path, errs: ErrorList) -> None:
    b = mapping(backend)
    has_resource, has_service = b.get("resource") is not None, b.get("service") is not None
    if has_resource and has_service:
        errs.invalid(path, "", "cannot set both resource and service backends")
    elif has_service:
        svc = mapping(b["service"])
        name = text(svc.get("name"))
        if not name:
            errs.required((*path, "service", "name"))
        else:
            errs.invalid_each((*path, "service", "name"), name, is_dns1035_label(name))
        port = mapping(svc.get("port"))
        port_name, number = text(port.get("name")), integer(port.get("number"))
        if port_name and number:
            errs.invalid((*path, "service", "port"), "", "cannot set both port name & port number")
        elif port_name:
            errs.invalid_each((*path, "service", "port", "name"), port_name, is_valid_port_name(port_name))
        elif number:
            errs.invalid_each((*path, "service", "port", "number"), number, is_valid_port_num(number))
        else:
            errs.required((*path, "service", "port"), "port name or number is required")
    elif not has_resource:
        errs.invalid(path, "", "resource or service backend is required")


_BAD_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_PATH_SUFFIXES = ("/..", "/.")


def _host(value: str, path: Path, errs: ErrorList) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        errs.invalid(path, value, "must be a DNS name, not an IP address")
        return
    if value.startswith("*"):
        errs.invalid_each(path, value, is_wildcard_dns1123_subdomain(value))
    else:
        errs.invalid_each(path, value, is_dns1123_subdomain(value))


def ingress(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    rules = items(spec.get("rules"))
    if spec.get("defaultBackend") is None and not rules:
        errs.invalid(("spec",), "", "either `defaultBackend` or `rules` must be specified")
    if spec.get("defaultBackend") is not None:
        _ingress_backend(spec["defaultBackend"], ("spec", "defaultBackend"), errs)
    cls = text(spec.get("ingressClassName"))
    if cls:
        errs.invalid_each(("spec", "ingressClassName"), cls, is_dns1123_subdomain(cls))
    for i, rule in enumerate(rules):
        r = mapping(rule)
        host = text(r.get("host"))
        if host:
            _host(host, ("spec", "rules", i, "host"), errs)
        http = r.get("http")
        if http is None:
            continue
        paths = items(mapping(http).get("paths"))
        if not paths:
            errs.required(("spec", "rules", i, "http", "paths"))
        for j, p in enumerate(paths):
            pp = mapping(p)
            here = ("spec", "rules", i, "http", "paths", j)
            typ = pp.get("pathType")
            value = text(pp.get("path")) or ""
            if typ is None:
                errs.required((*here, "pathType"), "pathType must be specified")
            elif typ not in ("Exact", "Prefix", "ImplementationSpecific"):
                errs.not_supported((*here, "pathType"), typ, ("Exact", "ImplementationSpecific", "Prefix"))
            if typ in ("Exact", "Prefix"):
                if not value.startswith("/"):
                    errs.invalid((*here, "path"), value, "must be an absolute path")
                for seq in _BAD_PATH_SEQUENCES:
                    if seq in value:
                        errs.invalid((*here, "path"), value, f"must not contain '{seq}'")
                for suffix in _BAD_PATH_SUFFIXES:
                    if value.endswith(suffix):
                        errs.invalid((*here, "path"), value, f"cannot end with '{suffix}'")
            elif typ == "ImplementationSpecific" and value and not value.startswith("/"):
                errs.invalid((*here, "path"), value, "must be an absolute path")
            _ingress_backend(pp.get("backend"), (*here, "backend"), errs)
    for i, tls in enumerate(items(spec.get("tls"))):
        for j, host in enumerate(items(mapping(tls).get("hosts"))):
            if isinstance(host, str):
                if host.startswith("*"):
                    errs.invalid_each(
                        ("spec", "tls", i, "hosts", j), host, is_wildcard_dns1123_subdomain(host)
                    )
                else:
                    errs.invalid_each(("spec", "tls", i, "hosts", j), host, is_dns1123_subdomain(host))


def ingress_class(obj: dict[str, Any], errs: ErrorList) -> None:
    controller = text(mapping(obj.get("spec")).get("controller"))
    if controller:
        errs.invalid_each(
            ("spec", "controller"),
            controller,
            is_qualified_name(controller)
            if "/" in controller
            else ['must be a domain-prefixed path (such as "acme.io/foo")'],
        )


NETPOL_PROTOCOLS = ("TCP", "UDP", "SCTP")


def _netpol_ports(ports: Any, path: Path, errs: ErrorList) -> None:
    for i, port in enumerate(items(ports)):
        p = mapping(port)
        here = (*path, i)
        protocol = p.get("protocol")
        if isinstance(protocol, str) and protocol not in NETPOL_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, NETPOL_PROTOCOLS)
        number = p.get("port")
        end = integer(p.get("endPort"))
        if isinstance(number, str) and not number.isdigit():
            errs.invalid_each((*here, "port"), number, is_valid_port_name(number))
            if end is not None:
                errs.invalid((*here, "endPort"), end, "may not be specified when `port` is non-numeric")
        elif number is not None:
            n = int(number) if isinstance(number, str) else integer(number)
            if n is not None:
                errs.invalid_each((*here, "port"), number, is_valid_port_num(n))
                if end is not None and end < n:
                    errs.invalid((*here, "endPort"), end, "must be greater than or equal to `port`")
        elif end is not None:
            errs.required((*here, "port"), "may not be omitted when `endPort` is specified")


def _netpol_peers(peers: Any, path: Path, errs: ErrorList) -> None:
    for i, peer in enumerate(items(peers)):
        p = mapping(peer)
        here = (*path, i)
        selectors = [k for k in ("podSelector", "namespaceSelector") if p.get(k) is not None]
        block = p.get("ipBlock")
        if block is not None and selectors:
            errs.forbidden(here, "may not specify both ipBlock and another peer")
        elif block is None and not selectors:
            errs.required(here, "must specify a peer")
        for k in selectors:
            validate_label_selector(p[k], (*here, k), errs)
        if block is not None:
            b = mapping(block)
            cidr = text(b.get("cidr"))
            if not cidr:
                errs.required((*here, "ipBlock", "cidr"))
                continue
            if not _is_cidr(cidr):
                errs.invalid(
                    (*here, "ipBlock", "cidr"),
                    cidr,
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                )
                continue
            net = ipaddress.ip_network(cidr, strict=False)
            for j, ex in enumerate(items(b.get("except"))):
                if not isinstance(ex, str) or not _is_cidr(ex):
                    errs.invalid(
                        (*here, "ipBlock", "except", j),
                        ex,
                        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                    )
                    continue
                sub = ipaddress.ip_network(ex, strict=False)
                # subnet_of() takes a network of its own IP version, which the version test guarantees; mypy
                # cannot tie the two unions (IPv4Network | IPv6Network) together.
                if sub.version != net.version or not sub.subnet_of(net):  # type: ignore[arg-type]
                    errs.invalid((*here, "ipBlock", "except", j), ex, "must be a strict subset of `cidr`")


def network_policy(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    validate_label_selector(spec.get("podSelector"), ("spec", "podSelector"), errs)
    for i, rule in enumerate(items(spec.get("ingress"))):
        r = mapping(rule)
        _netpol_ports(r.get("ports"), ("spec", "ingress", i, "ports"), errs)
        _netpol_peers(r.get("from"), ("spec", "ingress", i, "from"), errs)
    for i, rule in enumerate(items(spec.get("egress"))):
        r = mapping(rule)
        _netpol_ports(r.get("ports"), ("spec", "egress", i, "ports"), errs)
        _netpol_peers(r.get("to"), ("spec", "egress", i, "to"), errs)
    types = items(spec.get("policyTypes"))
    for i, t in enumerate(types):
        if isinstance(t, str) and t not in ("Ingress", "Egress"):
            errs.not_supported(("spec", "policyTypes", i), t, ("Ingress", "Egress"))
    if len(types) > 2:
        errs.invalid(("spec", "policyTypes"), types, "may not specify more than two policyTypes")


# --- autoscaling and policy ----------------------------------------------------------------------------


def horizontal_pod_autoscaler(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    low = integer(spec.get("minReplicas"))
    high = integer(spec.get("maxReplicas"))
    if low is not None and low < 1:
        errs.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high is not None and high < 1:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if low is not None and high is not None and high < low:
        errs.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    ref = mapping(spec.get("scaleTargetRef"))
    for f in ("kind", "name"):
        value = text(ref.get(f))
        if not value:
            errs.required(("spec", "scaleTargetRef", f))
        else:
            errs.invalid_each(("spec", "scaleTargetRef", f), value, is_path_segment_name(value))
    cpu = integer(spec.get("targetCPUUtilizationPercentage"))
    if cpu is not None and cpu < 1:
        errs.invalid(("spec", "targetCPUUtilizationPercentage"), cpu, "must be greater than 0")
    types = {
        "Object": "object",
        "Pods": "pods",
        "Resource": "resource",
        "ContainerResource": "containerResource",
        "External": "external",
    }
    for i, metric in enumerate(items(spec.get("metrics"))):
        m = mapping(metric)
        here = ("spec", "metrics", i)
        typ = m.get("type")
        if typ not in types:
            if isinstance(typ, str):
                errs.not_supported((*here, "type"), typ, sorted(types))
            else:
                errs.required((*here, "type"), "must specify a metric source type")
            continue
        source = m.get(types[typ])
        if source is None:
            errs.required((*here, types[typ]), "must populate information for the given metric source")
        for other_type, field in types.items():
            if other_type != typ and m.get(field) is not None:
                errs.forbidden((*here, field), "must populate the given metric source only")
        target = mapping(mapping(source).get("target"))
        ttype = target.get("type")
        if source is not None and ttype not in ("Utilization", "Value", "AverageValue"):
            if isinstance(ttype, str):
                errs.not_supported(
                    (*here, types[typ], "target", "type"), ttype, ("AverageValue", "Utilization", "Value")
                )
            else:
                errs.required((*here, types[typ], "target", "type"), "must specify a metric target type")
        util = integer(target.get("averageUtilization"))
        if util is not None and util < 1:
            errs.invalid((*here, types[typ], "target", "averageUtilization"), util, "must be greater than 0")
        for f in ("value", "averageValue"):
            if target.get(f) is not None:
                _quantity_field(target[f], (*here, types[typ], "target", f), errs)


def pod_disruption_budget(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        errs.invalid(("spec",), "", "minAvailable and maxUnavailable cannot be both set")
    for f in ("minAvailable", "maxUnavailable"):
        if spec.get(f) is not None:
            _int_or_percent(spec[f], ("spec", f), errs)
            _not_more_than_100_percent(spec[f], ("spec", f), errs)
    if spec.get("selector") is not None:
        validate_label_selector(spec["selector"], ("spec", "selector"), errs)
    policy = spec.get("unhealthyPodEvictionPolicy")
    if isinstance(policy, str) and policy not in ("IfHealthyBudget", "AlwaysAllow"):
        errs.not_supported(("spec", "unhealthyPodEvictionPolicy"), policy, ("AlwaysAllow", "IfHealthyBudget"))


def priority_class(obj: dict[str, Any], errs: ErrorList) -> None:
    value = integer(obj.get("value"))
    if value is not None and value > 1000000000:
        errs.forbidden(("value",), "maximum allowed value of a user defined priority is 1000000000")


# --- rbac ----------------------------------------------------------------------------------------------


def _policy_rules(obj: dict[str, Any], errs: ErrorList, namespaced: bool) -> None:
    for i, rule in enumerate(items(obj.get("rules"))):
        r = mapping(rule)
        here = ("rules", i)
        if not items(r.get("verbs")):
            errs.required((*here, "verbs"), "verbs must contain at least one value")
        if items(r.get("nonResourceURLs")):
            if namespaced:
                errs.invalid(
                    (*here, "nonResourceURLs"),
                    r["nonResourceURLs"],
                    "namespaced rules cannot apply to non-resource URLs",
                )
            if items(r.get("apiGroups")) or items(r.get("resources")) or items(r.get("resourceNames")):
                errs.invalid(
                    (*here, "nonResourceURLs"),
                    r["nonResourceURLs"],
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            continue
        if not items(r.get("apiGroups")):
            errs.required((*here, "apiGroups"), "resource rules must supply at least one api group")
        if not items(r.get("resources")):
            errs.required((*here, "resources"), "resource rules must supply at least one resource")


def role(obj: dict[str, Any], errs: ErrorList) -> None:
    _policy_rules(obj, errs, namespaced=True)


def cluster_role(obj: dict[str, Any], errs: ErrorList) -> None:
    _policy_rules(obj, errs, namespaced=False)


def _binding(obj: dict[str, Any], errs: ErrorList, kinds: tuple[str, ...], namespaced: bool) -> None:
    ref = mapping(obj.get("roleRef"))
    # an empty apiGroup is defaulted to the RBAC group before validation (SetDefaults_RoleBinding)
    group = ref.get("apiGroup") or RBAC_GROUP
    if group != RBAC_GROUP:
        errs.not_supported(("roleRef", "apiGroup"), group if isinstance(group, str) else "", (RBAC_GROUP,))
    kind = ref.get("kind")
    if kind not in kinds:
        errs.not_supported(("roleRef", "kind"), kind if isinstance(kind, str) else "", kinds)
    name = text(ref.get("name"))
    if not name:
        errs.required(("roleRef", "name"))
    else:
        errs.invalid_each(("roleRef", "name"), name, is_path_segment_name(name))
    for i, subject in enumerate(items(obj.get("subjects"))):
        s = mapping(subject)
        here = ("subjects", i)
        skind = s.get("kind")
        sname = text(s.get("name"))
        if not sname:
            errs.required((*here, "name"))
        if skind == "ServiceAccount":
            if sname:
                errs.invalid_each((*here, "name"), sname, is_dns1123_subdomain(sname))
            if s.get("apiGroup"):
                errs.not_supported((*here, "apiGroup"), s["apiGroup"], ("",))
            if not namespaced and not text(s.get("namespace")):
                errs.required((*here, "namespace"))
        elif skind in ("User", "Group"):
            if (s.get("apiGroup") or RBAC_GROUP) != RBAC_GROUP:  # empty is defaulted (SetDefaults_Subject)
                errs.not_supported((*here, "apiGroup"), s.get("apiGroup"), (RBAC_GROUP,))
        else:
            errs.not_supported(
                (*here, "kind"), skind if isinstance(skind, str) else "", ("ServiceAccount", "User", "Group")
            )


def role_binding(obj: dict[str, Any], errs: ErrorList) -> None:
    _binding(obj, errs, ("Role", "ClusterRole"), namespaced=True)


def cluster_role_binding(obj: dict[str, Any], errs: ErrorList) -> None:
    _binding(obj, errs, ("ClusterRole",), namespaced=False)


def custom_resource_definition(obj: dict[str, Any], errs: ErrorList) -> None:
    spec = mapping(obj.get("spec"))
    plural = text(mapping(spec.get("names")).get("plural"))
    group = text(spec.get("group"))
    name = text(mapping(obj.get("metadata")).get("name"))
    if plural and group and name is not None and name != f"{plural}.{group}":
        errs.invalid(("metadata", "name"), name, 'must be spec.names.plural+"."+spec.group')
    scope = spec.get("scope")
    if isinstance(scope, str) and scope not in ("Cluster", "Namespaced"):
        errs.not_supported(("spec", "scope"), scope, ("Cluster", "Namespaced"))


# --- the tables ----------------------------------------------------------------------------------------

# How each kind's objects must be named (``metadata.name``), after each kind's ``Validate<Kind>Name``.
NAME_FORMATS: dict[tuple[str, str], NameCheck] = {
    ("", "Namespace"): is_dns1123_label,
    ("", "Service"): is_dns1035_label,
    **{
        k: is_dns1123_subdomain
        for k in (
            ("", "Pod"), ("", "PodTemplate"), ("", "ReplicationController"), ("", "ConfigMap"), ("", "Secret"),
            ("", "ServiceAccount"), ("", "PersistentVolumeClaim"), ("", "PersistentVolume"), ("", "LimitRange"),
            ("", "ResourceQuota"), ("", "Endpoints"), ("", "Node"), ("apps", "Deployment"), ("apps", "StatefulSet"),
            ("apps", "DaemonSet"), ("apps", "ReplicaSet"), ("batch", "Job"), ("batch", "CronJob"),
            ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "IngressClass"),
            ("networking.k8s.io", "NetworkPolicy"), ("autoscaling", "HorizontalPodAutoscaler"),
            ("policy", "PodDisruptionBudget"), ("scheduling.k8s.io", "PriorityClass"),
            ("storage.k8s.io", "StorageClass"), ("coordination.k8s.io", "Lease"),
            ("discovery.k8s.io", "EndpointSlice"),
        )
    },
    **{
        ("rbac.authorization.k8s.io", k): is_path_segment_name
        for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    },
}  # fmt: skip

# The checks of each kind, by (group, kind); the same shape is served in every version these tables cover.
KIND_RULES: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("apps", "Deployment"): (deployment,),
    ("apps", "ReplicaSet"): (replica_set,),
    ("apps", "DaemonSet"): (daemon_set,),
    ("apps", "StatefulSet"): (stateful_set,),
    ("batch", "Job"): (job,),
    ("batch", "CronJob"): (cron_job,),
    ("", "Pod"): (pod,),
    ("", "PodTemplate"): (pod_template,),
    ("", "ReplicationController"): (replication_controller,),
    ("", "Service"): (service,),
    ("", "ConfigMap"): (config_map,),
    ("", "Secret"): (secret,),
    ("", "Namespace"): (namespace,),
    ("", "PersistentVolumeClaim"): (persistent_volume_claim,),
    ("", "ServiceAccount"): (service_account,),
    ("", "LimitRange"): (limit_range,),
    ("", "ResourceQuota"): (resource_quota,),
    ("networking.k8s.io", "Ingress"): (ingress,),
    ("networking.k8s.io", "IngressClass"): (ingress_class,),
    ("networking.k8s.io", "NetworkPolicy"): (network_policy,),
    ("autoscaling", "HorizontalPodAutoscaler"): (horizontal_pod_autoscaler,),
    ("policy", "PodDisruptionBudget"): (pod_disruption_budget,),
    ("scheduling.k8s.io", "PriorityClass"): (priority_class,),
    ("rbac.authorization.k8s.io", "Role"): (role,),
    ("rbac.authorization.k8s.io", "ClusterRole"): (cluster_role,),
    ("rbac.authorization.k8s.io", "RoleBinding"): (role_binding,),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (cluster_role_binding,),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): (custom_resource_definition,),
}
