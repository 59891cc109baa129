"""kustomize's built-in transformers as typed, immutable configurations, each able to run itself.

Both ways of asking for a transformer end here, as in kustomize: the fields of a kustomization
(``namespace``, ``labels``, ``images``, ``patches`` ...) are turned into these configurations by
``from_kustomization``, in kustomize's fixed order and with the field specs of the merged transformer
configuration; a ``transformers:`` document (``apiVersion: builtin``) is turned into the same objects by
``from_document``. Files a configuration names (patch files, replacement files) are read when it is made,
so running one only rewrites the resources in the accumulator.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..errors import BuildError, KustomizationError, YamlError
from ..yaml import reader
from . import links
from .documents import load_documents
from .fieldspec import FieldSpec
from .resource import ResId, Resource
from .tconfig import TransformerConfig, merge_field_specs, parse_field_specs

if TYPE_CHECKING:
    from .accumulator import Accumulator
    from .kfile import View
    from .loader import Loader

BUILTIN_API_VERSION = "builtin"


class Transformer(Protocol):
    """A configured transformer: ``label`` names it in a build trace."""

    @property
    def label(self) -> str: ...

    def transform(self, ra: Accumulator) -> None: ...


# --- the small value types the configurations share (kustomize's `types` package) ----------------------


class Selector(NamedTuple):
    """A patch or replacement target: gvk, name/namespace regexes, label and annotation selectors."""

    group: str = ""
    version: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    label_selector: str = ""
    annotation_selector: str = ""


class Image(NamedTuple):
    name: str = ""
    new_name: str = ""
    new_tag: str = ""
    digest: str = ""
    tag_suffix: str = ""


class Replica(NamedTuple):
    name: str = ""
    # Named as the kustomization's replicas entry; it shadows tuple.count, which nothing here calls.
    count: int = 0  # type: ignore[assignment]


class PatchOptions(NamedTuple):
    allow_name_change: bool = False
    allow_kind_change: bool = False


# --- the transformers --------------------------------------------------------------------------------


class PatchStrategicMerge(NamedTuple):
    """Strategic-merge patches, each applied to the one object with its kind and name."""

    patches: tuple[tuple[dict[str, Any], str], ...]  # (patch, file it came from)
    label: str = "patchesStrategicMerge"
    shown: str = ""

    def transform(self, ra: Accumulator) -> None:
        for patch, shown in self.patches:
            target = _one_target(ra, _patch_id(patch, shown), shown)
            _smp_into(ra, target, copy.deepcopy(patch), PatchOptions(), shown)


class Patch(NamedTuple):
    """A ``patches`` entry: strategic-merge patches, or a JSON 6902 patch (which needs a target)."""

    shown: str
    smp: tuple[dict[str, Any], ...] = ()
    json_ops: Any = None
    target: Selector | None = None
    options: PatchOptions = PatchOptions()
    label: str = "patch"

    def transform(self, ra: Accumulator) -> None:
        from .filters.patch_json6902 import apply_json6902
        from .selector import select

        if self.json_ops is not None:
            if self.target is None:
                raise BuildError("a JSON 6902 patch needs a target", file=self.shown)
            for res in select(ra.items, self.target):
                res.remember_id()
                links.unlink(res)
                res.obj = apply_json6902(res.obj, self.json_ops, self.shown, f"{res.kind} '{res.name}'")
            return
        if self.target is None:
            for patch in self.smp:
                target = _one_target(ra, _patch_id(patch, self.shown), self.shown)
                _smp_into(ra, target, copy.deepcopy(patch), self.options, self.shown)
            return
        if len(self.smp) > 1:
            raise BuildError(
                "several strategic merge patches in one entry cannot share a 'target'", file=self.shown
            )
        for res in select(ra.items, self.target):
            patch = copy.deepcopy(self.smp[0])
            patch["apiVersion"] = res.api_version
            _smp_into(ra, res, patch, self.options, self.shown)


class PatchJson6902(NamedTuple):
    """A ``patchesJson6902`` entry: JSON 6902 operations on the objects its named target selects."""

    target: Selector
    ops: Any
    shown: str
    label: str = "patchesJson6902"

    def transform(self, ra: Accumulator) -> None:
        from .filters.patch_json6902 import apply_json6902
        from .selector import select

        for res in select(ra.items, self.target):
            links.unlink(res)
            res.obj = apply_json6902(res.obj, self.ops, self.shown, f"{res.kind} '{res.name}'")


class Namespace(NamedTuple):
    namespace: str
    field_specs: tuple[FieldSpec, ...]
    unset_only: bool = False
    role_binding_subjects: str = "defaultOnly"
    label: str = "namespace"

    def transform(self, ra: Accumulator) -> None:
        from .filters.namespace import set_namespace

        set_namespace(ra.items, self.namespace, self.field_specs, self.unset_only, self.role_binding_subjects)


class Prefix(NamedTuple):
    prefix: str
    field_specs: tuple[FieldSpec, ...]
    label: str = "namePrefix"

    def transform(self, ra: Accumulator) -> None:
        from .filters.prefix_suffix import add_prefix

        add_prefix(ra.items, self.prefix, self.field_specs)


class Suffix(NamedTuple):
    suffix: str
    field_specs: tuple[FieldSpec, ...]
    label: str = "nameSuffix"

    def transform(self, ra: Accumulator) -> None:
        from .filters.prefix_suffix import add_suffix

        add_suffix(ra.items, self.suffix, self.field_specs)


class Labels(NamedTuple):
    """Set label (or, with ``annotations``, annotation) pairs at every applicable field spec."""

    pairs: Mapping[str, str]
    field_specs: tuple[FieldSpec, ...]
    label: str = "labels"

    def transform(self, ra: Accumulator) -> None:
        from .filters.labels import set_pairs

        if self.pairs:
            set_pairs(ra.items, dict(self.pairs), self.field_specs)


class ReplicaCount(NamedTuple):
    replica: Replica
    field_specs: tuple[FieldSpec, ...]
    source: str = ""
    label: str = "replicas"

    def transform(self, ra: Accumulator) -> None:
        from .filters.replicas import set_replicas

        set_replicas(ra.items, self.replica, self.field_specs, self.source)


class ImageTag(NamedTuple):
    image: Image
    field_specs: tuple[FieldSpec, ...]
    label: str = "images"

    def transform(self, ra: Accumulator) -> None:
        from .filters.images import set_image

        set_image(ra.items, self.image, self.field_specs)


class Replacements(NamedTuple):
    replacements: tuple[dict[str, Any], ...]
    label: str = "replacements"

    def transform(self, ra: Accumulator) -> None:
        from .filters.replacements import apply_replacements

        apply_replacements(ra.items, list(self.replacements))


class ValueAddTarget(NamedTuple):
    selector: Selector | None
    field_path: tuple[str, ...]
    file_path_position: int = 0


class ValueAdd(NamedTuple):
    """``ValueAddTransformer``: set (or insert as a file-path part) one value at a field of the targets."""

    value: str
    targets: tuple[ValueAddTarget, ...]
    label: str = "ValueAddTransformer"

    def transform(self, ra: Accumulator) -> None:
        from .selector import select

        for target in self.targets:
            chosen = ra.items if target.selector is None else select(ra.items, target.selector)
            for res in chosen:
                if target.field_path == ("metadata", "namespace"):
                    _namespace_only(res, self.value)
                else:
                    _add_value(res, target, self.value)


def _namespace_only(res: Resource, namespace: str) -> None:
    """kustomize's namespace filter without field specs: metadata.namespace and default binding subjects."""
    if not res.is_cluster_scoped():
        res.metadata["namespace"] = namespace
    if res.kind in ("RoleBinding", "ClusterRoleBinding"):
        for subject in res.obj.get("subjects") or []:
            if isinstance(subject, dict) and subject.get("name") == "default":
                subject["namespace"] = namespace


