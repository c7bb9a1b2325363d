"""The confidence interval of each reading judged (pure): published, or worked out.

A reading's interval is the one its file gives (`lower` and `upper`, at its `confidence`, method
`published`), else, for a measure whose `statistic` is a proportion, rate or count, the one its
numerator and denominator give (engine/stats/intervals.py: Wilson, exact Poisson or Byar), at the
target's `significance` level (95% when the target sets none: the interval is then shown, not
judged by). Anything else has none (NaN limits, method code 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.model.spec import Target
from engine.model.units import STATISTIC_SCALE, base_unit
from engine.stats import intervals as stats

DEFAULT_CONFIDENCE = 95.0
STATISTICS = ("other", "proportion", "rate", "count", "rank")  # rank: no interval
SCALE = STATISTIC_SCALE


@dataclass(frozen=True)
class ReadingIntervals:
    """One entry per reading: the limits (NaN: none), the confidence level and the method code
    (engine.stats.intervals.METHODS; 0: no interval)."""

    lower: np.ndarray
    upper: np.ndarray
    confidence: np.ndarray
    method: np.ndarray

    @classmethod
    def none(cls, n: int) -> ReadingIntervals:
        nan = np.full(n, np.nan)
        return cls(nan, nan.copy(), nan.copy(), np.zeros(n, dtype=np.int8))


def statistic_codes(targets: tuple[Target, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per target: the statistic's code (STATISTICS), the scale of its unit, and the confidence
    its intervals are worked out at."""
    code = np.fromiter((STATISTICS.index(t.measure.statistic) for t in targets), dtype=np.int8, count=len(targets))
    scale = np.fromiter((SCALE.get(base_unit(t.measure.unit), np.nan) for t in targets), dtype=np.float64,
                        count=len(targets))
    confidence = np.fromiter((t.significance or DEFAULT_CONFIDENCE for t in targets), dtype=np.float64,
                             count=len(targets))
    return code, scale, confidence


def reading_intervals(target: np.ndarray, statistic: np.ndarray, scale: np.ndarray, confidence: np.ndarray,
                      numerator: np.ndarray | None, denominator: np.ndarray | None, lower: np.ndarray | None,
                      upper: np.ndarray | None, published_confidence: np.ndarray | None) -> ReadingIntervals:
    """The interval of each reading (target: each reading's index into the per-target columns)."""
    n = len(target)
    out = ReadingIntervals.none(n)
    level = confidence[target]
    if numerator is not None:
        kind = statistic[target]
        for name, code in (("proportion", 1), ("rate", 2), ("count", 3)):
            rows = np.flatnonzero((kind == code) & ~np.isnan(numerator))
            if not len(rows):
                continue
            x = numerator[rows]
            d = denominator[rows] if denominator is not None else np.full(len(rows), np.nan)
            if name == "proportion":
                got = stats.proportion(x, d, level[rows], scale=scale[target[rows]])
            elif name == "rate":
                got = stats.rate(x, d, level[rows], multiplier=scale[target[rows]])
            else:
                got = stats.count(x, level[rows])
            out.lower[rows], out.upper[rows], out.method[rows] = got.lower, got.upper, got.method
            out.confidence[rows] = np.where(got.method > 0, level[rows], np.nan)
    if lower is not None and upper is not None:
        given = ~np.isnan(lower) & ~np.isnan(upper)
        out.lower[given], out.upper[given] = lower[given], upper[given]
        stated = published_confidence[given] if published_confidence is not None else np.full(given.sum(), np.nan)
        out.confidence[given] = np.where(np.isnan(stated), level[given], stated)
        out.method[given] = stats.METHOD["published"]
    return out
