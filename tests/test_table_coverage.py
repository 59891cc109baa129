"""Every entry of kustomize's built-in field-spec tables that we carry is exercised by a golden case.

The golden cases compare our output with kubectl's, but only where a case puts a value: a table entry no case
reaches could be lost without any test noticing. An entry counts as touched when, in kubectl's answer for some
case (``expected.yaml``), an object the entry applies to shows the transformer's effect at the entry's path:

- labels and annotations: a pair the case's kustomizations set (``commonLabels``, ``labels``,
  ``commonAnnotations``) is in the map at that path;
- namespace: the path holds the namespace a kustomization sets;
- replicas: ``spec.replicas`` of an object of that kind holds the count set for its name;
- images: a container of that list holds an image an ``images`` entry rewrote to;
- name references: the path holds the new name of a renamed object of the referred kind (a name no input file
  and no generator spells), or, for the entry kustomize itself never applies (its target group names no real
  group), holds the old name of a renamed object of that kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from logpilot_manifests.kustomize import KUSTOMIZATION_FILES, specs
from logpilot_manifests.kustomize.fieldspec import FieldSpec, split_path, visit
from logpilot_manifests.kustomize.filters import images as images_filter
from logpilot_manifests.kustomize.filters.nameref import DEFAULT_RULES
from tests.golden import all_cases


@dataclass
class CaseFacts:
    """What one golden case sets in its kustomizations, what its inputs name, and kubectl's output."""

    name: str
    output: list[dict[str, Any]]
    labels: set[tuple[str, str]] = field(default_factory=set)
    annotations: set[tuple[str, str]] = field(default_factory=set)
    namespaces: set[str] = field(default_factory=set)
    replicas: dict[str, int] = field(default_factory=dict)
    image_parts: set[str] = field(default_factory=set)  # newName, newTag, digest values of `images`
    input_names: set[str] = field(default_factory=set)


def _docs(path: Path) -> list[Any]:
    try:
        return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    except (yaml.YAMLError, UnicodeDecodeError):
        return []


def _pairs(value: Any) -> set[tuple[str, str]]:
    return {(str(k), str(v)) for k, v in value.items()} if isinstance(value, dict) else set()


def _read_kustomization(k: dict[str, Any], facts: CaseFacts) -> None:
    facts.labels |= _pairs(k.get("commonLabels"))
    for entry in k.get("labels") or []:
        facts.labels |= _pairs(entry.get("pairs"))
    facts.annotations |= _pairs(k.get("commonAnnotations"))
    if isinstance(k.get("namespace"), str):
        facts.namespaces.add(k["namespace"])
    for rep in k.get("replicas") or []:
        facts.replicas[str(rep.get("name"))] = rep.get("count")
    for image in [*(k.get("images") or []), *(k.get("imageTags") or [])]:
        facts.image_parts |= {str(image[f]) for f in ("newName", "newTag", "digest") if image.get(f)}
    for gen in [*(k.get("configMapGenerator") or []), *(k.get("secretGenerator") or [])]:
        if gen.get("name"):
            facts.input_names.add(str(gen["name"]))


@cache
def case_facts() -> tuple[CaseFacts, ...]:
    out = []
    for case in all_cases():
        if case.expects_error or not case.expected_file.is_file():
            continue
        facts = CaseFacts(case.name, [d for d in _docs(case.expected_file) if isinstance(d, dict)])
        for path in sorted(case.path.rglob("*")):
            if (
                not path.is_file()
                or path.suffix not in (".yaml", ".yml", "")
                or path.name
                in (
                    "expected.yaml",
                    "case.yaml",
                )
            ):
                continue
            for doc in _docs(path):
                if not isinstance(doc, dict):
                    continue
                if path.name in KUSTOMIZATION_FILES:
                    _read_kustomization(doc, facts)
                elif isinstance(doc.get("metadata"), dict) and doc["metadata"].get("name"):
                    facts.input_names.add(str(doc["metadata"]["name"]))
        out.append(facts)
    return tuple(out)


def _applies(obj: dict[str, Any], kind: str, group: str, version: str) -> bool:
    if kind and obj.get("kind") != kind:
        return False
    obj_group, _, obj_version = str(obj.get("apiVersion", "")).rpartition("/")
    return (not group or group == obj_group) and (not version or version == obj_version)


