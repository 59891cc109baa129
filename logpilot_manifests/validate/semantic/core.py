"""The core group: pods, services, config, storage claims, quotas (``pkg/apis/core/validation``)."""

from __future__ import annotations

import base64
import ipaddress
import json
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from ...models.k8s import core_v1
from ..quantity import Quantity
from .common import base64_error, base64_field, nonnegative, port_num_or_name, quantity
from .errors import ErrorList, Path
from .ip import IPAddress, parse_cidr, parse_ip
from .meta import validate_finalizer_name, validate_label_selector, validate_labels
from .names import (
    CIDR_MSG,
    IP_MSG,
    container_resource_name_errors,
    is_config_map_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_integer_resource_name,
    is_qualified_name,
    is_standard_quota_resource,
    is_valid_port_num,
    overcommit_allowed,
    quota_resource_name_errors,
    resource_name_errors,
)
from .pod import PORT_PROTOCOLS, validate_pod_spec, validate_pod_template

MAX_CONFIG_SIZE = 1024 * 1024
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
LB_ONLY = "may only be used when `type` is 'LoadBalancer'"
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
# The keys each Secret type must carry (after `stringData` is merged into `data`); ssh-auth's may not be empty.
SECRET_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
}
SECRET_NON_EMPTY_KEYS = ("ssh-privatekey",)
_GO_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "bool"}


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


