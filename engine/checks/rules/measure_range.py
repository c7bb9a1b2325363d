"""`measure.range: [min, max]` gives the values a reading can take: min must be below max.

A range the wrong way round (`[100, 0]`) or empty (`[5, 5]`) would reject every reading. The
schema holds the shape (two numbers); numbers that are not finite are the `finite-numbers` rule's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding, shown_number

NAME = "measure-range"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    given = data["measure"].get("range")
    if given is None:
        return
    low, high = float(given[0]), float(given[1])
    if not (math.isfinite(low) and math.isfinite(high)):
        return
    if not low < high:
        yield Finding(("measure", "range"),
                      f"the range's min ({shown_number(low)}) must be below its max ({shown_number(high)}): "
                      f"write [min, max], such as [{shown_number(min(low, high))}, {shown_number(max(low, high))}]"
                      if low != high else
                      f"the range's min and max are both {shown_number(low)}: no reading could be in it; "
                      "write [min, max] with min below max")
