"""Pod specs and pod templates (``ValidatePodSpec`` and the container, volume, probe and security rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...models.k8s import core_v1
from .common import nonnegative, port_num_or_name, quantity
from .errors import ErrorList, Path
from .meta import validate_labels, validate_object_meta
from .names import (
    inclusive_range_error,
    is_config_map_key,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_env_var_name,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
)
from .quantity import Quantity

PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI",
    "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
    "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
)  # fmt: skip
# The field a volume source cannot do without, checked for an empty value (the schema checks presence).
VOLUME_SOURCE_REQUIRED = {
    "persistentVolumeClaim": "claimName",
    "hostPath": "path",
    "nfs": "path",
    "csi": "driver",
}
ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)  # fmt: skip
ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
MAX_ID = 2147483647
MAX_FILE_MODE = 0o777
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"

Handler = core_v1.Probe | core_v1.LifecycleHandler


def _handler(handler: Handler, kinds: Sequence[str], path: Path, errs: ErrorList) -> None:
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
        elif isinstance(action, core_v1.HTTPGetAction | core_v1.TCPSocketAction):
            port_num_or_name(action.port, (*path, kind, "port"), errs)
            scheme = action.scheme if isinstance(action, core_v1.HTTPGetAction) else None
            if scheme and scheme not in ("HTTP", "HTTPS"):
                errs.not_supported((*path, kind, "scheme"), scheme, ("HTTP", "HTTPS"))
        elif isinstance(action, core_v1.GRPCAction):
            errs.invalid_each((*path, "grpc", "port"), action.port, is_valid_port_num(action.port))
    if count == 0:
        errs.required(path, "must specify a handler type")


def _probe(
    probe: core_v1.Probe, path: Path, errs: ErrorList, *, liveness_like: bool, readiness: bool
) -> None:
    _handler(probe, PROBE_HANDLERS, path, errs)
    nonnegative(probe.initialDelaySeconds, (*path, "initialDelaySeconds"), errs)
    nonnegative(probe.timeoutSeconds, (*path, "timeoutSeconds"), errs)
    nonnegative(probe.periodSeconds, (*path, "periodSeconds"), errs)
    nonnegative(probe.successThreshold, (*path, "successThreshold"), errs)
    nonnegative(probe.failureThreshold, (*path, "failureThreshold"), errs)
    # the API server defaults a zero threshold (and a zero period or timeout) before validating it
    success = probe.successThreshold
    if liveness_like and success not in (None, 0, 1):
        errs.invalid((*path, "successThreshold"), success, "must be 1")
    if readiness and probe.terminationGracePeriodSeconds is not None:
        errs.invalid(
            (*path, "terminationGracePeriodSeconds"),
            probe.terminationGracePeriodSeconds,
            "must not be set for readinessProbes",
        )


def _resources(resources: core_v1.ResourceRequirements, path: Path, errs: ErrorList) -> None:
    parsed: dict[str, dict[str, Quantity]] = {}
    for part, values in (("limits", resources.limits), ("requests", resources.requests)):
        parsed[part] = {}
        for name, value in (values or {}).items():
            here = (*path, part, name)
            if (
                "/" not in name
                and name not in STANDARD_CONTAINER_RESOURCES
                and not name.startswith("hugepages-")
            ):
                errs.invalid(here, name, "must be a standard resource for containers")
            elif "/" in name:
                errs.invalid_each(here, name, is_qualified_name(name))
            q = quantity(value, here, errs)
            if q is None:
                continue
            if q.value < 0:
                errs.invalid(here, str(q), "must be greater than or equal to 0")
            parsed[part][name] = q
    for name, request in parsed["requests"].items():
        limit = parsed["limits"].get(name)
        if limit is None:
            continue
        here = (*path, "requests", name)
        overcommit = ("/" not in name or "kubernetes.io/" in name) and not name.startswith("hugepages-")
        if not overcommit and request.value != limit.value:
            errs.invalid(here, str(request), f"must be equal to {name} limit of {limit}")
        elif request.value > limit.value:
            errs.invalid(here, str(request), f"must be less than or equal to {name} limit of {limit}")


def _id_range(value: int | None, path: Path, errs: ErrorList) -> None:
    if value is not None and not 0 <= value <= MAX_ID:
        errs.invalid(path, value, inclusive_range_error(0, MAX_ID))


def _profiles(sc: core_v1.SecurityContext | core_v1.PodSecurityContext, path: Path, errs: ErrorList) -> None:
    for f, kind, profile in (
        ("seccompProfile", "seccomp", sc.seccompProfile),
        ("appArmorProfile", "AppArmor", sc.appArmorProfile),
    ):
        if profile is None:
            continue
        if profile.type == "Localhost":
            if not profile.localhostProfile:
                errs.required((*path, f, "localhostProfile"), f"must be set when {kind} type is Localhost")
        elif profile.localhostProfile is not None:
            errs.invalid(
                (*path, f, "localhostProfile"),
                profile.localhostProfile,
                f"can only be set when {kind} type is Localhost",
            )


def _pod_security_context(sc: core_v1.PodSecurityContext, path: Path, errs: ErrorList) -> None:
    _id_range(sc.runAsUser, (*path, "runAsUser"), errs)
    _id_range(sc.runAsGroup, (*path, "runAsGroup"), errs)
    _id_range(sc.fsGroup, (*path, "fsGroup"), errs)
    for i, group in enumerate(sc.supplementalGroups or ()):
        _id_range(group, (*path, "supplementalGroups", i), errs)
    _profiles(sc, path, errs)


def _container_security_context(sc: core_v1.SecurityContext, path: Path, errs: ErrorList) -> None:
    _id_range(sc.runAsUser, (*path, "runAsUser"), errs)
    _id_range(sc.runAsGroup, (*path, "runAsGroup"), errs)
    _profiles(sc, path, errs)
    if sc.allowPrivilegeEscalation is False:
        if sc.privileged is True:
            errs.invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        # only the CAP_-prefixed spelling is compared, as the API server does
        added = (sc.capabilities.add if sc.capabilities else None) or ()
        if "CAP_SYS_ADMIN" in added:
            errs.invalid(
                path,
                "",
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
            )


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
        sources = [k for k in ENV_SOURCES if getattr(source, k) is not None]
        vf = (*here, "valueFrom")
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
        for kind, ref in (("configMapKeyRef", source.configMapKeyRef), ("secretKeyRef", source.secretKeyRef)):
            if ref is None:
                continue
            if not ref.key:
                errs.required((*vf, kind, "key"))
            else:
                errs.invalid_each((*vf, kind, "key"), ref.key, is_config_map_key(ref.key))
            if ref.name:
                errs.invalid_each((*vf, kind, "name"), ref.name, is_dns1123_subdomain(ref.name))
        if source.fieldRef is not None:
            fp = source.fieldRef.fieldPath
            if not fp:
                errs.required((*vf, "fieldRef", "fieldPath"))
            elif not (fp in ENV_FIELD_PATHS or _subscripted(fp)):
                errs.not_supported(
                    (*vf, "fieldRef", "fieldPath"),
                    fp,
                    sorted((*ENV_FIELD_PATHS, "metadata.annotations", "metadata.labels")),
                )


def _subscripted(fp: str) -> bool:
    """``metadata.labels['key']`` and ``metadata.annotations['key']`` with a valid key."""
    for prefix in ("metadata.labels['", "metadata.annotations['"):
        if fp.startswith(prefix) and fp.endswith("']"):
            return not is_qualified_name(fp[len(prefix) : -2])
    return False


def _env_from(env_from: Sequence[core_v1.EnvFromSource], path: Path, errs: ErrorList) -> None:
    for i, entry in enumerate(env_from):
        if entry.prefix:
            errs.invalid_each((*path, i, "prefix"), entry.prefix, is_env_var_name(entry.prefix))
        sources = [s for s in (entry.configMapRef, entry.secretRef) if s is not None]
        if not sources:
            errs.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
        elif len(sources) > 1:
            errs.invalid(path, "", "may not have more than one field specified at a time")


def _relative_path(value: str, path: Path, errs: ErrorList) -> None:
    if value.startswith("/"):
        errs.invalid(path, value, "must be a relative path")
    if ".." in value.replace("\\", "/").split("/"):
        errs.invalid(path, value, "must not contain '..'")


def _ports(
    ports: Sequence[core_v1.ContainerPort], path: Path, errs: ErrorList, host_ports: dict[str, Path]
) -> None:
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
            key = f"{port.hostIP or ''}/{protocol}/{port.hostPort}"
            if key in host_ports:
                errs.duplicate((*here, "hostPort"), key)
            host_ports[key] = here
        if protocol not in PORT_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, PORT_PROTOCOLS)


def _volume_mounts(
    mounts: Sequence[core_v1.VolumeMount], path: Path, errs: ErrorList, volumes: set[str]
) -> None:
    mount_paths: set[str] = set()
    for i, mount in enumerate(mounts):
        here = (*path, i)
        if not mount.name:
            errs.required((*here, "name"))
        if mount.name not in volumes:
            errs.not_found((*here, "name"), mount.name)
        if not mount.mountPath:
            errs.required((*here, "mountPath"))
        elif mount.mountPath in mount_paths:
            errs.invalid((*here, "mountPath"), mount.mountPath, "must be unique")
        if mount.mountPath:
            mount_paths.add(mount.mountPath)
        if mount.subPath:
            _relative_path(mount.subPath, (*here, "subPath"), errs)
            if mount.subPathExpr:
                errs.invalid(
                    (*here, "subPathExpr"),
                    mount.subPathExpr,
                    "subPathExpr and subPath are mutually exclusive",
                )


def _container(
    c: core_v1.Container,
    path: Path,
    errs: ErrorList,
    volumes: set[str],
    for_pod: bool,
    host_ports: dict[str, Path],
    init: bool,
) -> None:
    if for_pod and not c.image:
        errs.required((*path, "image"))
    _ports(c.ports or (), (*path, "ports"), errs, host_ports)
    _env(c.env or (), (*path, "env"), errs)
    _env_from(c.envFrom or (), (*path, "envFrom"), errs)
    _volume_mounts(c.volumeMounts or (), (*path, "volumeMounts"), errs, volumes)
    if c.resources is not None:
        _resources(c.resources, (*path, "resources"), errs)
    sidecar = init and c.restartPolicy == "Always"
    probes = not init or sidecar
    for name, probe, live, ready in (
        ("livenessProbe", c.livenessProbe, True, False),
        ("readinessProbe", c.readinessProbe, False, True),
        ("startupProbe", c.startupProbe, True, False),
    ):
        if probe is None:
            continue
        if not probes:
            errs.forbidden((*path, name), "may not be set for init containers without restartPolicy=Always")
            continue
        _probe(probe, (*path, name), errs, liveness_like=live, readiness=ready)
    if c.lifecycle is not None:
        for hook, handler in (("postStart", c.lifecycle.postStart), ("preStop", c.lifecycle.preStop)):
            if handler is not None:
                _handler(handler, LIFECYCLE_HANDLERS, (*path, "lifecycle", hook), errs)
    if c.securityContext is not None:
        _container_security_context(c.securityContext, (*path, "securityContext"), errs)


def _file_mode(mode: int | None, path: Path, errs: ErrorList) -> None:
    if mode is not None and not 0 <= mode <= MAX_FILE_MODE:
        errs.invalid(path, mode, FILE_MODE_ERROR)


def _volume_source(kind: str, src: Any, here: Path, errs: ErrorList) -> None:
    required = VOLUME_SOURCE_REQUIRED.get(kind)
    if required and not getattr(src, required):
        errs.required((*here, kind, required))
    if isinstance(
        src,
        core_v1.ConfigMapVolumeSource
        | core_v1.SecretVolumeSource
        | core_v1.DownwardAPIVolumeSource
        | core_v1.ProjectedVolumeSource,
    ):
        _file_mode(src.defaultMode, (*here, kind, "defaultMode"), errs)
    if isinstance(
        src, core_v1.ConfigMapVolumeSource | core_v1.SecretVolumeSource | core_v1.DownwardAPIVolumeSource
    ):
        files: Sequence[core_v1.KeyToPath | core_v1.DownwardAPIVolumeFile] = src.items or ()
        for j, item in enumerate(files):
            ipath = (*here, kind, "items", j)
            if isinstance(item, core_v1.KeyToPath) and not item.key:
                errs.required((*ipath, "key"))
            if not item.path:
                errs.required((*ipath, "path"))
            else:
                _relative_path(item.path, (*ipath, "path"), errs)
            _file_mode(item.mode, (*ipath, "mode"), errs)
    if isinstance(src, core_v1.EmptyDirVolumeSource) and src.sizeLimit is not None:
        quantity(src.sizeLimit, (*here, "emptyDir", "sizeLimit"), errs)


def _volumes(volumes: Sequence[core_v1.Volume], path: Path, errs: ErrorList) -> set[str]:
    names: set[str] = set()
    for i, volume in enumerate(volumes):
        here = (*path, i)
        if not volume.name:
            errs.required((*here, "name"))
        else:
            errs.invalid_each((*here, "name"), volume.name, is_dns1123_label(volume.name))
            if volume.name in names:
                errs.duplicate((*here, "name"), volume.name)
            names.add(volume.name)
        sources = [k for k in VOLUME_SOURCES if getattr(volume, k) is not None]
        for extra in sources[1:]:
            errs.forbidden((*here, extra), "may not specify more than 1 volume type")
        if sources:
            _volume_source(sources[0], getattr(volume, sources[0]), here, errs)
    return names


def _tolerations(tolerations: Sequence[core_v1.Toleration], path: Path, errs: ErrorList) -> None:
    for i, t in enumerate(tolerations):
        here = (*path, i)
        op = t.operator or "Equal"
        if t.key:
            errs.invalid_each((*here, "key"), t.key, is_qualified_name(t.key))
        elif op != "Exists":
            errs.invalid(
                (*here, "operator"),
                op,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        if op == "Exists" and t.value:
            errs.invalid((*here, "operator"), t.value, "value must be empty when `operator` is 'Exists'")
        elif op not in ("Equal", "Exists"):
            errs.not_supported((*here, "operator"), op, ("Equal", "Exists"))
        if t.effect and t.effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errs.not_supported((*here, "effect"), t.effect, ("NoExecute", "NoSchedule", "PreferNoSchedule"))
        if t.tolerationSeconds is not None and t.effect != "NoExecute":
            errs.invalid(
                (*here, "effect"),
                t.effect or "",
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            )


def _spread_constraints(
    constraints: Sequence[core_v1.TopologySpreadConstraint], path: Path, errs: ErrorList
) -> None:
    for i, c in enumerate(constraints):
        here = (*path, i)
        if c.maxSkew <= 0:
            errs.invalid((*here, "maxSkew"), c.maxSkew, "must be greater than zero")
        if c.whenUnsatisfiable not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.not_supported(
                (*here, "whenUnsatisfiable"), c.whenUnsatisfiable, ("DoNotSchedule", "ScheduleAnyway")
            )
        if not c.topologyKey:
            errs.required((*here, "topologyKey"), "can not be empty")


def validate_pod_spec(spec: core_v1.PodSpec, path: Path, errs: ErrorList, *, for_pod: bool) -> None:
    volumes = _volumes(spec.volumes or (), (*path, "volumes"), errs)
    if not spec.containers:
        errs.required((*path, "containers"))
    names: set[str] = set()
    host_ports: dict[str, Path] = {}
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
            _container(c, here, errs, volumes, for_pod, host_ports, init)
    if spec.restartPolicy is not None and spec.restartPolicy not in RESTART_POLICIES:
        errs.not_supported((*path, "restartPolicy"), spec.restartPolicy, RESTART_POLICIES)
    dns = spec.dnsPolicy
    if dns is not None:
        if dns not in DNS_POLICIES:
            errs.not_supported((*path, "dnsPolicy"), dns, DNS_POLICIES)
        elif dns == "None" and spec.dnsConfig is None:
            errs.required((*path, "dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None")
    if spec.serviceAccountName:
        errs.invalid_each(
            (*path, "serviceAccountName"),
            spec.serviceAccountName,
            is_dns1123_subdomain(spec.serviceAccountName),
        )
    for f, value in (("hostname", spec.hostname), ("subdomain", spec.subdomain)):
        if value:
            errs.invalid_each((*path, f), value, is_dns1123_label(value))
    validate_labels(spec.nodeSelector, (*path, "nodeSelector"), errs)
    deadline = spec.activeDeadlineSeconds
    if deadline is not None and not 1 <= deadline <= MAX_ID:
        errs.invalid((*path, "activeDeadlineSeconds"), deadline, inclusive_range_error(1, MAX_ID))
    if spec.securityContext is not None:
        _pod_security_context(spec.securityContext, (*path, "securityContext"), errs)
    _tolerations(spec.tolerations or (), (*path, "tolerations"), errs)
    _spread_constraints(spec.topologySpreadConstraints or (), (*path, "topologySpreadConstraints"), errs)


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


def pod_quantities(spec: core_v1.PodSpec | None, path: Path, errs: ErrorList) -> None:
    """Only the quantities of a pod spec: a malformed one fails to decode, whatever validation follows."""
    if spec is None:
        return
    for field, containers in (("containers", spec.containers), ("initContainers", spec.initContainers or [])):
        for i, c in enumerate(containers):
            res = c.resources
            for part, values in (
                ("limits", res.limits if res else None),
                ("requests", res.requests if res else None),
            ):
                for name, value in (values or {}).items():
                    quantity(value, (*path, field, i, "resources", part, name), errs)
    for i, volume in enumerate(spec.volumes or ()):
        if volume.emptyDir is not None and volume.emptyDir.sizeLimit is not None:
            quantity(volume.emptyDir.sizeLimit, (*path, "volumes", i, "emptyDir", "sizeLimit"), errs)
