"""Pod specs and pod templates (``ValidatePodSpec`` and the container, volume, probe and security rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .access import integer, items, mapping, str_map, text
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
from .quantity import QuantityError, quantity_of

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
ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)  # fmt: skip
MAX_ID = 2147483647
MAX_FILE_MODE = 0o777


def _nonnegative(value: Any, path: Path, errs: ErrorList) -> None:
    n = integer(value)
    if n is not None and n < 0:
        errs.invalid(path, n, "must be greater than or equal to 0")


def _port_num_or_name(value: Any, path: Path, errs: ErrorList) -> None:
    if isinstance(value, str):
        if value.isdigit():
            errs.invalid_each(path, value, is_valid_port_num(int(value)))
        else:
            errs.invalid_each(path, value, is_valid_port_name(value))
    elif integer(value) is not None:
        errs.invalid_each(path, value, is_valid_port_num(value))


def _handler(handler: dict[str, Any], kinds: Sequence[str], path: Path, errs: ErrorList) -> None:
    """Exactly one handler type: the API server forbids every one after the first."""
    count = 0
    for kind in kinds:
        if handler.get(kind) is None:
            continue
        if count:
            errs.forbidden((*path, kind), "may not specify more than 1 handler type")
            continue
        count += 1
        action = mapping(handler[kind])
        if kind == "exec" and not items(action.get("command")):
            errs.required((*path, "exec", "command"))
        elif kind in ("httpGet", "tcpSocket"):
            if action.get("port") is None:
                errs.required((*path, kind, "port"))
            else:
                _port_num_or_name(action.get("port"), (*path, kind, "port"), errs)
            scheme = action.get("scheme")
            if kind == "httpGet" and isinstance(scheme, str) and scheme not in ("HTTP", "HTTPS"):
                errs.not_supported((*path, kind, "scheme"), scheme, ("HTTP", "HTTPS"))
        elif kind == "grpc" and integer(action.get("port")) is not None:
            errs.invalid_each((*path, "grpc", "port"), action["port"], is_valid_port_num(action["port"]))
    if count == 0:
        errs.required(path, "must specify a handler type")


def _probe(probe: Any, path: Path, errs: ErrorList, *, liveness_like: bool, readiness: bool) -> None:
    if probe is None:
        return
    p = mapping(probe)
    _handler(p, PROBE_HANDLERS, path, errs)
    for f in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        _nonnegative(p.get(f), (*path, f), errs)
    success = integer(p.get("successThreshold"))
    if liveness_like and success is not None and success != 1:
        errs.invalid((*path, "successThreshold"), success, "must be 1")
    if readiness and p.get("terminationGracePeriodSeconds") is not None:
        errs.invalid(
            (*path, "terminationGracePeriodSeconds"),
            p["terminationGracePeriodSeconds"],
            "must not be set for readinessProbes",
        )


def _quantity(value: Any, path: Path, errs: ErrorList) -> Any:
    try:
        return quantity_of(value)
    except QuantityError as exc:
        errs.invalid(path, value, str(exc))
        return None


def _resources(resources: Any, path: Path, errs: ErrorList) -> None:
    res = mapping(resources)
    parsed: dict[str, dict[str, Any]] = {}
    for part in ("limits", "requests"):
        parsed[part] = {}
        for name, value in str_map(res.get(part)).items():
            here = (*path, part, name)
            if (
                "/" not in name
                and name not in STANDARD_CONTAINER_RESOURCES
                and not name.startswith("hugepages-")
            ):
                errs.invalid(here, name, "must be a standard resource for containers")
            elif "/" in name:
                errs.invalid_each(here, name, is_qualified_name(name))
            q = _quantity(value, here, errs)
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


def _security_context(sc: Any, path: Path, errs: ErrorList, *, container: bool) -> None:
    s = mapping(sc)
    for f in ("runAsUser", "runAsGroup", *(() if container else ("fsGroup",))):
        n = integer(s.get(f))
        if n is not None and not 0 <= n <= MAX_ID:
            errs.invalid((*path, f), n, inclusive_range_error(0, MAX_ID))
    if not container:
        for i, g in enumerate(items(s.get("supplementalGroups"))):
            if integer(g) is not None and not 0 <= g <= MAX_ID:
                errs.invalid((*path, "supplementalGroups", i), g, inclusive_range_error(0, MAX_ID))
    for f in ("seccompProfile", "appArmorProfile"):
        prof = s.get(f)
        if prof is None:
            continue
        p = mapping(prof)
        kind = "seccomp" if f == "seccompProfile" else "AppArmor"
        typ = p.get("type")
        if typ == "Localhost":
            if not text(p.get("localhostProfile")):
                errs.required((*path, f, "localhostProfile"), f"must be set when {kind} type is Localhost")
        elif p.get("localhostProfile") is not None:
            errs.invalid(
                (*path, f, "localhostProfile"),
                p["localhostProfile"],
                f"can only be set when {kind} type is Localhost",
            )
    if container and s.get("allowPrivilegeEscalation") is False:
        if s.get("privileged") is True:
            errs.invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")
        added = [str(c) for c in items(mapping(s.get("capabilities")).get("add"))]
        if "SYS_ADMIN" in added or "CAP_SYS_ADMIN" in added:
            errs.invalid(
                path,
                "",
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
            )


def _env(env: Any, path: Path, errs: ErrorList) -> None:
    for i, var in enumerate(items(env)):
        v = mapping(var)
        here = (*path, i)
        name = text(v.get("name"))
        if not name:
            errs.required((*here, "name"))
        else:
            errs.invalid_each((*here, "name"), name, is_env_var_name(name))
        if v.get("valueFrom") is None:
            continue
        source = mapping(v.get("valueFrom"))
        sources = [
            k
            for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
            if source.get(k) is not None
        ]
        vf = (*here, "valueFrom")
        if not sources:
            errs.invalid(
                vf,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            )
        elif text(v.get("value")):
            errs.invalid(vf, "", "may not be specified when `value` is not empty")
        elif len(sources) > 1:
            errs.invalid(vf, "", "may not have more than one field specified at a time")
        for ref in ("configMapKeyRef", "secretKeyRef"):
            r = mapping(source.get(ref))
            if source.get(ref) is None:
                continue
            key = text(r.get("key"))
            if not key:
                errs.required((*vf, ref, "key"))
            else:
                errs.invalid_each((*vf, ref, "key"), key, is_config_map_key(key))
            ref_name = text(r.get("name"))
            if ref_name:
                errs.invalid_each((*vf, ref, "name"), ref_name, is_dns1123_subdomain(ref_name))
        field_ref = source.get("fieldRef")
        if field_ref is not None:
            fp = text(mapping(field_ref).get("fieldPath"))
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


def _env_from(env_from: Any, path: Path, errs: ErrorList) -> None:
    for i, entry in enumerate(items(env_from)):
        e = mapping(entry)
        prefix = text(e.get("prefix"))
        if prefix:
            errs.invalid_each((*path, i, "prefix"), prefix, is_env_var_name(prefix))
        sources = [k for k in ("configMapRef", "secretRef") if e.get(k) is not None]
        if not sources:
            errs.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`")
        elif len(sources) > 1:
            errs.invalid(path, "", "may not have more than one field specified at a time")


def _relative_path(value: str, path: Path, errs: ErrorList) -> None:
    if value.startswith("/"):
        errs.invalid(path, value, "must be a relative path")
    if ".." in value.replace("\\", "/").split("/"):
        errs.invalid(path, value, "must not contain '..'")


def _ports(ports: Any, path: Path, errs: ErrorList, host_ports: dict[str, Path]) -> None:
    names: set[str] = set()
    for i, port in enumerate(items(ports)):
        p = mapping(port)
        here = (*path, i)
        name = text(p.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            errs.invalid_each((*here, "name"), name, msgs)
            if not msgs and name in names:
                errs.duplicate((*here, "name"), name)
            names.add(name)
        cp = integer(p.get("containerPort"))
        if p.get("containerPort") is None or cp == 0:
            errs.required((*here, "containerPort"))
        elif cp is not None:
            errs.invalid_each((*here, "containerPort"), cp, is_valid_port_num(cp))
        hp = integer(p.get("hostPort"))
        protocol = text(p.get("protocol")) or "TCP"
        if hp:
            errs.invalid_each((*here, "hostPort"), hp, is_valid_port_num(hp))
            key = f"{text(p.get('hostIP')) or ''}/{protocol}/{hp}"
            if key in host_ports:
                errs.duplicate((*here, "hostPort"), key)
            host_ports[key] = here
        if protocol not in PORT_PROTOCOLS:
            errs.not_supported((*here, "protocol"), protocol, PORT_PROTOCOLS)


def _container(
    c: dict[str, Any],
    path: Path,
    errs: ErrorList,
    volumes: set[str],
    for_pod: bool,
    host_ports: dict[str, Path],
    init: bool,
) -> None:
    if for_pod and not text(c.get("image")):
        errs.required((*path, "image"))
    _ports(c.get("ports"), (*path, "ports"), errs, host_ports)
    _env(c.get("env"), (*path, "env"), errs)
    _env_from(c.get("envFrom"), (*path, "envFrom"), errs)
    mount_paths: set[str] = set()
    for i, m in enumerate(items(c.get("volumeMounts"))):
        mm = mapping(m)
        here = (*path, "volumeMounts", i)
        name = text(mm.get("name"))
        if not name:
            errs.required((*here, "name"))
        if name is not None and name not in volumes:
            errs.not_found((*here, "name"), name)
        mp = text(mm.get("mountPath"))
        if not mp:
            errs.required((*here, "mountPath"))
        elif mp in mount_paths:
            errs.invalid((*here, "mountPath"), mp, "must be unique")
        if mp:
            mount_paths.add(mp)
        sub = text(mm.get("subPath"))
        if sub:
            _relative_path(sub, (*here, "subPath"), errs)
            if text(mm.get("subPathExpr")):
                errs.invalid(
                    (*here, "subPathExpr"),
                    mm["subPathExpr"],
                    "subPathExpr and subPath are mutually exclusive",
                )
    _resources(c.get("resources"), (*path, "resources"), errs)
    restart = c.get("restartPolicy")
    sidecar = init and restart == "Always"
    probes = not init or sidecar
    for name, live, ready in (
        ("livenessProbe", True, False),
        ("readinessProbe", False, True),
        ("startupProbe", True, False),
    ):
        if c.get(name) is None:
            continue
        if not probes:
            errs.forbidden((*path, name), "may not be set for init containers without restartPolicy=Always")
            continue
        _probe(c.get(name), (*path, name), errs, liveness_like=live, readiness=ready)
    lifecycle = mapping(c.get("lifecycle"))
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            _handler(mapping(lifecycle[hook]), LIFECYCLE_HANDLERS, (*path, "lifecycle", hook), errs)
    if c.get("securityContext") is not None:
        _security_context(c["securityContext"], (*path, "securityContext"), errs, container=True)


def _volumes(volumes: Any, path: Path, errs: ErrorList) -> set[str]:
    names: set[str] = set()
    for i, vol in enumerate(items(volumes)):
        v = mapping(vol)
        here = (*path, i)
        name = text(v.get("name"))
        if not name:
            errs.required((*here, "name"))
        else:
            errs.invalid_each((*here, "name"), name, is_dns1123_label(name))
            if name in names:
                errs.duplicate((*here, "name"), name)
            names.add(name)
        sources = [k for k in VOLUME_SOURCES if v.get(k) is not None]
        for extra in sources[1:]:
            errs.forbidden((*here, extra), "may not specify more than 1 volume type")
        if not sources:
            continue
        kind = sources[0]
        src = mapping(v.get(kind))
        required = {"persistentVolumeClaim": "claimName", "hostPath": "path", "nfs": "path", "csi": "driver"}
        if kind in required and not text(src.get(required[kind])):
            errs.required((*here, kind, required[kind]))
        if kind in ("configMap", "secret", "downwardAPI", "projected"):
            mode = integer(src.get("defaultMode"))
            if mode is not None and not 0 <= mode <= MAX_FILE_MODE:
                errs.invalid(
                    (*here, kind, "defaultMode"),
                    mode,
                    "must be a number between 0 and 0777 (octal), both inclusive",
                )
        for j, item in enumerate(items(src.get("items"))):
            it = mapping(item)
            ipath = (*here, kind, "items", j)
            if kind in ("configMap", "secret") and not text(it.get("key")):
                errs.required((*ipath, "key"))
            p = text(it.get("path"))
            if not p:
                errs.required((*ipath, "path"))
            else:
                _relative_path(p, (*ipath, "path"), errs)
            mode = integer(it.get("mode"))
            if mode is not None and not 0 <= mode <= MAX_FILE_MODE:
                errs.invalid(
                    (*ipath, "mode"), mode, "must be a number between 0 and 0777 (octal), both inclusive"
                )
        if kind == "emptyDir" and src.get("sizeLimit") is not None:
            _quantity(src["sizeLimit"], (*here, "emptyDir", "sizeLimit"), errs)
    return names


def _tolerations(tolerations: Any, path: Path, errs: ErrorList) -> None:
    for i, t in enumerate(items(tolerations)):
        tt = mapping(t)
        here = (*path, i)
        key = text(tt.get("key")) or ""
        op = text(tt.get("operator")) or "Equal"
        if key:
            errs.invalid_each((*here, "key"), key, is_qualified_name(key))
        elif op != "Exists":
            errs.invalid(
                (*here, "operator"),
                op,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        if op == "Exists" and text(tt.get("value")):
            errs.invalid((*here, "operator"), tt["value"], "value must be empty when `operator` is 'Exists'")
        elif op not in ("Equal", "Exists"):
            errs.not_supported((*here, "operator"), op, ("Equal", "Exists"))
        effect = text(tt.get("effect"))
        if effect and effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            errs.not_supported((*here, "effect"), effect, ("NoExecute", "NoSchedule", "PreferNoSchedule"))
        if tt.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.invalid(
                (*here, "effect"), effect or "", "effect must be 'NoExecute' when `tolerationSeconds` is set"
            )


def validate_pod_spec(spec: Any, path: Path, errs: ErrorList, *, for_pod: bool) -> None:
    s = mapping(spec)
    volumes = _volumes(s.get("volumes"), (*path, "volumes"), errs)
    containers = items(s.get("containers"))
    if not containers:
        errs.required((*path, "containers"))
    names: set[str] = set()
    host_ports: dict[str, Path] = {}
    for field, init in (("containers", False), ("initContainers", True)):
        for i, ctr in enumerate(items(s.get(field))):
            c = mapping(ctr)
            here = (*path, field, i)
            name = text(c.get("name"))
            if not name:
                errs.required((*here, "name"))
            else:
                errs.invalid_each((*here, "name"), name, is_dns1123_label(name))
                if name in names:
                    errs.duplicate((*here, "name"), name)
                names.add(name)
            _container(c, here, errs, volumes, for_pod, host_ports, init)
    restart = s.get("restartPolicy")
    if isinstance(restart, str) and restart not in RESTART_POLICIES:
        errs.not_supported((*path, "restartPolicy"), restart, RESTART_POLICIES)
    dns = s.get("dnsPolicy")
    if isinstance(dns, str):
        if dns not in DNS_POLICIES:
            errs.not_supported((*path, "dnsPolicy"), dns, DNS_POLICIES)
        elif dns == "None" and s.get("dnsConfig") is None:
            errs.required((*path, "dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None")
    sa = text(s.get("serviceAccountName"))
    if sa:
        errs.invalid_each((*path, "serviceAccountName"), sa, is_dns1123_subdomain(sa))
    for f in ("hostname", "subdomain"):
        v = text(s.get(f))
        if v:
            errs.invalid_each((*path, f), v, is_dns1123_label(v))
    validate_labels(s.get("nodeSelector"), (*path, "nodeSelector"), errs)
    deadline = integer(s.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= MAX_ID:
        errs.invalid((*path, "activeDeadlineSeconds"), deadline, inclusive_range_error(1, MAX_ID))
    if s.get("securityContext") is not None:
        _security_context(s["securityContext"], (*path, "securityContext"), errs, container=False)
    _tolerations(s.get("tolerations"), (*path, "tolerations"), errs)
    for i, c in enumerate(items(s.get("topologySpreadConstraints"))):
        cc = mapping(c)
        here = (*path, "topologySpreadConstraints", i)
        skew = integer(cc.get("maxSkew"))
        if skew is not None and skew <= 0:
            errs.invalid((*here, "maxSkew"), skew, "must be greater than zero")
        w = text(cc.get("whenUnsatisfiable"))
        if w is not None and w not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.not_supported((*here, "whenUnsatisfiable"), w, ("DoNotSchedule", "ScheduleAnyway"))
        if not text(cc.get("topologyKey")):
            errs.required((*here, "topologyKey"), "can not be empty")


def validate_pod_template(
    template: Any,
    path: Path,
    errs: ErrorList,
    *,
    restart_policies: Sequence[str] | None,
    default_restart: str = "Always",
    pod_spec: bool = True,
) -> None:
    """A template: its metadata, its pod spec, and the restart policies its owner allows (after defaulting)."""
    t = mapping(template)
    validate_object_meta(t.get("metadata"), None, False, errs, (*path, "metadata"))
    if pod_spec:
        validate_pod_spec(t.get("spec"), (*path, "spec"), errs, for_pod=False)
    if restart_policies is not None:
        restart = mapping(t.get("spec")).get("restartPolicy") or default_restart
        if isinstance(restart, str) and restart not in restart_policies:
            errs.not_supported((*path, "spec", "restartPolicy"), restart, restart_policies)


def pod_quantities(spec: Any, path: Path, errs: ErrorList) -> None:
    """Only the quantities of a pod spec: a malformed one fails to decode, whatever validation follows."""
    s = mapping(spec)
    for field in ("containers", "initContainers"):
        for i, ctr in enumerate(items(s.get(field))):
            res = mapping(mapping(ctr).get("resources"))
            for part in ("limits", "requests"):
                for name, value in str_map(res.get(part)).items():
                    _quantity(value, (*path, field, i, "resources", part, name), errs)
    for i, vol in enumerate(items(s.get("volumes"))):
        limit = mapping(mapping(vol).get("emptyDir")).get("sizeLimit")
        if limit is not None:
            _quantity(limit, (*path, "volumes", i, "emptyDir", "sizeLimit"), errs)
