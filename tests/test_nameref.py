"""Name references after renames: each case of tests/nameref_cases is a kustomization kubectl built; we make
the same renames (namespace, prefix/suffix, generator hash) with a small stand-in of the pipeline, run
``fix_name_references`` and compare the objects with kubectl's.

Regenerate the golden files from kubectl (never edit them by hand)::

    python -m tests.test_nameref            # every case
    python -m tests.test_nameref CASE ...   # only these
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from logpilot_manifests.errors import BuildError
from logpilot_manifests.kustomize.filters.nameref import RULES, Gvk, fix_name_references, merge_rules
from logpilot_manifests.kustomize.filters.replacements import apply_replacements
from logpilot_manifests.kustomize.resource import GeneratorMeta, Resource

CASES_DIR = Path(__file__).resolve().parent / "nameref_cases"
EXPECTED_FILE = "expected.yaml"
ERROR_FILE = "expected-error.txt"
CASE_PLACEHOLDER = "<case>"
# kubectl's log-line header (severity, date, time, pid, source line) differs on every run; it is dropped.
_KLOG_HEADER = re.compile(r"^[EWI]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] ", re.MULTILINE)

# ---------------------------------------------------------------------------------------------------------
# A small stand-in for the build pipeline: just the parts that rename objects (and replacements), in
# kustomize's order, so the filters under test see the ids and name affixes kustomize's filters saw.
# ---------------------------------------------------------------------------------------------------------

_KNOWN_KEYS = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "configMapGenerator",
    "secretGenerator",
    "replacements",
    "configurations",
}
_NO_AFFIX_KINDS = {"CustomResourceDefinition", "Namespace"}
# Kinds kustomize v5.5.0's built-in schema does not know as cluster-scoped (its namespace filter sets them).
_NAMESPACED_FOR_KUSTOMIZE = {"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"}


def _load_yaml_docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def _generate(spec: dict[str, Any], kind: str) -> Resource:
    """A configMapGenerator / secretGenerator entry with literals only."""
    data: dict[str, str] = {}
    for lit in spec.get("literals") or []:
        key, _, value = lit.partition("=")
        data[key] = base64.b64encode(value.encode()).decode() if kind == "Secret" else value
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": {"name": spec["name"]}}
    if spec.get("namespace"):
        obj["metadata"]["namespace"] = spec["namespace"]
    if kind == "Secret":
        obj["type"] = spec.get("type", "Opaque")
    obj["data"] = data
    hashed = not (spec.get("options") or {}).get("disableNameSuffixHash", False)
    return Resource(obj, origin=f"{kind} generator", generator=GeneratorMeta(hash_suffix=hashed))


def _name_hash(res: Resource) -> str:
    """kustomize's generated-name hash for the string-only data our cases use (its name lookup never
    matches, so the name enters as "")."""
    enc: dict[str, Any] = {"kind": res.kind, "name": "", "data": res.obj.get("data") or ""}
    if res.kind == "Secret":
        enc["type"] = res.obj.get("type", "")
    text = json.dumps(enc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _set_namespace(resources: list[Resource], ns: str) -> None:
    for res in resources:
        res.remember_id()  # kustomize records every object's id here, renamed or not
        if res.kind == "Namespace" and res.api_version == "v1":
            res.metadata["name"] = ns
        elif not res.is_cluster_scoped() or res.kind in _NAMESPACED_FOR_KUSTOMIZE:
            res.metadata["namespace"] = ns
        if res.kind == "APIService" and res.api_version.startswith("apiregistration.k8s.io/"):
            res.obj.setdefault("spec", {}).setdefault("service", {})["namespace"] = ns
        if res.kind in ("RoleBinding", "ClusterRoleBinding"):
            for subject in res.obj.get("subjects") or []:
                if subject.get("name") == "default":
                    subject["namespace"] = ns


def _affix(resources: list[Resource], prefix: str, suffix: str) -> None:
    for res in resources:
        kind = res.orig_id().kind
        if kind in _NO_AFFIX_KINDS or (
            kind == "APIService" and res.api_version.startswith("apiregistration.k8s.io/")
        ):
            continue
        if prefix:
            res.prefixes.append(prefix)
            res.set_name(prefix + res.name)
        if suffix:
            res.suffixes.append(suffix)
            res.set_name(res.name + suffix)


def _replacement_entries(root: Path, entries: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for entry in entries:
        if "path" in entry:
            out += _load_yaml_docs(root / entry["path"])
        else:
            out.append(entry)
    return out


def build_level(root: Path) -> tuple[list[Resource], list[dict[str, Any]]]:
    """One kustomization: its resources after namespace, prefix/suffix and replacements; its extra rules."""
    kust = yaml.safe_load((root / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(kust) - _KNOWN_KEYS
    assert not unknown, f"{root}: the test pipeline does not do {sorted(unknown)}"
    resources: list[Resource] = []
    rules: list[dict[str, Any]] = []
    for entry in kust.get("resources") or []:
        path = root / entry
        if path.is_dir():
            sub, sub_rules = build_level(path)
            resources += sub
            rules += sub_rules
        else:
            resources += [Resource(d, origin=str(entry)) for d in _load_yaml_docs(path)]
    for spec in kust.get("configMapGenerator") or []:
        resources.append(_generate(spec, "ConfigMap"))
    for spec in kust.get("secretGenerator") or []:
        resources.append(_generate(spec, "Secret"))
    for conf in kust.get("configurations") or []:
        for doc in _load_yaml_docs(root / conf):
            rules += doc.get("nameReference") or []
    if kust.get("namespace"):
        _set_namespace(resources, kust["namespace"])
    _affix(resources, kust.get("namePrefix", ""), kust.get("nameSuffix", ""))
    if kust.get("replacements"):
        apply_replacements(resources, _replacement_entries(root, kust["replacements"]))
    return resources, rules


def build(root: Path) -> list[Resource]:
    """The whole tree, then (once, at the top, as kustomize does) generator hashes and name references."""
    resources, rules = build_level(root)
    for res in resources:
        if res.generator is not None and res.generator.hash_suffix:
            res.set_name(f"{res.name}-{_name_hash(res)}")
    fix_name_references(resources, rules or None)
    for res in resources:
        # kustomize rewrites every object's annotations as strings when it drops its build annotations
        annotations = res.metadata.get("annotations")
        if isinstance(annotations, dict) and annotations:
            res.metadata["annotations"] = {k: _yaml_text(v) for k, v in annotations.items()}
    return resources


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    md = obj.get("metadata") or {}
    return (obj.get("apiVersion", ""), obj.get("kind", ""), md.get("namespace", ""), md.get("name", ""))


def sorted_objects(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(objs, key=_key)


# ---------------------------------------------------------------------------------------------------------
# The case table and its regeneration.
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    description: str
    error_contains: tuple[str, ...]


def load_cases(cases_dir: Path) -> list[Case]:
    out = []
    for path in sorted(p for p in cases_dir.iterdir() if (p / "case.yaml").is_file()):
        spec = yaml.safe_load((path / "case.yaml").read_text(encoding="utf-8"))
        out.append(Case(path.name, path, spec["description"], tuple(spec.get("error_contains") or ())))
    return out


def regenerate(cases_dir: Path, names: list[str]) -> int:
    """Write each case's expected.yaml (or expected-error.txt) from ``kubectl kustomize``."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("error: kubectl is not on PATH", file=sys.stderr)
        return 2
    failed = 0
    for case in load_cases(cases_dir):
        if names and case.name not in names:
            continue
        proc = subprocess.run(
            [kubectl, "kustomize", str(case.path)], capture_output=True, timeout=120, check=False
        )
        for stale in (EXPECTED_FILE, ERROR_FILE):
            (case.path / stale).unlink(missing_ok=True)
        if proc.returncode == 0:
            (case.path / EXPECTED_FILE).write_bytes(proc.stdout)
        else:
            message = _KLOG_HEADER.sub("", proc.stderr.decode()).replace(str(case.path), CASE_PLACEHOLDER)
            (case.path / ERROR_FILE).write_text(message, encoding="utf-8")
        if (proc.returncode != 0) != bool(case.error_contains):
            print(f"MISMATCH {case.name}: kubectl exit {proc.returncode}", file=sys.stderr)
            failed += 1
        print(f"{'error' if proc.returncode else 'ok':5} {case.name}")
    return 1 if failed else 0


