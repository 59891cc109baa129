"""The YAML reader and writer against kubectl kustomize: golden files, a live differential run, error paths."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from logpilot_manifests.errors import YamlError
from logpilot_manifests.kustomize.documents import dump_documents, load_documents
from logpilot_manifests.yaml import reader, writer
from logpilot_manifests.yaml.scalars import scalar_text
from tests.tools import require_kubectl
from tests.yamlio_golden.corpus import REJECTED_KEYS, REJECTED_STRINGS, deterministic_keys, dq, tricky_strings
from tests.yamlio_golden.regen import kustomize

GOLDEN = Path(__file__).resolve().parent / "yamlio_golden"
CASES = sorted(p.name.removesuffix(".input.yaml") for p in GOLDEN.glob("*.input.yaml"))


def roundtrip(text: str, source: str = "resource.yaml") -> str:
    return dump_documents(load_documents(text, source))


def sample(name: str, spec: str) -> str:
    return f"apiVersion: example.com/v1\nkind: Sample\nmetadata:\n  name: {name}\nspec:\n{spec}"


@pytest.mark.parametrize("case", CASES)
def test_output_matches_kubectl_golden(case: str) -> None:
    text = (GOLDEN / f"{case}.input.yaml").read_bytes().decode("utf-8")
    expected = (GOLDEN / f"{case}.expected.yaml").read_bytes().decode("utf-8")
    assert roundtrip(text) == expected


def test_golden_corpus_is_present() -> None:
    assert {"strings", "keys", "plain", "input_styles", "edge_inputs", "multi_doc", "crlf"} <= set(CASES)
    assert len(tricky_strings()) > 400


def _random_value(rng: random.Random, strings: list[str], keys: list[str], depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.45:
        return rng.choice([*strings, 0, -7, 1.5, 1e-7, 2.5e21, True, False, None])
    if roll < 0.7:
        return [_random_value(rng, strings, keys, depth + 1) for _ in range(rng.randint(0, 4))]
    return {k: _random_value(rng, strings, keys, depth + 1) for k in rng.sample(keys, rng.randint(0, 5))}


def test_random_documents_match_live_kubectl(kubectl: str) -> None:
    """Random nestings of the tricky strings, written by us as JSON-like YAML, printed by both."""
    rng = random.Random(20240611)
    strings = tricky_strings()
    keys = deterministic_keys(
        [s for s in strings if "\x85" not in s][::3] + ["spec", "data", "items", "x1", "x10"]
    )
    docs = []
    for i in range(12):
        spec = {k: _random_value(rng, strings, keys, 0) for k in rng.sample(keys, 6)}
        docs.append(
            {
                "apiVersion": "example.com/v1",
                "kind": "Sample",
                "metadata": {"name": f"r{i:02d}"},
                "spec": spec,
            }
        )
    # Written in flow style with our own quoting, so the input does not depend on the writer under test.
    text = "---\n".join(_flow(d) + "\n" for d in docs)
    result = kustomize(text, kubectl)
    assert result.returncode == 0, result.stderr.decode()
    assert roundtrip(text) == result.stdout.decode("utf-8")


def _random_block_scalar(rng: random.Random) -> str:
    """A literal or folded block scalar with random chomping and lines (blank, more-indented, tab-led)."""
    style = rng.choice([">", ">", "|"]) + rng.choice(["", "2"]) + rng.choice(["", "-", "+"])
    lines = ["lead"]
    for _ in range(rng.randint(0, 5)):
        lines.append(
            rng.choice(["", " x", "   y z", "\ttabbed", "alpha", "beta gamma", "w " * rng.randint(1, 30)])
        )
    body = "".join(("    " + line.rstrip() if line.strip() else "") + "\n" for line in lines)
    return style + "\n" + body + "\n" * rng.randint(0, 2)


def test_random_block_scalars_match_live_kubectl(kubectl: str) -> None:
    """Folded and literal input goes through kustomize's write-and-reread of block scalars."""
    rng = random.Random(99)
    text = sample("blocks", "".join(f"  k{i:02d}: {_random_block_scalar(rng)}" for i in range(40)))
    result = kustomize(text, kubectl)
    assert result.returncode == 0, result.stderr.decode()
    assert roundtrip(text) == result.stdout.decode("utf-8")


