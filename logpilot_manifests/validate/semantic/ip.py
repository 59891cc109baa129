"""IP addresses and CIDRs as the API server reads the fields older than its strict parsing (Go's
``ParseIPSloppy`` and ``ParseCIDRSloppy``): IPv4 octets may carry leading zeros, zones are refused, and a CIDR's
address may have bits set past its prefix."""

from __future__ import annotations

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_IPV4_SLOPPY = re.compile(r"^([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)$")
_DIGITS = re.compile(r"^[0-9]+$")


def parse_ip(value: str) -> IPAddress | None:
    """An IP address as the API server reads the fields older than strict parsing (``ParseIPSloppy``):
    IPv4 octets may carry leading zeros; zones are refused."""
    if "%" in value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        pass
    m = _IPV4_SLOPPY.match(value)
    if m is None or any(int(octet) > 255 for octet in m.groups()):
        return None
    return ipaddress.IPv4Address(".".join(str(int(octet)) for octet in m.groups()))


def parse_cidr(value: str) -> IPNetwork | None:
    """A CIDR as ``ParseCIDRSloppy`` reads it: an address (bits past the prefix allowed) and a prefix length."""
    address, slash, bits = value.partition("/")
    ip = parse_ip(address) if slash and _DIGITS.match(bits) else None
    if ip is None or int(bits) > ip.max_prefixlen:
        return None
    return ipaddress.ip_network((ip, int(bits)), strict=False)
