"""Compound paths and annual rates multiply: their values must be positive."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ..periods import PeriodError, parse_period
from ..spec import Point, resolve_target_value
from . import Finding

NAME = "compound-positive"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    block = data.get("target", {})
    annual = "annual_rate" in block
    compound = data.get("trajectory", "compound" if annual else "linear") == "compound"
    if not (annual or compound):
        return
    why = "an `annual_rate`" if annual else "a compound trajectory"
    points = [(("baseline", "value"), data["baseline"]["value"])] if "baseline" in data else []
    if compound:
        points += [(("milestones", i, "value"), m["value"]) for i, m in enumerate(data.get("milestones", []))]
        if "value" in block:
            points.append((("target", "value"), block["value"]))
    for path, value in points:
        if value <= 0:
            yield Finding(
                path,
                f"{why} grows at a constant rate, so this value must be above zero (it is {value}): "
                "use `trajectory: linear` instead",
            )
    if any(value <= 0 for _, value in points):
        return
    # A level given relative to the baseline must resolve to a positive, finite number too.
    form = next((f for f in ("change", "relative_change", "annual_rate") if f in block), None)
    if form is None or "baseline" not in data:
        return
    try:
        baseline = Point(parse_period(data["baseline"]["period"]), float(data["baseline"]["value"]))
        period = parse_period(block["period"])
    except PeriodError:
        return  # period-syntax reports it
    try:
        level = resolve_target_value(form, float(block[form]), baseline, period)
    except OverflowError:
        level = math.inf
    if level is None:
        return
    if not math.isfinite(level):
        yield Finding(("target", form), f"this `{form}` gives a target level too large to hold: check the number")
    elif compound and level <= 0:
        yield Finding(
            ("target", form),
            f"with {why} the target level must be above zero, and this `{form}` gives {level:g}: "
            "use `trajectory: linear` instead",
        )
