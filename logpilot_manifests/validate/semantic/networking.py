"""The ``networking.k8s.io`` group: Ingress, IngressClass, NetworkPolicy (``pkg/apis/networking/validation``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from ...models.k8s import core_v1, networking_v1
from .errors import ErrorList, Path
from .ip import parse_cidr
from .meta import validate_label_selector
from .names import (
    CIDR_MSG,
    DOMAIN_PREFIXED_PATH_MSG,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_http_path,
    is_path_segment_name,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
)

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
NETPOL_PROTOCOLS = ("TCP", "UDP", "SCTP")
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
MAX_CONTROLLER_LENGTH = 250
PARAMETER_SCOPES = ("Cluster", "Namespace")
_BAD_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_PATH_SUFFIXES = ("/..", "/.")


def _typed_reference(
    ref: core_v1.TypedLocalObjectReference | networking_v1.IngressClassParametersReference,
    path: Path,
    errs: ErrorList,
) -> None:
    """A reference to an object of any kind: its API group is a DNS subdomain, kind and name path segments."""
    if ref.apiGroup is not None:
        errs.invalid_each((*path, "apiGroup"), ref.apiGroup, is_dns1123_subdomain(ref.apiGroup))
    for f in ("kind", "name"):
        value = getattr(ref, f)
        if not value:
            errs.required((*path, f))
        else:
            errs.invalid_each((*path, f), value, is_path_segment_name(value))


def _ingress_backend(backend: networking_v1.IngressBackend, path: Path, errs: ErrorList) -> None:
    """The API server reports a missing or doubled port at the backend itself."""
    if backend.resource is not None and backend.service is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
    elif backend.resource is not None:
        _typed_reference(backend.resource, (*path, "resource"), errs)
    elif backend.service is not None:
        svc = backend.service
        if not svc.name:
            errs.required((*path, "service", "name"))
        else:
            errs.invalid_each((*path, "service", "name"), svc.name, is_dns1035_label(svc.name))
        port = svc.port or networking_v1.ServiceBackendPort()
        if port.name and port.number:
            errs.invalid(path, "", "cannot set both port name & port number")
        elif port.name:
            errs.invalid_each((*path, "service", "port", "name"), port.name, is_valid_port_name(port.name))
        elif port.number:
            errs.invalid_each(
                (*path, "service", "port", "number"), port.number, is_valid_port_num(port.number)
            )
        else:
            errs.required(path, "port name or number is required")
    else:
        errs.invalid(path, "", "resource or service backend is required")


def _host(value: str, path: Path, errs: ErrorList) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        errs.invalid(path, value, "must be a DNS name, not an IP address")
    _host_name(value, path, errs)


def _host_name(value: str, path: Path, errs: ErrorList) -> None:
    """A host with a `*` anywhere is read as a wildcard host, which may only start with `*.`."""
    if "*" in value:
        errs.invalid_each(path, value, is_wildcard_dns1123_subdomain(value))
    else:
        errs.invalid_each(path, value, is_dns1123_subdomain(value))


def _ingress_path(p: networking_v1.HTTPIngressPath, here: Path, errs: ErrorList) -> None:
    typ, value = p.pathType, p.path or ""
    if typ not in PATH_TYPES:
        errs.not_supported((*here, "pathType"), typ, PATH_TYPES)
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
    _ingress_backend(p.backend, (*here, "backend"), errs)


def ingress(obj: networking_v1.Ingress, errs: ErrorList) -> None:
    spec = obj.spec or networking_v1.IngressSpec()
    rules = spec.rules or []
    if spec.defaultBackend is None and not rules:
        errs.invalid(("spec",), "", "either `defaultBackend` or `rules` must be specified")
    if spec.defaultBackend is not None:
        _ingress_backend(spec.defaultBackend, ("spec", "defaultBackend"), errs)
    if spec.ingressClassName:
        errs.invalid_each(
            ("spec", "ingressClassName"), spec.ingressClassName, is_dns1123_subdomain(spec.ingressClassName)
        )
    for i, rule in enumerate(rules):
        if rule.host:
            _host(rule.host, ("spec", "rules", i, "host"), errs)
        if rule.http is None:
            continue
        if not rule.http.paths:
            errs.required(("spec", "rules", i, "http", "paths"))
        for j, p in enumerate(rule.http.paths):
            _ingress_path(p, ("spec", "rules", i, "http", "paths", j), errs)
    for i, tls in enumerate(spec.tls or ()):
        for j, host in enumerate(tls.hosts or ()):
            _host_name(host, ("spec", "tls", i, "hosts", j), errs)
        if tls.secretName:
            errs.invalid_each(
                ("spec", "tls", i, "secretName"), tls.secretName, is_dns1123_subdomain(tls.secretName)
            )
    annotations = (obj.metadata.annotations if obj.metadata else None) or {}
    annotated = annotations.get(INGRESS_CLASS_ANNOTATION)
    if annotated is not None and spec.ingressClassName is not None and annotated != spec.ingressClassName:
        # the API server's path has no `metadata.` in front
        errs.invalid(
            ("annotations", INGRESS_CLASS_ANNOTATION),
            annotated,
            "must match `ingressClassName` when both are specified",
        )


def _domain_prefixed_path(value: str, path: Path, errs: ErrorList) -> None:
    """``IsDomainPrefixedPath``: a DNS subdomain, `/`, and an HTTP path (``acme.io/foo``)."""
    host, slash, rest = value.partition("/")
    if not host or not slash or not rest:
        errs.invalid(path, value, DOMAIN_PREFIXED_PATH_MSG)
        return
    errs.invalid_each(path, host, is_dns1123_subdomain(host))
    errs.invalid_each(path, rest, is_http_path(rest))


def ingress_class(obj: networking_v1.IngressClass, errs: ErrorList) -> None:
    spec = obj.spec or networking_v1.IngressClassSpec()
    if not spec.controller:
        errs.required(("spec", "controller"))
    else:
        if len(spec.controller.encode()) > MAX_CONTROLLER_LENGTH:
            errs.too_long(("spec", "controller"), MAX_CONTROLLER_LENGTH)
        _domain_prefixed_path(spec.controller, ("spec", "controller"), errs)
    params = spec.parameters
    if params is None:
        return
    here = ("spec", "parameters")
    _typed_reference(params, here, errs)
    scope = "Cluster" if params.scope is None else params.scope  # defaulted (SetDefaults_IngressClass)
    if scope not in PARAMETER_SCOPES:
        errs.not_supported((*here, "scope"), scope, PARAMETER_SCOPES)
    elif scope == "Namespace":
        if params.namespace is None:
            errs.required((*here, "namespace"), "`parameters.scope` is set to 'Namespace'")
        else:
            errs.invalid_each((*here, "namespace"), params.namespace, is_dns1123_label(params.namespace))
    elif params.namespace is not None:
        errs.forbidden((*here, "namespace"), "`parameters.scope` is set to 'Cluster'")


def _netpol_ports(ports: Sequence[networking_v1.NetworkPolicyPort], path: Path, errs: ErrorList) -> None:
    """A port is a number (with an optional `endPort`) or a name; a string is always a name, even of digits,
    as the IntOrString decoder reads it."""
    for i, p in enumerate(ports):
        here = (*path, i)
        if p.protocol is not None and p.protocol not in NETPOL_PROTOCOLS:
            errs.not_supported((*here, "protocol"), p.protocol, NETPOL_PROTOCOLS)
        number, end = p.port, p.endPort
        if isinstance(number, int):
            errs.invalid_each((*here, "port"), number, is_valid_port_num(number))
            if end is not None:
                if end < number:
                    errs.invalid((*here, "endPort"), end, "must be greater than or equal to `port`")
                errs.invalid_each((*here, "endPort"), end, is_valid_port_num(end))
        elif number is not None:
            if end is not None:
                errs.invalid((*here, "endPort"), end, "may not be specified when `port` is non-numeric")
            errs.invalid_each((*here, "port"), number, is_valid_port_name(number))
        elif end is not None:
            errs.invalid((*here, "endPort"), end, "may not be specified when `port` is not specified")


def _ip_block(block: networking_v1.IPBlock, here: Path, errs: ErrorList) -> None:
    if not block.cidr:
        errs.required((*here, "cidr"))
        return
    net = parse_cidr(block.cidr)
    if net is None:
        errs.invalid((*here, "cidr"), block.cidr, CIDR_MSG)
        return
    for j, ex in enumerate(block.except_ or ()):
        sub = parse_cidr(ex)
        if sub is None:
            errs.invalid((*here, "except", j), ex, CIDR_MSG)
            continue
        # a strict subset: inside `cidr` and a longer prefix. subnet_of() takes a network of its own IP version,
        # which the version test guarantees; mypy cannot tie the two unions (IPv4Network | IPv6Network) together.
        if (
            sub.version != net.version
            or not sub.subnet_of(net)  # type: ignore[arg-type]
            or sub.prefixlen <= net.prefixlen
        ):
            errs.invalid((*here, "except", j), ex, "must be a strict subset of `cidr`")


def _netpol_peers(peers: Sequence[networking_v1.NetworkPolicyPeer], path: Path, errs: ErrorList) -> None:
    for i, peer in enumerate(peers):
        here = (*path, i)
        selectors = [
            (k, s)
            for k, s in (("podSelector", peer.podSelector), ("namespaceSelector", peer.namespaceSelector))
            if s is not None
        ]
        if peer.ipBlock is not None and selectors:
            errs.forbidden(here, "may not specify both ipBlock and another peer")
        elif peer.ipBlock is None and not selectors:
            errs.required(here, "must specify a peer")
        for k, selector in selectors:
            validate_label_selector(selector, (*here, k), errs)
        if peer.ipBlock is not None:
            _ip_block(peer.ipBlock, (*here, "ipBlock"), errs)


def network_policy(obj: networking_v1.NetworkPolicy, errs: ErrorList) -> None:
    spec = obj.spec or networking_v1.NetworkPolicySpec()
    validate_label_selector(spec.podSelector, ("spec", "podSelector"), errs)
    for i, ingress_rule in enumerate(spec.ingress or ()):
        _netpol_ports(ingress_rule.ports or (), ("spec", "ingress", i, "ports"), errs)
        _netpol_peers(ingress_rule.from_ or (), ("spec", "ingress", i, "from"), errs)
    for i, egress_rule in enumerate(spec.egress or ()):
        _netpol_ports(egress_rule.ports or (), ("spec", "egress", i, "ports"), errs)
        _netpol_peers(egress_rule.to or (), ("spec", "egress", i, "to"), errs)
    types = spec.policyTypes or []
    if len(types) > 2:
        errs.invalid(("spec", "policyTypes"), types, "may not specify more than two policyTypes")
        return
    for i, t in enumerate(types):
        if t not in ("Ingress", "Egress"):
            errs.not_supported(("spec", "policyTypes", i), t, ("Ingress", "Egress"))
