"""The whole build on one screen: accumulate resources and bases, generate, add components, transform;
then, once at the top, add name hashes, fix name references, drop local config and order the output.
This mirrors kustomize v5's build order exactly."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import BuildError, KustomizationError, LoadError, ManifestError, YamlError
from . import links, specs
from .fieldspec import FieldSpec, fs
from .filters.images import set_images
from .filters.labels import set_pairs
from .filters.namespace import set_namespace
from .filters.patch_json6902 import apply_json6902, parse_json6902
from .filters.prefix_suffix import add_prefix, add_suffix
from .filters.replicas import set_replicas
from .generators import make_generated, merge_generated, name_hash
from .kfile import View, locate_key
from .kfile import parse as parse_kustomization
from .loader import Loader
from .order import legacy_order
from .redact import SecretValues
from .resource import ResId, Resource
from .selector import select
from .yamlio import annotation_text, load_documents

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
# What `kubectl kustomize` (kustomize v5.5.0 built into kubectl) writes for buildMetadata: [managedByLabel].
MANAGED_BY_VALUE = "kustomize-(devel)"
LOCAL_CONFIG_ANNOTATION = "config.kubernetes.io/local-config"


class Tracer(Protocol):
    """Receives the resource list after every step of a build (for `explain`)."""

    def on_step(self, label: str, source: str, resources: list[Resource]) -> None: ...


@dataclass
class BuildContext:
    tracer: Tracer | None = None
    origin_annotations: bool = False
    warnings: list[str] = field(default_factory=list)
    secrets: SecretValues = field(default_factory=SecretValues)

    def step(self, label: str, source: str, resources: list[Resource]) -> None:
        if self.tracer is not None:
            self.tracer.on_step(label, source, resources)


def _id_key(rid: ResId) -> tuple[str, str, str, str, str]:
    return (rid.group, rid.version, rid.kind, rid.name, rid.effective_namespace)


class Accumulator:
    """The resources of a build so far, in order, with kustomize's id-conflict checks."""

    def __init__(self) -> None:
        self.items: list[Resource] = []

    def _current_index(self) -> dict[tuple[str, str, str, str, str], Resource]:
        return {_id_key(r.id): r for r in self.items}

    def append_all(self, resources: Iterable[Resource]) -> None:
        index = self._current_index()
        for res in resources:
            key = _id_key(res.id)
            other = index.get(key)
            if other is not None:
                rid = res.id
                raise BuildError(
                    f"may not add resource with an already registered id: {rid.kind} '{rid.name}'"
                    + (f" in namespace '{rid.namespace}'" if rid.namespace else "")
                    + f" (from {other.origin or '?'} and {res.origin or '?'})"
                )
            index[key] = res
            self.items.append(res)

    def matching_any_id(self, rid: ResId) -> list[Resource]:
        key = _id_key(rid)
        return [r for r in self.items if any(_id_key(i) == key for i in r.all_ids())]

    def absorb_generated(self, res: Resource, source: str) -> None:
        assert res.generator is not None
        matches = self.matching_any_id(res.id)
        behavior = res.generator.behavior
        what = f"{res.kind} '{res.name}'"
        if not matches:
            if behavior in ("merge", "replace"):
                raise BuildError(f"{what} does not exist in any base; cannot {behavior} it", file=source)
            self.append_all([res])
            return
        if len(matches) > 1:
            raise BuildError(f"several objects could accept the {behavior} of {what}", file=source)
        old = matches[0]
        if behavior not in ("merge", "replace"):
            raise BuildError(
                f"{what} already exists (from {old.origin or '?'}); its generator's behavior must be merge or replace",
                file=source,
            )
        merge_generated(res, old)
        self.items[self.items.index(old)] = res


