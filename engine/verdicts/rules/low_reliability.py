"""low-reliability: a value marked `[u]` (GSS: low reliability) is never judged worse than at risk.

A reading written `45 [u]` is read and judged like any other, then tempered: `off track` becomes
`at risk`, `worsening` becomes `no change`, and `missed` becomes `at risk` (a figure too unreliable
to say the target was missed; so it is not a `missed` breach either). The explanation says what it
would have been. A breach of the `limit` stands: the limit is a line the value as published
crossed. Provisional (`[p]`) and other qualifiers do not change a status; the verdict of a
provisional value is marked provisional.
"""

from __future__ import annotations

import numpy as np

from engine.model.readings import LOW_RELIABILITY
from engine.verdicts.rules import Decisions, Facts, Readings
from engine.verdicts.statuses import CODE

ID = "low-reliability"

# Each status worse than at risk (or its family's amber) and what it is tempered to.
TEMPERED = ((CODE["off_track"], CODE["at_risk"]), (CODE["missed"], CODE["at_risk"]),
            (CODE["worsening"], CODE["no_change"]))


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    if readings.qualifiers is None:
        return
    unreliable = (readings.qualifiers & LOW_RELIABILITY) != 0
    if not unreliable.any():
        return
    for worse, amber in TEMPERED:
        hit = unreliable & (decisions.status == worse)
        decisions.tempered[hit] = worse
        decisions.status[hit] = amber
