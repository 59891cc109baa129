"""Pod specs and pod templates (``ValidatePodSpec`` and the container, volume, probe and security rules).

The API server defaults a pod spec before it validates it, so these rules read the defaulted values: a probe's
zero periods and thresholds, the termination grace period (30 s), the downward API's ``apiVersion`` (v1),
a container port's protocol (TCP), and a pod's host ports under ``hostNetwork`` (its container ports).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from ...models.k8s import core_v1, meta_v1
from ..quantity import Quantity, QuantityError, parse_quantity
from .common import nonnegative, port_num_or_name, quantity
from .errors import ErrorList, Path
from .meta import validate_annotations, validate_label_selector, validate_labels, validate_object_meta
from .names import (
    STANDARD_CONTAINER_RESOURCES,
    inclusive_range_error,
    is_config_map_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_dns1123_subdomain_prefix,
    is_dns1123_subdomain_with_underscore,
    is_env_var_name,
    is_http_header_name,
    is_ip_address,
    is_qualified_name,
    is_sysctl_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
)

PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
HUGEPAGES_PREFIX = "hugepages-"
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
DEFAULT_GRACE_PERIOD = 30
# In the order the API server tests them: a second source is the one reported.
VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
    "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)  # fmt: skip
# The fields a volume source cannot do without, checked for an empty value (the schema checks presence).
VOLUME_SOURCE_REQUIRED = {
    "persistentVolumeClaim": ("claimName",),
    "hostPath": ("path",),
    "nfs": ("server", "path"),
    "csi": ("driver",),
    "secret": ("secretName",),
    "configMap": ("name",),
}
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
MOUNT_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
RECURSIVE_READ_ONLY = ("Disabled", "Enabled", "IfPossible")
MIN_TOKEN_SECONDS = 10 * 60
MAX_TOKEN_SECONDS = 1 << 32
# The downward API: what a fieldRef may name at all, and what an env var or a volume file may read.
DOWNWARD_FIELD_LABELS = frozenset(
    {
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
        "spec.terminationGracePeriodSeconds", "status.phase", "status.hostIP", "status.hostIPs",
        "status.podIP", "status.podIPs", "spec.host",
    }
)  # fmt: skip
ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)  # fmt: skip
VOLUME_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
RESOURCE_FIELD_PATHS = (
    "limits.cpu", "limits.ephemeral-storage", "limits.memory",
    "requests.cpu", "requests.ephemeral-storage", "requests.memory",
)  # fmt: skip
HUGEPAGES_FIELD_PREFIXES = ("limits.hugepages-", "requests.hugepages-")
BYTE_DIVISORS = frozenset({"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"})
_BYTE_DIVISOR_LIST = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei"
# The divisors a resourceFieldRef may use, by the resource it reads: (allowed, the API server's message).
DIVISORS = {
    "cpu": (frozenset({"1m", "1"}), "only divisor's values 1m and 1 are supported with the cpu resource"),
    "memory": (
        BYTE_DIVISORS,
        f"only divisor's values {_BYTE_DIVISOR_LIST} are supported with the memory resource",
    ),
    "ephemeral-storage": (
        BYTE_DIVISORS,
        f"only divisor's values {_BYTE_DIVISOR_LIST} are supported with the local ephemeral storage resource",
    ),
    HUGEPAGES_PREFIX: (
        BYTE_DIVISORS,
        f"only divisor's values {_BYTE_DIVISOR_LIST} are supported with the hugepages resource",
    ),
}
ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
APPARMOR_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
MAX_APPARMOR_PROFILE = 4095
PROC_MOUNT_TYPES = ("Default", "Unmasked")
FS_GROUP_CHANGE_POLICIES = ("Always", "OnRootMismatch")
SELINUX_CHANGE_POLICIES = ("MountOption", "Recursive")
# Sysctls living in a namespace the pod may share with its node: (name or prefix, namespace's host field).
HOST_SYSCTLS = (
    ("net.", "hostNetwork"),
    ("kernel.shm", "hostIPC"),
    ("kernel.msg", "hostIPC"),
    ("fs.mqueue.", "hostIPC"),
)
OS_NAMES = ("linux", "windows")
# What a pod declared for Windows may not set: in its security context, in its spec, in its containers'.
WINDOWS_POD_SECURITY = (
    "appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy", "runAsUser",
    "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy",
)  # fmt: skip
WINDOWS_CONTAINER_SECURITY = (
    "appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem",
    "privileged", "allowPrivilegeEscalation", "runAsUser", "runAsGroup",
)  # fmt: skip
WINDOWS_ONLY = "cannot be set for a windows pod"
UNSCHEDULABLE_ACTIONS = ("DoNotSchedule", "ScheduleAnyway")
NODE_INCLUSION_POLICIES = ("Honor", "Ignore")
MAX_DNS_NAMESERVERS = 3
MAX_DNS_SEARCH_PATHS = 32
MAX_DNS_SEARCH_CHARS = 2048
MAX_ID = 2147483647
MAX_FILE_MODE = 0o777
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
INIT_ONLY = "may not be set for init containers without restartPolicy=Always"

Handler = core_v1.Probe | core_v1.LifecycleHandler


@dataclass(frozen=True, slots=True)
class _Pod:
    """What the container rules read from the pod spec around them."""

    volumes: Mapping[str, core_v1.Volume]
    grace: int
    for_pod: bool
    host_users: bool


def _local_descending_path(value: str, path: Path, errs: ErrorList) -> None:
    if value.startswith("/"):
        errs.invalid(path, value, "must be a relative path")
    _no_backsteps(value, path, errs)


def _no_backsteps(value: str, path: Path, errs: ErrorList) -> None:
    if ".." in value.split("/"):
        errs.invalid(path, value, "must not contain '..'")


def _local_non_reserved_path(value: str, path: Path, errs: ErrorList) -> None:
    _local_descending_path(value, path, errs)
    if value.startswith("..") and not value.startswith("../"):
        errs.invalid(path, value, "must not start with '..'")


def _file_mode(mode: int | None, path: Path, errs: ErrorList) -> None:
    if mode is not None and not 0 <= mode <= MAX_FILE_MODE:
        errs.invalid(path, mode, FILE_MODE_ERROR)


def _id_range(value: int | None, path: Path, errs: ErrorList) -> None:
    if value is not None and not 0 <= value <= MAX_ID:
        errs.invalid(path, value, inclusive_range_error(0, MAX_ID))


# --- handlers, probes and lifecycle hooks ---------------------------------------------------------------


def _handler(handler: Handler, kinds: Sequence[str], path: Path, errs: ErrorList, grace: int) -> None:
    """Exactly one handler type: the API server forbids every one after the first."""
    count = 0
    for kind in kinds:
        action = getattr(handler, kind)
        if action is None:
            continue
        if count:
            errs.forbidden((*path, kind), "may not specify more than 1 handler type")
            continue
        count += 1
        if isinstance(action, core_v1.ExecAction):
            if not action.command:
                errs.required((*path, "exec", "command"))
        elif isinstance(action, core_v1.HTTPGetAction):
            port_num_or_name(action.port, (*path, kind, "port"), errs)
            if action.scheme and action.scheme not in ("HTTP", "HTTPS"):
                errs.not_supported((*path, kind, "scheme"), action.scheme, ("HTTP", "HTTPS"))
            for header in action.httpHeaders or ():
                errs.invalid_each((*path, kind, "httpHeaders"), header.name, is_http_header_name(header.name))
        elif isinstance(action, core_v1.TCPSocketAction):
            port_num_or_name(action.port, (*path, kind, "port"), errs)
        elif isinstance(action, core_v1.GRPCAction):
            errs.invalid_each((*path, "grpc", "port"), action.port, is_valid_port_num(action.port))
        elif isinstance(action, core_v1.SleepAction) and not 0 <= action.seconds <= grace:
            errs.invalid(
                (*path, "sleep"),
                action.seconds,
                f"must be non-negative and less than terminationGracePeriodSeconds ({grace})",
            )
    if count == 0:
        errs.required(path, "must specify a handler type")


def _probe(probe: core_v1.Probe, path: Path, errs: ErrorList, kind: str, grace: int) -> None:
    """One probe, its zero periods and thresholds read as the defaults the API server fills in."""
    _handler(probe, PROBE_HANDLERS, path, errs, grace)
    for f in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        nonnegative(getattr(probe, f), (*path, f), errs)
    grace_period = probe.terminationGracePeriodSeconds
    if grace_period is not None and grace_period <= 0:
        errs.invalid((*path, "terminationGracePeriodSeconds"), grace_period, "must be greater than 0")
    if kind == "readinessProbe":
        if grace_period is not None:
            errs.invalid(
                (*path, "terminationGracePeriodSeconds"), grace_period, "must not be set for readinessProbes"
            )
    elif probe.successThreshold not in (None, 0, 1):
        errs.invalid((*path, "successThreshold"), probe.successThreshold, "must be 1")


def _probes_and_hooks(c: core_v1.Container, path: Path, errs: ErrorList, pod: _Pod, init: bool) -> None:
    """Probes and lifecycle hooks: validated on app containers and sidecars, forbidden on other init
    containers."""
    probes = (
        ("livenessProbe", c.livenessProbe),
        ("readinessProbe", c.readinessProbe),
        ("startupProbe", c.startupProbe),
    )
    if init and c.restartPolicy != "Always":
        for name, value in (("lifecycle", c.lifecycle), *probes):
            if value is not None:
                errs.forbidden((*path, name), INIT_ONLY)
        return
    if c.lifecycle is not None:
        for hook, handler in (("postStart", c.lifecycle.postStart), ("preStop", c.lifecycle.preStop)):
            if handler is not None:
                _handler(handler, LIFECYCLE_HANDLERS, (*path, "lifecycle", hook), errs, pod.grace)
    for name, probe in probes:
        if probe is not None:
            _probe(probe, (*path, name), errs, name, pod.grace)


# --- environment and the downward API -------------------------------------------------------------------


def _split_subscript(field_path: str) -> tuple[str, str] | None:
    """``metadata.labels['app']`` -> (``metadata.labels``, ``app``), as the API server splits a fieldPath."""
    if not field_path.endswith("']"):
        return None
    head, sep, key = field_path[:-2].partition("['")
    return (head, key) if sep and head else None


def _downward_label_error(version: str, field_path: str) -> str | None:
    """Why the API server cannot convert a fieldRef's label (``ConvertDownwardAPIFieldLabel``), or None."""
    if version != "v1":
        return f"unsupported pod version: {version}"
    split = _split_subscript(field_path)
    if split is not None:
        if split[0] in ("metadata.annotations", "metadata.labels"):
            return None
        return f"field label does not support subscript: {field_path}"
    return None if field_path in DOWNWARD_FIELD_LABELS else f"field label not supported: {field_path}"