def _non_special_ip(ip: IPAddress, value: str, path: Path, errs: ErrorList) -> None:
    """``ValidateNonSpecialIP``: external IPs may not be unspecified, loopback or link-local addresses."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        errs.invalid(path, value, f"may not be unspecified ({value})")
    if ip.is_loopback:
        errs.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)")
    if ip.is_link_local:
        errs.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    if (
        (ip in ipaddress.IPv4Network("224.0.0.0/24"))
        if ip.version == 4
        else (int(ip) >> 112) & 0xFF0F == 0xFF02
    ):
        errs.invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")


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
        # a target port of 0 or "" is defaulted to the port (SetDefaults_Service)
        if port.targetPort:
            port_num_or_name(port.targetPort, (*here, "targetPort"), errs)
        if port.appProtocol is not None:
            errs.invalid_each((*here, "appProtocol"), port.appProtocol, is_qualified_name(port.appProtocol))
        if port.nodePort:
            if typ == "ClusterIP":
                errs.forbidden((*here, "nodePort"), "may not be used when `type` is 'ClusterIP'")
            elif typ in ("NodePort", "LoadBalancer"):
                # the node port allocator refuses a port no range can hold
                errs.invalid_each((*here, "nodePort"), port.nodePort, is_valid_port_num(port.nodePort))
            if (protocol, port.nodePort) in node_ports:
                errs.duplicate((*here, "nodePort"), port.nodePort)
            node_ports.add((protocol, port.nodePort))


def _cluster_ips(spec: core_v1.ServiceSpec, typ: str, errs: ErrorList) -> None:
    """``ValidateServiceClusterIPsRelatedFields`` (``clusterIPs`` is filled from ``clusterIP`` before it runs)
    and the IP family policy the allocator checks first, also under dry-run."""
    cluster_ip = spec.clusterIP or ""
    ips = spec.clusterIPs or ([cluster_ip] if cluster_ip else [])
    families = spec.ipFamilies or []
    field = ("spec", "clusterIPs")
    if typ == "ExternalName":
        for f, value in (
            ("clusterIPs", ips),
            ("ipFamilies", families),
            ("ipFamilyPolicy", spec.ipFamilyPolicy),
        ):
            if value:
                errs.forbidden(("spec", f), "may not be set for ExternalName services")
        return
    start = len(errs)
    if cluster_ip and ips[0] != cluster_ip:
        errs.invalid(field, ips, "first value must match `clusterIP`")
    elif not cluster_ip and ips:
        errs.invalid(field, ips, "must be empty when `clusterIP` is not specified")
    for i, family in enumerate(families):
        if family not in IP_FAMILIES:
            errs.not_supported(("spec", "ipFamilies", i), family, IP_FAMILIES)
        if family in families[:i]:
            errs.duplicate(("spec", "ipFamilies", i), family)
    policy = spec.ipFamilyPolicy
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.not_supported(("spec", "ipFamilyPolicy"), policy, IP_FAMILY_POLICIES)
    parsed: list[IPAddress] = []
    bad = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad = True
                errs.invalid(field, ips, "'None' must be the first and only value")
            continue
        address = parse_ip(ip)
        if address is None:
            bad = True
            errs.invalid((*field, i), ip, IP_MSG)
        else:
            parsed.append(address)
    if len(ips) > 2:
        errs.invalid(field, ips, "may only hold up to 2 values")
    if bad:
        return
    if len(ips) > 1 and sorted(a.version for a in parsed) != [4, 6]:
        errs.invalid(field, ips, "may specify no more than one IP for each IP family")
    for i, (address, family) in enumerate(zip(parsed, families, strict=False)):
        if family in IP_FAMILIES and address.version != (4 if family == "IPv4" else 6):
            errs.invalid((*field, i), ips[i], f"expected an {family} value as indicated by `ipFamilies[{i}]`")
    if len(errs) > start:
        return
    headless_without_selector = ips == ["None"] and not spec.selector
    effective = policy or ("RequireDualStack" if headless_without_selector else "SingleStack")
    if effective == "SingleStack":
        for count, what in ((len(ips), "cluster IPs"), (len(families), "IP families")):
            if count == 2:
                errs.invalid(
                    ("spec", "ipFamilyPolicy"),
                    effective,
                    f"must be 'RequireDualStack' or 'PreferDualStack' when multiple {what} are specified",
                )


def _load_balancer_fields(
    spec: core_v1.ServiceSpec, typ: str, annotations: Mapping[str, str], errs: ErrorList
) -> None:
    """The fields only a LoadBalancer may set, and the source ranges (field, or the older annotation)."""
    is_lb = typ == "LoadBalancer"
    ranges = spec.loadBalancerSourceRanges or []
    if ranges:
        # the API server names this field with a capital L
        field: Path = ("spec", "LoadBalancerSourceRanges")
        if not is_lb:
            errs.forbidden(field, LB_ONLY)
        for i, value in enumerate(ranges):
            if parse_cidr(value.strip()) is None:
                errs.invalid((*field, i), value.strip(), CIDR_MSG)
    elif LB_SOURCE_RANGES_ANNOTATION in annotations:
        field = ("metadata", "annotations", LB_SOURCE_RANGES_ANNOTATION)
        if not is_lb:
            errs.forbidden(field, LB_ONLY)
        value = annotations[LB_SOURCE_RANGES_ANNOTATION].strip()
        for cidr in value.split(",") if value else ():
            if parse_cidr(cidr.strip()) is None:
                errs.invalid(field, cidr.strip(), CIDR_MSG)
    if spec.allocateLoadBalancerNodePorts is not None and not is_lb:
        errs.forbidden(("spec", "allocateLoadBalancerNodePorts"), LB_ONLY)
    if spec.loadBalancerClass is not None:
        if is_lb:
            errs.invalid_each(
                ("spec", "loadBalancerClass"),
                spec.loadBalancerClass,
                is_qualified_name(spec.loadBalancerClass),
            )
        else:
            errs.forbidden(("spec", "loadBalancerClass"), LB_ONLY)


def _traffic_policies(spec: core_v1.ServiceSpec, typ: str, errs: ErrorList) -> None:
    """External traffic policy (defaulted to Cluster where the service is reachable from outside), the
    health check node port it may need, and the internal traffic policy."""
    externally_accessible = typ in ("LoadBalancer", "NodePort") or (
        typ == "ClusterIP" and bool(spec.externalIPs)
    )
    etp = spec.externalTrafficPolicy or ""
    if not externally_accessible:
        if etp:
            errs.invalid(
                ("spec", "externalTrafficPolicy"), etp, "may only be set for externally-accessible services"
            )
    elif etp and etp not in TRAFFIC_POLICIES:
        errs.not_supported(("spec", "externalTrafficPolicy"), etp, TRAFFIC_POLICIES)
    health_check = spec.healthCheckNodePort or 0
    if typ == "LoadBalancer" and etp == "Local":
        if health_check:  # left unset, the allocator picks one
            errs.invalid_each(("spec", "healthCheckNodePort"), health_check, is_valid_port_num(health_check))
    elif health_check:
        errs.invalid(
            ("spec", "healthCheckNodePort"),
            health_check,
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        )
    itp = spec.internalTrafficPolicy
    if itp is not None and itp not in TRAFFIC_POLICIES:
        errs.not_supported(("spec", "internalTrafficPolicy"), itp, TRAFFIC_POLICIES)


def _session_affinity(spec: core_v1.ServiceSpec, errs: ErrorList) -> None:
    """None clears `sessionAffinityConfig` and ClientIP defaults its timeout (SetDefaults_Service), so only a
    given timeout is checked."""
    affinity = spec.sessionAffinity or "None"
    if affinity not in ("ClientIP", "None"):
        errs.not_supported(("spec", "sessionAffinity"), affinity, ("ClientIP", "None"))
    elif affinity == "ClientIP":
        client_ip = spec.sessionAffinityConfig.clientIP if spec.sessionAffinityConfig else None
        timeout = client_ip.timeoutSeconds if client_ip else None
        if timeout is not None and not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
            errs.invalid(
                ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
                timeout,
                f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}",
            )


def service(obj: core_v1.Service, errs: ErrorList) -> None:
    spec = obj.spec or core_v1.ServiceSpec()
    annotations = (obj.metadata.annotations if obj.metadata else None) or {}
    mode, hints = annotations.get(TOPOLOGY_MODE_ANNOTATION), annotations.get(TOPOLOGY_HINTS_ANNOTATION)
    if mode is not None and hints is not None and mode != hints:
        errs.invalid(
            ("metadata", "annotations", TOPOLOGY_MODE_ANNOTATION),
            mode,
            f"must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified",
        )
    typ = spec.type or "ClusterIP"
    if typ not in SERVICE_TYPES:
        errs.not_supported(("spec", "type"), typ, SERVICE_TYPES)
    ips = spec.clusterIPs or ([spec.clusterIP] if spec.clusterIP else [])
    headless = ips == ["None"]
    if not spec.ports and not headless and typ != "ExternalName":
        errs.required(("spec", "ports"))
    if headless and typ in ("LoadBalancer", "NodePort"):
        errs.invalid(("spec", "clusterIPs", 0), "None", f"may not be set to 'None' for {typ} services")
    if typ == "ExternalName":
        cname = (spec.externalName or "").removesuffix(".")
        if cname:
            errs.invalid_each(("spec", "externalName"), cname, is_dns1123_subdomain(cname))
        else:
            errs.required(("spec", "externalName"))
    _service_ports(spec, typ, errs)
    validate_labels(spec.selector, ("spec", "selector"), errs)
    _session_affinity(spec, errs)
    _cluster_ips(spec, typ, errs)
    for i, ip in enumerate(spec.externalIPs or ()):
        address = parse_ip(ip)
        if address is None:
            errs.invalid(("spec", "externalIPs", i), ip, IP_MSG)
        else:
            _non_special_ip(address, ip, ("spec", "externalIPs", i), errs)
    _load_balancer_fields(spec, typ, annotations, errs)
    _traffic_policies(spec, typ, errs)


def _data_keys(fields: Mapping[str, Mapping[str, str] | None], errs: ErrorList, encoded: str) -> int:
    """Valid config keys; returns the total size of the values (the ``encoded`` field holds base64 text,
    counted by its decoded size)."""
    total = 0
    for f, data in fields.items():
        for key, value in (data or {}).items():
            errs.invalid_each((f, key), key, is_config_map_key(key))
            total += len(value) * 3 // 4 if f == encoded else len(value.encode())
    return total


def config_map(obj: core_v1.ConfigMap, errs: ErrorList) -> None:
    binary = obj.binaryData or {}
    if _data_keys({"data": obj.data, "binaryData": binary}, errs, "binaryData") > MAX_CONFIG_SIZE:
        errs.too_long((), MAX_CONFIG_SIZE)
    for key in obj.data or {}:
        if key in binary:
            errs.invalid(("data", key), key, "duplicate of key present in binaryData")
    for key, value in binary.items():
        base64_field(value, ("binaryData", key), errs)


def _go_json_object_error(raw: str) -> str | None:
    """Why Go's ``json.Unmarshal`` into a map refuses ``raw`` (Python's wording for malformed JSON)."""
    try:
        value = json.loads(raw)
    except ValueError as exc:
        return str(exc)
    kind = _GO_JSON_TYPES.get(type(value))
    return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}" if kind else None


def secret(obj: core_v1.Secret, errs: ErrorList) -> None:
    """Checked as the API server sees it: `stringData` merged into `data`, its values overriding."""
    data = obj.data or {}
    string_data = obj.stringData or {}
    for key, value in data.items():
        base64_field(value, ("data", key), errs)
    size = 0
    for key in {**data, **string_data}:
        errs.invalid_each(("data", key), key, is_config_map_key(key))
        size += len(string_data[key].encode()) if key in string_data else len(data[key]) * 3 // 4
    if size > MAX_CONFIG_SIZE:
        errs.too_long(("data",), MAX_CONFIG_SIZE)

    def value_of(key: str) -> str | None:
        """The value of a key after the merge (its base64 text when that does not decode: reported above)."""
        if key in string_data:
            return string_data[key]
        encoded = data.get(key)
        if encoded is None or base64_error(encoded):
            return encoded
        return base64.b64decode(encoded.replace("\n", "")).decode("utf-8", "replace")

    typ = obj.type or "Opaque"
    for key in SECRET_REQUIRED_KEYS.get(typ, ()):
        text = value_of(key)
        if text is None or (key in SECRET_NON_EMPTY_KEYS and not text):
            errs.required(("data", key))
        elif key.startswith(".docker") and (key in string_data or not base64_error(data[key])):
            problem = _go_json_object_error(text)
            if problem:
                errs.invalid(("data", key), "<secret contents redacted>", problem)
    if typ == "kubernetes.io/service-account-token":
        annotations = (obj.metadata.annotations if obj.metadata else None) or {}
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.required(("metadata", "annotations", "kubernetes.io/service-account.name"))
    if typ == "kubernetes.io/basic-auth" and value_of("username") is None and value_of("password") is None:
        errs.required(("data", "username"))
        errs.required(("data", "password"))


def namespace(obj: core_v1.Namespace, errs: ErrorList) -> None:
    for finalizer in (obj.spec.finalizers if obj.spec else None) or ():
        validate_finalizer_name(finalizer, ("spec", "finalizers"), ("spec", "finalizers"), errs)


def _data_source(
    ref: core_v1.TypedLocalObjectReference | core_v1.TypedObjectReference, path: Path, errs: ErrorList
) -> None:
    if not ref.apiGroup and ref.kind != "PersistentVolumeClaim":
        errs.invalid(path, ref.kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup")
    if ref.apiGroup:
        errs.invalid_each((*path, "apiGroup"), ref.apiGroup, is_dns1123_subdomain(ref.apiGroup))
    if isinstance(ref, core_v1.TypedObjectReference) and ref.namespace:
        errs.invalid_each((*path, "namespace"), ref.namespace, is_dns1123_label(ref.namespace))


def pvc_spec(spec: core_v1.PersistentVolumeClaimSpec | None, path: Path, errs: ErrorList) -> None:
    """``ValidatePersistentVolumeClaimSpec``; the storage request is keyed under `resources` as the API server
    reports it (``spec.resources[storage]``)."""
    spec = spec or core_v1.PersistentVolumeClaimSpec()
    modes = spec.accessModes or []
    if not modes:
        errs.required((*path, "accessModes"), "at least 1 access mode is required")
    validate_label_selector(spec.selector, (*path, "selector"), errs)
    for mode in modes:
        if mode not in ACCESS_MODES:
            errs.not_supported((*path, "accessModes"), mode, ACCESS_MODES)
    if "ReadWriteOncePod" in modes and any(m in ACCESS_MODES and m != "ReadWriteOncePod" for m in modes):
        errs.forbidden((*path, "accessModes"), "may not use ReadWriteOncePod with other access modes")
    resources = spec.resources or core_v1.VolumeResourceRequirements()
    parsed: dict[str, Quantity | None] = {}
    for part, values in (("requests", resources.requests), ("limits", resources.limits)):
        for name, value in (values or {}).items():
            q = quantity(value, (*path, "resources", part, name), errs)  # a malformed one fails to decode
            if part == "requests":
                parsed[name] = q
    storage_path = (*path, "resources", "storage")
    if "storage" not in parsed:
        errs.required(storage_path)
    elif (storage := parsed["storage"]) is not None and storage.value <= 0:
        errs.invalid(storage_path, str(storage), "must be greater than zero")
    for f, class_name in (
        ("storageClassName", spec.storageClassName),
        ("volumeAttributesClassName", spec.volumeAttributesClassName),
    ):
        if class_name:
            errs.invalid_each((*path, f), class_name, is_dns1123_subdomain(class_name))
    if spec.volumeMode is not None and spec.volumeMode not in VOLUME_MODES:
        errs.not_supported((*path, "volumeMode"), spec.volumeMode, VOLUME_MODES)
    # the one of dataSource and dataSourceRef given is copied to the other before validation
    source, source_ref = spec.dataSource, spec.dataSourceRef
    if source_ref is None and source is not None:
        source_ref = core_v1.TypedObjectReference(
            kind=source.kind, name=source.name, apiGroup=source.apiGroup
        )
    elif source is None and source_ref is not None and not source_ref.namespace:
        source = core_v1.TypedLocalObjectReference(
            kind=source_ref.kind, name=source_ref.name, apiGroup=source_ref.apiGroup
        )
    if source is not None:
        _data_source(source, (*path, "dataSource"), errs)
    if source_ref is not None:
        _data_source(source_ref, (*path, "dataSourceRef"), errs)
        if source_ref.namespace and spec.dataSource is not None:
            errs.invalid(path, "dataSource", "may not be specified when dataSourceRef.namespace is specified")
        elif source is not None and (source.apiGroup or "", source.kind, source.name) != (
            source_ref.apiGroup or "",
            source_ref.kind,
            source_ref.name,
        ):
            errs.invalid(path, "dataSource", "must match dataSourceRef")


def persistent_volume_claim(obj: core_v1.PersistentVolumeClaim, errs: ErrorList) -> None:
    pvc_spec(obj.spec, ("spec",), errs)


def service_account(obj: core_v1.ServiceAccount, errs: ErrorList) -> None:
    for i, ref in enumerate(obj.imagePullSecrets or ()):
        if ref.name:
            errs.invalid_each(("imagePullSecrets", i, "name"), ref.name, is_dns1123_subdomain(ref.name))


LIMIT_TYPES = ("Container", "PersistentVolumeClaim", "Pod")
# (bound checked first, bound it may not exceed, path of the error, value shown, message) in ValidateLimitRange's
# order; the value is the quantity at the path, except for `default` over `max`, which shows the max
_LIMIT_ORDER = (
    ("min", "max", "min", "min", "min value {a} is greater than max value {b}"),
    ("min", "defaultRequest", "defaultRequest", "defaultRequest", "min value {a} is greater than default request value {b}"),
    ("defaultRequest", "max", "defaultRequest", "defaultRequest", "default request value {a} is greater than max value {b}"),
    ("defaultRequest", "default", "defaultRequest", "defaultRequest", "default request value {a} is greater than default limit value {b}"),
    ("min", "default", "default", "min", "min value {a} is greater than default value {b}"),
    ("default", "max", "default", "max", "default value {a} is greater than max value {b}"),
)  # fmt: skip


def _milli(q: Quantity) -> int:
    """``MilliValue``: the value in thousandths, rounded up."""
    return math.ceil(q.value * 1000)


LIMIT_FIELDS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def _limit_bounds(
    limit: core_v1.LimitRangeItem, here: Path, errs: ErrorList
) -> dict[str, dict[str, Quantity]]:
    """The quantities of one limit as the API server validates them: a Container limit's `default` is filled
    from `max`, its `defaultRequest` from `default`, then from `min` (SetDefaults_LimitRangeItem); a Pod
    limit's defaults are refused and not compared."""
    bounds: dict[str, dict[str, Quantity]] = {}
    for f in LIMIT_FIELDS:
        bounds[f] = {}
        for name, value in (getattr(limit, f) or {}).items():
            q = quantity(value, (*here, f, name), errs)  # a malformed one fails to decode
            if q is not None:
                bounds[f][name] = q
    if limit.type == "Container":
        bounds["default"] = {**bounds["max"], **bounds["default"]}
        bounds["defaultRequest"] = {**bounds["min"], **bounds["default"], **bounds["defaultRequest"]}
    elif limit.type == "Pod":
        bounds["default"] = bounds["defaultRequest"] = {}
    return bounds


