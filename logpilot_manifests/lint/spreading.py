"""Reading how a pod template spreads its replicas: anti-affinity terms and topology spread constraints that
select the workload's own pods, by topology key."""

from __future__ import annotations

from ..models.k8s import core_v1
from ..models.selectors import selector_matches
from .context import Workload

HOSTNAME = "kubernetes.io/hostname"
ZONE_KEYS = frozenset({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"})


def spread_keys(w: Workload) -> set[str]:
    """The topology keys over which the workload's own replicas are kept apart (required or preferred)."""
    anti = w.pod.affinity.podAntiAffinity if w.pod.affinity else None
    terms: list[core_v1.PodAffinityTerm | core_v1.TopologySpreadConstraint] = []
    if anti:
        terms += anti.requiredDuringSchedulingIgnoredDuringExecution or []
        terms += [t.podAffinityTerm for t in anti.preferredDuringSchedulingIgnoredDuringExecution or []]
    terms += w.pod.topologySpreadConstraints or []
    return {
        t.topologyKey
        for t in terms
        if t.topologyKey and t.labelSelector is not None and selector_matches(t.labelSelector, w.labels)
    }
