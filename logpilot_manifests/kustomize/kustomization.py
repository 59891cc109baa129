"""Typed models of the kustomization file (kinds Kustomization and Component), strict like kustomize:
an unknown field is an error naming the file and the field; deprecated fields still work, with a warning."""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from ..errors import KustomizationError

KUSTOMIZATION_API_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_API_VERSION = "kustomize.config.k8s.io/v1alpha1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


StrMap = dict[StrictStr, StrictStr]


class ObjectMeta(_Model):
    name: StrictStr | None = None
    namespace: StrictStr | None = None
    labels: StrMap | None = None
    annotations: StrMap | None = None


class FieldSpecModel(_Model):
    path: StrictStr
    group: StrictStr = ""
    version: StrictStr = ""
    kind: StrictStr = ""
    create: StrictBool = False


class Label(_Model):
    pairs: StrMap = Field(default_factory=dict)
    includeSelectors: StrictBool = False
    includeTemplates: StrictBool = False
    fields: list[FieldSpecModel] = Field(default_factory=list)


class Selector(_Model):
    """A patch or replacement target: gvk, name/namespace regexes, label and annotation selectors."""

    group: StrictStr = ""
    version: StrictStr = ""
    kind: StrictStr = ""
    name: StrictStr = ""
    namespace: StrictStr = ""
    labelSelector: StrictStr = ""
    annotationSelector: StrictStr = ""


class Patch(_Model):
    path: StrictStr = ""
    patch: StrictStr = ""
    target: Selector | None = None
    options: dict[StrictStr, StrictBool] = Field(default_factory=dict)


class Image(_Model):
    name: StrictStr = ""
    newName: StrictStr = ""
    newTag: StrictStr = ""
    digest: StrictStr = ""
    tagSuffix: StrictStr = ""


class Replica(_Model):
    name: StrictStr = ""
    count: StrictInt = 0


class GeneratorOptions(_Model):
    labels: StrMap | None = None
    annotations: StrMap | None = None
    disableNameSuffixHash: StrictBool = False
    immutable: StrictBool = False


class GeneratorArgs(_Model):
    name: StrictStr = ""
    namespace: StrictStr = ""
    behavior: Literal["", "create", "merge", "replace"] = ""
    literals: list[StrictStr] = Field(default_factory=list)
    files: list[StrictStr] = Field(default_factory=list)
    envs: list[StrictStr] = Field(default_factory=list)
    env: StrictStr = ""  # deprecated: a single env file
    options: GeneratorOptions | None = None


class ConfigMapArgs(GeneratorArgs):
    pass


class SecretArgs(GeneratorArgs):
    type: StrictStr = ""


class LegacySortOptions(_Model):
    orderFirst: list[StrictStr] = Field(default_factory=list)
    orderLast: list[StrictStr] = Field(default_factory=list)


class SortOptions(_Model):
    order: Literal["legacy", "fifo"] = "legacy"
    legacySortOptions: LegacySortOptions | None = None


class Kustomization(_Model):
    apiVersion: StrictStr = ""
    kind: StrictStr = ""
    metadata: ObjectMeta | None = None
    openapi: dict[StrictStr, StrictStr] | None = None
    namePrefix: StrictStr = ""
    nameSuffix: StrictStr = ""
    namespace: StrictStr = ""
    commonLabels: StrMap = Field(default_factory=dict)
    labels: list[Label] = Field(default_factory=list)
    commonAnnotations: StrMap = Field(default_factory=dict)
    patchesStrategicMerge: list[StrictStr] = Field(default_factory=list)
    patchesJson6902: list[Patch] = Field(default_factory=list)
    patches: list[Patch] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    imageTags: list[Image] = Field(default_factory=list)
    replacements: list[dict[str, Any]] = Field(default_factory=list)
    replicas: list[Replica] = Field(default_factory=list)
    vars: list[dict[str, Any]] = Field(default_factory=list)
    sortOptions: SortOptions | None = None
    resources: list[StrictStr] = Field(default_factory=list)
    components: list[StrictStr] = Field(default_factory=list)
    crds: list[StrictStr] = Field(default_factory=list)
    bases: list[StrictStr] = Field(default_factory=list)
    configMapGenerator: list[ConfigMapArgs] = Field(default_factory=list)
    secretGenerator: list[SecretArgs] = Field(default_factory=list)
    helmGlobals: dict[str, Any] | None = None
    helmCharts: list[dict[str, Any]] = Field(default_factory=list)
    helmChartInflationGenerator: list[dict[str, Any]] = Field(default_factory=list)
    generatorOptions: GeneratorOptions | None = None
    configurations: list[StrictStr] = Field(default_factory=list)
    generators: list[StrictStr] = Field(default_factory=list)
    transformers: list[StrictStr] = Field(default_factory=list)
    validators: list[StrictStr] = Field(default_factory=list)
    buildMetadata: list[Literal["originAnnotations", "transformerAnnotations", "managedByLabel"]] = Field(
        default_factory=list
    )

    @property
    def is_component(self) -> bool:
        return self.kind == "Component"


