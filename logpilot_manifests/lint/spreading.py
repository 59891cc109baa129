"""Reading how a pod template spreads its replicas: anti-affinity terms and topology spread constraints that
select the workload's own pods, by topology key."""

from __future__ import annotations

from .context import Workload, as_dict, as_list, selector_matches

HOSTNAME = "kubernetes.io/hostname"
ZONE_KEYS = frozenset({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"})


def spread_keys(w: Workload) -> set[str]:
    """The topology keys over which the workload's own replicas are kept apart (required or preferred)."""
    keys: set[str] = set()
    anti = as_dict(as_dict(w.pod_spec.get("affinity")).get("podAntiAffinity"))
    terms = as_list(anti.get("requiredDuringSchedulingIgnoredDuringExecution"))
    terms += [
        as_dict(t).get("podAffinityTerm")
        for t in as_list(anti.get("preferredDuringSchedulingIgnoredDuringExecution"))
    ]
    for term in terms:
        term = as_dict(term)
        if selector_matches(term.get("labelSelector"), w.labels) and term.get("topologyKey"):
            keys.add(str(term["topologyKey"]))
    for c in as_list(w.pod_spec.get("topologySpreadConstraints")):
        c = as_dict(c)
        if selector_matches(c.get("labelSelector"), w.labels) and c.get("topologyKey"):
            keys.add(str(c["topologyKey"]))
    return keys