def check_kubectl_agrees(case: Case, kubectl: str) -> None:
    """The installed kubectl still gives the stored answer (else regenerate with `make golden-refs`)."""
    proc = subprocess.run(
        [kubectl, "kustomize", str(case.path)], capture_output=True, timeout=120, check=False
    )
    if case.error_contains:
        message = _KLOG_HEADER.sub("", proc.stderr.decode()).replace(str(case.path), CASE_PLACEHOLDER)
        assert proc.returncode != 0
        # kubectl's message embeds its build bookkeeping, which differs from run to run (e.g. whether a
        # refBy annotation is shown), so only the parts the case relies on are compared.
        # klog quotes the error, escaping its double quotes
        unquoted = message.replace('\\"', '"')
        missing = [s for s in case.error_contains if s not in unquoted]
        assert not missing, f"kubectl's message no longer has {missing}: {message}"
    else:
        assert proc.returncode == 0, proc.stderr.decode()
        assert proc.stdout == (case.path / EXPECTED_FILE).read_bytes()


CASES = load_cases(CASES_DIR)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_kubectl_still_agrees_with_golden(case: Case, kubectl: str) -> None:
    check_kubectl_agrees(case, kubectl)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_matches_kubectl(case: Case) -> None:
    """Our references after the case's renames are kubectl's, or we fail where kubectl fails."""
    if case.error_contains:
        assert (case.path / ERROR_FILE).is_file()
        with pytest.raises(BuildError) as err:
            build(case.path)
        missing = [s for s in case.error_contains if s not in str(err.value)]
        assert not missing, f"message lacks {missing}: {err.value}"
        return
    expected = sorted_objects(_load_yaml_docs(case.path / EXPECTED_FILE))
    got = sorted_objects([r.obj for r in build(case.path)])
    assert got == expected


