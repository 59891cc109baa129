"""`logpilot-manifests list [ENV]`: the environments at a glance, or the resources of one environment."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import EXIT_ERROR, EXIT_OK
from .common import run_guarded
from .inputs import complete_target
from .output import error_writer

if TYPE_CHECKING:
    from ..kustomize.resource import Resource


class ListOutput(StrEnum):
    table = "table"
    json = "json"


def _pod_specs(node: Any) -> Iterator[Any]:
    """Every pod spec in a typed model, wherever it sits (a Deployment's template, a CronJob's job)."""
    from ..models import Model
    from ..models.k8s import core_v1

    if isinstance(node, core_v1.PodSpec):
        yield node
    elif isinstance(node, Model):
        for name in node.__struct_fields__:
            yield from _pod_specs(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            yield from _pod_specs(item)


def _raw_images(node: Any) -> Iterator[str]:
    """Container images in an object of a kind without a model: any ``containers`` list, wherever it sits."""
    if isinstance(node, dict):
        for key in ("initContainers", "containers"):
            items = node.get(key)
            if isinstance(items, list):
                yield from (str(c["image"]) for c in items if isinstance(c, dict) and c.get("image"))
        for value in node.values():
            yield from _raw_images(value)
    elif isinstance(node, list):
        for value in node:
            yield from _raw_images(value)


def summarise(resources: list[Resource]) -> dict[str, Any]:
    """Counts, replicas per workload and the distinct images of one build, read from typed models (objects
    that do not fit their schema count, but add no replicas or images: ``validate`` explains them)."""
    from ..models import ModelError, typed_or_none
    from ..models.crds import argoproj_io_v1alpha1 as argo
    from ..models.k8s import apps_v1, autoscaling_v1, autoscaling_v2

    kinds: dict[str, int] = {}
    replicas: dict[str, int] = {}
    autoscaled: dict[str, dict[str, int | None]] = {}
    images: list[str] = []
    for r in resources:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
        try:
            model = typed_or_none(r.obj)
        except ModelError:
            continue
        if model is None:
            images.extend(_raw_images(r.obj.get("spec")))
            continue
        if isinstance(model, apps_v1.Deployment | apps_v1.StatefulSet | apps_v1.ReplicaSet | argo.Rollout):
            count = model.spec.replicas
            replicas[r.name] = count if count is not None else 1
        if isinstance(model, autoscaling_v2.HorizontalPodAutoscaler | autoscaling_v1.HorizontalPodAutoscaler):
            spec = model.spec
            minimum = spec.minReplicas if spec.minReplicas is not None else 1
            autoscaled[spec.scaleTargetRef.name] = {"min": minimum, "max": spec.maxReplicas}
        for pod in _pod_specs(model):
            for c in [*(pod.initContainers or []), *pod.containers]:
                if c.image:
                    images.append(c.image)
    return {
        "resources": len(resources),
        "kinds": dict(sorted(kinds.items())),
        "replicas": replicas,
        "autoscaled": {k: v for k, v in autoscaled.items() if k in replicas},
        "images": sorted(set(images)),
    }


def _replica_cell(summary: dict[str, Any]) -> str:
    rows = []
    for name, count in sorted(summary["replicas"].items()):
        hpa = summary["autoscaled"].get(name)
        rows.append(f"{name} {hpa['min']}-{hpa['max']} (HPA)" if hpa else f"{name} x{count}")
    return "\n".join(rows)


def list_environments(
    env: Annotated[
        str | None,
        typer.Argument(
            metavar="ENV", help="An environment: list its resources instead.", autocompletion=complete_target
        ),
    ] = None,
    output: Annotated[ListOutput, typer.Option("--output", help="table or json.")] = ListOutput.table,
) -> None:
    """List the environments with their resource counts, replicas and images, or the resources of ENV.

    Exit codes: 0 listed, 2 usage error or an environment that cannot be built (the others are still
    listed).

    Example: logpilot-manifests list production
    """

    def run() -> int:
        from rich.table import Table

        from ..errors import ManifestError
        from ..paths import shown_origin
        from .console import make_console
        from .inputs import build, environments, resolve_target

        if env is not None:
            root = resolve_target(env)
            resources = build(root)
            if output is ListOutput.json:
                rows = [
                    {
                        "kind": r.kind,
                        "namespace": r.namespace,
                        "name": r.name,
                        "origin": shown_origin(root, r.origin),
                    }
                    for r in resources
                ]
                sys.stdout.write(json.dumps({"environment": env, "resources": rows}, indent=2) + "\n")
                return EXIT_OK
            table = Table("kind", "namespace", "name", "from", title=f"{env}: {len(resources)} resources")
            for r in resources:
                table.add_row(r.kind, r.namespace, r.name, shown_origin(root, r.origin))
            make_console().print(table)
            return EXIT_OK

        names = environments()
        if not names:
            raise ManifestError("no environments found (folders under overlays/ with a kustomization file)")
        summaries: dict[str, dict[str, Any]] = {}
        failed = False
        for name in names:
            try:
                summaries[name] = summarise(build(resolve_target(name)))
            except ManifestError as exc:
                print(f"error: {name}: {exc}", file=sys.stderr)
                summaries[name] = {"error": str(exc)}
                failed = True
        if output is ListOutput.json:
            sys.stdout.write(json.dumps({"environments": summaries}, indent=2) + "\n")
        else:
            table = Table("environment", "resources", "replicas", "images")
            for name, s in summaries.items():
                if "error" in s:
                    table.add_row(name, "error", "", "")
                    continue
                table.add_row(name, str(s["resources"]), _replica_cell(s), "\n".join(s["images"]))
            make_console().print(table)
        return EXIT_ERROR if failed else EXIT_OK

    raise typer.Exit(run_guarded(run, error_writer(output, command="list")))