def _object_field_selector(
    ref: core_v1.ObjectFieldSelector, supported: Sequence[str], path: Path, errs: ErrorList
) -> None:
    field_path = ref.fieldPath
    if not field_path:
        errs.required((*path, "fieldPath"))
        return
    error = _downward_label_error(ref.apiVersion or "v1", field_path)
    if error is not None:
        errs.invalid((*path, "fieldPath"), field_path, f"error converting fieldPath: {error}")
        return
    internal = "spec.nodeName" if field_path == "spec.host" else field_path
    split = _split_subscript(internal)
    if split is None:
        if internal not in supported:
            errs.not_supported((*path, "fieldPath"), internal, supported)
    elif split[0] == "metadata.annotations":
        errs.invalid_each(path, split[1].lower(), is_qualified_name(split[1].lower()))
    else:
        errs.invalid_each(path, split[1], is_qualified_name(split[1]))


def _resource_field_selector(
    ref: core_v1.ResourceFieldSelector, path: Path, errs: ErrorList, *, volume: bool
) -> None:
    resource = ref.resource
    if volume and not ref.containerName:
        errs.required((*path, "containerName"))
    elif not resource:
        errs.required((*path, "resource"))
    elif resource not in RESOURCE_FIELD_PATHS and not resource.startswith(HUGEPAGES_FIELD_PREFIXES):
        errs.not_supported((*path, "resource"), resource, RESOURCE_FIELD_PATHS)
    if ref.divisor is None:
        return
    divisor = quantity(ref.divisor, (*path, "divisor"), errs)
    if divisor is None or divisor.value == 0:
        return
    read = resource.partition(".")[2]
    family = HUGEPAGES_PREFIX if read.startswith(HUGEPAGES_PREFIX) else read
    allowed = DIVISORS.get(family) if resource.startswith(("limits.", "requests.")) else None
    if allowed is not None and str(divisor) not in allowed[0]:
        errs.invalid((*path, "divisor"), resource, allowed[1])


def _key_selector(
    ref: core_v1.ConfigMapKeySelector | core_v1.SecretKeySelector, path: Path, errs: ErrorList
) -> None:
    name = ref.name or ""
    errs.invalid_each((*path, "name"), name, is_dns1123_subdomain(name))
    if not ref.key:
        errs.required((*path, "key"))
    else:
        errs.invalid_each((*path, "key"), ref.key, is_config_map_key(ref.key))


