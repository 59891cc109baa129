"""The differential corpus for the YAML reader and writer: inputs that kustomize must print in one exact way.

Each case is one resource file (custom kind ``example.com/v1 Sample``, so kustomize applies no field-specific
conversion). ``regen`` writes every case's input and kubectl's output beside this file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from logpilot_manifests.yaml.keyorder import go_key_less


def _split(text: str) -> list[str]:
    return text.split()


# Words and number-like text that one go-yaml version or the other resolves to a non-string.
_WORDS = _split("""y Y yes Yes YES yEs n N no No NO on On ON off Off OFF true True TRUE tRue false False FALSE
null Null NULL nULL ~ <<  = .inf .Inf .INF -.inf +.inf .nan .NaN .NAN inf Infinity NaN nan .iNf""")

_NUMBERS = _split("""0 00 010 08 09 019 0x1F 0X1f 0x 0xG 0o17 0O17 0o 0o8 0b101 0B101 0b 0b2 -0b101 0b-1 0o+7 -0o7
1_000 _1 1_ 1__0 0_755 +1 -1 + - +0 -0 1e3 1E3 1e+3 1e-3 .5 -.5 +.5 1. -1. 1.5e 1e 1e+ e3 . .. 1.2.3 .5e3 ._5
1:20 1:20:30 -1:20 +1:20 1:60 1:2.5 190:20:30.15 1_0:20 a:20 12345678901234567890 123456789012345678901234
1e999 -1e999 .5e999 1e-999 0xFFFFFFFFFFFFFFFFFF 9223372036854775807 9223372036854775808 -9223372036854775808
-9223372036854775809 18446744073709551615 18446744073709551616 1_2_3 0.0 0e0 0x_1F 0b_1 +0x10 -0x10 0x10_00
1/2 1,000 1.0.0 v1 1a 0.1 3.14159 1e6 1.5e6 6.02e23 1e-7 0.000001 0.0000001 100000 1000000""")

_TIMESTAMPS = [
    "2001-12-14",
    "2001-12-14T21:59:43Z",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14T21:59:43.10+00:00",
    "2001-12-14T21:59:43.10-00:00",
    "2001-12-14 21:59:43.10",
    "2001-12-14  21:59:43",
    "2001-12-14T21:59:43",
    "2001-02-29",
    "2000-02-29",
    "1900-02-29",
    "2001-13-01",
    "2001-1-1",
    "2001-1-1T1:2:3Z",
    "01-12-14",
    "20011-12-14",
    "2001-12-14T24:00:00Z",
    "2001-12-14T23:60:00Z",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14T21:59:43+05:30",
    "2001-12-14T21:59:43,5Z",
    "2001-12-14T21:59:43.1234567891Z",
    "2001-12-14T21:59:43.000Z",
    "2001-12-14T21:59:43+25:00",
    "2001-12-14 21:59:43Z",
    "0000-01-01",
    "2001-12-14x",
    "2001-12",
]

_INDICATORS = _split("""- -a -- --- ... ? ?a : :a a: a:b a::b a:- #a a#b , ,a a,b [ [a] ] { {a} } &a *a !a ! | |a > >a ' 'a' " "a" % %a @a
`a a'b It's a"b a\\b \\ a|b a>b a&b a*b a!b a%b a@b a`b a{b a[b a}b a]b a?b a? a?- a- -- -1a =a a= <<a ~a a~
@ ` %YAML %TAG ---a ...a a--- a... ::""")

_SPACED = [
    "- a",
    "--- a",
    "... a",
    "? a",
    ": a",
    "a: b",
    "a :b",
    "a # b",
    "a #b",
    "a ? b",
    "a - b",
    "a , b",
    "a [b] {c}",
    "key: value",
    "http://x.example/a#b",
    " ",
    "  ",
    " a",
    "a ",
    " a ",
    "a  b",
    "a   b",
    "\t",
    "a\tb",
    "\ta",
    "a\t",
    "a \t",
    "\t a",
    "\u00a0",
    "a\u00a0b",
    "\u00a0a",
    "a\u00a0",
    "hello world",
    'It\'s a "test"',
    "echo 'hi' && exit 0",
    "-Xmx512m -Xms256m",
    "${VAR}",
    "$(VAR)",
    "{{ .Values.x }}",
    "[1, 2]",
    "{a: 1}",
    "a,b,c",
]

_CONTROL = [chr(c) for c in range(0x20) if c not in (0x0A, 0x0D)] + ["\x85", "\xa0\x85"]
_UNICODE = [
    "héllo",
    "日本語",
    "Ünïcödé",
    "ß",
    "שלום",
    "e\u0301",
    "\u2028",
    "a\u2028b",
    "a\u2029b",
    "a\u2028",
    "\u2028a",
    "a\u2028 b",
    "\ufeff",
    "\ufeffab",
    "a\ufeffb",
    "\ufeffa\u00e9\u00a0b",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\ue000",
    "\ud7ff",
    "😀",
    "a😀b",
    "\U00010000",
    "\U0010ffff",
    "ctrl\x01",
    "nul\x00x",
    "bell\x07",
    "esc\x1b[0m",
]

_MULTILINE = [
    "a\n",
    "a\nb",
    "a\nb\n",
    "a\nb\n\n",
    "a\nb\n\n\n",
    "\n",
    "\n\n",
    "\na",
    "\na\n",
    " a\nb",
    "  a\nb\n",
    "a\n b",
    "a \nb",
    "a\n\nb",
    "a\n \nb",
    "a\n\n",
    "\n\na",
    "a\r\nb",
    "a\rb",
    "\r\n",
    "a\nb   \n",
    "line1\nline2   \n",
    "a\tb\nc",
    "a\n\tb",
    "\ta\nb",
    "a\n\x01",
    "a\nb\u2028c",
    "a\u2028\nb",
    "a\n\u2028",
    "a\n\u2028b",
    "#a\nb",
    "- a\nb",
    "a: b\nc",
    "'a'\nb",
    '"a"\nb',
    "a\n---\nb",
    "---\na",
    "a\n...",
    "a\n ",
    "a\n b\n",
    " \n",
    "\n ",
    "x\n\n\ny",
    "a\n\t",
    "😀\nb",
    "é\nb",
    "\ufeffa\nb",
    "a\x85b\nc",
    "[section]\nkey = value\n",
    '#!/bin/sh\nset -e\necho "hi" | tr a b\n',
    '{\n  "json": true\n}\n',
    "  indented\n    more\n",
    "trailing\n\n\n\n",
    "a\nbb\nccc\n" * 3,
]


def _long_strings() -> list[str]:
    """Strings around the 80-column folding limit, in every style that can fold."""
    words = " ".join(f"word{i}" for i in range(30))
    out = [
        words,
        "x" * 100,
        "y" * 79 + " z",
        "a " * 50,
        "a  b " * 20,
        "tab\t" + words,
        "@" + words,
        "It's " + words + " 'quoted'",
        "\\" + words,
        "'" + words + "'",
        words + " " + "é" * 40,
        words.replace(" ", "  "),
        words.replace(" ", "\t "),
        "ctrl\x01 " + words,
        "😀 " + words,
        "yes " + words,
        words + "\n" + words,
        words + "\n" + words + "\n",
        "  " + words + "\n",
        "--- " + words,
        "a" * 128,
        "b" * 129,
        "é" * 64,
        "é" * 65,
    ]
    for n in (60, 66, 70, 72, 74, 76, 78, 80, 82):
        out.append(("abc " * 30)[:n].strip() + " end")
        out.append("\t" + ("abc " * 30)[:n].strip() + " end")
        out.append("@" + ("abc " * 30)[:n].strip() + " end")
    return out


# Strings kustomize cannot print at all (encoding/json leaves these characters raw, go-yaml's reader refuses them).
REJECTED_STRINGS = ["\x7f", "\x80", "\x9f", "a\ufffeb", "\uffff"]
_REJECTED_CHARS = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
# A NEL in a key is a line break to go-yaml when it re-reads kustomize's JSON, so such keys fail too.
REJECTED_KEYS = ["\x85", "a\x85b"]


def tricky_strings() -> list[str]:
    """Several hundred strings of every shape that matters to go-yaml's emitter, in a fixed order."""
    seen: set[str] = set()
    out: list[str] = []
    groups = (_WORDS, _NUMBERS, _TIMESTAMPS, _INDICATORS, _SPACED, _CONTROL, _UNICODE, _MULTILINE)
    for group in (*groups, _long_strings(), [""]):
        for s in group:
            if s not in seen and not _REJECTED_CHARS.search(s):
                seen.add(s)
                out.append(s)
    return out


def plain_tokens() -> list[str]:
    """Unquoted scalars whose type go-yaml v3 decides (numbers, booleans, nulls, timestamps...)."""
    extra = _split("""1.0 1e3 0.1e-5 1e20 1e21 1e22 123456789.5 1234567.5 123456.5 1e-6 5e-324 1.7976931348623157e308
2.5e-5 0.0001 0.00001 1e15 1e16 123456789012345678 9007199254740993 -0.0 +0.0 1.5 -2.5e-3 1e+06 0.5e1
12345678901234567890.5 99999999999999999999 1e19 1.8446744073709552e19 2e19 -1e19 -9.3e18""")
    # .inf/.nan make kustomize fail, and a plain "<<" is a merge key: those are tested as errors elsewhere.
    bad = {".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "<<", "-", "+"}
    toks = [t for t in (*_WORDS, *_NUMBERS, *extra) if t not in bad and t[0] not in "?:,[]{}#&*!|>'\"%@`"]
    toks += [t for t in _TIMESTAMPS if " " not in t]
    return list(dict.fromkeys(toks))


