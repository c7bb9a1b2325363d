"""Compound paths and annual rates multiply: their values must be positive."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.model.periods import PeriodError, parse_period
from engine.model.spec import Point, resolve_target_value
from engine.checks.rules import Finding

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
    if form is not None and "baseline" in data:
        try:
            baseline = Point(parse_period(data["baseline"]["period"]), float(data["baseline"]["value"]))
            period = parse_period(block["period"])
        except PeriodError:
            return  # period-syntax reports it
        try:
            level = resolve_target_value(form, float(block[form]), baseline, period)
        except OverflowError:
            level = math.inf
        if level is not None:
            if not math.isfinite(level):
                yield Finding(("target", form), f"this `{form}` gives a target level too large to hold: check the number")
                return
            if compound and level <= 0:
                yield Finding(
                    ("target", form),
                    f"with {why} the target level must be above zero, and this `{form}` gives {level:g}: "
                    "use `trajectory: linear` instead",
                )
                return
            points.append((("target", form), level))
    # Each step of a compound path multiplies by the ratio of its ends (the last step included, to a
    # level worked out from the baseline): that ratio must be a finite number, or every expected
    # value on the way is infinite or nothing (1e-300 to 1e15).
    if compound:
        for (_, a), (path, b) in zip(points, points[1:]):
            if _ratio_overflows(a, b):
                yield Finding(path, f"from {a:g} to {b:g} is too steep a change for a compound path to be worked "
                                    "out (the ratio is beyond what a number can hold): check the numbers, or use "
                                    "`trajectory: linear`")
                return


def _ratio_overflows(a: float, b: float) -> bool:
    try:
        return not math.isfinite(b / a) or b / a == 0
    except (OverflowError, ZeroDivisionError):
        return True
