"""`comparators` and `benchmark` compare the target's area with others, so they need `area` (or `areas`).

Readings name the area they are for (a readings file's `area` column, a Fingertips export's
`Area Code`). Which of them are the target's own, and which are its comparators or its
benchmark, is told by `area:` (one area) or `areas:` (each of many): without either, every
reading would be the target's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "needs-area"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if "area" in data or "areas" in data:
        return
    for key in ("comparators", "benchmark"):
        if key in data:
            yield Finding((key,),
                          f"`{key}` compares the target's area with others, and the spec names no area of its own: "
                          "add `area:` with its GSS code (as `area: E06000045`), or `areas:` for each of many",
                          at_key=True)