def test_random_plain_tokens_match_live_kubectl(kubectl: str) -> None:
    """Unquoted number-, date- and word-like tokens: go-yaml v3 on the way in, v2 quoting on the way out."""
    rng = random.Random(5)
    alphabet = "0123456789._-+eExXoObB:aTtZ"
    tokens: set[str] = set()
    while len(tokens) < 300:
        tok = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
        if rng.random() < 0.2:
            tok = rng.choice(["2001-12-14", "1999-1-2T3:4:5Z", "12:30", "1e5", "0x1F"]) + rng.choice(
                ["", "0", ".5", "_1"]
            )
        if tok[0] in "-:" or tok.endswith(":") or tok in (".inf", "+.inf", "-.inf"):
            continue
        tokens.add(tok)
    text = sample("tokens", "  l:\n" + "".join(f"  - {tok}\n" for tok in sorted(tokens)))
    result = kustomize(text, kubectl)
    assert result.returncode == 0, result.stderr.decode()
    assert roundtrip(text) == result.stdout.decode("utf-8")


def _flow(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{dq(k)}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    if isinstance(v, str):
        return dq(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def test_golden_sample_matches_live_kubectl(kubectl: str) -> None:
    text = (GOLDEN / "input_styles.input.yaml").read_bytes().decode("utf-8")
    result = kustomize(text, kubectl)
    assert result.returncode == 0
    assert roundtrip(text) == result.stdout.decode("utf-8")


def test_values_are_plain_python_types_read_as_go_yaml_v3() -> None:
    text = sample(
        "s",
        "  a: yes\n  b: 0755\n  c: 0x1F\n  d: 1_000\n  e: 1.0\n  f: 2001-12-14\n  g: ~\n  h: TRUE\n"
        "  i: 12345678901234567890\n  j: '010'\n  k: 0o17\n  l: +12\n  m: on\n",
    )
    (doc,) = load_documents(text, "r.yaml")
    assert doc["spec"] == {
        "a": "yes",
        "b": 493,
        "c": 31,
        "d": 1000,
        "e": 1.0,
        "f": "2001-12-14T00:00:00Z",
        "g": None,
        "h": True,
        "i": 12345678901234567890,
        "j": "010",
        "k": 15,
        "l": 12,
        "m": "on",
    }


def test_v2_reading_makes_yaml11_words_booleans_and_keeps_dates_as_text() -> None:
    # how kustomize reads kustomization files and JSON patches (sigs.k8s.io/yaml over go-yaml v2)
    text = "a: on\nb: [y, No, OFF, yEs]\nc: 2001-12-14\nd: 1:20\ne: 0o17\nf: {g: }\na: again\n"
    (doc,) = reader.load_documents(text, "k.yaml", v2=True)
    assert doc == {
        "a": "again", "b": [True, False, False, "yEs"], "c": "2001-12-14", "d": "1:20", "e": 15, "f": {"g": None},
    }  # fmt: skip
    with pytest.raises(YamlError, match="already defined"):
        reader.load_documents("a: 1\na: 2\n", "r.yaml")


def test_locate_gives_the_line_and_written_text_of_a_nested_value() -> None:
    text = "a: 1\nb:\n  - x\n  - {c: on}\nb: [z]\n"
    assert reader.locate(text, ["a"]) == (1, "1")
    assert reader.locate(text, ["b", 0]) == (5, "z")  # a repeated key: the last one, as v2 reads it
    assert reader.locate("b:\n- {c: on}\n", ["b", 0, "c"]) == (2, "on")
    assert reader.locate(text, ["b", 3]) is None
    assert reader.locate("a: [1\n", ["a"]) is None


def test_keys_written_without_a_value_are_marked() -> None:
    (doc,) = load_documents("m: {a: , b: 1}\nn:\n  c:\n  d: ~\n  e: ''\n", "r.yaml")
    assert doc == {"m": {"a": "", "b": 1}, "n": {"c": None, "d": None, "e": ""}}
    assert doc["m"].valueless == {"a"} and doc["n"].valueless == {"c"}
    assert not hasattr(load_documents("a: 1\n", "r.yaml")[0], "valueless")


def test_scalar_text_is_the_text_kustomize_compares() -> None:
    assert [scalar_text(v) for v in ("x", True, False, None, 8080, 1.5, {}, [])] == [
        "x", "true", "false", "null", "8080", "1.5", "", "",
    ]  # fmt: skip


def test_empty_and_null_documents_are_dropped() -> None:
    text = "---\n# nothing\n---\n~\n---\nnull\n---\na: 1\n---\n"
    assert load_documents(text, "r.yaml") == [{"a": 1}]


def test_aliases_are_expanded_into_independent_copies() -> None:
    (doc,) = load_documents("base: &b {x: [1]}\ncopy: *b\n", "r.yaml")
    doc["copy"]["x"].append(2)
    assert doc["base"] == {"x": [1]}


def test_float_and_int_printing_follows_the_json_round_trip() -> None:
    doc = {
        "a": 1.0,
        "b": 1e-6,
        "c": 1e21,
        "d": 1234567.5,
        "e": -0.0,
        "f": 2.0**64,
        "g": 0.1,
        "h": 12345678901234567890,
    }
    assert dump_documents([doc]) == (
        "a: 1\nb: 1e-06\nc: 1e+21\nd: 1.2345675e+06\ne: 0\nf: 1.8446744073709552e+19\ng: 0.1\nh: 12345678901234567890\n"
    )


def test_simple_text_fast_path_agrees_with_the_full_emitter_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strings taking the memoised fast path get exactly what the general analysis and writers produce."""
    rng = random.Random(7)
    alphabet = "aZ09_/.=+@%,~()<>$^ -:#'"
    candidates = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(5000)}
    candidates |= set(tricky_strings()) | {"ab " * n for n in (20, 27, 30, 45)} | {"x" * 129}
    fast = {c: writer._StrInfo(c) for c in candidates if writer._SIMPLE_TEXT.match(c)}
    assert len(fast) > 500
    monkeypatch.setattr(writer, "_SIMPLE_TEXT", re.compile(r"(?!)"))
    for c, info in fast.items():
        general = writer._StrInfo(c)
        assert [getattr(info, a) for a in info.__slots__] == [
            getattr(general, a) for a in general.__slots__
        ], c


def test_documents_are_joined_by_separators() -> None:
    assert dump_documents([{"a": 1}, {"b": []}, {}]) == "a: 1\n---\nb: []\n---\n{}\n"


# --- error paths -------------------------------------------------------------------------------------------------

ERRORS = {
    "malformed": (sample("s", "  a: [1, 2\n  b: 3\n"), 7, "malformed YAML"),
    "bad_indent": (sample("s", "  a: 1\n   b: 2\n"), 7, "malformed YAML"),
    "duplicate_key": (
        sample("s", "  a: 1\n  b: 2\n  a: 3\n"),
        8,
        'mapping key "a" already defined at line 6',
    ),
    "duplicate_quoted_key": (
        sample("s", "  a: 1\n  'a': 3\n"),
        7,
        'mapping key "a" already defined at line 6',
    ),
    "inf": (sample("s", "  a: .inf\n"), 6, "infinite or NaN"),
    "nan": (sample("s", "  a: [.NaN]\n"), 6, "infinite or NaN"),
    "int_key": (sample("s", "  1: a\n"), 6, "not a string"),
    "bool_key": (sample("s", "  x:\n    true: c\n"), 7, "not a string"),
    "bad_int_tag": (sample("s", "  a: !!int abc\n"), 6, "cannot decode !!str `abc` as a !!int"),
    "zone_24": (sample("s", "  a: 2001-12-14T21:59:43+24:00\n"), 6, "zone offset of 24 hours"),
    "merge_scalar": (sample("s", "  a:\n    <<: 1\n"), 7, "map merge requires map"),
    "undefined_alias": (sample("s", "  a: *nope\n"), 6, "malformed YAML"),
    "slash_escape": (sample("s", '  a: 1\n  b: "x\\/y"\n'), 7, "unknown escape character"),
    "timestamp_key": (sample("s", "  2001-12-14: a\n"), 6, "not a string"),
    "block_starting_with_tab": (sample("s", "  a: 1\n  b: |2\n    \tx\n"), 7, "starts with a tab"),
    "duplicate_merge": (
        sample("s", "  a: &a {x: 1}\n  b:\n    <<: *a\n    <<: *a\n"),
        9,
        "duplicate merge key",
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_is_a_yaml_error_naming_file_and_line(name: str) -> None:
    text, line, message = ERRORS[name]
    with pytest.raises(YamlError) as info:
        load_documents(text, "base/resource.yaml")
    err = info.value
    assert err.file == "base/resource.yaml"
    assert err.line == line
    assert message in err.message
    assert str(err).startswith(f"base/resource.yaml:{line}: ")


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_kubectl_also_rejects_each_error_input(kubectl: str, name: str) -> None:
    result = kustomize(ERRORS[name][0], kubectl)
    assert result.returncode != 0


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlError, match="excessive aliasing") as info:
        load_documents("\n".join(lines) + "\n", "bomb.yaml")
    assert info.value.file == "bomb.yaml"
    assert info.value.line is not None


def test_moderate_alias_use_is_accepted() -> None:
    text = "base: &b {x: 1, y: [1, 2, 3]}\n" + "".join(f"k{i}: *b\n" for i in range(50))
    (doc,) = load_documents(text, "r.yaml")
    assert doc["k49"] == {"x": 1, "y": [1, 2, 3]}


@pytest.mark.parametrize("s", REJECTED_STRINGS)
def test_strings_kustomize_cannot_print_are_refused(s: str) -> None:
    with pytest.raises(YamlError, match="control character"):
        dump_documents([{"a": s}])


@pytest.mark.parametrize("key", REJECTED_KEYS)
def test_keys_kustomize_cannot_print_are_refused(key: str) -> None:
    with pytest.raises(YamlError, match="NEL"):
        dump_documents([{key: 1}])
    assert dump_documents([{"a": key}])  # the same text is fine as a value


def test_kubectl_fails_on_the_strings_we_refuse(kubectl: str) -> None:
    for s in REJECTED_STRINGS:
        assert kustomize(sample("s", f"  a: {dq(s)}\n"), kubectl).returncode != 0
    for k in REJECTED_KEYS:
        assert kustomize(sample("s", f"  {dq(k)}: 1\n"), kubectl).returncode != 0


def test_unwritable_values_are_refused() -> None:
    with pytest.raises(YamlError):
        dump_documents([{"a": float("inf")}])
    with pytest.raises(YamlError):
        dump_documents([{1: "a"}])


def test_kubectl_is_the_one_on_path() -> None:
    """Sanity check for the live tests' helper: a trivial build works when kubectl exists."""
    require_kubectl()
    try:
        result = kustomize(sample("s", "  a: 1\n"))
    except subprocess.TimeoutExpired:
        pytest.fail("kubectl kustomize timed out")
    assert result.returncode == 0
    assert result.stdout.decode() == roundtrip(sample("s", "  a: 1\n"))
