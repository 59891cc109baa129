"""The whole build on one screen: accumulate resources and bases, generate, add components, transform;
then, once at the top, add name hashes, fix name references, drop local config and order the output.
This mirrors kustomize v5's build order exactly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ..errors import BuildError, KustomizationError, LoadError, ManifestError, YamlError
from ..yaml import reader
from ..yaml.scalars import scalar_text
from . import links, plugins
from .accumulator import Accumulator
from .documents import load_documents
from .generators import make_generated
from .kfile import View, locate_key
from .kfile import parse as parse_kustomization
from .loader import Loader
from .order import legacy_order
from .redact import SecretValues
from .resource import Resource
from .tconfig import DEFAULT, TransformerConfig

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
# What `kubectl kustomize` (kustomize v5.5.0 built into kubectl) writes for buildMetadata: [managedByLabel].
MANAGED_BY_VALUE = "kustomize-(devel)"
LOCAL_CONFIG_ANNOTATION = "config.kubernetes.io/local-config"


class Tracer(Protocol):
    """Receives the resource list after every step of a build (for `explain`)."""

    def on_step(self, label: str, source: str, resources: list[Resource]) -> None: ...


class BuildOptions(NamedTuple):
    """kustomize's build flags: ``--load-restrictor LoadRestrictionsNone`` (``load_restricted=False``) lets
    kustomizations read files outside their root; ``--enable-helm`` inflates ``helmCharts`` by running
    ``helm_command``."""

    load_restricted: bool = True
    enable_helm: bool = False
    helm_command: str = "helm"


class BuildContext:
    """What one build carries from kustomization to kustomization."""

    __slots__ = ("tracer", "origin_annotations", "options", "schema_token", "warnings", "secrets")

    def __init__(self, tracer: Tracer | None, origin_annotations: bool, options: BuildOptions) -> None:
        self.tracer = tracer
        self.origin_annotations = origin_annotations
        self.options = options
        # set once the first kustomization naming an ``openapi`` schema file is read (kustomize keeps that one)
        self.schema_token: Any = None
        self.warnings: list[str] = []
        self.secrets = SecretValues()

    def step(self, label: str, source: str, resources: list[Resource]) -> None:
        if self.tracer is not None:
            self.tracer.on_step(label, source, resources)


def build_resources(
    root: Path,
    tracer: Tracer | None = None,
    origin_annotations: bool = False,
    options: BuildOptions | None = None,
) -> list[Resource]:
    """Build the kustomization in ``root``; return the resources in kustomize's output order.

    Warnings (deprecated fields) are printed on stderr.
    """
    ctx = BuildContext(tracer, origin_annotations, options or BuildOptions())
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
    # a Component built on its own builds like a Kustomization, as in kustomize
    ldr = Loader(root, restricted=ctx.options.load_restricted)
    k = _load_kustomization(ldr, ctx)
    if "originAnnotations" in k.buildMetadata:
        ctx.origin_annotations = True
    ra = Accumulator()
    _accumulate_target(ldr, k, ctx, ra)
    items = ra.items
    for res in items:
        links.unlink(res)
    plugins.add_name_hashes(items)
    ctx.step("name hash suffixes", "", items)
    from .filters.nameref import fix_name_references

    fix_name_references(items, ra.config.name_reference_rules())
    ctx.step("name references", "", items)
    if ra.vars:
        from .vars import resolve_vars

        unused = resolve_vars(items, ra.vars, ra.config.var_reference)
        if unused:
            ctx.warnings.append(f"well-defined vars that were never replaced: {','.join(unused)}")
        ctx.step("vars", "", items)
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
                        annotations[key] = scalar_text(value)
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
    docs = reader.load_documents(text, shown, v2=True)  # kustomize decodes it with go-yaml v2 (YAML 1.1)
    if len(docs) != 1:
        raise KustomizationError(
            "kustomization file is empty" if not docs else "a kustomization file must hold one YAML document",
            file=shown,
        )
    try:
        k, warnings = parse_kustomization(docs[0], shown, lambda path: reader.locate(text, path))
    except KustomizationError as exc:
        if exc.key_path and exc.column is None:
            place = locate_key(text, exc.key_path)
            if place is not None:
                exc.line, exc.column = place
        raise
    ctx.warnings.extend(warnings)
    if k.openapi and ctx.schema_token is None:
        from .openapi import custom_schema

        definitions = custom_schema(ldr, k.openapi, shown)
        if definitions is not None:
            from ..schema.openapi import use_custom_schema

            ctx.schema_token = use_custom_schema(definitions)
    return k


# --- accumulation -------------------------------------------------------------------------------------


def _accumulate_target(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator) -> None:
    source = ldr.display(ldr.kustomization_path())
    for rel in k.resources:
        _accumulate_resource(ldr, rel, ctx, ra)
    ra.merge_config(_transformer_config(ldr, k, source))
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
    if k.vars:
        from .vars import merge_vars

        merge_vars(ra, k.vars, source)


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
        ra.absorb(sub_ra)
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


def _transformer_config(ldr: Loader, k: View, source: str) -> TransformerConfig:
    """kustomize's defaults merged with the kustomization's configurations files and its CRDs' references."""
    tc = DEFAULT
    if k.configurations:
        from .tconfig import parse_configuration

        for rel in k.configurations:
            docs, shown = ldr.load_yaml(rel)
            for doc in docs:
                try:
                    tc = tc.merge(parse_configuration(doc, "configurations"))
                except BuildError as exc:
                    exc.file = exc.file or shown
                    raise
    if k.crds:
        from .crds import config_from_crds

        tc = tc.merge(config_from_crds(ldr, k.crds))
    return tc


