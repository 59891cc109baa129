"""Label selectors on typed models, matched as the API server's ``labels.Selector`` matches them.

One matcher for every reader: the semantic rules (does a Deployment's selector select its template?) and lint
(which workloads does a PDB, a NetworkPolicy or a spread constraint select?).
"""

from __future__ import annotations

from collections.abc import Mapping

from .k8s.meta_v1 import LabelSelector


def selector_is_empty(selector: LabelSelector) -> bool:
    """A selector without requirements: it selects everything (where the API server allows one at all)."""
    return not selector.matchLabels and not selector.matchExpressions


def selector_matches(selector: LabelSelector, labels: Mapping[str, str]) -> bool:
    """Whether ``selector`` selects a set of labels; an empty selector selects every set. A requirement with
    an operator the API server does not know selects nothing out (validation rejects the selector itself)."""
    for key, value in (selector.matchLabels or {}).items():
        if labels.get(key) != value:
            return False
    for requirement in selector.matchExpressions or ():
        current = labels.get(requirement.key)
        op = requirement.operator
        if op == "In" and (current is None or current not in (requirement.values or ())):
            return False
        if op == "NotIn" and current is not None and current in (requirement.values or ()):
            return False
        if op == "Exists" and current is None:
            return False
        if op == "DoesNotExist" and current is not None:
            return False
    return True