def _limit(limit: core_v1.LimitRangeItem, here: Path, errs: ErrorList) -> None:
    name_errors = (
        container_resource_name_errors if limit.type in ("Pod", "Container") else resource_name_errors
    )
    if limit.type == "Pod":
        for f in ("default", "defaultRequest"):
            if getattr(limit, f):
                errs.forbidden((*here, f), "may not be specified when `type` is 'Pod'")
    if limit.type == "PersistentVolumeClaim" and "storage" not in (limit.min or {}) | (limit.max or {}):
        errs.required(
            (*here, "limits"), "either minimum or maximum storage value is required, but neither was provided"
        )
    parsed = _limit_bounds(limit, here, errs)
    for f, values in parsed.items():
        for name in values:
            errs.invalid_each((*here, f, name), name, name_errors(name))
    for name in sorted({n for values in parsed.values() for n in values}):
        for low, high, at, shown, message in _LIMIT_ORDER:
            a, b = parsed[low].get(name), parsed[high].get(name)
            if a is not None and b is not None and a.value > b.value:
                errs.invalid((*here, at, name), str(parsed[shown][name]), message.format(a=a, b=b))
        ratio, low_q, high_q = (parsed[f].get(name) for f in ("maxLimitRequestRatio", "min", "max"))
        if ratio is not None and ratio.value < 1:
            errs.invalid((*here, "maxLimitRequestRatio", name), str(ratio), f"ratio {ratio} is less than 1")
        if ratio is not None and low_q is not None and high_q is not None and _milli(low_q):
            most = Fraction(_milli(high_q), _milli(low_q))
            if Fraction(_milli(ratio), 1000) > most:
                errs.invalid(
                    (*here, "maxLimitRequestRatio", name),
                    str(ratio),
                    f"ratio {ratio} is greater than max/min = {float(most):f}",
                )
        default, request = parsed["default"].get(name), parsed["defaultRequest"].get(name)
        if (
            not overcommit_allowed(name)
            and default is not None
            and request is not None
            and default.value != request.value
        ):
            errs.invalid(
                (*here, "defaultRequest", name),
                str(request),
                f"default value {default} must equal to defaultRequest value {request} in {name}",
            )