# Deprecated fields: they keep working; each use prints one warning naming the replacement.
DEPRECATIONS = {
    "bases": "'bases' is deprecated; list bases under 'resources'",
    "commonLabels": "'commonLabels' is deprecated; use 'labels' (with includeSelectors: true for the same effect)",
    "imageTags": "'imageTags' is deprecated; use 'images'",
    "patchesStrategicMerge": "'patchesStrategicMerge' is deprecated; use 'patches'",
    "patchesJson6902": "'patchesJson6902' is deprecated; use 'patches'",
    "vars": "'vars' is deprecated; use 'replacements'",
}

_KNOWN_FIELDS = frozenset(Kustomization.model_fields)


def _describe(err: dict[str, Any], data: Any) -> str:
    loc = err.get("loc", ())
    path = ".".join(str(p) for p in loc)
    if err.get("type") == "extra_forbidden":
        field = str(loc[-1]) if loc else "?"
        hint = ""
        if len(loc) == 1:
            close = difflib.get_close_matches(field, sorted(_KNOWN_FIELDS), n=1)
            if close:
                hint = f" (did you mean '{close[0]}'?)"
        where = f" in '{'.'.join(str(p) for p in loc[:-1])}'" if len(loc) > 1 else ""
        return f"unknown field '{field}'{where}{hint}"
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"field '{path}': {err.get('msg', 'invalid value')} (got {shown})"


def parse_kustomization(data: Any, source: str) -> tuple[Kustomization, list[str]]:
    """Validate the loaded YAML of a kustomization file; return the model and deprecation warnings."""
    if data is None:
        raise KustomizationError("kustomization file is empty", file=source)
    if not isinstance(data, dict):
        raise KustomizationError(
            f"a kustomization must be a YAML mapping, not {type(data).__name__}", file=source
        )
    try:
        k = Kustomization.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        msg = "; ".join(_describe(e, data) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise KustomizationError(f"invalid kustomization: {msg}{more}", file=source) from None
    if k.kind not in ("", "Kustomization", "Component"):
        raise KustomizationError(f"kind should be Kustomization or Component, not '{k.kind}'", file=source)
    required = COMPONENT_API_VERSION if k.kind == "Component" else KUSTOMIZATION_API_VERSION
    if k.apiVersion and k.apiVersion != required:
        raise KustomizationError(
            f"apiVersion for {k.kind or 'Kustomization'} should be {required}, not '{k.apiVersion}'",
            file=source,
        )
    unsupported = [
        f
        for f in (
            "helmGlobals",
            "helmCharts",
            "helmChartInflationGenerator",
            "generators",
            "transformers",
            "validators",
            "crds",
            "configurations",
            "vars",
        )
        if getattr(k, f)
    ]
    if unsupported:
        raise KustomizationError(
            f"field '{unsupported[0]}' is not supported by logpilot-manifests (plugins, Helm, vars, CRD and "
            "configuration files); render with kustomize instead",
            file=source,
        )
    warnings = [f"{source}: {DEPRECATIONS[f]}" for f in DEPRECATIONS if f in data]
    # kustomize's own normalisation of deprecated fields.
    k.resources = [*k.resources, *k.bases]
    k.bases = []
    k.images = [*k.images, *k.imageTags]
    k.imageTags = []
    for g in [*k.configMapGenerator, *k.secretGenerator]:
        if g.env:
            g.envs = [*g.envs, g.env]
            g.env = ""
    return k, warnings
