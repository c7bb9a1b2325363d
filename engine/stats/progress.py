"""The Open SDG progress category of each target (pure).

Observed growth g_obs = (latest / baseline)^(1 / years) - 1, years between the two period ends;
required growth g_req = (target / baseline)^(1 / years to target) - 1 (years from the baseline's
period end to the target's). Years are calendar months / 12, as the `annual_rate` target form
counts them (periods.months_between).

A target with a level: `target_achieved` when the latest reading already meets it (judged as
the at-target-date verdict judges: the shortfall is at most 0, below 0 for a strict target);
otherwise the ratio R = d g_obs / |g_req| (d = +1 when higher is better, -1 when lower is) places
it: `substantial_progress` R >= 0.95, `moderate_progress` 0.6 <= R < 0.95, `negligible_progress`
0 <= R < 0.6, `deterioration` R < 0. R is g_obs / g_req whenever the target lies on the better
side of the baseline; written with d and |g_req| (as Open SDG's current code does) it also never
calls a move away from the target progress when the baseline already met it.

A direction-only target (no level): g = d g_obs, so that positive is better:
`substantial_progress` g > 0.01, `moderate_progress` 0 < g <= 0.01, `moderate_deterioration`
-0.01 <= g <= 0, `substantial_deterioration` g < -0.01.

Thresholds are compared with the one comparison rule (model/compare.py). Zero or negative values
have no growth rate: no category, with the reason. Sources and worked examples: docs/methods.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.model.compare import compare, difference
from engine.model.periods import months_between

CATEGORIES = (
    "",  # none: see the reason
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "negligible_progress",
    "deterioration",
    "moderate_deterioration",
    "substantial_deterioration",
)
CATEGORY = {name: code for code, name in enumerate(CATEGORIES)}

# The thresholds: ratio of observed to required growth, and growth for direction-only targets.
SUBSTANTIAL_RATIO, MODERATE_RATIO = 0.95, 0.6
DIRECTION_BAND = 0.01

REASONS = (
    "",
    "no_reading",  # no latest reading
    "not_positive",  # the baseline, the latest reading or the target level is 0 or below
    "no_time_elapsed",  # the latest reading's period ends on or before the baseline's
    "target_not_after_baseline",  # the target date is not after the baseline's
    "no_change_required",  # the target level is the baseline: no growth is required (and it is not met)
)
REASON = {name: code for code, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Progresses:
    """One entry per target; NaN where a rate cannot be worked out."""

    category: np.ndarray  # int8, codes into CATEGORIES (0: none, see reason)
    observed_rate: np.ndarray  # g_obs, a fraction a year (-0.02: falling 2% a year)
    required_rate: np.ndarray  # g_req (NaN for direction-only targets)
    ratio: np.ndarray  # R (NaN for direction-only targets)
    reason: np.ndarray  # int8, codes into REASONS

    def one(self, target: int) -> Progress:
        return self.many(np.array([target], dtype=np.int64))[0]

    def many(self, targets: np.ndarray) -> list[Progress]:
        """The progress of these targets."""
        return [Progress(*fields) for fields in zip(*self.fields(targets).values())]

    def fields(self, targets: np.ndarray) -> dict[str, list]:
        """The progress of these targets field by field, as Progress has them (columns read once, as lists)."""
        return {"category": [CATEGORIES[c] or None for c in self.category[targets].tolist()],
                "observed_rate": [None if x != x else x for x in self.observed_rate[targets].tolist()],
                "required_rate": [None if x != x else x for x in self.required_rate[targets].tolist()],
                "ratio": [None if x != x else x for x in self.ratio[targets].tolist()],
                "reason": [REASONS[c] or None for c in self.reason[targets].tolist()]}


@dataclass(frozen=True)
class Progress:
    """The progress of one target."""

    category: str | None
    observed_rate: float | None
    required_rate: float | None
    ratio: float | None
    reason: str | None


def years_between(start_day, end_day) -> np.ndarray:
    """Calendar years (months / 12) from each start day to each end day (ordinals); negative
    when the end is earlier. Worked out once per distinct pair: targets share a few periods."""
    start, end = np.broadcast_arrays(np.asarray(start_day, dtype=np.int64), np.asarray(end_day, dtype=np.int64))
    pairs = np.stack([start.ravel(), end.ravel()], axis=1)
    if not len(pairs):
        return np.zeros(start.shape)
    distinct, where = np.unique(pairs, axis=0, return_inverse=True)

    def years(a: int, b: int) -> float:
        if b < a:
            return -years(b, a)
        return months_between(date.fromordinal(a), date.fromordinal(b)) / 12

    return np.array([years(int(a), int(b)) for a, b in distinct])[where.reshape(-1)].reshape(start.shape)


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a == b up to rounding (the one comparison rule), and False where either is NaN."""
    known = ~np.isnan(a) & ~np.isnan(b)
    return known & (compare(np.where(known, a, 0.0), np.where(known, b, 0.0)) == 0)


