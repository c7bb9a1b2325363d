"""significance: where a target sets `significance`, a reading's interval decides what its value alone cannot.

Public-service figures are samples and small numbers: 92.1% of a survey of 1,000 against 93%
expected is inside its own sampling error. For a target with `significance: {confidence: ...}`
and a reading with an interval (published, or worked out from its numerator and denominator):

- before the target date, a reading worse than the path is `off track` only when its whole
  interval lies beyond the tolerance band: the better end of the interval is still worse than
  expected + tolerance. Otherwise it is `at risk` (the difference is not significant). On or
  better than the path is `on track`, as by value;
- a direction-only target is `improving` only when the whole interval is better than the baseline
  by more than the tolerance, `worsening` only when the whole interval is worse by more; otherwise
  `no change`;
- on or after the target date `achieved` and `missed` stay decided by the value (a target is a
  target); `significant` says whether the interval excludes the target level.

A reading without an interval on such a target is judged on its value, and says so. The rule
only ever keeps or softens a status: never worse than the value alone. Each reading it looks at
gets `significant`: 1 the interval confirms the difference, 0 it does not, -1 not assessed.
Runs after the status rules (it refines their decisions) and before the breach rules.
"""

from __future__ import annotations

import numpy as np

from engine.model.compare import compare
from engine.verdicts.rules import Decisions, Facts, Readings, shortfall
from engine.verdicts.statuses import CODE

ID = "significance"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    has = ~np.isnan(readings.lower) & ~np.isnan(readings.upper)
    mask = has & ~np.isnan(facts.confidence[t])
    if not mask.any():
        return
    status, lower_is_better = decisions.status, facts.lower_is_better[t]
    # The interval's better and worse ends for the target's polarity.
    better = np.where(lower_is_better, readings.lower, readings.upper)
    worse = np.where(lower_is_better, readings.upper, readings.lower)
    significant = decisions.significant

    # Before the target date, worse than the path: off track only if the better end is beyond the band.
    worse_than_path = mask & np.isin(status, (CODE["at_risk"], CODE["off_track"]))
    if worse_than_path.any():
        m = worse_than_path
        gap = shortfall(better[m], decisions.expected[m], lower_is_better[m])
        beyond = compare(gap, decisions.tolerance[m], better[m], decisions.expected[m]) > 0
        significant[m] = beyond
        status[m] = np.where(beyond & (status[m] == CODE["off_track"]), CODE["off_track"], CODE["at_risk"])

    # Direction-only: improving or worsening only when the whole interval says so.
    moved = mask & np.isin(status, (CODE["improving"], CODE["worsening"]))
    if moved.any():
        m = moved
        baseline = facts.baseline_value[t[m]]
        end = np.where(status[m] == CODE["improving"], worse[m], better[m])  # the end nearest the baseline
        gap = shortfall(end, baseline, lower_is_better[m])
        beyond = compare(np.abs(gap), decisions.tolerance[m], end, baseline) > 0
        same_side = np.where(status[m] == CODE["improving"], gap < 0, gap > 0)
        confirmed = beyond & same_side
        significant[m] = confirmed
        status[m] = np.where(confirmed, status[m], CODE["no_change"])
    unchanged = mask & (status == CODE["no_change"]) & ~moved
    significant[unchanged] = 0

    # At or after the target date: the value decides; say whether the interval excludes the level.
    settled = mask & np.isin(status, (CODE["achieved"], CODE["missed"]))
    if settled.any():
        m = settled
        level = facts.goal_value[t[m]]
        above = compare(readings.lower[m], level, level) > 0
        below = compare(readings.upper[m], level, level) < 0
        significant[m] = above | below
