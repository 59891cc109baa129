"""Keeping Secret values out of error messages. A build remembers every Secret it reads or generates (and the
literal sources of secretGenerators); an error escaping the build has those values replaced before anyone
prints it, whichever filter wrote the message."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from typing import Any

from ..errors import ManifestError
from .resource import Resource

HIDDEN = "(hidden Secret value)"
# Shorter values are too common as words to replace safely, and too short to be worth hiding.
MIN_LENGTH = 4


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value.replace("\n", ""), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


class SecretValues:
    """The Secret values one build has seen; scrubs them from error messages."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        self.resources: list[Resource] = []

    def add(self, value: Any) -> None:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            for part in (text, *text.splitlines()):
                if len(part.strip()) >= MIN_LENGTH:
                    self.values.add(part.strip())

    def add_object(self, obj: Any) -> None:
        """Remember the data of ``obj`` when it is a Secret."""
        if not isinstance(obj, dict) or obj.get("kind") != "Secret":
            return
        for name in ("data", "stringData"):
            section = obj.get(name)
            # a malformed section (a list, a bare string) still holds what was meant as secret
            values = (
                section.values()
                if isinstance(section, dict)
                else section
                if isinstance(section, list)
                else [section]
            )
            for value in values:
                self.add(value)
                if name == "data" and isinstance(value, str):
                    self.add(_decoded(value))

    def watch(self, resources: Iterable[Resource]) -> None:
        """Remember these Secrets now, and read them again when scrubbing (patches may change them)."""
        for res in resources:
            if res.kind == "Secret":
                self.add_object(res.obj)
                self.resources.append(res)

    def scrub_text(self, text: str) -> str:
        """``text`` with every known Secret value replaced."""
        for value in sorted(self.values, key=len, reverse=True):
            # as written, and as repr() and JSON escape it inside quotes
            for form in {value, repr(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}:
                if form in text:
                    text = text.replace(form, HIDDEN)
        return text

    def scrub(self, exc: ManifestError) -> None:
        """Replace every known Secret value in ``exc``'s message."""
        for res in self.resources:
            self.add_object(res.obj)
        message = self.scrub_text(exc.message)
        if message != exc.message:
            exc.message = message
            exc.args = (message,)