def dq(s: str) -> str:
    """``s`` as a YAML double-quoted scalar that both libyaml and go-yaml read back exactly."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= o < 0x7F:
            out.append(c)
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def _header(name: str) -> str:
    return f"apiVersion: example.com/v1\nkind: Sample\nmetadata:\n  name: {name}\n"


def _strings_case() -> str:
    strs = tricky_strings()
    lines = [_header("strings"), "spec:\n  items:\n"]
    lines += [f"  - {dq(s)}\n" for s in strs]
    lines.append("  values:\n")
    lines += [f"    v{i:03d}: {dq(s)}\n" for i, s in enumerate(strs)]
    lines.append("  nested:\n    deeper:\n      deepest:\n")
    lines += [
        f"      - k: {dq(s)}\n        seq:\n        - {dq(s)}\n" for s in strs if len(s) > 40 or "\n" in s
    ]
    return "".join(lines)


def deterministic_keys(keys: list[str]) -> list[str]:
    """``keys`` less those that make go-yaml's key order non-transitive.

    For such sets Go's result depends on the random order of map iteration, so kustomize prints them differently
    from run to run; a golden file can only hold sets where the order is total.
    """
    less = go_key_less
    keys = list(dict.fromkeys(keys))
    while True:
        order = sorted(
            keys, key=functools.cmp_to_key(lambda a, b: -1 if less(a, b) else (1 if less(b, a) else 0))
        )
        bad: dict[str, int] = {}
        for i, a in enumerate(order):
            for b in order[i + 1 :]:
                if not less(a, b):
                    bad[a] = bad.get(a, 0) + 1
                    bad[b] = bad.get(b, 0) + 1
        if not bad:
            return keys
        keys.remove(max(bad, key=lambda k: (bad[k], k)))


def _keys_case() -> str:
    strs = deterministic_keys([s for s in tricky_strings() if "\x85" not in s])
    lines = [_header("keys"), "spec:\n  keys:\n"]
    lines += [f"    {dq(s)}: {i}\n" for i, s in enumerate(strs)]
    lines.append("  seqOfMaps:\n")
    lines += [f"  - {dq(s)}: {dq(s)}\n" for s in strs if len(s) > 40 or "\n" in s]
    order = (
        "a b f1 f2 f11 a01 a1 a001 a10 A B Z _x x_ 1 9 10 01 001 a0 a00 a0b a0a é ä 日 a.b a-b a/b a1b a1a"
    )
    lines.append("  order:\n")
    lines += [f"    {dq(k)}: 1\n" for k in deterministic_keys(order.split())]
    lines.append("  smallMaps:\n")
    for group in (
        "f11 f2 f1",
        "a10 a2 a1",
        "x-10 x-9 x-1",
        "v1beta1 v1 v1alpha2 v10",
        "k.8 k.80 k.9",
        "_ - . 0 A a",
    ):
        lines.append("  - " + ", ".join(f"{dq(k)}: 1" for k in group.split()).join("{}") + "\n")
    return "".join(lines)


def _plain_case() -> str:
    toks = plain_tokens()
    lines = [_header("plain"), "spec:\n  list:\n"]
    lines += [f"  - {t}\n" for t in toks]
    lines.append("  map:\n")
    lines += [f"    p{i:03d}: {t}\n" for i, t in enumerate(toks)]
    return "".join(lines)


_INPUT_STYLES = """\
# A comment before the document
apiVersion: example.com/v1   # trailing comment
kind: Sample
metadata:
  name: input-styles
