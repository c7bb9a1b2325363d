"""Per-target assessments over the readings judged (pure): trend, projection and progress.

Issue 11. Each is worked out for every target at once from the judged columns (engine/stats):

- trend: Fingertips' recent trend over the latest 5 readings of one period length, weighted by
  each reading's interval (published or worked out; none: the trend cannot be calculated);
- projection: where the pace since the baseline leads by the target date (least squares on the
  period-end day; on the logarithm for a compound path);
- progress: Open SDG's category, from the baseline and the latest reading.

A reading marked `[b]` (a break in series, GSS) starts the series afresh: the trend and the
projection use only the readings from the latest break on. The words are explain's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.stats.intervals import z_for
from engine.stats.progress import Progresses, progresses
from engine.stats.projection import Projections, projections
from engine.stats.trend import Trends, recent_trends

# Period lengths, for the trend's "one period length" (days are not trended with months).
LENGTHS = {"year": 1, "financial_year": 1, "quarter": 2, "financial_quarter": 2, "month": 3, "day": 4,
           "years": 5, "financial_years": 5}


@dataclass(frozen=True)
class Assessments:
    trends: Trends
    projections: Projections
    progresses: Progresses


def after_breaks(target: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Which readings (sorted by target, then date) are at or after their target's latest break."""
    n = len(target)
    if not breaks.any():
        return np.ones(n, dtype=bool)
    index = np.arange(n)
    last_break = np.where(breaks, index, -1)
    # The latest break at or before each row, within its target (targets are contiguous runs).
    running = np.maximum.accumulate(last_break)
    starts = np.searchsorted(target, target, side="left")
    running = np.where(running >= starts, running, -1)
    latest = np.full(int(target.max()) + 1 if n else 0, -1)
    np.maximum.at(latest, target, running)
    return index >= latest[target]


def assess(facts, target: np.ndarray, day: np.ndarray, order: np.ndarray, length: np.ndarray, value: np.ndarray,
           lower: np.ndarray, upper: np.ndarray, confidence: np.ndarray, breaks: np.ndarray,
           numerator: np.ndarray | None, denominator: np.ndarray | None) -> Assessments:
    """Every target's trend, projection and progress. Columns are the judged readings, sorted by
    target then date; facts: engine.verdicts.rules.Facts."""
    targets = len(facts.targets)
    kept = after_breaks(target, breaks)
    z = np.full(len(confidence), z_for(95.0))
    for level in np.unique(confidence[~np.isnan(confidence)]):  # a level or two, not one per reading
        z[confidence == level] = z_for(float(level))
    nan = np.full(len(value), np.nan)
    trends = recent_trends(target[kept], order[kept], length[kept], value[kept], lower[kept], upper[kept], z=z[kept],
                           lower_is_better=facts.lower_is_better,
                           numerator=(numerator if numerator is not None else nan)[kept],
                           denominator=(denominator if denominator is not None else nan)[kept])
    level = np.where(facts.has_level, facts.goal_value, np.nan)
    compound = np.fromiter((t.trajectory == "compound" for t in facts.targets), dtype=bool, count=targets)
    start = np.where(facts.has_baseline, facts.baseline_day, np.iinfo(np.int64).max)
    found = projections(target[kept], day[kept], value[kept], baseline_day=start, target_day=facts.goal_day,
                        target_value=level, lower_is_better=facts.lower_is_better, compound=compound,
                        strict=facts.strict)
    # Progress: from the baseline to each target's latest reading.
    counts = np.bincount(target, minlength=targets)[:targets]
    last = np.cumsum(counts) - 1
    has = counts > 0
    latest = np.where(has, value[np.maximum(last, 0)] if len(value) else np.nan, np.nan)
    latest_day = np.where(has, day[np.maximum(last, 0)] if len(day) else 1, 1)  # 1: any valid day, not read
    progress = progresses(np.where(facts.has_baseline, facts.baseline_value, np.nan),
                          np.where(facts.has_baseline, facts.baseline_day, 1), latest, latest_day,
                          target_value=level, target_day=np.where(facts.has_level, facts.goal_day, 1),
                          lower_is_better=facts.lower_is_better, strict=facts.strict)
    return Assessments(trends, found, progress)