def _run_generators(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator, source: str) -> None:
    for kind, gens in (("ConfigMap", k.configMapGenerator), ("Secret", k.secretGenerator)):
        for args in gens:
            _generate(kind, args, k.generatorOptions, ldr, ctx, ra, source)
    charts = k.get_raw("helmCharts") or k.get_raw("helmChartInflationGenerator")
    if charts:
        from .helm import charts_of

        for chart in charts_of(
            k.get_raw("helmCharts"),
            k.get_raw("helmGlobals"),
            k.get_raw("helmChartInflationGenerator"),
            source,
        ):
            _inflate(chart, ldr, ctx, ra, source)
    for doc, shown in _plugin_documents(ldr, k.generators, ctx, source):
        kind = plugins.generator_kind(doc, shown)
        if kind == "HelmChartInflationGenerator":
            from .helm import chart_of_document

            _inflate(chart_of_document(doc, shown), ldr, ctx, ra, shown)
            continue
        args = _generator_args(doc, kind)
        _generate(kind.removesuffix("Generator"), args, None, ldr, ctx, ra, shown)


def _inflate(chart: Any, ldr: Loader, ctx: BuildContext, ra: Accumulator, source: str) -> None:
    from .helm import inflate

    opts = ctx.options
    if not opts.enable_helm:
        raise KustomizationError(
            f"helm chart '{chart.name}' needs Helm: render with --enable-helm (and a helm binary on the PATH)",
            file=source,
        )
    docs, shown = inflate(chart, ldr, opts.helm_command, source)
    loaded = [Resource(obj=obj, origin=shown) for obj in _expand_lists(docs, shown)]
    ctx.secrets.watch(loaded)
    ra.append_all(loaded)
    ctx.step(f"helm chart '{chart.name}'", source, ra.items)


def _generator_args(doc: dict[str, Any], kind: str) -> View:
    """A generator document read as kustomize reads it: the arguments inline, the name and namespace
    from metadata when not given there."""
    from .kfile import schema

    defs = schema()["$defs"]
    model = defs["ConfigMapArgs" if kind == "ConfigMapGenerator" else "SecretArgs"]
    data = {key: value for key, value in doc.items() if key in model.get("properties", {})}
    md = doc.get("metadata")
    if not isinstance(md, dict):
        md = {}
    data.setdefault("name", md.get("name") or "")
    if not data.get("namespace") and md.get("namespace"):
        data["namespace"] = md["namespace"]
    return View(data, model)


def _generate(
    kind: str,
    args: View,
    options: View | None,
    ldr: Loader,
    ctx: BuildContext,
    ra: Accumulator,
    source: str,
) -> None:
    if kind == "Secret":
        for literal in args.literals:
            ctx.secrets.add(literal)
            ctx.secrets.add(literal.partition("=")[2])
    res = make_generated(kind, args, options, ldr.read_bytes, source)
    ctx.secrets.watch([res])
    ra.absorb_generated(res, source)
    ctx.step(
        f"{'configMapGenerator' if kind == 'ConfigMap' else 'secretGenerator'} '{args.name}'",
        source,
        ra.items,
    )


def _plugin_documents(
    ldr: Loader, entries: list[str], ctx: BuildContext, source: str
) -> list[tuple[dict[str, Any], str]]:
    """The plugin configurations a ``generators``/``transformers`` list names: inline YAML documents,
    files, or directories whose kustomization builds them (kustomize's order: inline ones first)."""
    inline: list[tuple[dict[str, Any], str]] = []
    paths: list[str] = []
    for entry in entries:
        docs = _inline_objects(entry, source)
        if docs is None:
            paths.append(entry)
        else:
            inline += [(d, source) for d in docs]
    sub = Accumulator()
    for doc, shown in inline:
        sub.append_all([Resource(obj=doc, origin=shown)])
    for rel in paths:
        _accumulate_resource(ldr, rel, ctx, sub)
    return [(r.obj, r.origin or source) for r in sub.items]


def _inline_objects(entry: str, source: str) -> list[dict[str, Any]] | None:
    if "\n" not in entry and ":" not in entry:
        return None
    try:
        docs = load_documents(entry, source)
    except YamlError:
        return None
    if docs and all(isinstance(d, dict) and d.get("kind") for d in docs):
        return docs
    return None


# --- transformers -------------------------------------------------------------------------------------


def _run_transformers(ldr: Loader, k: View, ctx: BuildContext, ra: Accumulator, source: str) -> None:
    # each with the file that configured it, for the build trace
    transformers = [
        (t, getattr(t, "shown", source)) for t in plugins.from_kustomization(k, ra.config, ldr, source)
    ]
    for doc, shown in _plugin_documents(ldr, k.transformers, ctx, source):
        transformers += [(t, shown) for t in plugins.transformers_from_document(doc, shown, ldr)]
    for t, where in transformers:
        t.transform(ra)
        ctx.step(t.label, where, ra.items)