def limit_range(obj: core_v1.LimitRange, errs: ErrorList) -> None:
    seen: set[str] = set()
    for i, limit in enumerate(obj.spec.limits if obj.spec else ()):
        here = ("spec", "limits", i)
        type_errors = is_qualified_name(limit.type)
        if not type_errors and "/" not in limit.type and limit.type not in LIMIT_TYPES:
            type_errors = ["must be a standard limit type or fully qualified"]
        errs.invalid_each((*here, "type"), limit.type, type_errors)
        if limit.type in seen:
            errs.duplicate((*here, "type"), limit.type)
        seen.add(limit.type)
        _limit(limit, here, errs)


def resource_quantity(name: str, value: str | int | float, path: Path, errs: ErrorList) -> None:
    """``ValidateResourceQuantityValue``: not negative, and whole for the resources counted in units."""
    q = quantity(value, path, errs)
    if q is None:
        return
    if q.value < 0:
        errs.invalid(path, str(q), "must be greater than or equal to 0")
    if is_integer_resource_name(name) and _milli(q) % 1000:
        errs.invalid(path, str(q), "must be an integer")


QUOTA_SCOPES = (
    "Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
)  # fmt: skip
# The resources a scope may limit; the scopes not named here (PriorityClass...) limit any resource.
_POD_COUNT = frozenset({"pods"})
_POD_COMPUTE = frozenset({"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"})
_SCOPE_RESOURCES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"),
        _POD_COUNT | _POD_COMPUTE,
    ),
    "BestEffort": _POD_COUNT,
}
_CONFLICTING_SCOPES = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
_EXISTS_ONLY_SCOPES = (
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "CrossNamespacePodAffinity",
)


