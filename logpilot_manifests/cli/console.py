"""The one place that decides colour and width: every command prints through these consoles.

Colour: ``auto`` (on a terminal, unless ``NO_COLOR`` is set to anything non-empty), ``always`` (also
``FORCE_COLOR``), ``never``. Without colour no escape sequence at all is written, bold included.
"""

from __future__ import annotations

import functools
import os
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


class ColorMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def wants_color(mode: ColorMode, is_terminal: bool) -> bool:
    if mode is ColorMode.never:
        return False
    if mode is ColorMode.always:
        return True
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal


def make_console(*, stderr: bool = False, color: ColorMode = ColorMode.auto) -> Console:
    """A console on stdout (or stderr); piped output is never wrapped (one line per item, greppable)."""
    from rich.console import Console

    probe = Console(stderr=stderr)
    on = wants_color(color, probe.is_terminal)
    common = functools.partial(
        Console, highlight=False, markup=False, emoji=False, soft_wrap=True, stderr=stderr
    )
    if on:
        return common(force_terminal=True) if not probe.is_terminal else common()
    return common(color_system=None, width=probe.width if probe.is_terminal else 500)
