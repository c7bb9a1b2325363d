"""NaN and infinities are not readings of anything: refuse them wherever they appear."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding, Path

NAME = "finite-numbers"
NEEDS_SCHEMA_VALID = False
LARGEST = 1e15  # beyond this a float no longer holds whole numbers exactly
PERIOD_KEYS = ("period", "date")


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    yield from _walk(data, ())


def _walk(node: Any, path: Path) -> Iterator[Finding]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PERIOD_KEYS:
                continue  # a number where a period belongs is period-syntax's to report, not a value
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))
    elif isinstance(node, float) and math.isnan(node):
        yield Finding(path, "NaN is not a number you can set a target with: write the actual value")
    elif isinstance(node, float) and math.isinf(node):
        yield Finding(path, "this number is infinite (or too large to hold): write a finite value")
    elif isinstance(node, (int, float)) and not isinstance(node, bool) and abs(node) > LARGEST:
        # An int beyond float range cannot be formatted with `g` (OverflowError): count its digits.
        shown = f"{node:.3g}" if abs(node) <= sys.float_info.max else f"a {len(str(abs(node)))}-digit number"
        yield Finding(path, f"{shown} is too large to be a measure's value: check the number of digits")