def build_resources(
    root: Path, tracer: Tracer | None = None, origin_annotations: bool = False
) -> list[Resource]:
    """Build the kustomization in ``root``; return the resources in kustomize's output order.

    Warnings (deprecated fields) are printed on stderr.
    """
    ctx = BuildContext(tracer=tracer, origin_annotations=origin_annotations)
    try:
        resources = _build(Path(root), ctx)
    except ManifestError as exc:
        ctx.secrets.scrub(exc)
        raise
    for w in ctx.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return resources


def build_objects(root: Path) -> list[dict[str, Any]]:
    return [r.obj for r in build_resources(root)]


def _build(root: Path, ctx: BuildContext) -> list[Resource]:
    if not root.is_dir():
        raise LoadError(f"'{root}' is not a directory")
    ldr = Loader(root)
    k = _load_kustomization(ldr, ctx)
    if k.kind == "Component":
        raise KustomizationError(
            "a Component cannot be built on its own; list it under 'components' of a Kustomization",
            file=ldr.display(ldr.kustomization_path()),
        )
    if "originAnnotations" in k.buildMetadata:
        ctx.origin_annotations = True
    ra = Accumulator()
    _accumulate_target(ldr, k, ctx, ra)
    items = ra.items
    for res in items:
        links.unlink(res)
    for res in items:
        if res.generator is not None and res.generator.hash_suffix:
            res.set_name(f"{res.name}-{name_hash(res.obj)}")
    ctx.step("name hash suffixes", "", items)
    from .filters.nameref import fix_name_references

    fix_name_references(items)
    ctx.step("name references", "", items)
    items = [r for r in items if not _local_config(r)]
    for res in items:
        # kustomize rewrites annotations through its build bookkeeping, which drops an empty map
        md = res.obj.get("metadata")
        if isinstance(md, dict) and "annotations" in md:
            annotations = md["annotations"]
            if not annotations or not isinstance(annotations, dict):
                # kustomize reads annotations as a map: a scalar there reads as none
                del md["annotations"]
            else:
                for key, value in annotations.items():
                    if not isinstance(value, str):
                        annotations[key] = annotation_text(value)
    if ctx.origin_annotations:
        for res in items:
            res.metadata.setdefault("annotations", {})[ORIGIN_ANNOTATION] = _origin_text(res)
    if "managedByLabel" in k.buildMetadata:
        for res in items:
            labels = res.metadata.get("labels")
            if not isinstance(labels, dict):
                labels = res.metadata["labels"] = {}
            labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE
    sort = k.sortOptions
    if sort is None:
        items = legacy_order(items)
    elif sort.order == "legacy":
        legacy = sort.legacySortOptions
        items = legacy_order(items, legacy.orderFirst, legacy.orderLast) if legacy else legacy_order(items)
    elif sort.legacySortOptions is not None:
        raise KustomizationError(
            "sortOptions.legacySortOptions is set but the selected sort order is 'fifo', not 'legacy'"
        )
    return items


def _local_config(res: Resource) -> bool:
    annotations = res.annotations()
    return (
        isinstance(annotations, dict) and str(annotations.get(LOCAL_CONFIG_ANNOTATION, "")).lower() == "true"
    )


def _origin_text(res: Resource) -> str:
    if res.generator is not None:
        kind = "ConfigMapGenerator" if res.kind == "ConfigMap" else "SecretGenerator"
        return f"configuredIn: {res.origin}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {kind}\n"
    return f"path: {res.origin}\n"


def _load_kustomization(ldr: Loader, ctx: BuildContext) -> View:
    kpath = ldr.kustomization_path()
    text, shown = ldr.read_text(kpath.name)
    docs = load_documents(text, shown)
    if len(docs) != 1:
        raise KustomizationError(
            "kustomization file is empty" if not docs else "a kustomization file must hold one YAML document",
            file=shown,
        )
    try:
        k, warnings = parse_kustomization(docs[0], shown)
    except KustomizationError as exc:
        if exc.key_path and exc.line is None:
            place = locate_key(text, exc.key_path)
            if place is not None:
                exc.line, exc.column = place
        raise
    ctx.warnings.extend(warnings)
    return k


