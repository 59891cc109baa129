"""Field errors as the API server words them (``k8s.io/apimachinery/pkg/util/validation/field``).

A rule appends to an ``ErrorList`` with the same verbs the API server's validation uses (invalid, required,
not_supported, duplicate, forbidden, not_found, too_long); each error renders as the server's error body,
e.g. ``Unsupported value: "Never": supported values: "Always"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]
_OMIT = object()


def _show(value: Any) -> str:
    """Go's rendering of a value in an error body: strings quoted, numbers and booleans bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, default=_plain, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """A typed model (or a part of one) as the JSON it was read from; anything else as text."""
    import msgspec

    return msgspec.to_builtins(value) if isinstance(value, msgspec.Struct) else str(value)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rejection: where (path parts), of which type, and the detail text of the API server."""

    path: Path
    type: str
    detail: str = ""
    value: Any = _OMIT
    rule: str = ""

    @property
    def message(self) -> str:
        body = self.type
        if self.value is not _OMIT:
            body += f": {_show(self.value)}"
        if self.detail:
            body += f": {self.detail}"
        return body


class ErrorList(list[FieldError]):
    """The errors of one object; the verbs mirror ``field.Invalid``, ``field.Required`` and the others."""

    rule = "semantic"

    def invalid(self, path: Path, value: Any, detail: str) -> None:
        self.append(FieldError(path, "Invalid value", detail, value, self.rule))

    def invalid_each(self, path: Path, value: Any, details: Iterable[str]) -> None:
        for d in details:
            self.invalid(path, value, d)

    def required(self, path: Path, detail: str = "") -> None:
        self.append(FieldError(path, "Required value", detail, rule=self.rule))

    def forbidden(self, path: Path, detail: str) -> None:
        self.append(FieldError(path, "Forbidden", detail, rule=self.rule))

    def not_supported(self, path: Path, value: Any, supported: Sequence[str]) -> None:
        options = ", ".join(json.dumps(s) for s in supported)
        self.append(FieldError(path, "Unsupported value", f"supported values: {options}", value, self.rule))

    def duplicate(self, path: Path, value: Any) -> None:
        self.append(FieldError(path, "Duplicate value", "", value, self.rule))

    def not_found(self, path: Path, value: Any) -> None:
        self.append(FieldError(path, "Not found", "", value, self.rule))

    def too_long(self, path: Path, limit: int) -> None:
        self.append(FieldError(path, "Too long", f"may not be more than {limit} bytes", rule=self.rule))
