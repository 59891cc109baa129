"""Typed models of the kustomization file (kinds Kustomization and Component), strict like kustomize: an
unknown field or a wrong type is an error naming the file and the field.

These models are the authority on what a kustomization may hold. Builds read files through ``kfile``, which
checks them against the JSON schema generated from these models and imports pydantic only to explain an
error (``python -m logpilot_manifests.kustomize.kustomization`` regenerates that schema)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


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
    behavior: StrictStr = ""  # create, merge or replace; kustomize reads any other value as create
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


def _describe(err: ErrorDetails) -> str:
    loc = err.get("loc", ())
    path = ".".join(str(p) for p in loc)
    if err.get("type") == "extra_forbidden":
        field = str(loc[-1]) if loc else "?"
        hint = ""
        if len(loc) == 1:
            close = difflib.get_close_matches(field, sorted(Kustomization.model_fields), n=1)
            if close:
                hint = f" (did you mean '{close[0]}'?)"
        where = f" in '{'.'.join(str(p) for p in loc[:-1])}'" if len(loc) > 1 else ""
        return f"unknown field '{field}'{where}{hint}"
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"field '{path}': {err.get('msg', 'invalid value')} (got {shown})"


def first_error_path(data: Any) -> tuple[str | int, ...]:
    """The key path of the first problem the model finds in ``data`` (empty when it finds none)."""
    try:
        Kustomization.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        if errors:
            return tuple(p for p in errors[0].get("loc", ()) if isinstance(p, str | int))
    return ()


def validation_message(data: Any) -> str:
    """Why ``data`` is not a valid kustomization, in the words of the model (first three problems)."""
    try:
        Kustomization.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        msg = "; ".join(_describe(e) for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return f"invalid kustomization: {msg}{more}"
    return "invalid kustomization"


def json_schema() -> dict[str, Any]:
    """The JSON schema the fast path of ``kfile`` checks files against (written by ``make schemas``)."""
    return Kustomization.model_json_schema()


if __name__ == "__main__":
    import json
    import sys

    from .kfile import SCHEMA_PATH

    SCHEMA_PATH.write_text(json.dumps(json_schema(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {SCHEMA_PATH.name}\n")
