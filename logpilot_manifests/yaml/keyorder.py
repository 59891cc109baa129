"""Mapping keys in the order go-yaml writes them (kustomize's output order for every map)."""

from __future__ import annotations

import functools
from typing import Any

from ..errors import YamlError


def go_key_less(a: str, b: str) -> bool:
    """go-yaml's keyList.Less for two strings: letters after non-letters, digit runs compared as numbers."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = _wrap64(an * 10 + ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = _wrap64(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _wrap64(n: int) -> int:
    return ((n + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _go_key_cmp(a: str, b: str) -> int:
    return -1 if go_key_less(a, b) else (1 if go_key_less(b, a) else 0)


# go-yaml's order is not transitive for some mixes of digit runs with leading zeros ("a1", "a01", "a0b"); Go then
# sorts map keys taken in random map order, so kustomize's own output varies from run to run for such key sets.
# For every transitive set (all letters, or digit runs without such mixes) any correct sort gives kustomize's order.
_go_sort_key = functools.cmp_to_key(_go_key_cmp)
_ORDER: dict[tuple[str, ...], list[str]] = {}


def sorted_keys(d: dict[str, Any]) -> list[str]:
    keys = tuple(d)
    order = _ORDER.get(keys)
    if order is None:
        for k in keys:
            if k.__class__ is not str:
                raise YamlError(f"cannot write mapping key {k!r}: kustomize only writes string keys")
        if len(_ORDER) >= 20_000:
            _ORDER.clear()
        # Keys made only of letters compare rune by rune, which is exactly Python's string order.
        order = sorted(keys) if all(k.isalpha() for k in keys) else sorted(keys, key=_go_sort_key)
        _ORDER[keys] = order
    return order


def clear_cache() -> None:
    """Forget the memoised orders (benchmarks measure a cold start with it)."""
    _ORDER.clear()
