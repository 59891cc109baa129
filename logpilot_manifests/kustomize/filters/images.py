"""images: rewrite matching container images, in kustomize's two passes.

kustomize's image transformer first rewrites the image of every container and init container wherever it
appears (its legacy pass), then every image its field specs reach (``specs.IMAGES``). Each pass matches the
image as it then is, so an update that keeps the name matching is applied twice where both passes reach:
``tagSuffix: -x`` turns a Deployment's ``nginx:1.0`` into ``nginx:1.0-x-x`` (a CronJob's, which only the first
pass reaches, into ``nginx:1.0-x``), while with ``newName`` the second pass no longer matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..fieldspec import FieldSpec, visit
from ..resource import Resource

if TYPE_CHECKING:
    from ..plugins import Image

_CONTAINER_FIELDS = ("containers", "initContainers")


def split_image(image: str) -> tuple[str, str, str]:
    """'reg:5000/app:1.2@sha256:..' -> ('reg:5000/app', '1.2', 'sha256:..'), as kustomize splits it."""
    slash = image.find("/")
    search = image[slash:] if slash > 0 else image
    offset = slash if slash > 0 else 0
    at = search.find("@")
    colon = search.find(":")
    if colon < 0 and at < 0:
        return image, "", ""
    if at >= 0 and (at < colon or colon < 0):
        at += offset
        return image[:at], "", image[at + 1 :]
    if at >= 0 and colon >= 0:
        at += offset
        colon += offset
        return image[:colon], image[colon + 1 : at], image[at + 1 :]
    colon += offset
    return image[:colon], image[colon + 1 :], ""


def _updater(spec: Image) -> Callable[[str], str]:
    pattern = re.compile("^" + spec.name + r"(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$")

    def update(value: str) -> str:
        if not pattern.match(value):
            return value
        name, tag, digest = split_image(value)
        if spec.new_name:
            name = spec.new_name
        if spec.new_tag and spec.digest:
            tag, digest = spec.new_tag, spec.digest
        elif spec.new_tag:
            tag, digest = spec.new_tag, ""
        elif spec.digest:
            tag, digest = "", spec.digest
        elif spec.tag_suffix:
            tag, digest = tag + spec.tag_suffix, ""
        if tag:
            name += ":" + tag
        if digest:
            name += "@" + digest
        return name

    return update


def _walk(node: Any, update: Callable[[str], str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _walk(value, update)
            if key in _CONTAINER_FIELDS and isinstance(value, list):
                for container in value:
                    if isinstance(container, dict):
                        image = container.get("image")
                        if isinstance(image, str):
                            container["image"] = update(image)
    elif isinstance(node, list):
        for item in node:
            _walk(item, update)


def set_image(resources: list[Resource], image: Image, specs: Iterable[FieldSpec]) -> None:
    update = _updater(image)
    specs = tuple(specs)

    def setter(parent: dict[str, Any], key: str) -> None:
        value = parent.get(key)
        if isinstance(value, str):
            parent[key] = update(value)

    for res in resources:
        if res.kind == "CustomResourceDefinition":
            continue
        _walk(res.obj, update)
        for spec in specs:
            if spec.applies_to(res):
                visit(res.obj, spec.path, setter)
