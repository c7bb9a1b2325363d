"""limit: a reading worse than the target's `limit` is a breach, whatever its status.

Worse means above the limit when lower is better, below it when higher is better; a reading
equal to the limit up to float rounding is not a breach.
"""

from __future__ import annotations

import numpy as np

from engine.model.compare import compare
from engine.verdicts.rules import Decisions, Facts, Readings

ID = "limit"
CODE = 1  # statuses.BREACH_REASONS


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    limit = facts.limit[t]
    has = ~np.isnan(limit)
    if not has.any():
        return
    side = compare(readings.value[has], limit[has])
    worse = np.where(facts.lower_is_better[t[has]], side > 0, side < 0)
    hit = np.zeros(len(t), dtype=bool)
    hit[np.flatnonzero(has)[worse]] = True
    decisions.breach[hit] = CODE