# --- accumulation -------------------------------------------------------------------------------------


def _accumulate_target(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator) -> None:
    source = ldr.display(ldr.kustomization_path())
    for rel in k.resources:
        _accumulate_resource(ldr, rel, ctx, ra)
    _run_generators(ldr, k, ctx, ra, source)
    for rel in k.components:
        sub = ldr.child(rel)
        sk = _load_kustomization(sub, ctx)
        if sk.kind != "Component":
            raise KustomizationError(
                f"'{rel}' is listed under components but its kind is not Component",
                file=sub.display(sub.kustomization_path()),
            )
        _accumulate_target(sub, sk, ctx, ra)
    _run_transformers(ldr, k, ctx, ra, source)


def _accumulate_resource(ldr: Loader, rel: str, ctx: BuildContext, ra: Accumulator) -> None:
    if ldr.is_dir(rel):
        sub = ldr.child(rel)
        sk = _load_kustomization(sub, ctx)
        if sk.kind == "Component":
            raise KustomizationError(
                f"'{rel}' is a Component; list it under 'components', not 'resources'",
                file=ldr.display(ldr.kustomization_path()),
            )
        sub_ra = Accumulator()
        _accumulate_target(sub, sk, ctx, sub_ra)
        ra.append_all(sub_ra.items)
        return
    docs, shown = ldr.load_yaml(rel)
    loaded = [Resource(obj=obj, origin=shown) for obj in _expand_lists(docs, shown)]
    ctx.secrets.watch(loaded)
    ra.append_all(loaded)
    ctx.step(f"resource {shown}", shown, ra.items)