def _values(obj: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    """Every value ``path`` reaches in ``obj`` (lists on the way walked element by element)."""
    found: list[Any] = []
    visit(obj, path, lambda parent, key: found.append(parent.get(key)))
    return found


def _has_pair_at(spec: FieldSpec, facts: CaseFacts, pairs: set[tuple[str, str]]) -> bool:
    if not pairs:
        return False
    for obj in facts.output:
        if _applies(obj, spec.kind, spec.group, spec.version):
            for value in _values(obj, spec.path):
                if _pairs(value) & pairs:
                    return True
    return False


# --- the tables -------------------------------------------------------------------------------------------


def _label_entries() -> list[FieldSpec]:
    seen: dict[FieldSpec, None] = {}
    for spec in (*specs.COMMON_LABELS, *specs.TEMPLATE_LABELS, *specs.METADATA_LABELS_ONLY):
        seen.setdefault(spec)
    return list(seen)


def _spec_id(spec: FieldSpec) -> str:
    gvk = "/".join(p for p in (spec.group, spec.version, spec.kind) if p) or "any"
    return f"{gvk}:{'/'.join(spec.path)}"


def labels_touched(spec: FieldSpec) -> bool:
    return any(_has_pair_at(spec, f, f.labels) for f in case_facts())


def annotations_touched(spec: FieldSpec) -> bool:
    return any(_has_pair_at(spec, f, f.annotations) for f in case_facts())


def namespace_touched(spec: FieldSpec) -> bool:
    for facts in case_facts():
        for obj in facts.output:
            if _applies(obj, spec.kind, spec.group, spec.version) and any(
                v in facts.namespaces for v in _values(obj, spec.path)
            ):
                return True
    return False


def replicas_touched(kind: str) -> bool:
    for facts in case_facts():
        for obj in facts.output:
            name = (obj.get("metadata") or {}).get("name", "")
            if obj.get("kind") == kind and any(
                name.endswith(n) and (obj.get("spec") or {}).get("replicas") == count
                for n, count in facts.replicas.items()
            ):
                return True
    return False


def _containers(node: Any, list_field: str) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == list_field and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            yield from _containers(value, list_field)
    elif isinstance(node, list):
        for item in node:
            yield from _containers(item, list_field)


def images_touched(list_field: str) -> bool:
    for facts in case_facts():
        for obj in facts.output:
            if obj.get("kind") == "CustomResourceDefinition":
                continue
            for container in _containers(obj, list_field):
                image = str(container.get("image", ""))
                if any(part in image for part in facts.image_parts):
                    return True
    return False


def _referred_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(value["name"])] if "name" in value else []
    if isinstance(value, list):
        return [n for v in value for n in _referred_names(v)]
    return []


def nameref_touched(target: tuple[str, str, str], referrer: tuple[str, str, str, str]) -> bool:
    t_group, t_version, t_kind = target
    path, r_kind, r_group, r_version = referrer
    # kustomize v5.5.0's table names one target's group "networking.k8s.io/v1", which no object's group equals,
    # so it never updates that reference: a case covers the entry by showing the old name kept.
    keeps_old_name = "/" in t_group
    for facts in case_facts():
        renamed = [
            (obj.get("metadata") or {}).get("name", "")
            for obj in facts.output
            if obj.get("kind") == t_kind and (obj.get("metadata") or {}).get("name") not in facts.input_names
        ]
        if not renamed:
            continue
        for obj in facts.output:
            if not _applies(obj, r_kind, r_group, r_version):
                continue
            for value in _values(obj, split_path(path)):
                names = _referred_names(value)
                if keeps_old_name:
                    if any(n in facts.input_names for n in names):
                        return True
                elif any(n in renamed for n in names):
                    return True
    return False


def _nameref_entries() -> list[tuple[tuple[str, str, str], tuple[str, str, str, str]]]:
    seen: dict[tuple[tuple[str, str, str], tuple[str, str, str, str]], None] = {}
    for target, fields in DEFAULT_RULES:
        for referrer in fields:
            seen.setdefault((target, referrer))
    return list(seen)


def _untouched() -> dict[str, list[str]]:
    return {
        "labels": [_spec_id(s) for s in _label_entries() if not labels_touched(s)],
        "annotations": [_spec_id(s) for s in specs.COMMON_ANNOTATIONS if not annotations_touched(s)],
        "namespace": [_spec_id(s) for s in specs.NAMESPACE if not namespace_touched(s)],
        "replicas": [kind for _, _, kind in specs.REPLICA_KINDS if not replicas_touched(kind)],
        "images": [f for f in images_filter._CONTAINER_FIELDS if not images_touched(f)],
        "name references": [
            f"{'/'.join(p for p in target if p)} <- {r[1]}:{r[0]}"
            for target, r in _nameref_entries()
            if not nameref_touched(target, r)
        ],
    }


def test_every_table_entry_is_touched_by_a_golden_case() -> None:
    untouched = {table: entries for table, entries in _untouched().items() if entries}
    assert not untouched, "table entries no golden case exercises:\n" + "\n".join(
        f"  {table}: {entry}" for table, entries in untouched.items() for entry in entries
    )


@pytest.mark.parametrize(
    ("spec", "touched"),
    [
        (FieldSpec(("spec", "egress", "to", "podSelector", "matchLabels"), "NetworkPolicy"), labels_touched),
        (FieldSpec(("metadata", "labels")), labels_touched),
        (FieldSpec(("metadata", "annotations")), annotations_touched),
    ],
)
def test_the_check_sees_a_touched_entry(spec: FieldSpec, touched: Any) -> None:
    """The walk finds what a case does exercise (so an empty untouched list is not an empty check)."""
    assert touched(spec)


def test_the_check_names_an_entry_no_case_can_touch() -> None:
    made_up = FieldSpec(("spec", "noSuchField", "matchLabels"), "NetworkPolicy", "networking.k8s.io")
    assert not labels_touched(made_up)
    assert not nameref_touched(("", "v1", "ConfigMap"), ("spec/noSuchField/name", "Deployment", "", ""))