def test_table_has_cases() -> None:
    assert len(CASES) >= 12


# ---------------------------------------------------------------------------------------------------------
# Direct tests of rules that are awkward to reach through a kustomization.
# ---------------------------------------------------------------------------------------------------------


def _cm(name: str, ns: str = "") -> Resource:
    md: dict[str, Any] = {"name": name}
    if ns:
        md["namespace"] = ns
    return Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": md, "data": {}})


def _pod(cm_name: str, ns: str = "") -> Resource:
    md: dict[str, Any] = {"name": "p"}
    if ns:
        md["namespace"] = ns
    spec = {"containers": [{"name": "c", "envFrom": [{"configMapRef": {"name": cm_name}}]}]}
    return Resource({"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec})


def _env_from(pod: Resource) -> str:
    return pod.obj["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"]


def test_unrenamed_objects_are_never_candidates() -> None:
    cm, pod = _cm("cfg"), _pod("cfg")
    fix_name_references([cm, pod])
    assert _env_from(pod) == "cfg"


def test_reference_follows_rename_in_same_namespace_only() -> None:
    cm = _cm("cfg", "a")
    cm.set_name("x-cfg")
    pod_same, pod_other = _pod("cfg", "a"), _pod("cfg", "b")
    fix_name_references([cm, pod_same, pod_other])
    assert _env_from(pod_same) == "x-cfg"
    assert _env_from(pod_other) == "cfg"


def test_scalar_in_the_middle_of_a_path_is_an_error_even_without_renames() -> None:
    spec = {"containers": ["oops"]}
    pod = Resource({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    with pytest.raises(BuildError, match="expected sequence or mapping node"):
        fix_name_references([_cm("cfg"), pod])


def test_subject_without_name_is_an_error() -> None:
    sa = Resource({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa"}})
    sa.set_name("x-sa")
    rb = Resource(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "subjects": [{"kind": "ServiceAccount"}],
        }
    )
    with pytest.raises(BuildError, match="no 'name' field"):
        fix_name_references([sa, rb])


def test_extra_rules_extend_the_table() -> None:
    cm = _cm("cfg")
    cm.set_name("x-cfg")
    crd = Resource(
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"cm": "cfg"}}
    )
    fix_name_references(
        [cm, crd], [{"kind": "ConfigMap", "fieldSpecs": [{"path": "spec/cm", "kind": "Widget"}]}]
    )
    assert crd.obj["spec"]["cm"] == "x-cfg"


def test_merged_rules_skip_fields_already_covered() -> None:
    """A configuration field with the same path as a default one of a kind it selects adds nothing."""
    extra = [{"kind": "ConfigMap", "version": "v1", "fieldSpecs": [{"path": "spec/volumes/configMap/name"}]}]
    merged = {r.target: r.fields for r in merge_rules(RULES, extra)}
    defaults = {r.target: r.fields for r in RULES}
    target = Gvk("", "v1", "ConfigMap")
    assert merged[target] == defaults[target]
    narrower = [{"kind": "ConfigMap", "version": "v1", "fieldSpecs": [{"path": "spec/cm", "kind": "Widget"}]}]
    assert (
        len({r.target: r.fields for r in merge_rules(RULES, narrower)}[target]) == len(defaults[target]) + 1
    )


def test_many_objects_resolve_to_their_own_targets() -> None:
    """Thousands of renamed candidates and referrers: each reference lands on its own object."""
    resources: list[Resource] = []
    for i in range(2000):
        cm = _cm(f"cfg-{i}", "ns")
        cm.set_name(f"p-cfg-{i}")
        resources.append(cm)
    pods = []
    for i in range(4000):
        pod = _pod(f"cfg-{i % 2000}", "ns")
        pod.metadata["name"] = f"p-{i}"
        pods.append(pod)
    fix_name_references(resources + pods)
    assert [_env_from(p) for p in pods] == [f"p-cfg-{i % 2000}" for i in range(4000)]


# ---------------------------------------------------------------------------------------------------------
# Random trees checked against kubectl itself: bases in namespaces with prefixes and suffixes, objects sharing
# names, and references in pod specs, bindings, cluster roles and webhooks.
# ---------------------------------------------------------------------------------------------------------

_NAMES = ("xa", "yb", "gen")
_NAMESPACES = ("a", "b", "default")


def _random_objects(rnd: random.Random, serial: int) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []
    for kind in rnd.sample(["ConfigMap", "Secret", "ServiceAccount", "Service"], rnd.randint(1, 3)):
        for name in rnd.sample(_NAMES, rnd.randint(1, 2)):
            md: dict[str, Any] = {"name": name}
            if rnd.random() < 0.2:
                md["namespace"] = rnd.choice(_NAMESPACES)
            objs.append({"apiVersion": "v1", "kind": kind, "metadata": md})
    container = {
        "name": "c",
        "image": "i",
        "envFrom": [
            {"configMapRef": {"name": rnd.choice(_NAMES)}},
            {"secretRef": {"name": rnd.choice(_NAMES)}},
        ],
    }
    dep_md: dict[str, Any] = {"name": f"d{serial}"}
    if rnd.random() < 0.3:
        dep_md["namespace"] = rnd.choice(_NAMESPACES[:2])
    pod = {"serviceAccountName": rnd.choice(_NAMES), "containers": [container]}
    objs.append(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": dep_md,
            "spec": {"template": {"spec": pod}},
        }
    )
    subjects = []
    for _ in range(rnd.randint(1, 3)):
        subject = {"kind": "ServiceAccount", "name": rnd.choice((*_NAMES, "default"))}
        if rnd.random() < 0.5:
            subject["namespace"] = rnd.choice(_NAMESPACES)
        subjects.append(subject)
    binding_kind = rnd.choice(["RoleBinding", "ClusterRoleBinding"])
    binding_md: dict[str, Any] = {"name": f"rb{serial}"}
    if binding_kind == "RoleBinding" and rnd.random() < 0.3:
        binding_md["namespace"] = rnd.choice(_NAMESPACES[:2])
    role_ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}
    objs.append(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": binding_kind,
            "metadata": binding_md,
            "roleRef": role_ref,
            "subjects": subjects,
        }
    )
    if rnd.random() < 0.5:
        rule = {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": [rnd.choice(_NAMES)],
            "verbs": ["get"],
        }
        objs.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": f"cr{serial}"},
                "rules": [rule],
            }
        )
    if rnd.random() < 0.5:
        service: dict[str, Any] = {"name": rnd.choice(_NAMES)}
        if rnd.random() < 0.6:
            service["namespace"] = rnd.choice(_NAMESPACES)
        hook = {"name": "w.example.com", "admissionReviewVersions": ["v1"], "sideEffects": "None"}
        objs.append(
            {
                "apiVersion": "admissionregistration.k8s.io/v1",
                "kind": "MutatingWebhookConfiguration",
                "metadata": {"name": f"wh{serial}"},
                "webhooks": [{**hook, "clientConfig": {"service": service}}],
            }
        )
    return objs


