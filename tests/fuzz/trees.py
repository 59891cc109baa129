"""Hypothesis strategies that write random kustomization trees: a base with resources of several kinds,
generators, patches and transformers, and an overlay on top with its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

NAMES = st.sampled_from(["web", "api", "db", "cache", "worker"])
LABEL_KEYS = st.sampled_from(["app", "tier", "team", "env", "app.kubernetes.io/name"])
LABEL_VALUES = st.sampled_from(["a", "b", "prod", "x1", "blue"])
IMAGES = st.sampled_from(
    ["nginx", "nginx:1.25", "redis:7", "example.com/team/api:2.0", "busybox@sha256:" + "a" * 64]
)
DNS = st.from_regex(r"[a-z]{1,6}", fullmatch=True)

# JSON 6902 paths meant to reach every branch of kustomize's patch library: present and missing members,
# negative, zero-padded and signed array indexes, escapes, the document root and malformed pointers.
JSON_PATHS = st.sampled_from(
    [
        "/metadata/annotations/patched",
        "/metadata/annotations/a~1b",
        "/metadata/labels",
        "/metadata/labels/app",
        "/spec/replicas",
        "/spec/ports/0/port",
        "/spec/ports/-1",
        "/spec/ports/-2/name",
        "/spec/ports/01/port",
        "/spec/ports/+0",
        "/spec/ports/3",
        "/spec/template/spec/containers/0/image",
        "/spec/template/spec/containers/-1",
        "/data/k",
        "/data",
        "/missing/x",
        "/",
        "",
        "nope",
    ]
)
JSON_VALUES = st.one_of(
    st.none(), DNS, st.integers(0, 9000), st.booleans(), st.just({"a": "b"}), st.just([{"name": "p"}])
)


@st.composite
def json6902_ops(draw: st.DrawFn) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 3))):
        op: dict[str, Any] = {
            "op": draw(
                st.sampled_from(["add", "add", "replace", "replace", "remove", "move", "copy", "test"])
            ),
            "path": draw(JSON_PATHS),
        }
        if op["op"] in ("move", "copy"):
            op["from"] = draw(JSON_PATHS)
        elif op["op"] != "remove" and draw(st.integers(0, 5)):
            op["value"] = draw(JSON_VALUES)
        ops.append(op)
    return ops


def _labels(draw: st.DrawFn) -> dict[str, str]:
    return draw(st.dictionaries(LABEL_KEYS, LABEL_VALUES, max_size=2))


def _pod_spec(draw: st.DrawFn, name: str, cm_refs: list[str], secret_refs: list[str]) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": draw(IMAGES)}
    if cm_refs and draw(st.booleans()):
        container["envFrom"] = [{"configMapRef": {"name": draw(st.sampled_from(cm_refs))}}]
    if secret_refs and draw(st.booleans()):
        container["env"] = [
            {
                "name": "PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": draw(st.sampled_from(secret_refs)), "key": "k"}},
            }
        ]
    spec: dict[str, Any] = {"containers": [container]}
    if draw(st.booleans()):
        spec["initContainers"] = [{"name": "init", "image": draw(IMAGES)}]
    if cm_refs and draw(st.booleans()):
        spec["volumes"] = [{"name": "cfg", "configMap": {"name": draw(st.sampled_from(cm_refs))}}]
    if draw(st.booleans()):
        spec["serviceAccountName"] = "runner"
    return spec


@st.composite
def resources(draw: st.DrawFn, cm_refs: list[str], secret_refs: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(
            st.sampled_from(
                [
                    "Deployment",
                    "Service",
                    "ConfigMap",
                    "StatefulSet",
                    "CronJob",
                    "ServiceAccount",
                    "Ingress",
                    "Widget",
                    "HorizontalPodAutoscaler",
                ]
            )
        )
        name = "runner" if kind == "ServiceAccount" else draw(NAMES)
        if (kind, name) in used:
            continue
        used.add((kind, name))
        md: dict[str, Any] = {"name": name}
        labels = _labels(draw)
        if labels:
            md["labels"] = labels
        if draw(st.integers(0, 5)) == 0:
            md["namespace"] = draw(st.sampled_from(["default", "other"]))
        sel = {"app": name}
        if kind in ("Deployment", "StatefulSet"):
            obj = {
                "apiVersion": "apps/v1",
                "kind": kind,
                "metadata": md,
                "spec": {
                    "replicas": draw(st.integers(1, 3)),
                    "selector": {"matchLabels": sel},
                    "template": {
                        "metadata": {"labels": dict(sel)},
                        "spec": _pod_spec(draw, name, cm_refs, secret_refs),
                    },
                },
            }
        elif kind == "CronJob":
            obj = {
                "apiVersion": "batch/v1",
                "kind": kind,
                "metadata": md,
                "spec": {
                    "schedule": "0 * * * *",
                    "jobTemplate": {
                        "spec": {"template": {"spec": _pod_spec(draw, name, cm_refs, secret_refs)}}
                    },
                },
            }
        elif kind == "Service":
            obj = {
                "apiVersion": "v1",
                "kind": kind,
                "metadata": md,
                "spec": {"selector": sel, "ports": [{"port": 80, "name": "http"}]},
            }
        elif kind == "ConfigMap":
            obj = {
                "apiVersion": "v1",
                "kind": kind,
                "metadata": md,
                "data": {"k": draw(st.sampled_from(["v", "yes", "1", "a b"]))},
            }
        elif kind == "ServiceAccount":
            obj = {"apiVersion": "v1", "kind": kind, "metadata": md}
        elif kind == "Ingress":
            obj = {
                "apiVersion": "networking.k8s.io/v1",
                "kind": kind,
                "metadata": md,
                "spec": {
                    "rules": [
                        {
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {"service": {"name": draw(NAMES), "port": {"number": 80}}},
                                    }
                                ]
                            }
                        }
                    ]
                },
            }
        elif kind == "HorizontalPodAutoscaler":
            obj = {
                "apiVersion": "autoscaling/v2",
                "kind": kind,
                "metadata": md,
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": draw(NAMES)},
                    "minReplicas": 1,
                    "maxReplicas": 3,
                },
            }
        else:
            obj = {
                "apiVersion": "example.com/v1",
                "kind": kind,
                "metadata": md,
                "spec": {
                    "size": draw(st.integers(0, 9)),
                    "template": {"spec": {"containers": [{"name": "c", "image": draw(IMAGES)}]}},
                },
            }
        out.append(obj)
    return out


@st.composite
def generators(draw: st.DrawFn, kind: str, names: list[str], behaviors: bool) -> list[dict[str, Any]]:
    out = []
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=2)):
        g: dict[str, Any] = {"name": name, "literals": [f"k={draw(st.sampled_from(['v', 'w', 'yes', '1']))}"]}
        if draw(st.booleans()):
            g["literals"].append(f"other={draw(DNS)}")
        if behaviors:
            g["behavior"] = draw(st.sampled_from(["create", "merge", "replace"]))
        if draw(st.integers(0, 4)) == 0:
            g["options"] = {"disableNameSuffixHash": True}
        if draw(st.integers(0, 4)) == 0:
            g.setdefault("options", {})["labels"] = {"generated": "yes"}
        if kind == "secret" and draw(st.booleans()):
            g["type"] = "Opaque"
        out.append(g)
    return out


@st.composite
def patches(draw: st.DrawFn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 4))
        name = draw(NAMES)
        if choice == 0:
            out.append(
                {
                    "patch": yaml.safe_dump(
                        {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "metadata": {"name": name},
                            "spec": {"replicas": draw(st.integers(0, 5))},
                        }
                    )
                }
            )
        elif choice == 1:
            out.append(
                {
                    "target": {"kind": "Deployment"},
                    "patch": yaml.safe_dump(
                        {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "metadata": {"name": "any"},
                            "spec": {
                                "template": {
                                    "spec": {
                                        "containers": [
                                            {"name": "main", "env": [{"name": "ADDED", "value": draw(DNS)}]}
                                        ]
                                    }
                                }
                            },
                        }
                    ),
                }
            )
        elif choice == 2:
            tgt: dict[str, Any] = {
                "kind": draw(st.sampled_from(["Deployment", "Service", "ConfigMap", ".*"]))
            }
            if draw(st.booleans()):
                tgt["name"] = draw(st.sampled_from(["web", "a.*", "db|api"]))
            if draw(st.booleans()):
                tgt["labelSelector"] = f"{draw(LABEL_KEYS)}={draw(LABEL_VALUES)}"
            ops = (
                draw(json6902_ops())
                if draw(st.booleans())
                else [{"op": "add", "path": "/metadata/annotations/patched", "value": draw(DNS)}]
            )
            out.append({"target": tgt, "patch": yaml.safe_dump(ops)})
        elif choice == 3:
            out.append(
                {
                    "patch": yaml.safe_dump(
                        {
                            "apiVersion": "v1",
                            "kind": "Service",
                            "metadata": {"name": name},
                            "$patch": "delete",
                        }
                    )
                }
            )
        else:
            out.append(
                {
                    "target": {"kind": "Service", "name": name},
                    "patch": yaml.safe_dump(
                        [{"op": "replace", "path": "/spec/ports/0/port", "value": draw(st.integers(1, 9000))}]
                    ),
                }
            )
    return out


@st.composite
def kustomization_fields(draw: st.DrawFn, overlay: bool) -> dict[str, Any]:
    k: dict[str, Any] = {}
    if draw(st.booleans()):
        k["namespace"] = draw(st.sampled_from(["prod", "staging", "other"]))
    if draw(st.booleans()):
        k["namePrefix"] = draw(DNS) + "-"
    if draw(st.integers(0, 2)) == 0:
        k["nameSuffix"] = "-" + draw(DNS)
    if draw(st.integers(0, 2)) == 0:
        k["commonLabels"] = _labels(draw) or {"team": "t"}
    if draw(st.integers(0, 2)) == 0:
        k["labels"] = [
            {
                "pairs": {draw(LABEL_KEYS): draw(LABEL_VALUES)},
                "includeSelectors": draw(st.booleans()),
                "includeTemplates": draw(st.booleans()),
            }
        ]
    if draw(st.integers(0, 2)) == 0:
        k["commonAnnotations"] = {"note": draw(st.sampled_from(["x", "true", "1.0", "multi\nline"]))}
    if draw(st.booleans()):
        k["images"] = [
            {
                "name": draw(st.sampled_from(["nginx", "redis", "example.com/team/api", "busybox"])),
                **draw(
                    st.sampled_from(
                        [
                            {"newTag": "9"},
                            {"newName": "mirror/x"},
                            {"digest": "sha256:" + "b" * 64},
                            {"newName": "m/y", "newTag": "1"},
                        ]
                    )
                ),
            }
        ]
    if draw(st.integers(0, 2)) == 0:
        k["replicas"] = [{"name": draw(NAMES), "count": draw(st.integers(0, 5))}]
    gens = draw(generators("configmap", ["settings", "env"], overlay))
    if gens:
        k["configMapGenerator"] = gens
    sgens = draw(generators("secret", ["creds"], overlay))
    if sgens:
        k["secretGenerator"] = sgens
    p = draw(patches())
    if p:
        k["patches"] = p
    return k


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """A description of a tree: {'base': (kustomization, resources), 'overlay': kustomization or None}."""
    cm_refs = ["settings", "env"]
    secret_refs = ["creds"]
    base_res = draw(resources(cm_refs, secret_refs))
    base_k = draw(kustomization_fields(False))
    overlay = draw(st.one_of(st.none(), kustomization_fields(True)))
    return {"base": (base_k, base_res), "overlay": overlay}


def write_tree(tree: dict[str, Any], root: Path) -> Path:
    """Write the tree under ``root``; return the directory to build."""
    base_k, base_res = tree["base"]
    base = root / "base"
    base.mkdir(parents=True)
    (base / "res.yaml").write_text(yaml.safe_dump_all(base_res, sort_keys=False))
    (base / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["res.yaml"], **base_k}, sort_keys=False)
    )
    if tree["overlay"] is None:
        return base
    overlay = root / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["../base"], **tree["overlay"]}, sort_keys=False)
    )
    return overlay
