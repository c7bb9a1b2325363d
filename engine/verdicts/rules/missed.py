"""missed: a target whose outcome is missed is a breach (unless a limit breach already says more:
then the limit is named).

The breach is on the reading that settled the outcome (rule `outcome`); a later reading worse than
the target level is `missed` too, compared with the level, but not a breach of it.
"""

from __future__ import annotations

from engine.verdicts.rules import SETTLES, Decisions, Facts, Readings
from engine.verdicts.statuses import CODE as STATUS

ID = "missed"
CODE = 2  # statuses.BREACH_REASONS


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    hit = (decisions.status == STATUS["missed"]) & (decisions.outcome == SETTLES) & (decisions.breach == 0)
    decisions.breach[hit] = CODE