def _add_value(res: Resource, target: ValueAddTarget, value: str) -> None:
    node: Any = res.obj
    *parents, last = target.field_path
    for key in parents:
        child = node.get(key)
        if child is None:
            child = node[key] = {}
        if not isinstance(child, dict):
            raise BuildError(f"ValueAddTransformer: '{key}' of {res.kind} '{res.name}' is not a map")
        node = child
    old = node.get(last)
    if isinstance(old, dict | list):
        raise BuildError(f"ValueAddTransformer: '{last}' of {res.kind} '{res.name}' is not a scalar")
    if target.file_path_position > 0:
        text = "" if old is None else old if isinstance(old, str) else str(old)
        parts = text.split("/") if text else []
        pos = min(target.file_path_position - 1, len(parts))
        if parts and parts[0] == "" and pos < len(parts):
            pos += 1
        value = "/".join([*parts[:pos], value, *parts[pos:]])
    node[last] = value


class HashNames(NamedTuple):
    """``HashTransformer``: give generated objects their name hash now; as in kustomize they get it again
    at the end of the build."""

    label: str = "HashTransformer"

    def transform(self, ra: Accumulator) -> None:
        add_name_hashes(ra.items)


def add_name_hashes(items: list[Resource]) -> None:
    from .generators import name_hash

    for res in items:
        if res.generator is not None and res.generator.hash_suffix:
            res.set_name(f"{res.name}-{name_hash(res.obj)}")


