"""Where the pace since the baseline leads by the target date (pure).

For each target with a level to reach: an ordinary least-squares line through its readings from
the baseline's period on, value against the day each reading's period ends (counted from the
baseline's). A compound path is fitted on the logarithm of the value (log-linear: a constant
rate of change), a linear or step path on the value itself. From the line:

- value: the fitted value on the target date;
- gap: how far that falls short of the target level (the shortfall: > 0 short, < 0 beyond it,
  0 on it, equal up to float rounding counting as on it);
- meets_target: gap <= 0 (< 0 for a strict target), as the at-target-date verdict judges;
- reaches_target_on: the first day the line is at the target level, when it is heading towards
  it (or already past it); none when it heads away or is flat, or only after the year 2999.

At least 3 readings, else no projection (the reason says so). Sources: docs/methods.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.model.compare import difference

MIN_READINGS = 3
NOT_REACHED = -1
LAST_DAY = date(2999, 12, 31).toordinal()  # the last day a period can end (periods.MAX_YEAR)

REASONS = (
    "",
    "no_target_level",  # direction-only: nothing to project against
    "too_few_readings",  # fewer than 3 readings from the baseline on
    "readings_on_one_day",  # every reading ends on the same day: no pace to see
    "not_positive",  # a compound path is fitted on logarithms: a value of 0 or below has none
    "too_steep",  # the pace leads beyond any number by the target date (the fitted value overflows)
)
REASON = {name: code for code, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Projections:
    """One entry per target (NaN, False or NOT_REACHED where there is no projection)."""

    value: np.ndarray  # the fitted value on the target date
    meets_target: np.ndarray  # bool
    gap: np.ndarray  # shortfall of the fitted value against the target level
    reaches_target_on: np.ndarray  # int64 day ordinal; NOT_REACHED: not at this pace
    slope: np.ndarray  # change per day (of the logarithm for a compound path)
    points: np.ndarray  # int64: readings fitted
    reason: np.ndarray  # int8, codes into REASONS

    def one(self, target: int) -> Projection:
        return self.many(np.array([target], dtype=np.int64))[0]

    def many(self, targets: np.ndarray) -> list[Projection]:
        """The projections of these targets."""
        return [Projection(*fields) for fields in zip(*self.fields(targets).values())]

    def fields(self, targets: np.ndarray) -> dict[str, list]:
        """The projections of these targets field by field, as Projection has them (columns read
        once, as lists): all None but points and reason where there is a reason."""
        reason = self.reason[targets].tolist()
        out: dict[str, list] = {"value": self.value[targets].tolist(), "meets_target": self.meets_target[targets].tolist(),
                                "gap": self.gap[targets].tolist(),
                                "reaches_target_on": [None if code or day == NOT_REACHED else date.fromordinal(day)
                                                      for code, day in zip(reason,
                                                                           self.reaches_target_on[targets].tolist())],
                                "slope": self.slope[targets].tolist()}
        if any(reason):
            for name, column in out.items():
                out[name] = [None if code else x for code, x in zip(reason, column)]
        out["points"] = self.points[targets].tolist()
        out["reason"] = [REASONS[code] or None for code in reason]
        return out


@dataclass(frozen=True)
class Projection:
    """The projection of one target."""

    value: float | None
    meets_target: bool | None
    gap: float | None
    reaches_target_on: date | None
    slope: float | None
    points: int
    reason: str | None


def projections(group, day, value, *, baseline_day, target_day, target_value, lower_is_better, compound,
                strict=None) -> Projections:
    """Project every target at once.

    group: each reading's target (0 .. targets - 1); day: the ordinal of the day its period ends;
    value: the reading. One per target: baseline_day (the baseline period's end: readings before
    it are left out), target_day and target_value (NaN: no level), lower_is_better, compound (a
    compound path: fit the logarithm) and strict (optional: the level must be beaten).
    """
    lower_is_better = np.asarray(lower_is_better, dtype=bool)
    targets = len(lower_is_better)
    compound = np.broadcast_to(np.asarray(compound, dtype=bool), (targets,))
    strict = np.zeros(targets, dtype=bool) if strict is None else np.broadcast_to(np.asarray(strict, dtype=bool), (targets,))
    baseline_day = np.broadcast_to(np.asarray(baseline_day, dtype=np.int64), (targets,))
    target_day = np.broadcast_to(np.asarray(target_day, dtype=np.int64), (targets,))
    target_value = np.broadcast_to(np.asarray(target_value, dtype=np.float64), (targets,))
    group = np.asarray(group, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)

    used = day >= baseline_day[group]
    g, x, v = group[used], (day - baseline_day[group])[used].astype(np.float64), value[used]
    log = compound[g]
    positive = ~log | (v > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(log, np.log(np.where(positive, v, 1.0)), v)

    def total(weights):
        return np.bincount(g, weights=weights, minlength=targets)[:targets]

    points = np.bincount(g, minlength=targets)[:targets]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_x = total(x) / points
        mean_y = total(y) / points
        dx = x - mean_x[g]  # centred, so the sums do not lose digits to days counted in thousands
        slope = total(dx * (y - mean_y[g])) / total(dx * dx)
    spread = total(dx * dx)

    reason = np.zeros(targets, dtype=np.int8)

    def mark(condition, name):
        reason[(reason == 0) & condition] = REASON[name]

    mark(np.isnan(target_value), "no_target_level")
    mark(points < MIN_READINGS, "too_few_readings")
    mark(~(spread > 0), "readings_on_one_day")
    mark(total((~positive).astype(np.float64)) > 0, "not_positive")
    ok = reason == 0

    projected = np.full(targets, np.nan)
    gap = np.full(targets, np.nan)
    meets = np.zeros(targets, dtype=bool)
    reaches = np.full(targets, NOT_REACHED, dtype=np.int64)
    if ok.any():
        at = (target_day - baseline_day).astype(np.float64)
        fitted = mean_y + slope * (at - mean_x)
        with np.errstate(over="ignore", invalid="ignore"):
            projected = np.where(ok, np.where(compound, np.exp(fitted), fitted), np.nan)
        # Infinite would compare equal to any level (the comparison rule's slack is relative): no projection.
        mark(ok & ~np.isfinite(projected), "too_steep")
        ok = reason == 0
        projected = np.where(ok, projected, np.nan)
        level = target_value
        gap = np.where(ok, np.where(lower_is_better, difference(projected, level), difference(level, projected)), np.nan)
        meets = ok & np.where(strict, gap < 0, gap <= 0)
        # Heading towards the level (lower: falling; higher: rising): the day the line gets there.
        towards = ok & np.where(lower_is_better, slope < 0, slope > 0)
        reachable = towards & (~compound | (level > 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            goal = np.where(compound, np.log(np.where(level > 0, level, 1.0)), level)
            crossing = mean_x + (goal - mean_y) / slope
        first = np.ceil(np.where(reachable & np.isfinite(crossing), crossing, 0.0))
        # The day before, when the line is already on the level there up to rounding (the one
        # comparison rule): a line that meets the level on the target date reaches it that day.
        with np.errstate(over="ignore", invalid="ignore"):
            before = mean_y + slope * (first - 1 - mean_x)
            before = np.where(compound, np.exp(before), before)
        on_it = np.where(lower_is_better, difference(before, level), difference(level, before)) <= 0
        first = baseline_day + np.where(on_it, first - 1, first)
        in_range = reachable & np.isfinite(crossing) & (first <= LAST_DAY) & (first >= 1)
        reaches = np.where(in_range, first, NOT_REACHED).astype(np.int64)
    slope = np.where(ok, slope, np.nan)
    return Projections(projected, meets, gap, reaches, slope, points.astype(np.int64), reason)


def projection(days, values, *, baseline_day: int, target_day: int, target_value: float | None,
               lower_is_better: bool, compound: bool = False, strict: bool = False) -> Projection:
    """The projection of one target's readings (a convenience over `projections`)."""
    days = np.asarray(days, dtype=np.int64)
    level = math.nan if target_value is None else target_value
    return projections(np.zeros(len(days), dtype=np.int64), days, values, baseline_day=[baseline_day],
                       target_day=[target_day], target_value=[level], lower_is_better=[lower_is_better],
                       compound=[compound], strict=[strict]).one(0)