def _random_tree(rnd: random.Random, root: Path, depth: int = 0) -> None:
    root.mkdir(parents=True)
    kust: dict[str, Any] = {"resources": []}
    if rnd.random() < 0.5:
        kust["namespace"] = rnd.choice(_NAMESPACES[:2])
    if rnd.random() < 0.6:
        kust["namePrefix"] = rnd.choice(["p-", "q-"])
    if rnd.random() < 0.3:
        kust["nameSuffix"] = rnd.choice(["-s", "-t"])
    if depth < 2:
        for i in range(rnd.randint(0, 2)):
            _random_tree(rnd, root / f"b{i}", depth + 1)
            kust["resources"].append(f"b{i}")
    (root / "objects.yaml").write_text(yaml.safe_dump_all(_random_objects(rnd, rnd.randint(0, 99999))))
    kust["resources"].append("objects.yaml")
    if rnd.random() < 0.3:
        kust["configMapGenerator"] = [{"name": "gen", "literals": [f"k={rnd.randint(0, 9)}"]}]
    (root / "kustomization.yaml").write_text(yaml.safe_dump(kust))


@pytest.mark.parametrize("seed", range(40))
def test_random_tree_matches_kubectl(seed: int, kubectl: str, tmp_path: Path) -> None:
    """Where kubectl builds a random tree we give its references; where it finds them ambiguous, so do we.
    (Trees kubectl rejects for other reasons, such as id clashes, are outside this filter and skipped.)"""
    root = tmp_path / "tree"
    _random_tree(random.Random(seed), root)
    proc = subprocess.run(
        [kubectl, "kustomize", str(root)], capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        if "found multiple possible referrals" not in proc.stderr:
            pytest.skip("kubectl rejects this tree before name references")
        with pytest.raises(BuildError, match="found multiple possible referrals"):
            build(root)
        return
    expected = sorted_objects([d for d in yaml.safe_load_all(proc.stdout) if d is not None])
    assert sorted_objects([r.obj for r in build(root)]) == expected


if __name__ == "__main__":
    raise SystemExit(regenerate(CASES_DIR, sys.argv[1:]))