# --- helpers of the patch transformers ---------------------------------------------------------------


def _patch_id(patch: dict[str, Any], shown: str) -> ResId:
    md = patch.get("metadata")
    if not isinstance(md, dict):
        md = {}
    group, _, version = str(patch.get("apiVersion") or "").rpartition("/")
    if not patch.get("kind") or not md.get("name"):
        raise BuildError("a strategic merge patch without a target needs kind and metadata.name", file=shown)
    return ResId(group, version, str(patch["kind"]), str(md["name"]), str(md.get("namespace") or ""))


def _one_target(ra: Accumulator, pid: ResId, shown: str) -> Resource:
    targets = ra.matching_any_id(pid)
    if len(targets) != 1:
        what = f"{pid.kind} '{pid.name}'" + (f" in namespace '{pid.namespace}'" if pid.namespace else "")
        if not targets:
            raise BuildError(f"no resource matches strategic merge patch for {what}", file=shown)
        raise BuildError(f"several resources match strategic merge patch for {what}", file=shown)
    return targets[0]


def _smp_into(
    ra: Accumulator, res: Resource, patch: dict[str, Any], options: PatchOptions, shown: str
) -> None:
    from .filters.patch_smp import strategic_merge

    if options.allow_name_change or options.allow_kind_change:
        res.remember_id()
    shared = links.snapshot(res)
    try:
        merged = strategic_merge(
            res.obj,
            patch,
            allow_name_change=options.allow_name_change,
            allow_kind_change=options.allow_kind_change,
        )
    except BuildError as exc:
        exc.file = exc.file or shown
        raise
    if merged is None:
        ra.items.remove(res)
        return
    res.obj = merged
    links.propagate(res, shared)


def _smp_documents(text: str, source: str) -> list[dict[str, Any]] | None:
    """The objects of ``text`` when it is inline YAML holding objects, else None (it names a file)."""
    if "\n" in text or text.lstrip().startswith(("{", "apiVersion", "kind")):
        try:
            docs = load_documents(text, source)
        except YamlError:
            docs = []
        if docs and all(isinstance(d, dict) for d in docs):
            return docs
    return None


def load_smp_entry(ldr: Loader, entry: str, source: str) -> tuple[list[dict[str, Any]], str]:
    """A patchesStrategicMerge entry is inline YAML when it parses to objects, else a file path."""
    docs = _smp_documents(entry, source)
    if docs is not None:
        return docs, source
    docs, shown = ldr.load_yaml(entry)
    if not docs or not all(isinstance(d, dict) for d in docs):
        raise BuildError("a strategic merge patch file must hold one or more objects", file=shown)
    return docs, shown


def _patch_text(ldr: Loader, patch: str, path: str, source: str) -> tuple[str, str]:
    text = patch.strip()
    if text and path:
        raise BuildError("a patch may have 'patch' or 'path', not both", file=source)
    if not text and not path:
        raise BuildError("a patch needs 'patch' or 'path'", file=source)
    if text:
        return text, source
    return ldr.read_text(path)


