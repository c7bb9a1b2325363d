"""The values a reading of a measure can take (pure): a percent proportion is 0-100, a count or
rate is not negative, a rank (unit or statistic `rank`) is at least 1; `measure.range: [min, max]` sets others.

A reading outside them is a mistake in the file (a fraction typed as a percent of a percent, a
minus sign from a change column, a rank of 0), rejected with the reason rather than judged.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.model.compare import compare
from engine.model.spec import Measure
from engine.model.units import base_unit


@dataclass(frozen=True)
class Bounds:
    low: float | None
    high: float | None
    why: str  # what sets them, as the end of a sentence: "a proportion in percent is between 0 and 100"


def bounds(measure: Measure) -> Bounds | None:
    """The bounds on a reading of the measure, or None when any value can be a reading."""
    if measure.range is not None:
        low, high = measure.range
        return Bounds(low, high, f"the measure's range is {_shown(low)} to {_shown(high)} (`measure.range`)")
    base = base_unit(measure.unit)
    if measure.statistic == "proportion" and base == "percent":
        return Bounds(0.0, 100.0, "a proportion in percent is between 0 and 100")
    if measure.statistic == "rank" or base == "rank":  # `statistic: rank` in `dimensionless`, as specs wrote it before the unit
        return Bounds(1.0, None, "a rank is 1 or more (1 is the first place)")
    if base == "count":
        return Bounds(0.0, None, "a count cannot be negative")
    if base.startswith("per_"):
        return Bounds(0.0, None, "a rate cannot be negative")
    return None


def outside(value: float, within: Bounds) -> str | None:
    """Why the value is outside the bounds (compared as every threshold is, allowing rounding), or None."""
    # The plain test first: compare() on a number costs some microseconds, and most readings are
    # well inside (it can only turn an outside value inside, never the other way).
    if within.low is not None and value < within.low and compare(value, within.low) < 0:
        return f"below {_shown(within.low)}"
    if within.high is not None and value > within.high and compare(value, within.high) > 0:
        return f"above {_shown(within.high)}"
    return None


def _shown(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