def _env(env: Sequence[core_v1.EnvVar], path: Path, errs: ErrorList) -> None:
    for i, var in enumerate(env):
        here = (*path, i)
        if not var.name:
            errs.required((*here, "name"))
        else:
            errs.invalid_each((*here, "name"), var.name, is_env_var_name(var.name))
        source = var.valueFrom
        if source is None:
            continue
        vf = (*here, "valueFrom")
        if source.fieldRef is not None:
            _object_field_selector(source.fieldRef, ENV_FIELD_PATHS, (*vf, "fieldRef"), errs)
        if source.resourceFieldRef is not None:
            _resource_field_selector(source.resourceFieldRef, (*vf, "resourceFieldRef"), errs, volume=False)
        if source.configMapKeyRef is not None:
            _key_selector(source.configMapKeyRef, (*vf, "configMapKeyRef"), errs)
        if source.secretKeyRef is not None:
            _key_selector(source.secretKeyRef, (*vf, "secretKeyRef"), errs)
        sources = [k for k in ENV_SOURCES if getattr(source, k) is not None]
        if not sources:
            errs.invalid(
                vf,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            )
        elif var.value:
            errs.invalid(vf, "", "may not be specified when `value` is not empty")
        elif len(sources) > 1:
            errs.invalid(vf, "", "may not have more than one field specified at a time")


def _env_from(env_from: Sequence[core_v1.EnvFromSource], path: Path, errs: ErrorList) -> None:
    for i, entry in enumerate(env_from):
        if entry.prefix:
            errs.invalid_each((*path, i, "prefix"), entry.prefix, is_env_var_name(entry.prefix))
        sources = [
            (k, s)
            for k, s in (("configMapRef", entry.configMapRef), ("secretRef", entry.secretRef))
            if s is not None
        ]
        for kind, source in sources:
            here = (*path, i, kind, "name")
            if not source.name:
                errs.required(here)
            else:
                errs.invalid_each(here, source.name, is_dns1123_subdomain_prefix(source.name))
        if not sources:
            errs.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
        elif len(sources) > 1:
            errs.invalid(path, "", "may not have more than one field specified at a time")


# --- containers -----------------------------------------------------------------------------------------


def _ports(ports: Sequence[core_v1.ContainerPort], path: Path, errs: ErrorList, host_ports: set[str]) -> None:
    """Ports; host ports must be unique among the containers sharing ``host_ports`` (as
    ``AccumulateUniqueHostPorts``: the app containers together, each init container alone)."""
    names: set[str] = set()
    for i, port in enumerate(ports):
        here = (*path, i)
        if port.name:
            msgs = is_valid_port_name(port.name)
            errs.invalid_each((*here, "name"), port.name, msgs)
            if not msgs and port.name in names:
                errs.duplicate((*here, "name"), port.name)
            names.add(port.name)
        if port.containerPort == 0:
            errs.required((*here, "containerPort"))
        else:
            errs.invalid_each(
                (*here, "containerPort"), port.containerPort, is_valid_port_num(port.containerPort)
            )
        protocol = port.protocol or "TCP"
        if port.hostPort:
            errs.invalid_each((*here, "hostPort"), port.hostPort, is_valid_port_num(port.hostPort))
            key = f"{protocol}/{port.hostIP or ''}/{port.hostPort}"
            if key in host_ports:
                errs.duplicate((*here, "hostPort"), key)
            host_ports.add(key)
        if protocol not in PORT_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, PORT_PROTOCOLS)


def _volume_mounts(
    c: core_v1.Container, path: Path, errs: ErrorList, volumes: Mapping[str, core_v1.Volume]
) -> None:
    """Mounts. The API server reports subPath, propagation and recursiveReadOnly errors at the list's path,
    without the mount's index."""
    privileged = bool(c.securityContext and c.securityContext.privileged)
    mount_paths: set[str] = set()
    for i, mount in enumerate(c.volumeMounts or ()):
        here = (*path, i)
        if not mount.name:
            errs.required((*here, "name"))
        if mount.name not in volumes:
            errs.not_found((*here, "name"), mount.name)
        if not mount.mountPath:
            errs.required((*here, "mountPath"))
        if mount.mountPath in mount_paths:
            errs.invalid((*here, "mountPath"), mount.mountPath, "must be unique")
        mount_paths.add(mount.mountPath)
        volume = volumes.get(mount.name)
        if volume is not None and volume.image is not None:
            for f, value in (("subPath", mount.subPath), ("subPathExpr", mount.subPathExpr)):
                if value:
                    errs.invalid((*here, f), value, "not allowed in image volume sources")
        if mount.subPath:
            _local_descending_path(mount.subPath, (*path, "subPath"), errs)
        if mount.subPathExpr:
            if mount.subPath:
                errs.invalid(
                    (*here, "subPathExpr"),
                    mount.subPathExpr,
                    "subPathExpr and subPath are mutually exclusive",
                )
            _local_descending_path(mount.subPathExpr, (*path, "subPathExpr"), errs)
        propagation = mount.mountPropagation
        if propagation is not None:
            if propagation not in MOUNT_PROPAGATIONS:
                errs.not_supported((*path, "mountPropagation"), propagation, MOUNT_PROPAGATIONS)
            if propagation == "Bidirectional" and not privileged:
                errs.forbidden(
                    (*path, "mountPropagation"),
                    "Bidirectional mount propagation is available only to privileged containers",
                )
        _recursive_read_only(mount, (*path, "recursiveReadOnly"), errs)


def _recursive_read_only(mount: core_v1.VolumeMount, path: Path, errs: ErrorList) -> None:
    rro = mount.recursiveReadOnly
    if rro is None or rro == "Disabled":
        return
    if rro not in RECURSIVE_READ_ONLY:
        errs.not_supported(path, rro, RECURSIVE_READ_ONLY)
        return
    if not mount.readOnly:
        errs.forbidden(path, "may only be specified when readOnly is true")
    if mount.mountPropagation not in (None, "None"):
        errs.forbidden(path, "may only be specified when mountPropagation is None or not specified")


def _is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_extended_resource(name: str) -> bool:
    return (
        not _is_native_resource(name)
        and not name.startswith("requests.")
        and not is_qualified_name("requests." + name)
    )


def _container_resource_name(name: str, path: Path, errs: ErrorList) -> None:
    msgs = is_qualified_name(name)
    errs.invalid_each(path, name, msgs)
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not name.startswith(HUGEPAGES_PREFIX):
            errs.invalid(path, name, "must be a standard resource for containers")
    elif not _is_native_resource(name) and not _is_extended_resource(name):
        errs.invalid(path, name, "doesn't follow extended resource name standard")


def _hugepages_error(name: str, amount: Quantity) -> str | None:
    """Huge pages come in whole pages of the size their name says."""
    try:
        page = parse_quantity(name.removeprefix(HUGEPAGES_PREFIX))
    except QuantityError:
        page = None
    # whole pages of a whole size, amounts and sizes read as the API server rounds them (up)
    whole_size = page is not None and page.value > 0 and ceil(page.value * 1000) % 1000 == 0
    if page is not None and whole_size and ceil(amount.value) % ceil(page.value) == 0:
        return None
    return f"{amount} is not positive integer multiple of {name}"