spec:
  literal: |
    line one
      indented
    line three
  literalStrip: |-
    no trailing newline
  literalKeep: |+
    keep

  literalIndent: |2
      two extra spaces
    back
  folded: >
    folded text
    joins lines

    keeps paragraphs
      and more-indented lines
  foldedStrip: >-
    a
    b
  plainMulti: this plain
    scalar spans
    three lines
  singleMulti: 'single

    quoted ''text'''
  doubleMulti: "double \\
    continued\\ttab \\u00e9 \\x41 \\U0001F600"
  flow: {a: 1, b: [x, y, {c: d}], "e f": 'g'}
  flowSeq: [1, two, 3.0, null, true, "yes"]
  emptyFlowMap: {}
  emptyFlowSeq: []
  emptyValue:
  tilde: ~
  anchors:
    base: &base {x: 1, y: two}
    copy: *base
    merged:
      <<: *base
      x: 10
    multi:
      <<: [*base, {z: 3, x: 0}]
    str: &s some text
    strCopy: *s
  tags:
    s: !!str 123
    i: !!int "42"
    f: !!float 7
    b: !!bool "false"
    n: !!null ""
    custom: !thing value
    customMap: !thing {a: 1}
    bin: !!binary aGVsbG8gd29ybGQ=
    ts: !!timestamp 2001-12-14
  ? complex key
  : complex value
  "quoted key": 1
  'single key': 2
  key with spaces: 3
  nested:
  - - a
    - b
  - - []
    - {}
  - name: x
    value: "1"
  -
  - ""
  deep: {a: {b: {c: {d: [1, [2, [3, {e: f}]]]}}}}
"""

_MULTI_DOC = """\
---
apiVersion: example.com/v1
kind: Sample
metadata:
  name: multi-a
spec:
  n: 1
---
# only a comment
---
---
apiVersion: example.com/v1
kind: Sample
metadata:
  name: multi-b
spec:
  list:
  - a
  -   b
  - c:   d
    e: f
...
---
apiVersion: example.com/v1
kind: Sample
metadata: {name: multi-c}
spec: {x: [], y: {}, z: [[], [{}]]}
"""


_EDGE_INPUTS = """\ufeffapiVersion: example.com/v1
kind: Sample
metadata:
  name: edge-inputs
spec:
  tabInPlain: x	y
  trailingSpacesInLiteral: |
    x\x20\x20
    y
  comments: # c
    # c
    a: 1 # c
    b: [1, # c
      2]
  flowMultiline: {a: [1,
    2], b: {c: d,
    e: f}}
  flowEmpty: {a: , b, ? c, "d", e: ~, f: null, g: "", h: {i: }, j: [k: ], l: [{m}]}
  flowSeqTrailingComma: [e, ]
  blockEmpty:
  blockComplexEmpty:
    ? k
  longPlainInput: word word word word word word word word word word word word word word word word word word word word word end
  nestedSeqIndent:
    - b: 1
      c:
        - d
    - - e
  anchorOnSeq: &x [1, 2]
  aliasOfSeq: *x
  mergeOrder:
    base1: &b1 {a: 1, b: 1}
    base2: &b2 {b: 2, c: 2}
    m:
      <<: [*b1, *b2]
      c: 3
  mergeInline:
    <<: {a: 1, z: 0}
    b: 2
  quotedMergeKeyIsDropped: {"<<": {x: 1}, kept: 1}
  folded: >
    x

     y
    z
  foldedKeep: >+
    p


  foldedIndented: >2
     lead
    q
  foldedLeadingBlank: >

    after blank
  foldedTab: >
    w w end
    \ttabbed

    x
  foldedTabKeep: >+
    lead

    \ttabbed


  literalTab: |
    x
    \ty
  literalKeep: |+
    x

  literalStrip: |-
    y


  singleQuoteMultiline: 'x
    y

    z'
  doubleQuoteEscapes: "\\x41\\u00e9\\U0001F600\\t\\n\\\\\\"\\ \\_\\N\\L\\P\\0\\a\\e\\v\\\t."
  quoteEscape: "it\\'s \\\\' \\'"
  tagged: {a: !!seq [1], b: !!map {c: 1}, c: !!str , d: !!binary /w==, e: !!timestamp 2001-12-14 21:59:43.10}
  quotedNumberKeys: {'1': a, "2.5": b, 'true': c, 'null': d}
...
"""


def cases() -> Iterator[tuple[str, str]]:
    """(case name, resource file text) for every golden case."""
    yield "strings", _strings_case()
    yield "keys", _keys_case()
    yield "plain", _plain_case()
    yield "input_styles", _INPUT_STYLES
    yield "multi_doc", _MULTI_DOC
    yield "edge_inputs", _EDGE_INPUTS
    yield "crlf", _INPUT_STYLES.replace("input-styles", "crlf").replace("\n", "\r\n")
