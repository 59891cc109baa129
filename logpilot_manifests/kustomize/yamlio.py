"""YAML in and out, the way kustomize reads and writes it.

``load_documents`` parses a (multi-document) YAML text into plain Python values; ``dump_documents`` writes
objects as kustomize prints them (``---`` between documents).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import YamlError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_documents(text: str, source: str) -> list[Any]:
    """Parse every document of ``text``; empty documents are dropped. Errors name ``source`` and the line."""
    try:
        return [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"malformed YAML: {problem}", file=source, line=line) from None


def dump_documents(objs: list[Any]) -> str:
    """Serialise objects as a multi-document YAML stream."""
    return "---\n".join(
        yaml.dump(o, Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True)
        for o in objs
    )