def _expand_lists(docs: list[Any], shown: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            raise YamlError(f"document {i + 1} is not a mapping (a Kubernetes object)", file=shown)
        kind = doc.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
            out.extend(_expand_lists(doc["items"], shown))
            continue
        _check_object(doc, shown, i)
        out.append(doc)
    return out


def _check_object(doc: dict[str, Any], shown: str, i: int) -> None:
    if not doc.get("kind") or not isinstance(doc.get("kind"), str):
        raise YamlError(f"document {i + 1} has no 'kind'", file=shown)
    if not isinstance(doc.get("apiVersion", ""), str):
        raise YamlError(f"document {i + 1}: 'apiVersion' must be a string", file=shown)
    md = doc.get("metadata")
    if not isinstance(md, dict) or not md.get("name"):
        raise YamlError(f"{doc['kind']} (document {i + 1}) has no metadata.name", file=shown)
    if isinstance(md.get("annotations"), list):
        # kustomize crashes on it; a clear refusal is the compatible answer
        raise YamlError(
            f"{doc['kind']} (document {i + 1}): metadata.annotations must be a mapping", file=shown
        )


def _run_generators(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator, source: str) -> None:
    for kind, gens in (("ConfigMap", k.configMapGenerator), ("Secret", k.secretGenerator)):
        for args in gens:
            if kind == "Secret":
                for literal in args.literals:
                    ctx.secrets.add(literal)
                    ctx.secrets.add(literal.partition("=")[2])
            res = make_generated(kind, args, k.generatorOptions, ldr.read_bytes, source)
            ctx.secrets.watch([res])
            ra.absorb_generated(res, source)
            ctx.step(
                f"{'configMapGenerator' if kind == 'ConfigMap' else 'secretGenerator'} '{args.name}'",
                source,
                ra.items,
            )


# --- transformers -------------------------------------------------------------------------------------


def _run_transformers(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator, source: str) -> None:
    for i, entry in enumerate(k.patchesStrategicMerge):
        patches, shown = _load_smp_entry(ldr, entry, source)
        for patch in patches:
            _apply_smp_by_id(ra, patch, shown)
        ctx.step(f"patchesStrategicMerge[{i}]", shown, ra.items)
    for i, p in enumerate(k.patches):
        shown = _apply_patch(ldr, p, ra, source)
        ctx.step(f"patches[{i}]", shown, ra.items)
    if k.namespace:
        set_namespace(ra.items, k.namespace)
        ctx.step(f"namespace: {k.namespace}", source, ra.items)
    if k.namePrefix:
        add_prefix(ra.items, k.namePrefix)
        ctx.step(f"namePrefix: {k.namePrefix}", source, ra.items)
    if k.nameSuffix:
        add_suffix(ra.items, k.nameSuffix)
        ctx.step(f"nameSuffix: {k.nameSuffix}", source, ra.items)
    for label in k.labels:
        fss: list[FieldSpec] = [fs(f.path, f.kind, f.group, f.version, f.create) for f in label.fields]
        if label.includeSelectors:
            fss += specs.COMMON_LABELS
        else:
            if label.includeTemplates:
                fss += specs.TEMPLATE_LABELS
            fss += specs.METADATA_LABELS_ONLY
        set_pairs(ra.items, label.pairs, _dedupe(fss))
        ctx.step("labels", source, ra.items)
    if k.commonLabels:
        set_pairs(ra.items, k.commonLabels, specs.COMMON_LABELS)
        ctx.step("commonLabels", source, ra.items)
    if k.commonAnnotations:
        set_pairs(ra.items, k.commonAnnotations, specs.COMMON_ANNOTATIONS)
        ctx.step("commonAnnotations", source, ra.items)
    for i, p in enumerate(k.patchesJson6902):
        shown = _apply_legacy_json6902(ldr, p, ra, source)
        ctx.step(f"patchesJson6902[{i}]", shown, ra.items)
    if k.replicas:
        set_replicas(ra.items, k.replicas, source)
        ctx.step("replicas", source, ra.items)
    if k.images:
        set_images(ra.items, k.images)
        ctx.step("images", source, ra.items)
    if k.replacements:
        from .filters.replacements import apply_replacements

        apply_replacements(ra.items, _load_replacements(ldr, k.replacements, source))
        ctx.step("replacements", source, ra.items)


def _dedupe(fss: list[FieldSpec]) -> list[FieldSpec]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in fss:
        key = (f.path, f.kind, f.group, f.version)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _load_smp_entry(ldr: Loader, entry: str, source: str) -> tuple[list[dict[str, Any]], str]:
    """A patchesStrategicMerge entry is inline YAML when it parses to objects, else a file path."""
    if "\n" in entry or entry.lstrip().startswith(("{", "apiVersion", "kind")):
        try:
            docs = load_documents(entry, source)
        except YamlError:
            docs = []
        if docs and all(isinstance(d, dict) for d in docs):
            return docs, source
    docs, shown = ldr.load_yaml(entry)
    if not docs or not all(isinstance(d, dict) for d in docs):
        raise BuildError("a strategic merge patch file must hold one or more objects", file=shown)
    return docs, shown


def _patch_id(patch: dict[str, Any], shown: str) -> ResId:
    md = patch.get("metadata") if isinstance(patch.get("metadata"), dict) else {}
    group, _, version = str(patch.get("apiVersion") or "").rpartition("/")
    if not patch.get("kind") or not md.get("name"):
        raise BuildError("a strategic merge patch without a target needs kind and metadata.name", file=shown)
    return ResId(group, version, str(patch["kind"]), str(md["name"]), str(md.get("namespace") or ""))


def _apply_smp_by_id(ra: Accumulator, patch: dict[str, Any], shown: str) -> None:
    pid = _patch_id(patch, shown)
    targets = ra.matching_any_id(pid)
    if len(targets) != 1:
        what = f"{pid.kind} '{pid.name}'" + (f" in namespace '{pid.namespace}'" if pid.namespace else "")
        if not targets:
            raise BuildError(f"no resource matches strategic merge patch for {what}", file=shown)
        raise BuildError(f"several resources match strategic merge patch for {what}", file=shown)
    _smp_into(ra, targets[0], copy.deepcopy(patch), {}, shown)


def _smp_into(
    ra: Accumulator, res: Resource, patch: dict[str, Any], options: dict[str, bool], shown: str
) -> None:
    from .filters.patch_smp import strategic_merge

    allow_name = options.get("allowNameChange", False)
    allow_kind = options.get("allowKindChange", False)
    if allow_name or allow_kind:
        res.remember_id()
    shared = links.snapshot(res)
    try:
        merged = strategic_merge(res.obj, patch, allow_name_change=allow_name, allow_kind_change=allow_kind)
    except BuildError as exc:
        exc.file = exc.file or shown
        raise
    if merged is None:
        ra.items.remove(res)
        return
    res.obj = merged
    links.propagate(res, shared)


def _patch_text(ldr: Loader, p: View, source: str) -> tuple[str, str]:
    text = p.patch.strip()
    if text and p.path:
        raise BuildError("a patch may have 'patch' or 'path', not both", file=source)
    if not text and not p.path:
        raise BuildError("a patch needs 'patch' or 'path'", file=source)
    if text:
        return text, source
    return ldr.read_text(p.path)


def _apply_patch(ldr: Loader, p: View, ra: Accumulator, source: str) -> str:
    text, shown = _patch_text(ldr, p, source)
    docs = load_documents(text, shown)
    if not docs:
        raise BuildError("patch is empty", file=shown)
    if len(docs) == 1 and isinstance(docs[0], list):
        if p.target is None:  # checked first, as kustomize does
            raise BuildError("a JSON 6902 patch needs a target", file=shown)
        ops = parse_json6902(docs[0], shown)
        for res in select(ra.items, p.target):
            res.remember_id()
            links.unlink(res)
            res.obj = apply_json6902(res.obj, ops, shown, f"{res.kind} '{res.name}'")
        return shown
    if not all(isinstance(d, dict) for d in docs):
        raise BuildError("unable to parse a strategic merge or JSON 6902 patch", file=shown)
    if p.target is None:
        for patch in docs:
            pid = _patch_id(patch, shown)
            targets = ra.matching_any_id(pid)
            if len(targets) != 1:
                what = f"{pid.kind} '{pid.name}'"
                reason = "no resource matches" if not targets else "several resources match"
                raise BuildError(f"{reason} the strategic merge patch for {what}", file=shown)
            _smp_into(ra, targets[0], copy.deepcopy(patch), p.options, shown)
        return shown
    if len(docs) > 1:
        raise BuildError("several strategic merge patches in one entry cannot share a 'target'", file=shown)
    for res in select(ra.items, p.target):
        patch = copy.deepcopy(docs[0])
        group_version = res.api_version
        patch["apiVersion"] = group_version
        _smp_into(ra, res, patch, p.options, shown)
    return shown


def _apply_legacy_json6902(ldr: Loader, p: View, ra: Accumulator, source: str) -> str:
    if p.target is None or not p.target.name:
        raise BuildError("patchesJson6902: the target must have a name", file=source)
    text, shown = _patch_text(ldr, p, source)
    docs = load_documents(text, shown)
    ops = parse_json6902(docs[0] if len(docs) == 1 else docs, shown)
    for res in select(ra.items, p.target):
        links.unlink(res)
        res.obj = apply_json6902(res.obj, ops, shown, f"{res.kind} '{res.name}'")
    return shown


def _load_replacements(ldr: Loader, entries: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for entry in entries:
        if "path" in entry:
            if set(entry) != {"path"}:
                raise KustomizationError("a replacement with 'path' may have no other fields", file=source)
            docs, shown = ldr.load_yaml(str(entry["path"]))
            for doc in docs:
                items = doc if isinstance(doc, list) else [doc]
                for item in items:
                    if not isinstance(item, dict):
                        raise BuildError("a replacement must be a mapping", file=shown)
                    out.append(item)
        else:
            out.append(entry)
    return out