def _scope_misapplied(scope: str, hard: Sequence[str]) -> bool:
    """Whether a hard limit on a resource the quota knows is one the scope cannot limit."""
    allowed = _SCOPE_RESOURCES.get(scope)
    return allowed is not None and any(is_standard_quota_resource(r) and r not in allowed for r in hard)


def resource_quota(obj: core_v1.ResourceQuota, errs: ErrorList) -> None:
    spec = obj.spec or core_v1.ResourceQuotaSpec()
    hard = spec.hard or {}
    for name, value in hard.items():
        errs.invalid_each(("spec", "hard", name), name, quota_resource_name_errors(name))
        resource_quantity(name, value, ("spec", "hard", name), errs)
    scopes = spec.scopes or []
    for scope in scopes:
        if scope not in QUOTA_SCOPES:
            errs.invalid(("spec", "scopes"), scopes, "unsupported scope")
        if _scope_misapplied(scope, sorted(hard)):
            errs.invalid(("spec", "scopes"), scopes, "unsupported scope applied to resource")
    for pair in _CONFLICTING_SCOPES:
        if set(pair) <= set(scopes):
            errs.invalid(("spec", "scopes"), scopes, "conflicting scopes")
    if spec.scopeSelector is not None:
        _scope_selector(spec, sorted(hard), errs)


