"""Kubernetes resource quantities (``500m``, ``1Gi``, ``1e3``): parsing, comparison and canonical text.

The grammar and the messages are those of ``k8s.io/apimachinery/pkg/api/resource``; a quantity the API server
cannot decode makes it reject the whole object, so these are checked wherever a Quantity field appears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
NUMERIC_WRONG = "unable to parse numeric part of quantity"
SUFFIX_WRONG = "unable to parse quantity's suffix"

_SPLIT = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {e: s for s, e in _DECIMAL.items()}
_EXPONENT = re.compile(r"^[eE]([-+]?[0-9]+)$")


class QuantityError(ValueError):
    """A string that is not a quantity; the message is the API server's."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact value and the family of its suffix (``binary``, ``decimal`` or ``exponent``) for printing."""

    value: Fraction
    family: str

    def __str__(self) -> str:
        return canonical(self)


def parse_quantity(text: str) -> Quantity:
    """Parse like resource.ParseQuantity; raises QuantityError with the API server's message."""
    text = text.strip() if isinstance(text, str) else text
    if not isinstance(text, str) or not text:
        raise QuantityError(FORMAT_WRONG)
    m = _SPLIT.match(text)
    if m is None:
        raise QuantityError(FORMAT_WRONG)
    number, suffix = m.groups()
    if not _NUMBER.match(number):
        raise QuantityError(NUMERIC_WRONG)
    value = Fraction(number)
    if suffix in _BINARY:
        return Quantity(value * (1 << _BINARY[suffix]), "binary")
    if suffix in _DECIMAL:
        return Quantity(value * Fraction(10) ** _DECIMAL[suffix], "decimal")
    e = _EXPONENT.match(suffix)
    if e is not None:
        return Quantity(value * Fraction(10) ** int(e.group(1)), "exponent")
    raise QuantityError(SUFFIX_WRONG)


def quantity_of(value: object) -> Quantity:
    """A YAML value as a quantity: numbers are accepted as JSON numbers are by the API server."""
    if isinstance(value, bool):
        raise QuantityError(FORMAT_WRONG)
    if isinstance(value, int):
        return Quantity(Fraction(value), "decimal")
    if isinstance(value, float):
        return parse_quantity(repr(value))
    if isinstance(value, str):
        return parse_quantity(value)
    raise QuantityError(FORMAT_WRONG)


def quantity_or_none(value: object) -> Fraction | None:
    """The exact value of a quantity, or None when ``value`` is not one (for comparisons that skip those)."""
    try:
        return quantity_of(value).value
    except QuantityError:
        return None


def _round_up_nano(value: Fraction) -> Fraction:
    """Quantities keep at most nanounit precision, rounding away from zero as the API server does."""
    scaled = value * 10**9
    if scaled.denominator == 1:
        return value
    n = -((-abs(scaled.numerator)) // scaled.denominator)
    return Fraction(n if value > 0 else -n, 10**9)


def canonical(q: Quantity) -> str:
    """The API server's canonical text (``Quantity.String()``), e.g. ``0.5`` -> ``500m``, ``1024Mi`` -> ``1Gi``."""
    value = _round_up_nano(q.value)
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if q.family == "binary" and magnitude.denominator == 1 and magnitude >= 1024:
        n = magnitude.numerator
        shift = 0
        while n % 1024 == 0 and shift < 60:
            n //= 1024
            shift += 10
        if shift:
            suffix = {v: k for k, v in _BINARY.items()}[shift]
            return f"{sign}{n}{suffix}"
    # decimal: the largest exponent (a multiple of 3) that keeps the mantissa whole
    exp = -9
    while exp < 18:
        if (magnitude / Fraction(10) ** (exp + 3)).denominator != 1:
            break
        exp += 3
    mantissa = magnitude / Fraction(10) ** exp
    if q.family == "exponent" and exp != 0:
        return f"{sign}{mantissa.numerator}e{exp}"
    return f"{sign}{mantissa.numerator}{_DECIMAL_BY_EXP[exp]}"
