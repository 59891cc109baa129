"""Kinds as people type them: ``Deployment``, ``deployment``, ``deployments``, ``deploy`` (kubectl's short
names and plurals, case-insensitive), resolved against the kinds a build actually holds."""

from __future__ import annotations

from collections.abc import Iterable

# kubectl's short names (`kubectl api-resources`), with those of the custom kinds our overlays use.
SHORT_NAMES = {
    "cm": "ConfigMap",
    "cj": "CronJob",
    "crd": "CustomResourceDefinition",
    "crds": "CustomResourceDefinition",
    "csr": "CertificateSigningRequest",
    "deploy": "Deployment",
    "ds": "DaemonSet",
    "ep": "Endpoints",
    "ev": "Event",
    "gtw": "Gateway",
    "hpa": "HorizontalPodAutoscaler",
    "ing": "Ingress",
    "limits": "LimitRange",
    "netpol": "NetworkPolicy",
    "no": "Node",
    "ns": "Namespace",
    "pdb": "PodDisruptionBudget",
    "po": "Pod",
    "pc": "PriorityClass",
    "promrule": "PrometheusRule",
    "psp": "PodSecurityPolicy",
    "pv": "PersistentVolume",
    "pvc": "PersistentVolumeClaim",
    "quota": "ResourceQuota",
    "rc": "ReplicationController",
    "ro": "Rollout",
    "rs": "ReplicaSet",
    "sa": "ServiceAccount",
    "sc": "StorageClass",
    "smon": "ServiceMonitor",
    "sts": "StatefulSet",
    "svc": "Service",
}


def _plurals(kind: str) -> set[str]:
    low = kind.lower()
    out = {low, low + "s", low + "es"}
    if low.endswith("y"):
        out.add(low[:-1] + "ies")
    return out


def resolve_kind(text: str, kinds: Iterable[str]) -> str | None:
    """The kind among ``kinds`` that ``text`` names (kind, plural or short name, any case), else None."""
    low = text.lower()
    known = set(kinds)
    short = SHORT_NAMES.get(low)
    if short in known:
        return short
    for kind in sorted(known):
        if low in _plurals(kind):
            return kind
    return None


def canonical_kind(text: str) -> str:
    """``deploy`` -> ``Deployment`` where kubectl knows the short name; otherwise ``text`` unchanged."""
    return SHORT_NAMES.get(text.lower(), text)