def _resources(resources: core_v1.ResourceRequirements, path: Path, errs: ErrorList) -> None:
    """``ValidateContainerResourceRequirements``: names, amounts, huge pages, requests against limits (the
    request errors name the requests, not the resource). Requests are not defaulted from limits in a
    template, and the pod's own defaulting copies a limit only where no request is given."""
    parsed: dict[str, dict[str, Quantity]] = {"limits": {}, "requests": {}}
    for part, values in (("limits", resources.limits), ("requests", resources.requests)):
        for name, value in (values or {}).items():
            here = (*path, part, name)
            _container_resource_name(name, here, errs)
            q = quantity(value, here, errs)
            if q is None:
                continue
            if q.value < 0:
                errs.invalid(here, str(q), "must be greater than or equal to 0")
            if _is_extended_resource(name) and ceil(q.value * 1000) % 1000:
                errs.invalid(here, str(q), "must be an integer")
            if name.startswith(HUGEPAGES_PREFIX):
                error = _hugepages_error(name, q)
                if error is not None:
                    errs.invalid(here, str(q), error)
            parsed[part][name] = q
    requests_path = (*path, "requests")
    for name, request in parsed["requests"].items():
        limit = parsed["limits"].get(name)
        overcommit = _is_native_resource(name) and not name.startswith(HUGEPAGES_PREFIX)
        if limit is None:
            # a limit that does not parse has its own error
            if not overcommit and name not in (resources.limits or {}):
                errs.required((*path, "limits"), "Limit must be set for non overcommitable resources")
        elif not overcommit and request.value != limit.value:
            errs.invalid(requests_path, str(request), f"must be equal to {name} limit of {limit}")
        elif request.value > limit.value:
            errs.invalid(
                requests_path, str(request), f"must be less than or equal to {name} limit of {limit}"
            )
    names = {*(resources.limits or {}), *(resources.requests or {})}
    if any(n.startswith(HUGEPAGES_PREFIX) for n in names) and not names & {"cpu", "memory"}:
        errs.forbidden(path, "HugePages require cpu or memory")


def _seccomp(profile: core_v1.SeccompProfile | None, path: Path, errs: ErrorList) -> None:
    if profile is None:
        return
    if not profile.type:
        errs.required((*path, "type"), "type is required when seccompProfile is set")
    elif profile.type not in SECCOMP_TYPES:
        errs.not_supported((*path, "type"), profile.type, SECCOMP_TYPES)
    if profile.type == "Localhost":
        if profile.localhostProfile is None:
            errs.required((*path, "localhostProfile"), "must be set when seccomp type is Localhost")
        else:
            _local_descending_path(profile.localhostProfile, (*path, "localhostProfile"), errs)
    elif profile.localhostProfile is not None:
        errs.invalid((*path, "localhostProfile"), profile, "can only be set when seccomp type is Localhost")


def _apparmor(profile: core_v1.AppArmorProfile | None, path: Path, errs: ErrorList) -> None:
    if profile is None:
        return
    local = profile.localhostProfile
    if profile.type == "Localhost":
        if local is None or local == "":
            errs.required((*path, "localhostProfile"), "must be set when AppArmor type is Localhost")
        elif local.strip() != local:
            errs.invalid((*path, "localhostProfile"), local, "must not be padded with whitespace")
        if local is not None and len(local) > MAX_APPARMOR_PROFILE:
            errs.too_long((*path, "localhostProfile"), MAX_APPARMOR_PROFILE)
    elif profile.type in APPARMOR_TYPES:
        if local is not None:
            errs.invalid(
                (*path, "localhostProfile"), local, "can only be set when AppArmor type is Localhost"
            )
    elif not profile.type:
        errs.required((*path, "type"), "type is required when appArmorProfile is set")
    else:
        errs.not_supported((*path, "type"), profile.type, APPARMOR_TYPES)


def _container_security_context(sc: core_v1.SecurityContext, path: Path, errs: ErrorList, pod: _Pod) -> None:
    _id_range(sc.runAsUser, (*path, "runAsUser"), errs)
    _id_range(sc.runAsGroup, (*path, "runAsGroup"), errs)
    if sc.procMount is not None:
        if sc.procMount not in PROC_MOUNT_TYPES:
            errs.not_supported((*path, "procMount"), sc.procMount, PROC_MOUNT_TYPES)
        if sc.procMount == "Unmasked" and pod.host_users:
            errs.invalid((*path, "procMount"), sc.procMount, "`hostUsers` must be false to use `Unmasked`")
    _seccomp(sc.seccompProfile, (*path, "seccompProfile"), errs)
    if sc.allowPrivilegeEscalation is False:
        if sc.privileged is True:
            errs.invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        # only the CAP_-prefixed spelling is compared, as the API server does
        for cap in (sc.capabilities.add if sc.capabilities else None) or ():
            if cap == "CAP_SYS_ADMIN":
                errs.invalid(
                    path,
                    "",
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                )
    _apparmor(sc.appArmorProfile, (*path, "appArmorProfile"), errs)


def _container(
    c: core_v1.Container, path: Path, errs: ErrorList, pod: _Pod, init: bool, host_ports: set[str]
) -> None:
    if not c.image:
        if pod.for_pod:
            errs.required((*path, "image"))
    elif pod.for_pod and c.image.strip() != c.image:
        errs.invalid((*path, "image"), c.image, "must not have leading or trailing whitespace")
    if c.imagePullPolicy and c.imagePullPolicy not in PULL_POLICIES:
        errs.not_supported((*path, "imagePullPolicy"), c.imagePullPolicy, PULL_POLICIES)
    policy = c.terminationMessagePolicy
    if policy and policy not in TERMINATION_MESSAGE_POLICIES:
        errs.not_supported((*path, "terminationMessagePolicy"), policy, TERMINATION_MESSAGE_POLICIES)
    _ports(c.ports or (), (*path, "ports"), errs, host_ports)
    _env(c.env or (), (*path, "env"), errs)
    _env_from(c.envFrom or (), (*path, "envFrom"), errs)
    _volume_mounts(c, (*path, "volumeMounts"), errs, pod.volumes)
    if c.resources is not None:
        _resources(c.resources, (*path, "resources"), errs)
    _probes_and_hooks(c, path, errs, pod, init)
    if c.securityContext is not None:
        _container_security_context(c.securityContext, (*path, "securityContext"), errs, pod)


# --- volumes --------------------------------------------------------------------------------------------


def _key_to_path(items: Sequence[core_v1.KeyToPath], path: Path, errs: ErrorList) -> None:
    for j, item in enumerate(items):
        here = (*path, j)
        if not item.key:
            errs.required((*here, "key"))
        if not item.path:
            errs.required((*here, "path"))
        _local_non_reserved_path(item.path, (*here, "path"), errs)
        _file_mode(item.mode, (*here, "mode"), errs)


