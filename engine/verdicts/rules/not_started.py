"""not-started: a reading for a period that ends before the baseline period does is `not started`.

The target had not begun then: such a reading is shown, never judged against the path, and
never a breach of the target date (a limit still applies).
"""

from __future__ import annotations


from engine.verdicts.rules import Decisions, Facts, Readings

ID = "not-started"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    mask = decisions.undecided() & facts.has_baseline[t] & (readings.day < facts.baseline_day[t])
    decisions.set(mask, "not_started")
