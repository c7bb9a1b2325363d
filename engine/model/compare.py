"""The one comparison rule for every threshold (pure).

Readings, paths and tolerances are floats: 4.4 - 4.1 is 0.3000000000000007, and 96.5 - 96.2 is
0.29999999999999716, so the same 0.3 shortfall against a 0.3 tolerance would be off track one
time and at risk the other. Every threshold (tolerance, limit, target, strict, maintain, the
no-change band) is therefore compared here, and only here: two values that differ by no more
than a few units in the last place of the numbers involved are equal.

The slack is relative to the magnitudes of the operands, never absolute, so tiny measures
(1e-12 against 2e-12) are still told apart, and huge ones (10^15) are not split by noise.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

# Units in the last place that rounding may leave between two values meant to be equal: a
# subtraction, an interpolation (a multiply and an add) and a tolerance (a multiply and an add)
# each add an ulp or so; 16 leaves room and is still 10^-14 of the values.
ULPS = 16
_EPSILON = sys.float_info.epsilon

# Every function works on numbers and on numpy columns alike: one rule, not a scalar twin.
# (numpy gives back its own types for numbers: annotated as Any.)
Number = Any


def slack(*operands: Number) -> Number:
    """How far apart values made from these operands may be and still count as equal."""
    largest = np.abs(operands[0])
    for x in operands[1:]:
        largest = np.maximum(largest, np.abs(x))
    return ULPS * _EPSILON * largest


def compare(a: Number, b: Number, *operands: Number) -> Number:
    """-1 where a < b, 1 where a > b, 0 where they are equal up to rounding.

    operands: the numbers a and b were computed from (a shortfall from a reading and the path),
    whose size sets how much rounding there can be.
    """
    amount = a - b
    return np.where(np.abs(amount) <= slack(a, b, *operands), 0, np.sign(amount)).astype(np.int8)


def difference(value: Number, reference: Number) -> Number:
    """value - reference, and exactly 0 where the two are equal up to rounding (60.5 against a
    computed 60.50000000000001)."""
    amount = value - reference
    return np.where(np.abs(amount) <= slack(value, reference), 0.0, amount)
