"""Percent figures written as fractions: a warning at each one (0.441 for 44.1%).

A spec in `percent` whose figures (baseline, milestones, target `value`, `limit`) are all
between 0 and 1 was most likely written as fractions of one, as a spreadsheet formats a
percentage: baseline 0.441 and target 0.50 meant 44.1% and 50%. Readings in percent (44.1)
would then be judged against 0.441. Each figure under 1 gets a warning at its line, saying what
to write ("0.441% looks like a fraction: if it means 44.1%, write 44.1"); the same test, and the
same words, as the note a reading under 1% gets against a spec of whole percentages. A spec
with any figure above 1 is in percentages, and one with a negative figure is not a share of
anything. A measure that really is under 1% (permanent exclusions at 0.08%) gets the warning
too: it is a warning, not an error, for that reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding, Path
from engine.model.units import fraction_note, is_percent, looks_like_fraction

NAME = "percent-fraction"


def _figures(data: dict[str, Any]) -> Iterator[tuple[Path, float]]:
    if "baseline" in data:
        yield ("baseline", "value"), data["baseline"]["value"]
    for index, milestone in enumerate(data.get("milestones", [])):
        yield ("milestones", index, "value"), milestone["value"]
    if "value" in data.get("target", {}):
        yield ("target", "value"), data["target"]["value"]
    if "limit" in data:
        yield ("limit",), data["limit"]


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if not is_percent(data["measure"]["unit"]):
        return
    figures = [(path, float(value)) for path, value in _figures(data)]
    if not figures or not all(math.isfinite(value) and 0 <= value <= 1 for _, value in figures):
        return
    if not any(looks_like_fraction(value) for _, value in figures):
        return  # all 0 or 1: nothing to go on
    for path, value in figures:
        if looks_like_fraction(value):
            yield Finding(path, f"{fraction_note(value)} (every figure of this percent measure is 1 or less)", "warning")
