"""Reading container image references: ``[registry/]repository[:tag][@digest]``."""

from __future__ import annotations


def split_image(image: str) -> tuple[str, str, str]:
    """(repository, tag, digest); tag and digest are '' when absent."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest
    return name, "", digest
