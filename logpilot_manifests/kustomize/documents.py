"""Resource documents read and written for a build: the YAML package plus the rules kustomize adds for
Kubernetes objects (annotation values are strings; a Secret's values never appear in a message)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import YamlError
from ..yaml import reader, writer
from ..yaml.scalars import scalar_text

_ANNOTATIONS = ("metadata", "annotations")


def _hide_secret(top_level: Mapping[str, str]) -> str | None:
    # a value quoted from a Secret would print the secret itself
    return "(hidden Secret value)" if top_level.get("kind") == "Secret" else None


def load_documents(text: str, source: str, *, patch: bool = False) -> list[Any]:
    """Every document of ``text`` as kustomize reads it (``YamlError`` with file and line when it cannot).

    Annotation values are text, as in kustomize; with ``patch`` (the documents are strategic merge patches of
    ``patches:``) a null annotation stays null, since there it says "delete this annotation"."""
    docs = reader.load_documents(text, source, keep_text=_ANNOTATIONS, redact=_hide_secret, keep_null=patch)
    for doc in docs:
        md = doc.get("metadata") if isinstance(doc, dict) else None
        annotations = md.get("annotations") if isinstance(md, dict) else None
        if isinstance(annotations, dict):
            for key, value in annotations.items():
                if not isinstance(value, str) and not (patch and value is None):
                    annotations[key] = scalar_text(value)
    return docs


def dump_documents(objs: list[Any]) -> str:
    """The exact text ``kustomize build`` prints for ``objs``; an error never quotes a Secret's value."""
    try:
        return writer.dump_documents(objs)
    except YamlError as exc:
        # the writer quotes what it cannot write; from a Secret that is the secret itself
        from .redact import SecretValues

        secrets = SecretValues()
        for obj in objs:
            secrets.add_object(obj)
        exc.message = secrets.scrub_text(exc.message)
        exc.args = (exc.message,)
        raise