def make_patch(
    ldr: Loader, patch: str, path: str, target: Selector | None, options: PatchOptions, source: str
) -> Patch:
    from .filters.patch_json6902 import parse_json6902

    text, shown = _patch_text(ldr, patch, path, source)
    # kustomize's patch transformer keeps a patch's null annotations (deletions), where patchesStrategicMerge
    # reads its patches as resources and so turns them into the text "null"
    docs = load_documents(text, shown, patch=True)
    if not docs:
        raise BuildError("patch is empty", file=shown)
    if len(docs) == 1 and isinstance(docs[0], list):
        if target is None:  # checked first, as kustomize does
            raise BuildError("a JSON 6902 patch needs a target", file=shown)
        # kustomize reads a JSON patch with go-yaml v2 (YAML 1.1: `value: on` is true)
        ops = parse_json6902(reader.load_documents(text, shown, v2=True)[0], shown)
        return Patch(shown, json_ops=ops, target=target, options=options)
    if not all(isinstance(d, dict) for d in docs):
        raise BuildError("unable to parse a strategic merge or JSON 6902 patch", file=shown)
    return Patch(shown, smp=tuple(docs), target=target, options=options)


def make_json6902(ldr: Loader, target: Selector | None, op: str, path: str, source: str) -> PatchJson6902:
    from .filters.patch_json6902 import parse_json6902

    if target is None or not target.name:
        raise BuildError("patchesJson6902: the target must have a name", file=source)
    text, shown = _patch_text(ldr, op, path, source)
    docs = reader.load_documents(text, shown, v2=True)
    return PatchJson6902(target, parse_json6902(docs[0] if len(docs) == 1 else docs, shown), shown)


def load_replacements(ldr: Loader, entries: list[Any], source: str) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise BuildError("a replacement must be a mapping", file=source)
        if "path" in entry:
            if set(entry) != {"path"}:
                raise KustomizationError("a replacement with 'path' may have no other fields", file=source)
            text, shown = ldr.read_text(str(entry["path"]))
            docs = reader.load_documents(text, shown, v2=True)  # kustomize decodes it with go-yaml v2
            for doc in docs:
                items = doc if isinstance(doc, list) else [doc]
                for item in items:
                    if not isinstance(item, dict):
                        raise BuildError("a replacement must be a mapping", file=shown)
                    out.append(item)
        else:
            out.append(entry)
    return tuple(out)


# --- from the fields of a kustomization --------------------------------------------------------------


def selector_of(view: View | None) -> Selector | None:
    if view is None:
        return None
    return Selector(
        view.group,
        view.version,
        view.kind,
        view.name,
        view.namespace,
        view.labelSelector,
        view.annotationSelector,
    )


def _options_of(options: Mapping[str, bool]) -> PatchOptions:
    return PatchOptions(bool(options.get("allowNameChange")), bool(options.get("allowKindChange")))


def label_field_specs(
    tc: TransformerConfig,
    own: tuple[FieldSpec, ...],
    include_selectors: bool,
    include_templates: bool,
    source: str,
) -> tuple[FieldSpec, ...]:
    """The field specs of one ``labels`` entry, merged as kustomize merges them."""
    from .fieldspec import fs

    try:
        specs = merge_field_specs(own, tc.labels, "labels")
        if include_selectors:
            return merge_field_specs(specs, tc.common_labels, "labels")
        if include_templates:
            specs = merge_field_specs(specs, tc.template_labels, "labels")
        return merge_field_specs(specs, (fs("metadata/labels", create=True),), "labels")
    except BuildError as exc:
        exc.file = exc.file or source
        raise


