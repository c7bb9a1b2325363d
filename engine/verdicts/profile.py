"""A target's profile: the expected value at each period end, with readings where there are some (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.verdicts.paths import profile_dates, trajectory_for
from engine.model.periods import period_ending
from engine.model.readings import Reading
from engine.verdicts.evaluation import judge_many
from engine.verdicts.explain import TargetWords
from engine.verdicts.statuses import STATUS_WORDS
from engine.model.spec import Target
from engine.verdicts.wording import with_unit


def profile_rows(target: Target, readings: Sequence[Reading], every: str) -> list[tuple[str, date, float | None, str, str]]:
    """(period label, date, expected, reading, status) from baseline to target, plus any reading off the grid."""
    trajectory = trajectory_for(target)
    financial = target.baseline is not None and target.baseline.period.kind.startswith("financial")
    rows: dict[date, tuple[str, date, float | None, str, str]] = {}
    if trajectory is not None:
        # The path's own points keep the labels the spec gives them (a 2015/16 target date is
        # 2015/16 even on a calendar-year grid); the grid fills in between.
        own = {point.date: point.period.label for point in trajectory.points}
        for on in profile_dates(trajectory.start, trajectory.end, every):
            label = own.get(on) or period_ending(on, every, financial).label
            rows[on] = (label, on, trajectory.expected(on), "", "")
    elif target.baseline is not None:
        b = target.baseline
        rows[b.date] = (b.period.label, b.date, None, "", "baseline " + with_unit(b.value, target.measure.unit))
    ordered = sorted(readings, key=lambda r: r.period)
    words = TargetWords(target, trajectory)
    for reading, verdict in zip(ordered, judge_many(target, [(r.period, r.value) for r in ordered])):
        label = rows[verdict.date][0] if verdict.date in rows else reading.period.label
        places = words.reading_decimals(verdict.value, verdict.status, verdict.shortfall, verdict.tolerance,
                                        verdict.breach_reason)  # as in the reading's sentence
        shown = with_unit(reading.value, target.measure.unit, decimals=places)
        status = STATUS_WORDS[verdict.status] + (" (breach)" if verdict.breach else "")
        rows[verdict.date] = (label, verdict.date, verdict.expected, shown, status)
    return [rows[d] for d in sorted(rows)]
