"""The core group: pods, services, config, storage claims, quotas (``pkg/apis/core/validation``)."""

from __future__ import annotations

import base64
import ipaddress
import json
from collections.abc import Mapping

from ...models.k8s import core_v1
from .common import base64_error, base64_field, is_cidr, nonnegative, nonnegative_quantity, port_num_or_name
from .errors import ErrorList, Path
from .meta import validate_labels
from .names import (
    is_config_map_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_num,
)
from .pod import PORT_PROTOCOLS, validate_pod_spec, validate_pod_template

MAX_CONFIG_SIZE = 1024 * 1024
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
SECRET_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
}


def pod(obj: core_v1.Pod, errs: ErrorList) -> None:
    validate_pod_spec(obj.spec or core_v1.PodSpec(containers=[]), ("spec",), errs, for_pod=True)


def pod_template(obj: core_v1.PodTemplate, errs: ErrorList) -> None:
    validate_pod_template(obj.template, ("template",), errs, restart_policies=None)


def replication_controller(obj: core_v1.ReplicationController, errs: ErrorList) -> None:
    spec = obj.spec or core_v1.ReplicationControllerSpec()
    nonnegative(spec.replicas, ("spec", "replicas"), errs)
    selector = spec.selector or {}
    template = spec.template
    labels = (template.metadata.labels if template and template.metadata else None) or {}
    validate_labels(selector, ("spec", "selector"), errs)
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        errs.invalid(
            ("spec", "template", "metadata", "labels"), labels, "`selector` does not match template `labels`"
        )
    validate_pod_template(template, ("spec", "template"), errs, restart_policies=("Always",))


def _service_ports(spec: core_v1.ServiceSpec, typ: str, errs: ErrorList) -> None:
    ports = spec.ports or []
    names: set[str] = set()
    seen: set[tuple[str, int]] = set()
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        here = ("spec", "ports", i)
        name = port.name or ""
        if len(ports) > 1 and not name:
            errs.required((*here, "name"))
        elif name:
            errs.invalid_each((*here, "name"), name, is_dns1123_label(name))
            if name in names:
                errs.duplicate((*here, "name"), name)
            names.add(name)
        errs.invalid_each((*here, "port"), port.port, is_valid_port_num(port.port))
        protocol = port.protocol or "TCP"
        if protocol not in PORT_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, PORT_PROTOCOLS)
        if (protocol, port.port) in seen:
            errs.duplicate(here, {"port": port.port, "protocol": protocol})
        seen.add((protocol, port.port))
        if port.targetPort is not None:
            port_num_or_name(port.targetPort, (*here, "targetPort"), errs)
        if port.nodePort:
            if typ in ("ClusterIP", "ExternalName"):
                errs.forbidden((*here, "nodePort"), f"may not be used when `type` is '{typ}'")
            else:
                errs.invalid_each((*here, "nodePort"), port.nodePort, is_valid_port_num(port.nodePort))
                if (protocol, port.nodePort) in node_ports:
                    errs.duplicate((*here, "nodePort"), port.nodePort)
                node_ports.add((protocol, port.nodePort))


def service(obj: core_v1.Service, errs: ErrorList) -> None:
    spec = obj.spec or core_v1.ServiceSpec()
    typ = spec.type or "ClusterIP"
    if typ not in SERVICE_TYPES:
        errs.not_supported(("spec", "type"), typ, SERVICE_TYPES)
    cluster_ip = spec.clusterIP or ""
    ips = spec.clusterIPs or ([cluster_ip] if cluster_ip else [])
    headless = bool(ips) and ips[0] == "None"
    if typ == "ExternalName":
        if not spec.externalName:
            errs.required(("spec", "externalName"))
        else:
            errs.invalid_each(
                ("spec", "externalName"),
                spec.externalName,
                is_dns1123_subdomain(spec.externalName.removesuffix(".")),
            )
        if cluster_ip:
            errs.forbidden(("spec", "clusterIP"), "may not be set for ExternalName services")
    elif not spec.ports and not headless:
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
    _service_ports(spec, typ, errs)
    if spec.externalTrafficPolicy and typ not in ("NodePort", "LoadBalancer"):
        errs.forbidden(
            ("spec", "externalTrafficPolicy"), "may only be set when `type` is 'NodePort' or 'LoadBalancer'"
        )
    for f, policy in (
        ("externalTrafficPolicy", spec.externalTrafficPolicy),
        ("internalTrafficPolicy", spec.internalTrafficPolicy),
    ):
        if policy and policy not in ("Cluster", "Local"):
            errs.not_supported(("spec", f), policy, ("Cluster", "Local"))
    if spec.sessionAffinity is not None and spec.sessionAffinity not in ("ClientIP", "None"):
        errs.not_supported(("spec", "sessionAffinity"), spec.sessionAffinity, ("ClientIP", "None"))
    validate_labels(spec.selector, ("spec", "selector"), errs)
    for i, cidr in enumerate(spec.loadBalancerSourceRanges or ()):
        if not is_cidr(cidr.strip()):
            errs.invalid(
                ("spec", "loadBalancerSourceRanges", i),
                cidr,
                "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 ",
            )