def _downward_api_file(file: core_v1.DownwardAPIVolumeFile, path: Path, errs: ErrorList) -> None:
    """One downward API file; the API server reports its errors at the volume (or projection), not the item."""
    if not file.path:
        errs.required((*path, "path"))
    _local_non_reserved_path(file.path, (*path, "path"), errs)
    if file.fieldRef is not None:
        _object_field_selector(file.fieldRef, VOLUME_FIELD_PATHS, (*path, "fieldRef"), errs)
        if file.resourceFieldRef is not None:
            errs.invalid(
                path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"
            )
    elif file.resourceFieldRef is not None:
        _resource_field_selector(file.resourceFieldRef, (*path, "resourceFieldRef"), errs, volume=True)
    else:
        errs.required(path, "one of fieldRef and resourceFieldRef is required")
    _file_mode(file.mode, (*path, "mode"), errs)


def _projected(src: core_v1.ProjectedVolumeSource, path: Path, errs: ErrorList) -> None:
    """``validateProjectionSources``: one source per entry, and no two files at the same path."""
    seen: set[str] = set()

    def unique(file_path: str, value: str) -> None:
        if file_path in seen:
            errs.invalid(path, value, "conflicting duplicate paths")
        seen.add(file_path)

    for i, source in enumerate(src.sources or ()):
        here = (*path, "sources", i)
        for kind, ref in (("secret", source.secret), ("configMap", source.configMap)):
            if ref is None:
                continue
            if not ref.name:
                errs.required((*here, kind, "name"))
            _key_to_path(ref.items or (), (*here, kind, "items"), errs)
            for item in ref.items or ():
                if item.path:
                    unique(item.path, ref.name or "")
        if source.downwardAPI is not None:
            for file in source.downwardAPI.items or ():
                _downward_api_file(file, (*here, "downwardAPI"), errs)
                if file.path:
                    unique(file.path, file.path)
        token = source.serviceAccountToken
        if token is not None:
            seconds = token.expirationSeconds
            if seconds is not None and seconds < MIN_TOKEN_SECONDS:
                errs.invalid(
                    (*here, "serviceAccountToken", "expirationSeconds"),
                    seconds,
                    "may not specify a duration less than 10 minutes",
                )
            if seconds is not None and seconds > MAX_TOKEN_SECONDS:
                errs.invalid(
                    (*here, "serviceAccountToken", "expirationSeconds"),
                    seconds,
                    "may not specify a duration larger than 2^32 seconds",
                )
            if not token.path:
                errs.required((*path, "path"))
            else:
                _local_non_reserved_path(token.path, (*path, "path"), errs)
        kinds = [k for k in source.__struct_fields__ if getattr(source, k) is not None]
        if len(kinds) > 1:
            errs.forbidden(here, "may not specify more than 1 volume type per source")


def _ephemeral(src: core_v1.EphemeralVolumeSource, path: Path, errs: ErrorList) -> None:
    from .core import pvc_spec

    template = src.volumeClaimTemplate
    if template is None:
        errs.required((*path, "volumeClaimTemplate"))
        return
    here = (*path, "volumeClaimTemplate")
    meta = template.metadata or meta_v1.ObjectMeta()
    validate_annotations(meta.annotations, (*here, "metadata", "annotations"), errs)
    validate_labels(meta.labels, (*here, "metadata", "labels"), errs)
    pvc_spec(template.spec, (*here, "spec"), errs)


def _host_path(src: core_v1.HostPathVolumeSource, path: Path, errs: ErrorList) -> None:
    if not src.path:
        return  # required, reported with the other empty fields
    _no_backsteps(src.path, (*path, "path"), errs)
    if src.type is not None and src.type not in HOST_PATH_TYPES:
        errs.not_supported((*path, "type"), src.type, HOST_PATH_TYPES)


def _nfs(src: core_v1.NFSVolumeSource, path: Path, errs: ErrorList) -> None:
    if not src.path.startswith("/"):
        errs.invalid((*path, "path"), src.path, "must be an absolute path")


def _files(
    src: core_v1.ConfigMapVolumeSource | core_v1.SecretVolumeSource, path: Path, errs: ErrorList
) -> None:
    _file_mode(src.defaultMode, (*path, "defaultMode"), errs)
    _key_to_path(src.items or (), (*path, "items"), errs)


def _downward_api(src: core_v1.DownwardAPIVolumeSource, path: Path, errs: ErrorList) -> None:
    _file_mode(src.defaultMode, (*path, "defaultMode"), errs)
    for file in src.items or ():
        _downward_api_file(file, path, errs)


def _projected_volume(src: core_v1.ProjectedVolumeSource, path: Path, errs: ErrorList) -> None:
    _file_mode(src.defaultMode, (*path, "defaultMode"), errs)
    _projected(src, path, errs)


def _empty_dir(src: core_v1.EmptyDirVolumeSource, path: Path, errs: ErrorList) -> None:
    if src.sizeLimit is None:
        return
    limit = quantity(src.sizeLimit, (*path, "sizeLimit"), errs)
    if limit is not None and limit.value < 0:
        errs.forbidden((*path, "sizeLimit"), "SizeLimit field must be a valid resource quantity")


# The rules of each volume source, after its required fields.
VOLUME_SOURCE_RULES: dict[str, Callable[[Any, Path, ErrorList], None]] = {
    "hostPath": _host_path,
    "nfs": _nfs,
    "secret": _files,
    "configMap": _files,
    "downwardAPI": _downward_api,
    "projected": _projected_volume,
    "emptyDir": _empty_dir,
    "ephemeral": _ephemeral,
}


def _volumes(volumes: Sequence[core_v1.Volume], path: Path, errs: ErrorList) -> dict[str, core_v1.Volume]:
    named: dict[str, core_v1.Volume] = {}
    for i, volume in enumerate(volumes):
        here = (*path, i)
        if not volume.name:
            errs.required((*here, "name"))
        else:
            errs.invalid_each((*here, "name"), volume.name, is_dns1123_label(volume.name))
            if volume.name in named:
                errs.duplicate((*here, "name"), volume.name)
            named[volume.name] = volume
        # a volume without a source is defaulted to an emptyDir
        sources = [k for k in VOLUME_SOURCES if getattr(volume, k) is not None]
        for extra in sources[1:]:
            errs.forbidden((*here, extra), "may not specify more than 1 volume type")
        if not sources:
            continue
        kind = sources[0]
        src = getattr(volume, kind)
        for f in VOLUME_SOURCE_REQUIRED.get(kind, ()):
            if not getattr(src, f):
                errs.required((*here, kind, f))
        rule = VOLUME_SOURCE_RULES.get(kind)
        if rule is not None:
            rule(src, (*here, kind), errs)
    return named


# --- scheduling: tolerations, spread constraints, affinity -----------------------------------------------


