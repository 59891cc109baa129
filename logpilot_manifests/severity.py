"""How bad a finding is, in a module of its own: a check that finds nothing needs the severities (to count
errors) but not the finding types (``findings``), whose making costs more at start-up."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is; ``error`` fails a command, ``warning`` is reported only."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """Higher is worse: for sorting and for "fail at this level or above"."""
        return 2 if self is Severity.ERROR else 1
