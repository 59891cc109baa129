"""YAML text exactly as ``kustomize build`` (v5.5.0) writes it: JSON, then sigs.k8s.io/yaml's go-yaml v2 encoder.

- keys in go-yaml's order (``keyorder``);
- floats as Go prints them after encoding/json (``scalars.format_float``);
- strings in go-yaml v2's scalar styles: double-quoted when they would read back as another type (YAML 1.1
  booleans, numbers, nulls, timestamps, base-60 numbers), single-quoted when plain is not allowed, literal
  block (``|``, ``|-``, ``|+``, ``|2``) when they contain a newline and a block is allowed, double-quoted with
  libyaml's escapes otherwise (control characters, characters above U+FFFF, a leading BOM escapes every
  character); plain, single- and double-quoted text folded at column 80; NEL characters folded as go-yaml
  reads them in JSON; strings kustomize cannot print (raw C1 controls, U+FFFE/U+FFFF, NEL in keys) refused.

The emitter is go-yaml v2's (libyaml's), specialised to block style with best_indent 2 and best_width 80.
String renderings and key orders are memoised, which makes dumping cheap.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import YamlError
from .keyorder import clear_cache as clear_key_order_cache
from .keyorder import sorted_keys
from .scalars import format_float, needs_quotes

__all__ = ["clear_caches", "dump_documents", "v3_block_allowed"]


_WIDTH = 80
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
# One line break, or the characters between two
_LINE_RUNS = re.compile("[\r\n\x85\u2028\u2029]|[^\r\n\x85\u2028\u2029]+")
_PLAIN, _SINGLE, _DOUBLE, _LITERAL = 1, 2, 3, 4
_FIRST_BOTH = frozenset("#,[]{}&*!|>'\"%@`")
_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _printable(c: str) -> bool:
    """libyaml's is_printable, per code point (4-byte UTF-8 characters such as emoji are not 'printable')."""
    o = ord(c)
    return o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


# What yaml_emitter_analyze_scalar looks for, found by searching the string rather than by libyaml's loop over
# every character (long multi-line values, such as configuration files in ConfigMaps, are common). The
# characters that are not printable are listed, not excluded: the class of the printable ones is costly to compile.
_NOT_PRINTABLE = re.compile("[\x00-\t\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\U00010000-\U0010ffff]")
_BREAK_SPACES = tuple(b + " " for b in _BREAKS)
_SPACE_BREAKS = tuple(" " + b for b in _BREAKS)
_WS_COMMENTS = tuple(w + "#" for w in (" ", "\t", "\0", *_BREAKS))


class _Analysis:
    """What yaml_emitter_analyze_scalar finds out about a string."""

    __slots__ = ("multiline", "plain", "single", "block")

    def __init__(self, s: str) -> None:
        if not s:
            self.multiline, self.plain, self.single, self.block = False, True, True, False
            return
        first, last = s[0], s[-1]
        block_ind = (
            s.startswith(("---", "..."))
            or first in _FIRST_BOTH
            or (first in "?:-" and (len(s) == 1 or s[1] in " \t"))
            # after the first character: ':' followed by a space, a tab or the end; '#' after white space
            or s.find(": ", 1) > 0
            or s.find(":\t", 1) > 0
            or (len(s) > 1 and last == ":")
            or any(w in s for w in _WS_COMMENTS)
        )
        line_breaks = not _BREAKS.isdisjoint(s)
        special = _NOT_PRINTABLE.search(s) is not None
        leading_space, leading_break = first == " ", first in _BREAKS
        trailing_space, trailing_break = last == " ", last in _BREAKS
        break_space = line_breaks and any(b in s for b in _BREAK_SPACES)
        space_break = line_breaks and any(b in s for b in _SPACE_BREAKS)
        plain = single = block = True
        if leading_space or leading_break or trailing_space or trailing_break or line_breaks or block_ind:
            plain = False
        if trailing_space:
            block = False
        if break_space:
            plain = single = False
        if space_break or special:
            plain = single = block = False
        self.multiline, self.plain, self.single, self.block = line_breaks, plain, single, block


def v3_block_allowed(value: str) -> bool:
    """Whether go-yaml v3's emitter keeps a block style for ``value``: as v2's rule, except that tabs are allowed."""
    return bool(value) and _Analysis(value.replace("\t", "x")).block


