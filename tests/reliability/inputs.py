"""Hostile file contents for the robustness tests: raw bytes, and YAML that parses but is wrong in every
way a hand-edited manifest can be (wrong types, deep nesting, huge scalars, odd unicode, BOMs, tabs,
anchors, aliases and merge keys, non-string keys, several documents, invalid UTF-8)."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

# Field names the engine looks at, so that wrong values reach its code rather than a first "unknown field".
KUSTOMIZATION_FIELDS = (
    "apiVersion",
    "kind",
    "resources",
    "bases",
    "components",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "labels",
    "commonLabels",
    "commonAnnotations",
    "images",
    "replicas",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "replacements",
    "sortOptions",
    "buildMetadata",
    "openapi",
)
OBJECT_FIELDS = (
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "data",
    "stringData",
    "binaryData",
    "type",
    "items",
    "template",
    "containers",
    "image",
    "env",
    "ports",
    "selector",
    "matchLabels",
    "replicas",
    "volumes",
    "configMap",
    "secretRef",
    "$patch",
    "$setElementOrder/containers",
    "$retainKeys",
    "$deleteFromPrimitiveList/args",
)
PATCH_FIELDS = ("op", "path", "from", "value", "target", "options", "patch", "group", "version")
KINDS = (
    "Deployment",
    "Secret",
    "ConfigMap",
    "Service",
    "List",
    "ConfigMapList",
    "CustomResourceDefinition",
    "Kustomization",
    "Component",
    "Namespace",
    "StatefulSet",
)
FILES = ("deploy.yaml", "file.yaml", "p.yaml", "missing.yaml", "base", ".", "..", "", "a=b", "k=deploy.yaml")

_WEIRD_TEXT = (
    "",
    " ",
    "~",
    "null",
    "NULL",
    "yes",
    "no",
    "on",
    "0x1F",
    "0o17",
    "017",
    "1e400",
    "-.inf",
    ".nan",
    "2001-12-14t21:59:43.10-05:00",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "=",
    "a=b",
    "key=",
    "=value",
    "- x",
    ": x",
    "# c",
    "&a",
    "*a",
    "!!binary",
    "\u202etxt.exe",
    "\u200b",
    "\ufeff",
    "\x85",
    "\u2028",
    "\u2029",
    "\ud7ff",
    "\U0001f600",
    "e\u0301",
    "\uffff",
    "\t",
    "\r\n",
    "a\x00b",
    "\x1b[31m",
    "{{ .Values }}",
    "${VAR}",
    "$(VAR)",
    "../../etc/passwd",
    "/etc/passwd",
    "https://example.com/x.yaml",
    "github.com/org/repo//path?ref=v1",
)

# Text hypothesis may draw: anything YAML can carry (no surrogates, which no file can hold).
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(_WEIRD_TEXT),
    st.sampled_from(KINDS),
    st.sampled_from(FILES),
    st.builds(lambda c, n: c * n, st.sampled_from("xé\U0001f600 \n"), st.sampled_from((10_000, 200_000))),
)
_keys = st.one_of(
    st.sampled_from(KUSTOMIZATION_FIELDS + OBJECT_FIELDS + PATCH_FIELDS),
    _text,
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
)


def values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Nested YAML values of every type, with keys the engine reads."""
    return st.recursive(
        _scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=5),
            st.dictionaries(_keys, inner, max_size=6),
        ),
        max_leaves=max_leaves,
    )


def _shaped(fields: tuple[str, ...]) -> st.SearchStrategy[dict[Any, Any]]:
    return st.dictionaries(st.sampled_from(fields), values(), min_size=1, max_size=6)


def kustomization_values() -> st.SearchStrategy[Any]:
    """Kustomization-shaped documents with wrong (and sometimes right) values."""
    files = st.lists(st.sampled_from(("deploy.yaml", *FILES)), max_size=3)
    right = st.fixed_dictionaries(
        {},
        optional={
            "resources": files,
            "namespace": st.sampled_from(("ns", "", "Bad_NS", "x" * 300)),
            "namePrefix": st.sampled_from(("p-", "", "\U0001f600")),
            "commonLabels": st.dictionaries(_text, _text, max_size=2),
            "patches": st.lists(st.fixed_dictionaries({"path": st.sampled_from(FILES)}), max_size=2),
            "patchesStrategicMerge": files,
            "configMapGenerator": st.lists(
                st.fixed_dictionaries({"name": _text}, optional={"literals": st.lists(_text, max_size=3)}),
                max_size=2,
            ),
            "secretGenerator": st.lists(
                st.fixed_dictionaries(
                    {"name": _text},
                    optional={"envs": files, "files": files, "literals": st.lists(_text, max_size=2)},
                ),
                max_size=2,
            ),
        },
    )
    return st.one_of(_shaped(KUSTOMIZATION_FIELDS), right, values())