def from_kustomization(k: View, tc: TransformerConfig, ldr: Loader, source: str) -> list[Transformer]:
    """The kustomization's own transformers, in kustomize's order, configured with ``tc``."""
    out: list[Transformer] = []
    # kustomize runs these as one transformer; one per entry does the same and names each in a trace
    for i, entry in enumerate(k.patchesStrategicMerge):
        docs, shown = load_smp_entry(ldr, entry, source)
        out.append(PatchStrategicMerge(tuple((d, shown) for d in docs), f"patchesStrategicMerge[{i}]", shown))
    for i, p in enumerate(k.patches):
        made = make_patch(ldr, p.patch, p.path, selector_of(p.target), _options_of(p.options), source)
        out.append(_relabel(made, f"patches[{i}]"))
    if k.namespace:
        out.append(Namespace(k.namespace, tc.namespace, label=f"namespace: {k.namespace}"))
    if k.namePrefix:
        out.append(Prefix(k.namePrefix, tc.name_prefix, label=f"namePrefix: {k.namePrefix}"))
    if k.nameSuffix:
        out.append(Suffix(k.nameSuffix, tc.name_suffix, label=f"nameSuffix: {k.nameSuffix}"))
    for label in k.labels:
        own = tuple(FieldSpec(_split(f.path), f.kind, f.group, f.version, f.create) for f in label.fields)
        specs = label_field_specs(tc, own, label.includeSelectors, label.includeTemplates, source)
        out.append(Labels(dict(label.pairs), specs))
    if k.commonLabels:
        out.append(Labels(dict(k.commonLabels), tc.common_labels, label="commonLabels"))
    if k.commonAnnotations:
        out.append(Labels(dict(k.commonAnnotations), tc.common_annotations, label="commonAnnotations"))
    for i, p in enumerate(k.patchesJson6902):
        made6902 = make_json6902(ldr, selector_of(p.target), p.patch, p.path, source)
        out.append(_relabel(made6902, f"patchesJson6902[{i}]"))
    for rep in k.replicas:
        out.append(ReplicaCount(Replica(rep.name, rep.count), tc.replicas, source))
    for img in k.images:
        image = Image(img.name, img.newName, img.newTag, img.digest, img.tagSuffix)
        out.append(ImageTag(image, tc.images))
    if k.replacements:
        out.append(Replacements(load_replacements(ldr, k.replacements, source)))
    return out


def _split(path: str) -> tuple[str, ...]:
    from .fieldspec import split_path

    return split_path(path)


def _relabel(t: Any, label: str) -> Any:
    return t._replace(label=label)


# --- from transformers: documents --------------------------------------------------------------------


class _Doc:
    """A plugin configuration document, read leniently as kustomize reads it (unknown fields ignored)."""

    __slots__ = ("data", "shown", "kind")

    def __init__(self, data: Mapping[str, Any], shown: str, kind: str) -> None:
        self.data, self.shown, self.kind = data, shown, kind

    def where(self) -> str:
        name = (
            (self.data.get("metadata") or {}).get("name")
            if isinstance(self.data.get("metadata"), dict)
            else ""
        )
        return f"{self.kind} '{name}'" if name else self.kind

    def fail(self, message: str) -> BuildError:
        return BuildError(f"{self.where()}: {message}", file=self.shown)

    def string(self, key: str, data: Mapping[str, Any] | None = None) -> str:
        value = (self.data if data is None else data).get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be a string, not {value!r}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(f"'{key}' must be true or false, not {value!r}")
        return value

    def mapping(self, key: str, data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.data if data is None else data).get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"'{key}' must be a mapping")
        return value

    def string_map(self, key: str) -> dict[str, str]:
        out = {}
        for k, v in self.mapping(key).items():
            if not isinstance(v, str):
                raise self.fail(f"'{key}.{k}' must be a string, not {v!r}")
            out[str(k)] = v
        return out

    def field_specs(self) -> tuple[FieldSpec, ...]:
        try:
            return parse_field_specs(self.data.get("fieldSpecs"), self.where())
        except BuildError as exc:
            exc.file = self.shown
            raise

    def selector(self, key: str = "target", data: Mapping[str, Any] | None = None) -> Selector | None:
        raw = (self.data if data is None else data).get(key)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise self.fail(f"'{key}' must be a mapping")
        return Selector(
            self.string("group", raw),
            self.string("version", raw),
            self.string("kind", raw),
            self.string("name", raw),
            self.string("namespace", raw),
            self.string("labelSelector", raw),
            self.string("annotationSelector", raw),
        )