def _style(s: str, a: _Analysis, simple_key: bool) -> int:
    """yaml_emitter_select_scalar_style for a string as go-yaml v2's encoder requests it."""
    if "\n" in s:
        style = _LITERAL
    elif needs_quotes(s):
        style = _DOUBLE
    else:
        style = _PLAIN
    if simple_key and a.multiline:
        style = _DOUBLE
    if style == _PLAIN and (not a.plain or (not s and simple_key)):
        style = _SINGLE
    if style == _SINGLE and not a.single:
        style = _DOUBLE
    if style == _LITERAL and (not a.block or simple_key):
        style = _DOUBLE
    return style


class _Writer:
    """The emitter's column/indention state while one scalar is written (ports of libyaml's writers)."""

    __slots__ = ("out", "column", "indent", "whitespace", "indention")

    def __init__(self, column: int, indent: int) -> None:
        self.out: list[str] = []
        self.column = column
        self.indent = indent
        self.whitespace = False
        self.indention = False

    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break(self, c: str) -> None:
        self.out.append(c)
        self.column = 0

    def write_indent(self) -> None:
        if (
            not self.indention
            or self.column > self.indent
            or (self.column == self.indent and not self.whitespace)
        ):
            self.put_break()
        if self.column < self.indent:
            self.put(" " * (self.indent - self.column))
        self.whitespace = self.indention = True

    def indicator(self, text: str) -> None:
        if not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = False
        self.indention = False

    def plain(self, s: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = breaks = False
        n = len(s)
        for i, c in enumerate(s):
            if c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and i + 1 < n and s[i + 1] != " ":
                    self.write_indent()
                else:
                    self.put(c)
                spaces = True
            elif c in _BREAKS:
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(c)
                self.indention = spaces = breaks = False
        self.whitespace = self.indention = False

    def single(self, s: str, allow_breaks: bool) -> None:
        self.indicator("'")
        spaces = breaks = False
        n = len(s)
        for i, c in enumerate(s):
            if c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and 0 < i < n - 1 and s[i + 1] != " ":
                    self.write_indent()
                else:
                    self.put(c)
                spaces = True
            elif c in _BREAKS:
                if not breaks and c == "\n":
                    self.put_break()
                self.write_break(c)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put("''" if c == "'" else c)
                self.indention = spaces = breaks = False
        self.put("'")
        self.whitespace = self.indention = False

    def double(self, s: str, allow_breaks: bool) -> None:
        self.indicator('"')
        spaces = False
        bom = s.startswith("\ufeff")  # libyaml's is_bom looks at the string's start, whatever the position
        n = len(s)
        for i, c in enumerate(s):
            if bom or c == '"' or c == "\\" or c in _BREAKS or not _printable(c):
                esc = _ESCAPES.get(c)
                if esc is None:
                    o = ord(c)
                    esc = f"x{o:02X}" if o <= 0xFF else (f"u{o:04X}" if o <= 0xFFFF else f"U{o:08X}")
                self.put("\\" + esc)
                spaces = False
            elif c == " ":
                if allow_breaks and not spaces and self.column > _WIDTH and 0 < i < n - 1:
                    self.write_indent()
                    if s[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(c)
                spaces = True
            else:
                self.put(c)
                spaces = False
        self.put('"')
        self.whitespace = self.indention = False

    def literal(self, s: str) -> None:
        self.indicator("|")
        if s[:1] == " " or s[:1] in _BREAKS:
            self.put("2")
        last = s[-1:]
        if not last or last not in _BREAKS:
            self.put("-")
        elif len(s) == 1 or s[-2] in _BREAKS:
            self.put("+")
        self.put_break()
        self.indention = self.whitespace = True
        breaks = True
        # libyaml writes character by character; a run of characters between breaks is written as one piece
        for run in _LINE_RUNS.findall(s):
            if run in _BREAKS:
                if run == "\n":
                    self.put_break()
                else:
                    self.write_break(run)
                self.indention = breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(run)
                self.indention = breaks = False


def _write_scalar(
    s: str, style: int, column: int, indent: int, allow_breaks: bool, root: bool = False
) -> str:
    """The text of one string scalar written from ``column``; it starts with the separating space unless ``root``."""
    w = _Writer(column, indent)
    if root:
        w.whitespace = w.indention = True
    if style == _PLAIN:
        w.plain(s, allow_breaks)
    elif style == _SINGLE:
        w.single(s, allow_breaks)
    elif style == _DOUBLE:
        w.double(s, allow_breaks)
    else:
        w.literal(s)
    return "".join(w.out)


# Characters that encoding/json leaves raw and go-yaml's reader then refuses, so kustomize fails on them.
_JSON_RAW_CONTROL = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


_NEL_RUN = re.compile(" *\x85[ \x85]*")


def _fold_nel(s: str) -> str:
    """What a string with NEL characters becomes in kustomize's JSON-to-YAML step.

    encoding/json leaves U+0085 raw, and go-yaml reads it as a line break inside the double-quoted JSON string:
    spaces around the break are dropped, one break folds to a space, and n breaks to n-1 newlines.
    """

    def fold(m: re.Match[str]) -> str:
        n = m.group().count("\x85")
        return " " if n == 1 else "\n" * (n - 1)

    return _NEL_RUN.sub(fold, s)


# ASCII text that the emitter writes plain or, when it reads as another type, double-quoted without escapes:
# no leading or trailing space, no indicator at the start, no ": " or " #" inside.
_SIMPLE_TEXT = re.compile(r"[A-Za-z0-9_/]([A-Za-z0-9_./=+@%,~()<>$^ -]*[A-Za-z0-9_./=+@%,~()<>$^-])?\Z")


class _StrInfo:
    """Memoised facts about one string: its single-line rendering and how far right it may start unfolded."""

    __slots__ = ("value", "style", "text", "limit", "key", "simple", "bad_value", "bad_key")

    def __init__(self, s: str) -> None:
        if _SIMPLE_TEXT.match(s):
            # Common words, names, paths, images: no indicator, escape or break can occur, so the emitter's
            # analysis reduces to "plain unless it would read back as another type, then double-quoted".
            self.value = s
            self.bad_value = self.bad_key = ""
            self.style = _DOUBLE if needs_quotes(s) else _PLAIN
            self.text = ' "' + s + '"' if self.style == _DOUBLE else " " + s
            self.limit = _WIDTH + 2 - len(self.text)
            self.simple = len(s) <= 128
            self.key = self.text if self.simple else ""
            return
        bad = _JSON_RAW_CONTROL.search(s)
        self.bad_value = (
            f"cannot write {s!r}: kustomize fails on the control character U+{ord(bad.group()):04X}"
            " (yaml: control characters are not allowed)"
            if bad
            else ""
        )
        # In a key, a raw NEL (which JSON does not escape) is a line break to go-yaml, and kustomize fails.
        self.bad_key = self.bad_value or (
            f"cannot write the mapping key {s!r}: kustomize fails on a NEL (U+0085) in a key"
            if "\x85" in s
            else ""
        )
        if "\x85" in s:
            s = _fold_nel(s)
        self.value = s
        a = _Analysis(s)
        self.style = _style(s, a, False)
        # Written after a separating space at column c, nothing folds while c + len(text) <= _WIDTH + 1.
        if self.style == _LITERAL or a.multiline:
            self.text = ""
            self.limit = -1
        else:
            self.text = _write_scalar(s, self.style, 1, 2, False)
            self.limit = _WIDTH + 2 - len(self.text)
        # As a mapping key: a simple key when single-line and at most 128 UTF-8 bytes long.
        self.simple = not a.multiline and len(s.encode("utf-8", "surrogatepass")) <= 128
        self.key = _write_scalar(s, _style(s, a, True), 1, 2, False) if self.simple else ""


_INFO: dict[str, _StrInfo] = {}
_INFO_LIMIT = 100_000


def _info(s: str) -> _StrInfo:
    """Facts about ``s``, memoised; strings kustomize cannot write raise ``YamlError`` (keys are checked apart)."""
    info = _INFO.get(s)
    if info is None:
        info = _StrInfo(s)
        if info.bad_value:
            raise YamlError(info.bad_value)
        if len(_INFO) >= _INFO_LIMIT:
            _INFO.clear()
        _INFO[s] = info
    return info


def _scalar_text(v: Any, column: int, indent: int) -> tuple[str, bool]:
    """A non-collection value whose first character lands at ``column``: (its text, whether it ended a line)."""
    if isinstance(v, str):
        v = str(v)
        info = _INFO.get(v) or _info(v)
        if column <= info.limit:
            return info.text[1:], False
        text = _write_scalar(info.value, info.style, column - 1, indent, True)[1:]
        return text, text[-1:] in _BREAKS
    return _atom(v), False


def _atom(v: Any) -> str:
    """Text of a non-string scalar as printed after kustomize's JSON round trip."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return format_float(v)
    raise TypeError(f"cannot write a {type(v).__name__} as YAML")


def _emit_map(d: dict[str, Any], indent: int, out: list[str], inline: bool) -> None:
    """A non-empty block mapping at ``indent``; with ``inline`` the first key continues the current line."""
    pad = " " * indent
    child = indent + 2
    for k in sorted_keys(d):
        v = d[k]
        if inline:
            inline = False
        else:
            out.append(pad)
        info = _INFO.get(k) or _info(k)
        if info.bad_key:
            raise YamlError(info.bad_key)
        if not info.simple:
            _emit_complex_entry(k, v, indent, out)
            continue
        key = info.key
        cls = v.__class__
        if cls is dict:
            if v:
                out.append(key[1:] + ":\n")
                out.append(" " * child)
                _emit_map(v, child, out, True)
            else:
                out.append(key[1:] + ": {}\n")
        elif cls is list:
            if v:
                out.append(key[1:] + ":\n")
                _emit_seq(v, indent, out, False)
            else:
                out.append(key[1:] + ": []\n")
        elif cls is str:
            vi = _INFO.get(v) or _info(v)
            col = indent + len(key) + 1  # the value starts after "key: "
            if col <= vi.limit:
                out.append(key[1:] + ":" + vi.text + "\n")
            else:
                text, ends = _scalar_text(v, col, child)
                out.append(key[1:] + ": " + text + ("" if ends else "\n"))
        elif isinstance(v, dict | list):
            _emit_entry_value(key[1:] + ":", v, indent, out)
        else:
            text, ends = _scalar_text(v, indent + len(key) + 1, child)
            out.append(key[1:] + ": " + text + ("" if ends else "\n"))


def _emit_entry_value(prefix: str, v: Any, indent: int, out: list[str]) -> None:
    """Mapping values of dict/list subclasses (the fast path handles exact types)."""
    if isinstance(v, dict):
        if v:
            out.append(prefix + "\n" + " " * (indent + 2))
            _emit_map(v, indent + 2, out, True)
        else:
            out.append(prefix + " {}\n")
    elif v:
        out.append(prefix + "\n")
        _emit_seq(v, indent, out, False)
    else:
        out.append(prefix + " []\n")


def _emit_complex_entry(k: str, v: Any, indent: int, out: list[str]) -> None:
    """A key that cannot be a simple key (multi-line, or over 128 bytes): ``? key`` then ``: value``."""
    text, ends = _scalar_text(k, indent + 2, indent + 2)
    out.append("? " + text + ("" if ends else "\n"))
    out.append(" " * indent + ":")
    _emit_item_value(v, indent, out)


def _emit_item_value(v: Any, indent: int, out: list[str]) -> None:
    """A node written after a ``-`` (or a complex key's ``:``) indicator at ``indent``."""
    if isinstance(v, dict):
        if v:
            out.append(" ")
            _emit_map(v, indent + 2, out, True)
        else:
            out.append(" {}\n")
    elif isinstance(v, list):
        if v:
            out.append(" ")
            _emit_seq(v, indent + 2, out, True)
        else:
            out.append(" []\n")
    else:
        text, ends = _scalar_text(v, indent + 2, indent + 2)
        out.append(" " + text + ("" if ends else "\n"))


def _emit_seq(items: list[Any], indent: int, out: list[str], inline: bool) -> None:
    """A non-empty block sequence whose dashes sit at ``indent``."""
    pad = " " * indent
    col = indent + 2
    for v in items:
        if inline:
            inline = False
            out.append("-")
        else:
            out.append(pad + "-")
        if v.__class__ is str:
            vi = _INFO.get(v) or _info(v)
            if col <= vi.limit:
                out.append(vi.text + "\n")
                continue
        _emit_item_value(v, indent, out)


def _dump_one(obj: Any) -> str:
    out: list[str] = []
    if isinstance(obj, dict):
        if obj:
            _emit_map(obj, 0, out, True)
        else:
            out.append("{}\n")
    elif isinstance(obj, list):
        if obj:
            _emit_seq(obj, 0, out, True)
        else:
            out.append("[]\n")
    elif isinstance(obj, str):
        info = _info(str(obj))
        text = _write_scalar(info.value, info.style, 0, 2, True, root=True)
        out.append(text if text[-1:] in _BREAKS else text + "\n")
    else:
        out.append(_atom(obj) + "\n")
    return "".join(out)


def dump_documents(objs: list[Any]) -> str:
    """The exact text ``kustomize build`` prints for ``objs`` (documents joined by ``---``).

    Raises ``YamlError`` for values kustomize cannot write (its message quotes the value).
    """
    return "---\n".join([_dump_one(o) for o in objs])


def clear_caches() -> None:
    """Forget the memoised string renderings and key orders (benchmarks measure a cold start with it)."""
    _INFO.clear()
    clear_key_order_cache()