def progresses(baseline, baseline_day, latest, latest_day, *, target_value, target_day, lower_is_better,
               strict=None) -> Progresses:
    """The progress category of every target at once; every argument has one entry per target.

    target_value: NaN for a direction-only target (target_day is then not read).
    latest: NaN where a target has no reading.
    """
    lower_is_better = np.asarray(lower_is_better, dtype=bool)
    n = len(lower_is_better)

    def column(c, dtype=np.float64):
        return np.broadcast_to(np.asarray(c, dtype=dtype), (n,))

    baseline, latest, level = column(baseline), column(latest), column(target_value)
    baseline_day, latest_day = column(baseline_day, np.int64), column(latest_day, np.int64)
    target_day = column(target_day, np.int64)
    strict = np.zeros(n, dtype=bool) if strict is None else column(strict, bool)
    has_level = ~np.isnan(level)
    d = np.where(lower_is_better, -1.0, 1.0)

    years_seen = years_between(baseline_day, latest_day)
    years_set = np.where(has_level, years_between(baseline_day, np.where(has_level, target_day, baseline_day)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        observed = (latest / baseline) ** (1 / years_seen) - 1
        required = (level / baseline) ** (1 / years_set) - 1
        ratio = d * observed / np.abs(required)
    positive = (baseline > 0) & (latest > 0) & (~has_level | (level > 0))

    reason = np.zeros(n, dtype=np.int8)

    def mark(condition, name):
        reason[(reason == 0) & condition] = REASON[name]

    gap = np.where(lower_is_better, difference(latest, level), difference(level, latest))
    achieved = has_level & ~np.isnan(latest) & np.where(strict, gap < 0, gap <= 0)
    mark(np.isnan(latest), "no_reading")
    mark(~achieved & ~positive, "not_positive")
    mark(~achieved & ~(years_seen > 0), "no_time_elapsed")
    mark(~achieved & has_level & ~(years_set > 0), "target_not_after_baseline")
    same = _equal(level, baseline)
    mark(~achieved & has_level & same, "no_change_required")

    valid = positive & (years_seen > 0)
    observed = np.where(valid, observed, np.nan)
    level_valid = valid & has_level & (years_set > 0) & ~same
    required = np.where(has_level & positive & (years_set > 0), required, np.nan)
    ratio = np.where(level_valid, ratio, np.nan)

    # NaN (no rate) is read as 0 here only to keep the comparisons quiet: those entries get no category.
    # The numbers involved: a growth rate is a growth factor (about 1) less 1, so its rounding is
    # that of 1, not of the rate; the ratio's is that of 1 / |g_req|, times 1 + |R|.
    r = np.nan_to_num(ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_scale = np.nan_to_num((1 + np.abs(r)) / np.abs(required), posinf=0.0)
    by_ratio = np.select(
        [compare(r, SUBSTANTIAL_RATIO, ratio_scale) >= 0, compare(r, MODERATE_RATIO, ratio_scale) >= 0,
         compare(r, 0.0, ratio_scale) >= 0],
        [CATEGORY["substantial_progress"], CATEGORY["moderate_progress"], CATEGORY["negligible_progress"]],
        CATEGORY["deterioration"])
    signed = np.nan_to_num(d * observed)
    factor = 1 + np.abs(signed)
    by_growth = np.select(
        [compare(signed, DIRECTION_BAND, factor) > 0, compare(signed, 0.0, factor) > 0,
         compare(signed, -DIRECTION_BAND, factor) >= 0],
        [CATEGORY["substantial_progress"], CATEGORY["moderate_progress"], CATEGORY["moderate_deterioration"]],
        CATEGORY["substantial_deterioration"])
    category = np.where(has_level, by_ratio, by_growth)
    category = np.where(achieved, CATEGORY["target_achieved"], np.where(reason == 0, category, 0)).astype(np.int8)
    return Progresses(category, observed, required, ratio, reason)


def progress(baseline: float, baseline_end: date, latest: float | None, latest_end: date, *,
             target_value: float | None, target_end: date | None, lower_is_better: bool,
             strict: bool = False) -> Progress:
    """The progress of one target (a convenience over `progresses`)."""
    return progresses([baseline], [baseline_end.toordinal()], [math.nan if latest is None else latest],
                      [latest_end.toordinal()], target_value=[math.nan if target_value is None else target_value],
                      target_day=[(target_end or baseline_end).toordinal()], lower_is_better=[lower_is_better],
                      strict=[strict]).one(0)