def _namespace(d: _Doc, ldr: Loader) -> list[Transformer]:
    mode = d.string("setRoleBindingSubjects") or "defaultOnly"
    if mode not in ("defaultOnly", "none", "allServiceAccounts"):
        raise d.fail(
            f"invalid value '{mode}' for setRoleBindingSubjects: must be one of "
            "'defaultOnly', 'none' or 'allServiceAccounts'"
        )
    ns = d.string("namespace", d.mapping("metadata"))
    if not ns:
        return []
    return [Namespace(ns, d.field_specs(), d.boolean("unsetOnly"), mode, label=d.where())]


def _affix_specs(d: _Doc) -> tuple[FieldSpec, ...]:
    if d.data.get("fieldSpecs") is None:
        raise d.fail("fieldSpecs is not expected to be nil")
    return d.field_specs()


def _prefix(d: _Doc, ldr: Loader) -> list[Transformer]:
    return [Prefix(d.string("prefix"), _affix_specs(d), label=d.where())]


def _suffix(d: _Doc, ldr: Loader) -> list[Transformer]:
    return [Suffix(d.string("suffix"), _affix_specs(d), label=d.where())]


def _prefix_suffix(d: _Doc, ldr: Loader) -> list[Transformer]:
    specs = _affix_specs(d)
    return [
        Prefix(d.string("prefix"), specs, label=d.where()),
        Suffix(d.string("suffix"), specs, label=d.where()),
    ]


def _labels(d: _Doc, ldr: Loader) -> list[Transformer]:
    return [Labels(d.string_map("labels"), d.field_specs(), label=d.where())]


def _annotations(d: _Doc, ldr: Loader) -> list[Transformer]:
    return [Labels(d.string_map("annotations"), d.field_specs(), label=d.where())]


def _image_tag(d: _Doc, ldr: Loader) -> list[Transformer]:
    raw = d.mapping("imageTag")
    image = Image(
        d.string("name", raw),
        d.string("newName", raw),
        d.string("newTag", raw),
        d.string("digest", raw),
        d.string("tagSuffix", raw),
    )
    return [ImageTag(image, d.field_specs(), label=d.where())]


def _replica_count(d: _Doc, ldr: Loader) -> list[Transformer]:
    raw = d.mapping("replica")
    count = raw.get("count", 0)
    if count is None:
        count = 0
    if not isinstance(count, int) or isinstance(count, bool):
        raise d.fail(f"'replica.count' must be an integer, not {count!r}")
    return [ReplicaCount(Replica(d.string("name", raw), count), d.field_specs(), d.shown, label=d.where())]


def _patch(d: _Doc, ldr: Loader) -> list[Transformer]:
    options = d.mapping("options")
    opts = PatchOptions(bool(options.get("allowNameChange")), bool(options.get("allowKindChange")))
    made = make_patch(ldr, d.string("patch"), d.string("path"), d.selector(), opts, d.shown)
    return [_relabel(made, d.where())]


def _patch_smp(d: _Doc, ldr: Loader) -> list[Transformer]:
    paths = d.data.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise d.fail("'paths' must be a list of strings")
    inline = d.string("patches")
    if not paths and not inline:
        raise d.fail("empty file path and empty patch content")
    patches: list[tuple[dict[str, Any], str]] = []
    for entry in paths:
        docs, shown = load_smp_entry(ldr, entry, d.shown)
        patches += [(doc, shown) for doc in docs]
    if inline:
        docs = load_documents(inline, d.shown)
        if not all(isinstance(doc, dict) for doc in docs):
            raise d.fail("'patches' must hold objects")
        patches += [(doc, d.shown) for doc in docs]
    if not patches:
        raise d.fail("patch appears to be empty")
    return [PatchStrategicMerge(tuple(patches), label=d.where())]


def _patch_json6902(d: _Doc, ldr: Loader) -> list[Transformer]:
    target = d.selector()
    if target is None or not target.name:
        raise d.fail("must specify the target name")
    op, path = d.string("jsonOp"), d.string("path")
    if not op and not path:
        raise d.fail("empty file path and empty jsonOp")
    if op and path:
        raise d.fail("must specify a file path or jsonOp, not both")
    return [_relabel(make_json6902(ldr, target, op, path, d.shown), d.where())]


def _replacement(d: _Doc, ldr: Loader) -> list[Transformer]:
    entries = d.data.get("replacements") or []
    if not isinstance(entries, list):
        raise d.fail("'replacements' must be a list")
    return [Replacements(load_replacements(ldr, entries, d.shown), label=d.where())]


