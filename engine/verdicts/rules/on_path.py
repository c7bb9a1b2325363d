"""on-path: before the target date, a reading is judged against the trajectory.

shortfall = how far the reading is on the wrong side of the expected value (negative: better);
tolerance = absolute + relative x |expected|. `on track` when the shortfall is at most 0, `at
risk` when it is at most the tolerance, `off track` beyond it. A shortfall equal to the
tolerance is at risk whatever float rounding makes of it (the one comparison rule).
"""

from __future__ import annotations

import numpy as np

from engine.model.compare import compare
from engine.verdicts.rules import Decisions, Facts, Readings, shortfall, tolerance_at
from engine.verdicts.statuses import CODE

ID = "on-path"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    mask = decisions.undecided() & facts.has_path[t]
    if not mask.any():
        return
    tm, value = t[mask], readings.value[mask]
    expected = facts.paths.expected(facts.path[tm], readings.day[mask])
    gap = shortfall(value, expected, facts.lower_is_better[tm])
    tolerance = tolerance_at(facts, tm, expected)
    beyond = compare(gap, tolerance, value, expected) > 0
    status = np.where(gap <= 0, CODE["on_track"], np.where(beyond, CODE["off_track"], CODE["at_risk"]))
    decisions.expected[mask] = expected
    decisions.shortfall[mask] = gap
    decisions.tolerance[mask] = tolerance
    decisions.beyond[mask] = beyond
    decisions.set(mask, status.astype(np.int8))
