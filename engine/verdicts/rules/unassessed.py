"""unassessed: a reading that no other rule can judge (a draft without a baseline yet, before its
target date) is `unassessed`: shown, not judged."""

from __future__ import annotations

from engine.verdicts.rules import Decisions, Facts, Readings

ID = "unassessed"


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    decisions.set(decisions.undecided(), "unassessed")