def _value_add(d: _Doc, ldr: Loader) -> list[Transformer]:
    from .fieldspec import split_path

    value = d.string("value").strip() or ldr.root.name
    raw_targets = list(d.data.get("targets") or [])
    path = d.string("targetFilePath")
    if path:
        docs, _ = ldr.load_yaml(path)
        more = docs[0].get("targets") if docs and isinstance(docs[0], dict) else None
        raw_targets += list(more or [])
    if not raw_targets:
        raise d.fail("must specify at least one target")
    targets = []
    for raw in raw_targets:
        if not isinstance(raw, dict):
            raise d.fail("each target must be a mapping")
        field_path = d.string("fieldPath", raw)
        if not field_path:
            raise d.fail("fieldPath cannot be empty")
        position = raw.get("filePathPosition") or 0
        if not isinstance(position, int) or isinstance(position, bool):
            raise d.fail(f"'filePathPosition' must be an integer, not {position!r}")
        if position < 0:
            raise d.fail(f"value of FilePathPosition ({position}) cannot be negative")
        targets.append(ValueAddTarget(d.selector("selector", raw), split_path(field_path), position))
    return [ValueAdd(value, tuple(targets), label=d.where())]


def _hash(d: _Doc, ldr: Loader) -> list[Transformer]:
    return [HashNames(label=d.where())]


TRANSFORMER_KINDS: dict[str, Callable[[_Doc, Loader], list[Transformer]]] = {
    "AnnotationsTransformer": _annotations,
    "HashTransformer": _hash,
    "ImageTagTransformer": _image_tag,
    "LabelTransformer": _labels,
    "NamespaceTransformer": _namespace,
    "PatchJson6902Transformer": _patch_json6902,
    "PatchStrategicMergeTransformer": _patch_smp,
    "PatchTransformer": _patch,
    "PrefixSuffixTransformer": _prefix_suffix,
    "PrefixTransformer": _prefix,
    "SuffixTransformer": _suffix,
    "ValueAddTransformer": _value_add,
    "ReplacementTransformer": _replacement,
    "ReplicaCountTransformer": _replica_count,
}
GENERATOR_KINDS = ("ConfigMapGenerator", "SecretGenerator")


def _check_builtin(doc: Mapping[str, Any], shown: str, role: str) -> str:
    """The kind of a built-in plugin document, or a BuildError saying why it cannot run here."""
    kind = doc.get("kind")
    api_version = doc.get("apiVersion")
    if not isinstance(kind, str) or not kind:
        raise BuildError(f"{role}: a plugin configuration needs a kind", file=shown)
    if api_version != BUILTIN_API_VERSION:
        raise BuildError(
            f"{role}: '{kind}' (apiVersion '{api_version}') is an external plugin (an exec or container "
            "KRM function, or a Go plugin); only kustomize's built-in plugins (apiVersion: builtin) run here, "
            "as in kubectl kustomize without plugins enabled",
            file=shown,
        )
    return kind


def transformers_from_document(doc: Mapping[str, Any], shown: str, ldr: Loader) -> list[Transformer]:
    kind = _check_builtin(doc, shown, "transformers")
    make = TRANSFORMER_KINDS.get(kind)
    if make is None:
        if kind in GENERATOR_KINDS or kind == "HelmChartInflationGenerator":
            raise BuildError(f"transformers: {kind} is a generator, not a transformer", file=shown)
        raise BuildError(f"transformers: there is no built-in plugin '{kind}'", file=shown)
    return make(_Doc(doc, shown, kind), ldr)


def generator_kind(doc: Mapping[str, Any], shown: str) -> str:
    """The kind of a ``generators:`` document after checking it is a built-in generator."""
    kind = _check_builtin(doc, shown, "generators")
    if kind in TRANSFORMER_KINDS:
        raise BuildError(f"generators: {kind} is a transformer, not a generator", file=shown)
    if kind not in GENERATOR_KINDS and kind != "HelmChartInflationGenerator":
        raise BuildError(f"generators: there is no built-in plugin '{kind}'", file=shown)
    return kind
