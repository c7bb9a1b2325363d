"""A relative tolerance is a fraction of the expected value: 0.05 for 5%, so it is below 1.

`tolerance: {relative: 5}` was meant as 5%, and as written it lets a reading five times the
expected value away count as at risk rather than off track (with higher is better, nothing
could ever be off track).
A relative tolerance of 1 (100%) or more is an error, with the fraction that was probably meant
(5 -> 0.05). An absolute tolerance is in the measure's own unit and is not limited.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding, shown_number

NAME = "relative-tolerance"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    relative = data.get("tolerance", {}).get("relative")
    if relative is None or not math.isfinite(relative) or relative < 1:
        return
    meant = shown_number(relative / 100)
    yield Finding(
        ("tolerance", "relative"),
        f"`tolerance.relative` is a fraction of the expected value (0.05 for 5%), so {shown_number(relative)} "
        f"would let a reading {shown_number(relative * 100)}% worse than expected count as at risk rather than off "
        f"track: for {shown_number(relative)}% write `relative: {meant}`",
    )