def _tolerations(tolerations: Sequence[core_v1.Toleration], path: Path, errs: ErrorList) -> None:
    for i, t in enumerate(tolerations):
        here = (*path, i)
        op = t.operator or "Equal"
        if t.key:
            errs.invalid_each((*here, "key"), t.key, is_qualified_name(t.key))
        elif op != "Exists":
            errs.invalid(
                (*here, "operator"),
                t.operator or "",
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        if t.tolerationSeconds is not None and t.effect != "NoExecute":
            errs.invalid(
                (*here, "effect"),
                t.effect or "",
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            )
        if op == "Equal":
            msgs = is_valid_label_value(t.value or "")
            if msgs:
                errs.invalid((*here, "operator"), t.value, ";".join(msgs))
        elif op == "Exists":
            if t.value:
                errs.invalid((*here, "operator"), t.value, "value must be empty when `operator` is 'Exists'")
        else:
            errs.not_supported((*here, "operator"), op, ("Equal", "Exists"))
        if t.effect and t.effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errs.not_supported((*here, "effect"), t.effect, ("NoSchedule", "PreferNoSchedule", "NoExecute"))


def _spread_constraints(
    constraints: Sequence[core_v1.TopologySpreadConstraint], path: Path, errs: ErrorList
) -> None:
    for i, c in enumerate(constraints):
        here = (*path, i)
        if c.maxSkew <= 0:
            errs.invalid((*here, "maxSkew"), c.maxSkew, "must be greater than zero")
        if not c.topologyKey:
            errs.required((*here, "topologyKey"), "can not be empty")
        if c.whenUnsatisfiable not in UNSCHEDULABLE_ACTIONS:
            errs.not_supported((*here, "whenUnsatisfiable"), c.whenUnsatisfiable, UNSCHEDULABLE_ACTIONS)
        if any(
            (o.topologyKey, o.whenUnsatisfiable) == (c.topologyKey, c.whenUnsatisfiable)
            for o in constraints[i + 1 :]
        ):
            errs.duplicate(
                (*here, "{topologyKey, whenUnsatisfiable}"), f"{{{c.topologyKey}, {c.whenUnsatisfiable}}}"
            )
        if c.minDomains is not None:
            if c.minDomains <= 0:
                errs.invalid((*here, "minDomains"), c.minDomains, "must be greater than zero")
            if c.whenUnsatisfiable != "DoNotSchedule":
                errs.invalid(
                    (*here, "minDomains"),
                    c.minDomains,
                    f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {c.whenUnsatisfiable}",
                )
        for f in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = getattr(c, f)
            if policy is not None and policy not in NODE_INCLUSION_POLICIES:
                errs.not_supported((*here, f), policy, NODE_INCLUSION_POLICIES)
        validate_label_selector(c.labelSelector, (*here, "labelSelector"), errs)


def _node_selector_requirement(
    req: core_v1.NodeSelectorRequirement, path: Path, errs: ErrorList, *, check_values: bool
) -> None:
    values = req.values or []
    if req.operator in ("In", "NotIn"):
        if not values:
            errs.required((*path, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
    elif req.operator in ("Exists", "DoesNotExist"):
        if values:
            errs.forbidden(
                (*path, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            )
    elif req.operator in ("Gt", "Lt"):
        if len(values) != 1:
            errs.required((*path, "values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")
    else:
        errs.invalid((*path, "operator"), req.operator, "not a valid selector operator")
    errs.invalid_each((*path, "key"), req.key, is_qualified_name(req.key))
    if check_values:
        for j, value in enumerate(values):
            errs.invalid_each((*path, "values", j), value, is_valid_label_value(value))


def _node_field_requirement(req: core_v1.NodeSelectorRequirement, path: Path, errs: ErrorList) -> None:
    values = req.values or []
    if req.operator in ("In", "NotIn"):
        if len(values) != 1:
            errs.required(
                (*path, "values"),
                "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
            )
    else:
        errs.invalid((*path, "operator"), req.operator, "not a valid selector operator")
    if req.key != "metadata.name":
        errs.invalid((*path, "key"), req.key, "not a valid field selector key")
    else:
        for j, value in enumerate(values):
            errs.invalid_each((*path, "values", j), value, is_dns1123_subdomain(value))


def _node_selector_term(
    term: core_v1.NodeSelectorTerm, path: Path, errs: ErrorList, *, check_values: bool
) -> None:
    for j, req in enumerate(term.matchExpressions or ()):
        _node_selector_requirement(req, (*path, "matchExpressions", j), errs, check_values=check_values)
    for j, req in enumerate(term.matchFields or ()):
        _node_field_requirement(req, (*path, "matchFields", j), errs)


def _label_keys(term: core_v1.PodAffinityTerm, path: Path, errs: ErrorList) -> None:
    """``matchLabelKeys`` and ``mismatchLabelKeys``: label names, only beside a selector, and not also in it."""
    selector = term.labelSelector
    for f, keys in (("matchLabelKeys", term.matchLabelKeys), ("mismatchLabelKeys", term.mismatchLabelKeys)):
        if not keys:
            continue
        if selector is None:
            errs.forbidden((*path, f), "must not be specified when labelSelector is not set")
            continue
        for i, key in enumerate(keys):
            errs.invalid_each((*path, f, i), key, is_qualified_name(key))
    match = term.matchLabelKeys or []
    if selector is not None:
        seen = set(selector.matchLabels or {})
        positions = {key: i for i, key in enumerate(match)}
        for requirement in selector.matchExpressions or ():
            key = requirement.key
            if key in positions and key in seen:
                errs.invalid((*path, positions[key]), key, "exists in both matchLabelKeys and labelSelector")
            seen.add(key)
    mismatch = set(term.mismatchLabelKeys or ())
    for i, key in enumerate(match):
        if key in mismatch:
            errs.invalid(
                (*path, "matchLabelKeys", i), key, "exists in both matchLabelKeys and mismatchLabelKeys"
            )


def _pod_affinity_term(term: core_v1.PodAffinityTerm, path: Path, errs: ErrorList) -> None:
    validate_label_selector(term.labelSelector, (*path, "labelSelector"), errs)
    validate_label_selector(term.namespaceSelector, (*path, "namespaceSelector"), errs)
    for name in term.namespaces or ():
        errs.invalid_each((*path, "namespace"), name, is_dns1123_label(name))
    _label_keys(term, path, errs)
    if not term.topologyKey:
        errs.required((*path, "topologyKey"), "can not be empty")
    errs.invalid_each((*path, "topologyKey"), term.topologyKey, is_qualified_name(term.topologyKey))


def _weight(weight: int, path: Path, errs: ErrorList) -> None:
    if not 1 <= weight <= 100:
        errs.invalid(path, weight, "must be in the range 1-100")


def _affinity(affinity: core_v1.Affinity, path: Path, errs: ErrorList) -> None:
    node = affinity.nodeAffinity
    if node is not None:
        here = (*path, "nodeAffinity")
        required = node.requiredDuringSchedulingIgnoredDuringExecution
        if required is not None:
            terms = (*here, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            if not required.nodeSelectorTerms:
                errs.required(terms, "must have at least one node selector term")
            for i, term in enumerate(required.nodeSelectorTerms):
                _node_selector_term(term, (*terms, i), errs, check_values=True)
        for i, preferred in enumerate(node.preferredDuringSchedulingIgnoredDuringExecution or ()):
            term_path = (*here, "preferredDuringSchedulingIgnoredDuringExecution", i)
            _weight(preferred.weight, (*term_path, "weight"), errs)
            # a preferred term may name label values the API server would refuse elsewhere
            _node_selector_term(preferred.preference, (*term_path, "preference"), errs, check_values=False)
    for kind, pods in (("podAffinity", affinity.podAffinity), ("podAntiAffinity", affinity.podAntiAffinity)):
        if pods is None:
            continue
        here = (*path, kind)
        for i, pod_term in enumerate(pods.requiredDuringSchedulingIgnoredDuringExecution or ()):
            _pod_affinity_term(pod_term, (*here, "requiredDuringSchedulingIgnoredDuringExecution", i), errs)
        for i, weighted in enumerate(pods.preferredDuringSchedulingIgnoredDuringExecution or ()):
            term_path = (*here, "preferredDuringSchedulingIgnoredDuringExecution", i)
            _weight(weighted.weight, (*term_path, "weight"), errs)
            _pod_affinity_term(weighted.podAffinityTerm, (*term_path, "podAffinityTerm"), errs)


# --- the pod: security context, DNS, host aliases, OS ---------------------------------------------------


def _host_sysctl_field(name: str) -> str | None:
    """The host namespace field a namespaced sysctl conflicts with (``net.*`` with hostNetwork...), or None."""
    first = next((ch for ch in name if ch in "./"), ".")
    if first == "/":
        name = name.translate(str.maketrans("./", "/."))
    if name == "kernel.sem":
        return "hostIPC"
    return next((host for prefix, host in HOST_SYSCTLS if name.startswith(prefix)), None)


def _sysctls(spec: core_v1.PodSpec, sysctls: Sequence[core_v1.Sysctl], path: Path, errs: ErrorList) -> None:
    names: set[str] = set()
    for i, sysctl in enumerate(sysctls):
        here = (*path, i, "name")
        if not sysctl.name:
            errs.required(here)
        elif msgs := is_sysctl_name(sysctl.name):
            errs.invalid_each(here, sysctl.name, msgs)
        elif sysctl.name in names:
            errs.duplicate(here, sysctl.name)
        host = _host_sysctl_field(sysctl.name)
        if host is not None and getattr(spec, host):
            errs.invalid(here, sysctl.name, f"may not be specified when '{host}' is true")
        names.add(sysctl.name)


def _pod_security_context(spec: core_v1.PodSpec, path: Path, errs: ErrorList) -> None:
    sc = spec.securityContext or core_v1.PodSecurityContext()
    _id_range(sc.runAsUser, (*path, "runAsUser"), errs)
    _id_range(sc.runAsGroup, (*path, "runAsGroup"), errs)
    _id_range(sc.fsGroup, (*path, "fsGroup"), errs)
    for i, group in enumerate(sc.supplementalGroups or ()):
        _id_range(group, (*path, "supplementalGroups", i), errs)
    if spec.shareProcessNamespace and spec.hostPID:
        errs.invalid(
            (*path, "shareProcessNamespace"), True, "ShareProcessNamespace and HostPID cannot both be enabled"
        )
    _sysctls(spec, sc.sysctls or (), (*path, "sysctls"), errs)
    for f, value, supported in (
        ("fsGroupChangePolicy", sc.fsGroupChangePolicy, FS_GROUP_CHANGE_POLICIES),
        ("seLinuxChangePolicy", sc.seLinuxChangePolicy, SELINUX_CHANGE_POLICIES),
    ):
        if value is not None and value not in supported:
            errs.not_supported((*path, f), value, supported)
    _seccomp(sc.seccompProfile, (*path, "seccompProfile"), errs)
    _apparmor(sc.appArmorProfile, (*path, "appArmorProfile"), errs)


def _dns_config(spec: core_v1.PodSpec, path: Path, errs: ErrorList) -> None:
    config = spec.dnsConfig
    if spec.dnsPolicy == "None":
        if config is None:
            errs.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")
            return
        if not config.nameservers:
            errs.required(
                (*path, "nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"
            )
            return
    if config is None:
        return
    nameservers = config.nameservers or []
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        errs.invalid(
            (*path, "nameservers"), nameservers, f"must not have more than {MAX_DNS_NAMESERVERS} nameservers"
        )
    for i, server in enumerate(nameservers):
        errs.invalid_each((*path, "nameservers", i), server, is_ip_address(server))
    searches = config.searches or []
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        errs.invalid(
            (*path, "searches"), searches, f"must not have more than {MAX_DNS_SEARCH_PATHS} search paths"
        )
    if len(" ".join(searches)) > MAX_DNS_SEARCH_CHARS:
        errs.invalid(
            (*path, "searches"),
            searches,
            f"must not have more than {MAX_DNS_SEARCH_CHARS} characters (including spaces) in the search list",
        )
    for i, search in enumerate(searches):
        if search != ".":
            domain = search.removesuffix(".")
            errs.invalid_each((*path, "searches", i), domain, is_dns1123_subdomain_with_underscore(domain))
    for i, option in enumerate(config.options or ()):
        if not option.name:
            errs.required((*path, "options", i), "must not be empty")


def _host_aliases(aliases: Sequence[core_v1.HostAlias], path: Path, errs: ErrorList) -> None:
    for i, alias in enumerate(aliases):
        errs.invalid_each((*path, i, "ip"), alias.ip, is_ip_address(alias.ip))
        for j, hostname in enumerate(alias.hostnames or ()):
            errs.invalid_each((*path, i, "hostnames", j), hostname, is_dns1123_subdomain(hostname))


def _all_containers(spec: core_v1.PodSpec, path: Path) -> list[tuple[core_v1.Container, Path]]:
    return [
        (c, (*path, field, i))
        for field, containers in (
            ("initContainers", spec.initContainers or []),
            ("containers", spec.containers),
        )
        for i, c in enumerate(containers)
    ]


def _os(spec: core_v1.PodSpec, path: Path, errs: ErrorList) -> None:
    """``spec.os``: a known name, and no security setting the other OS alone reads."""
    if spec.os is None:
        return
    name = spec.os.name
    if not name:
        errs.required((*path, "os", "name"), "cannot be empty")
        return
    if name not in OS_NAMES:
        errs.not_supported((*path, "os"), name, OS_NAMES)
        return
    sc = spec.securityContext
    if name == "linux":
        message = "windows options cannot be set for a linux pod"
        if sc is not None and sc.windowsOptions is not None:
            errs.forbidden((*path, "securityContext", "windowsOptions"), message)
        for c, here in _all_containers(spec, path):
            if c.securityContext is not None and c.securityContext.windowsOptions is not None:
                errs.forbidden((*here, "securityContext", "windowsOptions"), message)
        return
    if sc is not None:
        for f in WINDOWS_POD_SECURITY:
            if getattr(sc, f) is not None:
                errs.forbidden((*path, "securityContext", f), WINDOWS_ONLY)
        if sc.sysctls:
            errs.forbidden((*path, "securityContext", "sysctls"), WINDOWS_ONLY)
    # the host namespaces are forbidden when shared, the other two whenever they are set
    for f, value in (
        ("hostPID", spec.hostPID or None),
        ("hostIPC", spec.hostIPC or None),
        ("hostUsers", spec.hostUsers),
        ("shareProcessNamespace", spec.shareProcessNamespace),
    ):
        if value is not None:
            errs.forbidden((*path, f), WINDOWS_ONLY)
    for c, here in _all_containers(spec, path):
        for f in WINDOWS_CONTAINER_SECURITY:
            if c.securityContext is not None and getattr(c.securityContext, f) is not None:
                errs.forbidden((*here, "securityContext", f), WINDOWS_ONLY)


# --- the pod spec and its templates ---------------------------------------------------------------------


def validate_pod_spec(spec: core_v1.PodSpec, path: Path, errs: ErrorList, *, for_pod: bool) -> None:
    volumes = _volumes(spec.volumes or (), (*path, "volumes"), errs)
    grace = spec.terminationGracePeriodSeconds
    pod = _Pod(
        volumes=volumes,
        grace=DEFAULT_GRACE_PERIOD if grace is None else grace,
        for_pod=for_pod,
        host_users=spec.hostUsers is not False,
    )
    if not spec.containers:
        errs.required((*path, "containers"))
    names: set[str] = set()
    app_host_ports: set[str] = set()
    for field, containers, init in (
        ("containers", spec.containers, False),
        ("initContainers", spec.initContainers or [], True),
    ):
        for i, c in enumerate(containers):
            here = (*path, field, i)
            if not c.name:
                errs.required((*here, "name"))
            else:
                errs.invalid_each((*here, "name"), c.name, is_dns1123_label(c.name))
                if c.name in names:
                    errs.duplicate((*here, "name"), c.name)
                names.add(c.name)
            # init containers run one at a time: each one's host ports only clash with its own
            _container(c, here, errs, pod, init, set() if init else app_host_ports)
    if spec.hostNetwork:
        for i, c in enumerate(spec.containers):
            for j, port in enumerate(c.ports or ()):
                if port.hostPort and port.hostPort != port.containerPort:
                    errs.invalid(
                        (*path, "containers", i, "ports", j, "hostPort"),
                        port.hostPort,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
    if spec.restartPolicy is not None and spec.restartPolicy not in RESTART_POLICIES:
        errs.not_supported((*path, "restartPolicy"), spec.restartPolicy, RESTART_POLICIES)
    if spec.dnsPolicy is not None and spec.dnsPolicy not in DNS_POLICIES:
        errs.not_supported((*path, "dnsPolicy"), spec.dnsPolicy, DNS_POLICIES)
    _dns_config(spec, (*path, "dnsConfig"), errs)
    for f, value in (
        ("serviceAccountName", spec.serviceAccountName),
        ("nodeName", spec.nodeName),
        ("priorityClassName", spec.priorityClassName),
    ):
        if value:
            errs.invalid_each((*path, f), value, is_dns1123_subdomain(value))
    if spec.runtimeClassName is not None:
        errs.invalid_each(
            (*path, "runtimeClassName"), spec.runtimeClassName, is_dns1123_subdomain(spec.runtimeClassName)
        )
    for f, value in (("hostname", spec.hostname), ("subdomain", spec.subdomain)):
        if value:
            errs.invalid_each((*path, f), value, is_dns1123_label(value))
    validate_labels(spec.nodeSelector, (*path, "nodeSelector"), errs)
    deadline = spec.activeDeadlineSeconds
    if deadline is not None and not 1 <= deadline <= MAX_ID:
        errs.invalid((*path, "activeDeadlineSeconds"), deadline, inclusive_range_error(1, MAX_ID))
    _pod_security_context(spec, (*path, "securityContext"), errs)
    _tolerations(spec.tolerations or (), (*path, "tolerations"), errs)
    _host_aliases(spec.hostAliases or (), (*path, "hostAliases"), errs)
    for i, gate in enumerate(spec.readinessGates or ()):
        here = (*path, "readinessGates", i, "conditionType")
        errs.invalid_each(here, gate.conditionType, is_qualified_name(gate.conditionType))
    gates: set[str] = set()
    for i, scheduling in enumerate(spec.schedulingGates or ()):
        errs.invalid_each((*path, "schedulingGates", i), scheduling.name, is_qualified_name(scheduling.name))
        if scheduling.name in gates:
            errs.duplicate((*path, "schedulingGates", i), scheduling.name)
        gates.add(scheduling.name)
    if spec.affinity is not None:
        _affinity(spec.affinity, (*path, "affinity"), errs)
    _spread_constraints(spec.topologySpreadConstraints or (), (*path, "topologySpreadConstraints"), errs)
    _os(spec, path, errs)
    if for_pod:
        if spec.ephemeralContainers:
            errs.forbidden((*path, "ephemeralContainers"), "cannot be set on create")
        if spec.nodeName and spec.schedulingGates:
            errs.forbidden((*path, "nodeName"), "cannot be set until all schedulingGates have been cleared")
    elif spec.ephemeralContainers:
        errs.forbidden((*path, "ephemeralContainers"), "ephemeral containers not allowed in pod template")


def no_active_deadline(template: core_v1.PodTemplateSpec | None, controller: str, errs: ErrorList) -> None:
    """The pods of a controller that keeps them running (ReplicaSet, for Deployments too; DaemonSet;
    StatefulSet; ReplicationController) may not carry a deadline."""
    spec = template.spec if template else None
    if spec is not None and spec.activeDeadlineSeconds is not None:
        errs.forbidden(
            ("spec", "template", "spec", "activeDeadlineSeconds"),
            f"activeDeadlineSeconds in {controller} is not Supported",
        )


def validate_pod_template(
    template: core_v1.PodTemplateSpec | None,
    path: Path,
    errs: ErrorList,
    *,
    restart_policies: Sequence[str] | None,
    default_restart: str = "Always",
    pod_spec: bool = True,
) -> None:
    """A template: its metadata, its pod spec, and the restart policies its owner allows (after defaulting)."""
    template = template or core_v1.PodTemplateSpec()
    validate_object_meta(template.metadata, None, False, errs, (*path, "metadata"))
    spec = template.spec
    if pod_spec:
        if spec is None:
            errs.required((*path, "spec", "containers"))
        else:
            validate_pod_spec(spec, (*path, "spec"), errs, for_pod=False)
    if restart_policies is not None:
        restart = (spec.restartPolicy if spec else None) or default_restart
        if restart not in restart_policies:
            errs.not_supported((*path, "spec", "restartPolicy"), restart, restart_policies)