def _data_keys(fields: Mapping[str, Mapping[str, str] | None], errs: ErrorList, encoded: str) -> int:
    """Valid config keys, no key twice across the data fields; returns the total size of the values
    (the ``encoded`` field holds base64 text, counted by its decoded size)."""
    seen: dict[str, str] = {}
    total = 0
    for f, data in fields.items():
        for key, value in (data or {}).items():
            errs.invalid_each((f, key), key, is_config_map_key(key))
            if key in seen and {seen[key], f} != {"data", "stringData"}:
                errs.invalid((f, key), key, f"duplicate of key present in `{seen[key]}`")
            seen.setdefault(key, f)
            total += len(value) * 3 // 4 if f == encoded else len(value.encode())
    return total


def config_map(obj: core_v1.ConfigMap, errs: ErrorList) -> None:
    if _data_keys({"data": obj.data, "binaryData": obj.binaryData}, errs, "binaryData") > MAX_CONFIG_SIZE:
        errs.too_long((), MAX_CONFIG_SIZE)
    for key, value in (obj.binaryData or {}).items():
        base64_field(value, ("binaryData", key), errs)


def secret(obj: core_v1.Secret, errs: ErrorList) -> None:
    if _data_keys({"data": obj.data, "stringData": obj.stringData}, errs, "data") > MAX_CONFIG_SIZE:
        errs.too_long(("data",), MAX_CONFIG_SIZE)
    data = obj.data or {}
    string_data = obj.stringData or {}
    for key, value in data.items():
        base64_field(value, ("data", key), errs)
    typ = obj.type or "Opaque"
    keys = set(data) | set(string_data)
    for key in SECRET_REQUIRED_KEYS.get(typ, ()):
        if key not in keys:
            errs.required(("data", key))
    if typ == "kubernetes.io/service-account-token":
        annotations = (obj.metadata.annotations if obj.metadata else None) or {}
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.required(("metadata", "annotations", "kubernetes.io/service-account.name"))
    if typ == "kubernetes.io/basic-auth" and not keys & {"username", "password"}:
        errs.required(("data", "username"), "must specify at least one of username or password")
    if typ == "kubernetes.io/dockerconfigjson":
        raw = string_data.get(".dockerconfigjson")
        encoded = data.get(".dockerconfigjson")
        if raw is None and encoded is not None and not base64_error(encoded):
            raw = base64.b64decode(encoded.replace("\n", "")).decode("utf-8", "replace")
        if raw is not None:
            try:
                json.loads(raw)
            except ValueError as exc:
                errs.invalid(("data", ".dockerconfigjson"), "<secret contents redacted>", str(exc))


def namespace(obj: core_v1.Namespace, errs: ErrorList) -> None:
    for i, finalizer in enumerate((obj.spec.finalizers if obj.spec else None) or ()):
        errs.invalid_each(("spec", "finalizers", i), finalizer, is_qualified_name(finalizer))


def pvc_spec(spec: core_v1.PersistentVolumeClaimSpec | None, path: Path, errs: ErrorList) -> None:
    spec = spec or core_v1.PersistentVolumeClaimSpec()
    modes = spec.accessModes or []
    if not modes and spec.dataSourceRef is None:
        errs.required((*path, "accessModes"), "at least 1 access mode is required")
    for i, mode in enumerate(modes):
        if mode not in ACCESS_MODES:
            errs.not_supported((*path, "accessModes", i), mode, ACCESS_MODES)
    resources = spec.resources or core_v1.VolumeResourceRequirements()
    if "storage" not in (resources.requests or {}):
        errs.required((*path, "resources", "requests", "storage"))
    for part, values in (("requests", resources.requests), ("limits", resources.limits)):
        for name, value in (values or {}).items():
            nonnegative_quantity(value, (*path, "resources", part, name), errs)
    if spec.volumeMode is not None and spec.volumeMode not in ("Block", "Filesystem"):
        errs.not_supported((*path, "volumeMode"), spec.volumeMode, ("Block", "Filesystem"))


def persistent_volume_claim(obj: core_v1.PersistentVolumeClaim, errs: ErrorList) -> None:
    pvc_spec(obj.spec, ("spec",), errs)


def service_account(obj: core_v1.ServiceAccount, errs: ErrorList) -> None:
    for i, ref in enumerate(obj.imagePullSecrets or ()):
        if ref.name:
            errs.invalid_each(("imagePullSecrets", i, "name"), ref.name, is_dns1123_subdomain(ref.name))


LIMIT_TYPES = ("Container", "PersistentVolumeClaim", "Pod")


def limit_range(obj: core_v1.LimitRange, errs: ErrorList) -> None:
    for i, limit in enumerate(obj.spec.limits if obj.spec else ()):
        if limit.type not in LIMIT_TYPES and "/" not in limit.type:
            errs.not_supported(("spec", "limits", i, "type"), limit.type, LIMIT_TYPES)
        for f, values in (
            ("max", limit.max),
            ("min", limit.min),
            ("default", limit.default),
            ("defaultRequest", limit.defaultRequest),
            ("maxLimitRequestRatio", limit.maxLimitRequestRatio),
        ):
            for name, value in (values or {}).items():
                nonnegative_quantity(value, ("spec", "limits", i, f, name), errs)


def resource_quota(obj: core_v1.ResourceQuota, errs: ErrorList) -> None:
    for name, value in ((obj.spec.hard if obj.spec else None) or {}).items():
        nonnegative_quantity(value, ("spec", "hard", name), errs)
