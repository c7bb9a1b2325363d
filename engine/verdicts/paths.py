"""Trajectories: the expected value of a target on any date (pure).

Linear:   e(d) = v0 + (v1 - v0) f,   f = (d - d0) / (d1 - d0) in days
Compound: e(d) = v0 (v1 / v0) ** f
Step:     e(d) = the value of the latest point at or before d
With milestones the path runs through each, the same rule on each segment.
Before the baseline date there is no path; after the target date e = v1.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from engine.model.spec import Point, Target, TrajectoryKind


@dataclass(frozen=True)
class Trajectory:
    kind: TrajectoryKind
    points: tuple[Point, ...]  # baseline, milestones..., target level; dates strictly increasing
    days: tuple[int, ...]  # the points' dates as ordinals, for bisect
    values: tuple[float, ...]

    @property
    def start(self) -> date:
        return self.points[0].date

    @property
    def end(self) -> date:
        return self.points[-1].date

    def expected(self, on: date) -> float | None:
        return self.expected_ordinal(on.toordinal())

    def expected_ordinal(self, day: int) -> float | None:
        days, values = self.days, self.values
        if day < days[0]:
            return None
        if day >= days[-1]:
            return values[-1]
        i = bisect_right(days, day) - 1  # segment i runs from point i to point i + 1
        if self.kind == "step":
            return values[i]
        d_a, d_b = days[i], days[i + 1]
        v_a, v_b = values[i], values[i + 1]
        f = (day - d_a) / (d_b - d_a)
        if self.kind == "compound":
            return v_a * (v_b / v_a) ** f
        return v_a + (v_b - v_a) * f


def trajectory_for(target: Target) -> Trajectory | None:
    """The target's path, or None when it has no baseline or no target level (direction-only)."""
    if not target.has_path:
        return None
    assert target.baseline is not None and target.goal is not None and target.goal.value is not None
    points = (target.baseline, *target.milestones, Point(target.goal.period, target.goal.value))
    return Trajectory(
        kind=target.trajectory,
        points=points,
        days=tuple(p.date.toordinal() for p in points),
        values=tuple(p.value for p in points),
    )


def profile_dates(start: date, end: date, every: str) -> list[date]:
    """Period ends from start to end inclusive: every year (31 March), quarter or month end."""
    from engine.model.periods import add_months, month_end_of

    step = {"year": 12, "quarter": 3, "month": 1}[every]
    dates = []
    current = start
    while current <= end:
        dates.append(current)
        current = add_months(current, step)
        # Keep to month ends: 30 June -> 30 Sep -> 31 Dec, not 30 Dec.
        current = month_end_of(current)
    if dates[-1] != end:
        dates.append(end)
    return dates