def object_values() -> st.SearchStrategy[Any]:
    """Kubernetes-object-shaped documents: a kind, a name, and wrong values around them."""
    obj = st.fixed_dictionaries(
        {
            "apiVersion": st.one_of(st.sampled_from(("v1", "apps/v1", "x/y/z", "")), values(3)),
            "kind": st.one_of(st.sampled_from(KINDS), values(3)),
            "metadata": st.one_of(
                st.fixed_dictionaries(
                    {"name": st.one_of(st.just("web"), _scalars)},
                    optional={"namespace": _scalars, "labels": values(4), "annotations": values(4)},
                ),
                values(4),
            ),
        },
        optional={k: values(12) for k in ("spec", "data", "stringData", "items", "type", "$patch")},
    )
    return st.one_of(obj, _shaped(OBJECT_FIELDS), values())


def patch_values() -> st.SearchStrategy[Any]:
    """Patch-shaped documents: JSON 6902 operation lists and strategic merge patches, both malformed."""
    op = st.fixed_dictionaries(
        {},
        optional={
            "op": st.one_of(
                st.sampled_from(("add", "remove", "replace", "move", "copy", "test", "x")), _scalars
            ),
            "path": st.one_of(
                st.sampled_from(("/spec/replicas", "/metadata/name", "/", "", "/a/-", "/a/~2", "/spec/0")),
                _scalars,
            ),
            "from": st.one_of(st.sampled_from(("/metadata", "/spec/x")), _scalars),
            "value": values(8),
        },
    )
    return st.one_of(st.lists(op, max_size=4), object_values(), values())


def _dump(value: Any, flow: bool, unicode: bool) -> str:
    try:
        # libyaml's emitter when present: the pure-Python one dominates long runs with large examples.
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(
            value, Dumper=dumper, default_flow_style=flow, allow_unicode=unicode, sort_keys=False
        )
    except (yaml.YAMLError, ValueError, TypeError):
        return repr(value)


# Text transformations, each a known source of parser and loader bugs.
def _tabs(t: str) -> str:
    return t.replace("  ", "\t")


def _crlf(t: str) -> str:
    return t.replace("\n", "\r\n")


def _bom(t: str) -> str:
    return "\ufeff" + t


def _anchor_alias(t: str) -> str:
    return "base: &a\n  x: [1, 2]\n" + t + "\nref: *a\nmore: {<<: *a, y: 3}\n"


def _merge_key(t: str) -> str:
    return "<<: {resources: [deploy.yaml], kind: Secret}\n" + t


def _undefined_alias(t: str) -> str:
    return t + "\nx: *nowhere\n"


def _non_string_keys(t: str) -> str:
    return t + "\n? [a, b]\n: 1\n1: one\n~: null\n"


def _multi_doc(t: str) -> str:
    return t + "\n---\n" + t + "\n...\n---\n"


def _deep_flow(t: str) -> str:
    return t + "\ndeep: " + "[" * 400 + "]" * 400 + "\n"


def _deep_block(t: str) -> str:
    return t + "\ndeep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "v\n"


def _dup_keys(t: str) -> str:
    return t + "\nkind: Secret\nkind: ConfigMap\n"


def _tags(t: str) -> str:
    return t + "\nt1: !!binary aGk=\nt2: !!int x\nt3: !custom {a: 1}\nt4: !!set {a, b}\nt5: !!omap [a: 1]\n"


def _directives(t: str) -> str:
    return "%YAML 1.1\n%TAG ! tag:example.com,2000:\n---\n" + t


MUTATIONS = (
    _tabs,
    _crlf,
    _bom,
    _anchor_alias,
    _merge_key,
    _undefined_alias,
    _non_string_keys,
    _multi_doc,
    _deep_flow,
    _deep_block,
    _dup_keys,
    _tags,
    _directives,
)
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-16", "utf-32", "latin-1")


@st.composite
def yaml_bytes(draw: st.DrawFn, shape: st.SearchStrategy[Any]) -> bytes:
    """A document of ``shape`` as YAML text, mutated, encoded, perhaps cut short or with a stray byte."""
    docs = draw(st.lists(shape, min_size=1, max_size=3))
    flow, unicode = draw(st.booleans()), draw(st.booleans())
    text = "---\n".join(_dump(d, flow, unicode) for d in docs)
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), max_size=3, unique=True)):
        text = mutate(text)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    damage = draw(st.sampled_from(("none", "none", "none", "truncate", "byte")))
    if damage == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "byte" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = (
            data[:at]
            + draw(st.sampled_from((b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\x85")))
            + data[at:]
        )
    return data


def hostile(shape: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Raw bytes or structured-but-wrong YAML of ``shape``."""
    return st.one_of(st.binary(max_size=512), yaml_bytes(shape))
