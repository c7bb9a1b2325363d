"""missed: a target missed at or after its target date is a breach (unless a limit breach already
says more: then the limit is named)."""

from __future__ import annotations

from engine.verdicts.rules import Decisions, Facts, Readings
from engine.verdicts.statuses import CODE as STATUS

ID = "missed"
CODE = 2  # statuses.BREACH_REASONS


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    decisions.breach[(decisions.status == STATUS["missed"]) & (decisions.breach == 0)] = CODE
