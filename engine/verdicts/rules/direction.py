"""direction: a target with a baseline but no target level is judged by direction.

The reading is compared with the baseline: `improving` when it is better by more than the
tolerance (absolute + relative x |baseline|), `worsening` when worse by more, `no change` within
it (equal up to float rounding counts as within).
"""

from __future__ import annotations

import numpy as np

from engine.model.compare import compare
from engine.verdicts.rules import Decisions, Facts, Readings, shortfall, tolerance_at
from engine.verdicts.statuses import CODE

ID = "direction"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    mask = decisions.undecided() & facts.has_baseline[t]
    if not mask.any():
        return
    tm, value = t[mask], readings.value[mask]
    reference = facts.baseline_value[tm]
    gap = shortfall(value, reference, facts.lower_is_better[tm])
    tolerance = tolerance_at(facts, tm, reference)
    beyond = compare(np.abs(gap), tolerance, value, reference) > 0
    status = np.where(beyond & (gap < 0), CODE["improving"], np.where(beyond, CODE["worsening"], CODE["no_change"]))
    decisions.shortfall[mask] = gap
    decisions.tolerance[mask] = tolerance
    decisions.beyond[mask] = beyond
    decisions.set(mask, status.astype(np.int8))
