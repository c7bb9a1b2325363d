"""A measure's `statistic` fits its unit, so its readings' intervals can be worked out.

`statistic` says what one reading is, so that a confidence interval can be put round it:

- `proportion`: a numerator out of a denominator, in `percent` (x 100) or `dimensionless` (a
  fraction, x 1). Wilson's score interval.
- `rate`: events per `per_100k`, `per_10k` or `per_1000` of a population. Exact Poisson limits
  under 10 events, Byar's approximation from 10.
- `count`: a number of events, in `count` (or a per-time form such as `count/year`). The same
  Poisson limits on the count itself.
- `rank`: a place in a league table (1 the first), in `rank`. No interval; a reading below 1
  is rejected.
- `other` (the default): no interval unless a reading gives its own (`lower`, `upper`).

A statistic the unit cannot carry (a `rate` in `percent`) is an error: its intervals would be
scaled wrongly. A `rank` in `dimensionless` (how ranks were written before the unit `rank`
existed) is a warning, not an error: it is judged just as before, but `unit: rank` says what the
figure is, and a rank worked out by `derived: rank` is in `rank`. `significance` without a
statistic that gives intervals is a warning: it then works only for readings that bring their
own interval.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding
from engine.model.units import base_unit

NAME = "statistic-unit"

FITS = {
    "proportion": ("percent", "dimensionless"),
    "rate": ("per_100k", "per_10k", "per_1000"),
    "count": ("count",),
    "rank": ("rank",),
}
# Accepted with a warning: what specs wrote before there was a unit for it.
OLD_FITS = {"rank": ("dimensionless",)}
INTERVALS = ("proportion", "rate", "count")  # the statistics whose readings' intervals can be worked out


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    measure = data["measure"]
    statistic = measure.get("statistic", "other")
    unit = base_unit(measure["unit"])
    fits = FITS.get(statistic)
    if fits is not None and unit in OLD_FITS.get(statistic, ()):
        yield Finding(("measure", "unit"),
                      f"a {statistic} is now measured in `{fits[0]}`: write `unit: {fits[0]}` (a rank in "
                      f"`{measure['unit']}` is still read and judged as one)", severity="warning")
    elif fits is not None and unit not in fits:
        units = " or ".join(f"`{u}`" for u in fits)
        yield Finding(("measure", "statistic"),
                      f"a {statistic} is measured in {units}, not `{measure['unit']}`: change the unit, or the "
                      f"statistic (`other` if readings bring their own intervals)")
    if "significance" in data and statistic not in INTERVALS:
        yield Finding(("significance",),
                      "significance without a `statistic` (proportion, rate or count) under `measure`: only "
                      "readings that give their own interval (`lower` and `upper`) can be judged by it",
                      severity="warning", at_key=True)
