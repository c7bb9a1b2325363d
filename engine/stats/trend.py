"""The recent trend of each target, as OHID Fingertips computes its trend markers (pure).

Over the latest 5 readings of a target (one period length), a weighted least-squares line on
positions 1..5 (the readings' order, not their dates: gaps between periods do not count), each
reading weighted 1 / sigma^2 with sigma = (upper - lower) / (2 z), z that of its interval's
confidence level:

    S = sum w, Sx = sum w x, Sxx = sum w x^2, Sy = sum w y, Sxy = sum w x y, D = S Sxx - Sx^2
    slope = (S Sxy - Sx Sy) / D,  var(slope) = S / D,  chi-squared = slope^2 / var(slope)

The trend is significant when chi-squared exceeds the 99.8% point of chi-squared with 1 degree
of freedom (z(99.8)^2 = 9.54953570608324) and each of the five slopes fitted with one reading
left out (the others keeping their positions) has the full slope's sign (a slope of exactly 0
counts as positive, as Fingertips counts it). Sources and a worked example: docs/methods.md.

Everything works on columns: readings of many targets at once, one result per target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.model.compare import compare
from engine.stats.intervals import Z

POINTS = 5
# The 99.8% point of chi-squared with 1 degree of freedom is the square of the 99.8% two-sided z.
THRESHOLD = Z[99.8] ** 2  # 9.54953570608324, Fingertips' ChiSquareConfidence to the last digit

LABELS = (
    "cannot_be_calculated",
    "no_significant_change",
    "increasing_getting_better",
    "increasing_getting_worse",
    "decreasing_getting_better",
    "decreasing_getting_worse",
)
LABEL = {name: code for code, name in enumerate(LABELS)}

# Why a trend cannot be calculated (0: it was). Wording in docs/methods.md.
REASONS = (
    "",
    "too_few_points",  # fewer than 5 readings
    "mixed_period_lengths",  # the latest 5 are not all of one period length
    "no_interval",  # one of the latest 5 has no interval
    "zero_width_interval",  # one of them has an interval of no width (its weight would be infinite)
    "numerator_equals_denominator",  # as Fingertips: a reading of 100% (or a rate of 1 per head)
)
REASON = {name: code for code, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Trends:
    """One entry per target: label and reason codes (LABELS, REASONS), chi-squared and slope (per
    period; NaN where not calculated) and the number of readings the trend looked at."""

    label: np.ndarray  # int8
    chi_squared: np.ndarray
    slope: np.ndarray
    points: np.ndarray  # int64: 5, or fewer when the target has fewer readings
    reason: np.ndarray  # int8

    def one(self, target: int) -> Trend:
        return self.many(np.array([target], dtype=np.int64))[0]

    def many(self, targets: np.ndarray) -> list[Trend]:
        """The trends of these targets."""
        return [Trend(*fields) for fields in zip(*self.fields(targets).values())]

    def fields(self, targets: np.ndarray) -> dict[str, list]:
        """The trends of these targets field by field, as Trend has them (columns read once, as lists)."""
        return {"label": [LABELS[c] for c in self.label[targets].tolist()],
                "chi_squared": [None if x != x else x for x in self.chi_squared[targets].tolist()],
                "slope": [None if x != x else x for x in self.slope[targets].tolist()],
                "points": self.points[targets].tolist(),
                "reason": [REASONS[c] or None for c in self.reason[targets].tolist()]}


@dataclass(frozen=True)
class Trend:
    """The trend of one target."""

    label: str
    chi_squared: float | None
    slope: float | None
    points: int
    reason: str | None


def recent_trends(group, order, length, value, lower, upper, *, z, lower_is_better,
                  numerator=None, denominator=None) -> Trends:
    """The trend of each target from the readings of all of them.

    group: each reading's target (0 .. len(lower_is_better) - 1); order: a key that sorts a
    target's readings oldest first (the period's end, or Period.key); length: a code for each
    reading's period length (year, quarter, month: equal codes for equal lengths); value,
    lower, upper: the reading and its interval (NaN: none); z: the z of each interval's
    confidence level (a number or a column); lower_is_better: one per target; numerator and
    denominator (optional; NaN where not given) only for Fingertips' numerator = denominator rule.
    """
    lower_is_better = np.asarray(lower_is_better, dtype=bool)
    targets = len(lower_is_better)
    group = np.asarray(group, dtype=np.int64)
    n = len(group)
    columns = [np.broadcast_to(np.asarray(c, dtype=np.float64), (n,)) for c in (value, lower, upper, z)]
    value, lower, upper, z = columns

    # Each target's latest 5 readings, oldest first, as a (targets, 5) table of rows.
    rows = _by_target_then_order(group, np.asarray(order), targets)
    counts = np.bincount(group, minlength=targets)[:targets]
    ends = np.cumsum(counts)
    take = ends[:, None] - POINTS + np.arange(POINTS)
    table = rows[np.clip(take, 0, max(n - 1, 0))] if n else np.zeros((targets, POINTS), dtype=np.int64)
    points = np.minimum(counts, POINTS)

    reason = np.zeros(targets, dtype=np.int8)

    def mark(condition, name):
        reason[(reason == 0) & condition] = REASON[name]

    mark(counts < POINTS, "too_few_points")
    full = reason == 0  # the checks below read only targets with 5 readings
    if n:
        lengths = np.asarray(length)[table]
        mark(full & np.any(lengths != lengths[:, :1], axis=1), "mixed_period_lengths")
        y, lo, hi = value[table], lower[table], upper[table]
        mark(full & np.any(np.isnan(y) | np.isnan(lo) | np.isnan(hi), axis=1), "no_interval")
        mark(full & np.any(~(hi - lo > 0), axis=1), "zero_width_interval")
        if numerator is not None and denominator is not None:
            num = np.broadcast_to(np.asarray(numerator, dtype=np.float64), (n,))[table]
            den = np.broadcast_to(np.asarray(denominator, dtype=np.float64), (n,))[table]
            mark(full & np.any(num == den, axis=1), "numerator_equals_denominator")

    label = np.zeros(targets, dtype=np.int8)
    chi_squared = np.full(targets, np.nan)
    slope = np.full(targets, np.nan)
    ok = reason == 0
    if ok.any():
        y, lo, hi, zz = value[table[ok]], lower[table[ok]], upper[table[ok]], z[table[ok]]
        sigma = (hi - lo) / (2 * zz)
        # Six fits per target: all five readings, then each left out (its weight 0): (targets, 6, 5).
        w = np.repeat((1 / (sigma * sigma))[:, None, :], POINTS + 1, axis=1)
        w[:, np.arange(1, POINTS + 1), np.arange(POINTS)] = 0.0
        fitted_slope, var = _fit(w, np.arange(1, POINTS + 1, dtype=np.float64), y[:, None, :])
        full_slope, full_var, loo_slope = fitted_slope[:, 0], var[:, 0], fitted_slope[:, 1:]
        chi = full_slope * full_slope / full_var
        steady = np.all((loo_slope < 0) == (full_slope < 0)[:, None], axis=1)
        finite = np.isfinite(chi)
        significant = steady & finite & (compare(np.where(finite, chi, 0.0), THRESHOLD) > 0)
        rising = full_slope > 0
        better = rising != lower_is_better[ok]
        code = np.where(rising, np.where(better, LABEL["increasing_getting_better"], LABEL["increasing_getting_worse"]),
                        np.where(better, LABEL["decreasing_getting_better"], LABEL["decreasing_getting_worse"]))
        label[ok] = np.where(significant, code, LABEL["no_significant_change"])
        chi_squared[ok] = chi
        slope[ok] = full_slope
    return Trends(label, chi_squared, slope, points.astype(np.int64), reason)


def _by_target_then_order(group: np.ndarray, order: np.ndarray, targets: int) -> np.ndarray:
    """The rows sorted by target, then by order: one argsort of a combined key when the two fit
    in 62 bits (twice as fast as np.lexsort on a million readings), else two stable sorts."""
    if len(order) and np.issubdtype(order.dtype, np.integer):
        low = int(order.min())
        span = int(order.max()) - low + 1
        if span * max(targets, 1) < 1 << 62:
            return np.argsort(group * span + (order - low), kind="stable")
    by_order = np.argsort(order, kind="stable")
    return by_order[np.argsort(group[by_order], kind="stable")]


def _fit(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least-squares slopes and their variances along the last axis.

    Written about the weighted means (slope = sum w dx dy / sum w dx^2, var = 1 / sum w dx^2):
    the same numbers as (S Sxy - Sx Sy) / (S Sxx - Sx^2) and S / (S Sxx - Sx^2), without their
    cancellation when one reading's interval is far narrower than another's.
    """
    s = w.sum(axis=-1)
    dx = x - (w * x).sum(axis=-1, keepdims=True) / s[..., None]
    dy = y - (w * y).sum(axis=-1, keepdims=True) / s[..., None]
    spread = (w * dx * dx).sum(axis=-1)
    return (w * dx * dy).sum(axis=-1) / spread, 1 / spread


def recent_trend(value, lower, upper, *, lower_is_better: bool, z=Z[95.0], length=None,
                 numerator=None, denominator=None) -> Trend:
    """The trend of one target's readings, given oldest first (a convenience over recent_trends)."""
    value = np.asarray(value, dtype=np.float64)
    n = len(value)
    return recent_trends(np.zeros(n, dtype=np.int64), np.arange(n), np.zeros(n) if length is None else length,
                         value, lower, upper, z=z, lower_is_better=[lower_is_better],
                         numerator=numerator, denominator=denominator).one(0)
