"""The string formats of Kubernetes' apimachinery validation: names, labels, ports, percentages, config keys.

Each function returns the API server's messages for a value (empty when valid), worded as in
``k8s.io/apimachinery/pkg/util/validation``, so a finding reads like the rejection ``kubectl apply`` prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NameCheck = Callable[[str], list[str]]

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
CONFIG_KEY_MAX = 253
PORT_NAME_MAX = 15

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + r"(\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_PERCENT_FMT = "[0-9]+%"

_DNS1123_LABEL = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_WILDCARD_SUBDOMAIN = re.compile(r"^\*\." + _DNS1123_SUBDOMAIN_FMT + "$")
_DNS1035_LABEL = re.compile(f"^{_DNS1035_LABEL_FMT}$")
_QUALIFIED_NAME = re.compile(f"^{_QUALIFIED_NAME_FMT}$")
_LABEL_VALUE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_CONFIG_KEY = re.compile(f"^{_CONFIG_KEY_FMT}$")
_PERCENT = re.compile(f"^{_PERCENT_FMT}$")
_PORT_NAME_CHARS = re.compile("^[-a-z0-9]+$")
_PORT_NAME_LETTER = re.compile("[a-z]")

DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
WILDCARD_SUBDOMAIN_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
    "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character"
)
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)
QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character"
)
CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """apimachinery's RegexError: the message, its examples and the regular expression it used."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = ",  or ".join(f"'{e}'" for e in examples)
    return f"{msg} (e.g. {shown}, regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _DNS1123_LABEL.match(value):
        errs.append(regex_error(DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN.match(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _WILDCARD_SUBDOMAIN.match(value):
        errs.append(regex_error(WILDCARD_SUBDOMAIN_MSG, r"\*\." + _DNS1123_SUBDOMAIN_FMT, "*.example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1035_LABEL_MAX:
        errs.append(max_len_error(DNS1035_LABEL_MAX))
    if not _DNS1035_LABEL.match(value):
        errs.append(regex_error(DNS1035_LABEL_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_path_segment_name(value: str) -> list[str]:
    """Names that become one segment of a URL path (RBAC objects, and the floor for every kind)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]


def is_qualified_name(value: str) -> list[str]:
    """Label and annotation keys: an optional DNS-subdomain prefix and '/', then a name part."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + regex_error(QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX))
    if name and not _QUALIFIED_NAME.match(name):
        errs.append(
            "name part "
            + regex_error(QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(max_len_error(LABEL_VALUE_MAX))
    if not _LABEL_VALUE.match(value):
        errs.append(regex_error(LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_config_map_key(value: str) -> list[str]:
    errs = []
    if len(value) > CONFIG_KEY_MAX:
        errs.append(max_len_error(CONFIG_KEY_MAX))
    if not _CONFIG_KEY.match(value):
        errs.append(regex_error(CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(name: str) -> list[str]:
    """An IANA service name: what container, probe and target ports may be called."""
    errs = []
    if len(name) > PORT_NAME_MAX:
        errs.append(max_len_error(PORT_NAME_MAX))
    if not _PORT_NAME_CHARS.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_percent(value: str) -> list[str]:
    return [] if _PERCENT.match(value) else [regex_error(PERCENT_MSG, _PERCENT_FMT, "1%", "93%")]


def is_env_var_name(value: str) -> list[str]:
    """The relaxed rule (the default since Kubernetes 1.32): printable ASCII other than '='."""
    if value and all(" " <= c <= "~" and c != "=" for c in value):
        return []
    return [
        "a valid environment variable name must consist only of printable ASCII characters other than '='"
    ]


# --- workload names -------------------------------------------------------------------------------------


def is_dns1123_label_name(value: str) -> list[str]:
    """apimachinery's ``IsDNS1123Label`` as worded since Kubernetes 1.27: a value that fails the label rule
    but is a valid subdomain (so it has dots) is told ``must not contain dots`` instead of the label regex."""
    errs = is_dns1123_label(value)
    if errs and not _DNS1123_LABEL.match(value) and _DNS1123_SUBDOMAIN.match(value):
        errs[-1] = "must not contain dots"
    return errs


# Formats of the pod spec's own fields: HTTP header names, DNS search domains, IP addresses, sysctl names, and
# the names that may end in '-' because a generated suffix follows them.

_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME = re.compile(_HTTP_HEADER_NAME_FMT)
HTTP_HEADER_NAME_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"

_DNS1123_LABEL_UNDERSCORE_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_UNDERSCORE_FMT = (
    _DNS1123_LABEL_UNDERSCORE_FMT + r"(\." + _DNS1123_LABEL_UNDERSCORE_FMT + ")*"
)
_DNS1123_SUBDOMAIN_UNDERSCORE = re.compile(_DNS1123_SUBDOMAIN_UNDERSCORE_FMT)
DNS1123_SUBDOMAIN_UNDERSCORE_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', "
    "and must start and end with an alphanumeric character"
)

IP_ADDRESS_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

SYSCTL_NAME_MAX = 253
_SYSCTL_SEGMENT_FMT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_NAME_FMT = "^(" + _SYSCTL_SEGMENT_FMT + r"[\./])*" + _SYSCTL_SEGMENT_FMT + "$"
_SYSCTL_NAME = re.compile(_SYSCTL_NAME_FMT)


def is_http_header_name(value: str) -> list[str]:
    if _HTTP_HEADER_NAME.fullmatch(value):
        return []
    return [regex_error(HTTP_HEADER_NAME_MSG, _HTTP_HEADER_NAME_FMT, "X-Header-Name")]


def is_dns1123_subdomain_with_underscore(value: str) -> list[str]:
    """DNS search domains: a subdomain whose labels may hold '_' (the relaxed rule, on by default)."""
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN_UNDERSCORE.fullmatch(value):
        errs.append(
            regex_error(DNS1123_SUBDOMAIN_UNDERSCORE_MSG, _DNS1123_SUBDOMAIN_UNDERSCORE_FMT, "example.com")
        )
    return errs


def is_dns1123_subdomain_prefix(value: str) -> list[str]:
    """A name the API server checks as a prefix: one trailing '-' is allowed (apimachinery masks the last two
    characters with one letter before checking the subdomain format)."""
    if len(value) > 1 and value.endswith("-"):
        value = value[:-2] + "a"
    return is_dns1123_subdomain(value)


def is_ip_address(value: str) -> list[str]:
    """An IPv4 or IPv6 address as the API server reads the fields older than its strict parsing."""
    from .ip import parse_ip

    return [] if parse_ip(value) is not None else [IP_ADDRESS_MSG]


def is_sysctl_name(value: str) -> list[str]:
    if len(value) <= SYSCTL_NAME_MAX and _SYSCTL_NAME.fullmatch(value):
        return []
    return [f"must have at most {SYSCTL_NAME_MAX} characters and match regex {_SYSCTL_NAME_FMT}"]


# Resource names (``pkg/apis/core/helper``): what containers, limit ranges and quotas may name, and which
# resources count in whole units.

STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
INTEGER_RESOURCES = frozenset(
    {
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    }
)
STANDARD_QUOTA_RESOURCES = frozenset(
    {
        *STANDARD_CONTAINER_RESOURCES,
        *(f"{part}.{r}" for part in ("requests", "limits") for r in STANDARD_CONTAINER_RESOURCES),
        "requests.storage",
        *INTEGER_RESOURCES,
    }
)
STANDARD_RESOURCES = STANDARD_QUOTA_RESOURCES | {"storage"}
HUGEPAGES_PREFIX = "hugepages-"


def is_native_resource(name: str) -> bool:
    """Unprefixed names and names under kubernetes.io belong to Kubernetes itself."""
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource_name(name: str) -> bool:
    """A resource a device plugin or an operator adds (``nvidia.com/gpu``), quota-able as ``requests.<name>``."""
    if is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def overcommit_allowed(name: str) -> bool:
    """Requests may stay below limits only for native resources other than huge pages."""
    return is_native_resource(name) and not name.startswith(HUGEPAGES_PREFIX)


def is_integer_resource_name(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended_resource_name(name)


def _is_quota_hugepages(name: str) -> bool:
    return name.startswith((HUGEPAGES_PREFIX, "requests." + HUGEPAGES_PREFIX))


def is_standard_quota_resource(name: str) -> bool:
    return name in STANDARD_QUOTA_RESOURCES or _is_quota_hugepages(name)


def resource_name_errors(name: str) -> list[str]:
    """``validateResourceName``: a qualified name, known to Kubernetes unless it has a domain prefix."""
    errs = is_qualified_name(name)
    if not errs and "/" not in name and name not in STANDARD_RESOURCES and not _is_quota_hugepages(name):
        errs.append("must be a standard resource type or fully qualified")
    return errs


def container_resource_name_errors(name: str) -> list[str]:
    """``validateContainerResourceName``: what a container (or a Pod/Container limit range) may name."""
    errs = resource_name_errors(name)
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not name.startswith(HUGEPAGES_PREFIX):
            errs.append("must be a standard resource for containers")
    elif not is_native_resource(name) and not is_extended_resource_name(name):
        errs.append("doesn't follow extended resource name standard")
    return errs


def quota_resource_name_errors(name: str) -> list[str]:
    """``ValidateResourceQuotaResourceName``: what a ResourceQuota may count."""
    errs = resource_name_errors(name)
    if "/" not in name and not is_standard_quota_resource(name):
        errs.append("must be a standard resource for quota")
    return errs


# Addresses (``util/validation/ip.go``) and domain-prefixed paths (``IsDomainPrefixedPath``).

IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
DOMAIN_PREFIXED_PATH_MSG = 'must be a domain-prefixed path (such as "acme.io/foo")'
_HTTP_PATH_FMT = r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+"
_HTTP_PATH = re.compile(f"^{_HTTP_PATH_FMT}$")


def is_http_path(value: str) -> list[str]:
    """The path part of a domain-prefixed path: the characters RFC 3986 allows in an HTTP path."""
    return [] if _HTTP_PATH.match(value) else [regex_error("Invalid path", _HTTP_PATH_FMT)]
