"""The ``networking.k8s.io`` group: Ingress, IngressClass, NetworkPolicy (``pkg/apis/networking/validation``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from ...models.k8s import networking_v1
from .common import is_cidr
from .errors import ErrorList, Path
from .meta import validate_label_selector
from .names import (
    is_dns1035_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
)

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
NETPOL_PROTOCOLS = ("TCP", "UDP", "SCTP")
CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
_BAD_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_BAD_PATH_SUFFIXES = ("/..", "/.")


def _ingress_backend(backend: networking_v1.IngressBackend, path: Path, errs: ErrorList) -> None:
    if backend.resource is not None and backend.service is not None:
        errs.invalid(path, "", "cannot set both resource and service backends")
    elif backend.service is not None:
        svc = backend.service
        if not svc.name:
            errs.required((*path, "service", "name"))
        else:
            errs.invalid_each((*path, "service", "name"), svc.name, is_dns1035_label(svc.name))
        port = svc.port or networking_v1.ServiceBackendPort()
        if port.name and port.number:
            errs.invalid((*path, "service", "port"), "", "cannot set both port name & port number")
        elif port.name:
            errs.invalid_each((*path, "service", "port", "name"), port.name, is_valid_port_name(port.name))
        elif port.number:
            errs.invalid_each(
                (*path, "service", "port", "number"), port.number, is_valid_port_num(port.number)
            )
        else:
            errs.required((*path, "service", "port"), "port name or number is required")
    elif backend.resource is None:
        errs.invalid(path, "", "resource or service backend is required")


def _host(value: str, path: Path, errs: ErrorList) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        errs.invalid(path, value, "must be a DNS name, not an IP address")
        return
    _host_name(value, path, errs)


def _host_name(value: str, path: Path, errs: ErrorList) -> None:
    if value.startswith("*"):
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


def ingress_class(obj: networking_v1.IngressClass, errs: ErrorList) -> None:
    controller = obj.spec.controller if obj.spec else None
    if controller:
        errs.invalid_each(
            ("spec", "controller"),
            controller,
            is_qualified_name(controller)
            if "/" in controller
            else ['must be a domain-prefixed path (such as "acme.io/foo")'],
        )


def _netpol_ports(ports: Sequence[networking_v1.NetworkPolicyPort], path: Path, errs: ErrorList) -> None:
    for i, p in enumerate(ports):
        here = (*path, i)
        if p.protocol is not None and p.protocol not in NETPOL_PROTOCOLS:
            errs.not_supported((*here, "protocol"), p.protocol, NETPOL_PROTOCOLS)
        number, end = p.port, p.endPort
        if isinstance(number, str) and not number.isdigit():
            errs.invalid_each((*here, "port"), number, is_valid_port_name(number))
            if end is not None:
                errs.invalid((*here, "endPort"), end, "may not be specified when `port` is non-numeric")
        elif number is not None:
            n = int(number)
            errs.invalid_each((*here, "port"), number, is_valid_port_num(n))
            if end is not None and end < n:
                errs.invalid((*here, "endPort"), end, "must be greater than or equal to `port`")
        elif end is not None:
            errs.required((*here, "port"), "may not be omitted when `endPort` is specified")


def _ip_block(block: networking_v1.IPBlock, here: Path, errs: ErrorList) -> None:
    if not block.cidr:
        errs.required((*here, "cidr"))
        return
    if not is_cidr(block.cidr):
        errs.invalid((*here, "cidr"), block.cidr, CIDR_ERROR)
        return
    net = ipaddress.ip_network(block.cidr, strict=False)
    for j, ex in enumerate(block.except_ or ()):
        if not is_cidr(ex):
            errs.invalid((*here, "except", j), ex, CIDR_ERROR)
            continue
        sub = ipaddress.ip_network(ex, strict=False)
        # subnet_of() takes a network of its own IP version, which the version test guarantees; mypy cannot
        # tie the two unions (IPv4Network | IPv6Network) together.
        if sub.version != net.version or not sub.subnet_of(net):  # type: ignore[arg-type]
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
    for i, t in enumerate(types):
        if t not in ("Ingress", "Egress"):
            errs.not_supported(("spec", "policyTypes", i), t, ("Ingress", "Egress"))
    if len(types) > 2:
        errs.invalid(("spec", "policyTypes"), types, "may not specify more than two policyTypes")