def _scope_selector(spec: core_v1.ResourceQuotaSpec, hard: Sequence[str], errs: ErrorList) -> None:
    """The API server reports these at `matchExpressions`, without the index of the expression."""
    path = ("spec", "scopeSelector", "matchExpressions")
    names: set[str] = set()
    for req in (spec.scopeSelector.matchExpressions if spec.scopeSelector else None) or ():
        if req.scopeName not in QUOTA_SCOPES:
            errs.invalid((*path, "scopeName"), req.scopeName, "unsupported scope")
        if _scope_misapplied(req.scopeName, hard):
            errs.invalid(path, "", "unsupported scope applied to resource")
        if req.scopeName in _EXISTS_ONLY_SCOPES and req.operator != "Exists":
            errs.invalid(
                (*path, "operator"),
                req.operator,
                "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort "
                "or ResourceQuotaScopeCrossNamespacePodAffinity",
            )
        if req.operator in ("In", "NotIn"):
            if not req.values:
                errs.required(
                    (*path, "values"),
                    "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
                )
        elif req.operator in ("Exists", "DoesNotExist"):
            if req.values:
                errs.invalid(
                    (*path, "values"),
                    req.values,
                    "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
                )
        else:
            errs.invalid((*path, "operator"), req.operator, "not a valid selector operator")
        names.add(req.scopeName)
    for pair in _CONFLICTING_SCOPES:
        if set(pair) <= names:
            errs.invalid(path, spec.scopes or [], "conflicting scopes")
