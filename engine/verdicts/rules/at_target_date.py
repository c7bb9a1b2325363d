"""at-target-date: a reading for a period ending on or after the target date is `achieved` or `missed`.

It is compared with the target level itself: achieved when the shortfall is at most 0 (below 0
for a strict target, `under 460`), missed otherwise. Readings equal up to float rounding are
equal (a level of 60.50000000000001 computed from a rate is met by 60.5).
"""

from __future__ import annotations

import numpy as np

from engine.verdicts.rules import Decisions, Facts, Readings, shortfall, tolerance_at
from engine.verdicts.statuses import CODE

ID = "at-target-date"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    mask = decisions.undecided() & facts.has_level[t] & (readings.day >= facts.goal_day[t])
    if not mask.any():
        return
    tm = t[mask]
    level = facts.goal_value[tm]
    gap = shortfall(readings.value[mask], level, facts.lower_is_better[tm])
    met = np.where(facts.strict[tm], gap < 0, gap <= 0)
    decisions.expected[mask] = level
    decisions.shortfall[mask] = gap
    decisions.tolerance[mask] = tolerance_at(facts, tm, level)
    decisions.set(mask, np.where(met, CODE["achieved"], CODE["missed"]).astype(np.int8))
