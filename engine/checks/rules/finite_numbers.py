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
    if _all_finite(data):  # nearly every spec: no paths to build, no generators to run
        return iter(())
    return _walk(data, ())


def _all_finite(node: Any) -> bool:
    """True when _walk would find nothing: every number finite and at most LARGEST. False for any
    type other than the loader's, leaving those to _walk."""
    kind = type(node)
    if kind is dict:
        for key, value in node.items():
            kind = type(value)
            if kind is str or key in PERIOD_KEYS:
                continue
            if kind is float:
                if not -LARGEST <= value <= LARGEST:  # NaN fails both
                    return False
            elif kind is dict or kind is list:
                if not _all_finite(value):
                    return False
            elif kind is int:
                if not -LARGEST <= value <= LARGEST:
                    return False
            elif value is not None and kind is not bool:
                return False
        return True
    if kind is list:
        for value in node:
            kind = type(value)
            if kind is str:
                continue
            if kind is float or kind is int:
                if not -LARGEST <= value <= LARGEST:
                    return False
            elif kind is dict or kind is list:
                if not _all_finite(value):
                    return False
            elif value is not None and kind is not bool:
                return False
        return True
    return False


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
