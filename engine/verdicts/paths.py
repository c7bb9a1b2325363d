"""Trajectories: the expected value of a target on any date (pure).

Linear:   e(d) = v0 + (v1 - v0) f,   f = (d - d0) / (d1 - d0) in days
Compound: e(d) = v0 (v1 / v0) ** f
With milestones the path runs through each, the same rule on each segment (d0, d1: the points'
period ends).
Step:     e(d) = the level of the milestone (or target) whose period contains d: a level is in
          force for its whole period, from its first day. Before the first milestone's period,
          the baseline; between two periods, the earlier level holds. Where periods overlap, a
          point's period counts from the day after the previous point's period ends.
Before the baseline date there is no path; after the target date e = v1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.model.spec import Point, Target, TrajectoryKind


@dataclass(frozen=True)
class Trajectory:
    kind: TrajectoryKind
    points: tuple[Point, ...]  # baseline, milestones..., target level; dates strictly increasing
    days: tuple[int, ...]  # the points' dates as ordinals, for bisect
    values: tuple[float, ...]
    # On a step path, the first day each point's level is in force (ordinals, strictly increasing):
    # the first day of its period, but not before the day after the previous point's date; the
    # baseline's is its date.
    starts: tuple[int, ...]

    @property
    def start(self) -> date:
        return self.points[0].date

    @property
    def end(self) -> date:
        return self.points[-1].date

    def expected(self, on: date) -> float | None:
        return self.expected_ordinal(on.toordinal())

    def expected_ordinal(self, day: int) -> float | None:
        (value,) = self.expected_days(np.array([day], dtype=np.int64))
        return None if value != value else float(value)  # NaN: before the path starts

    def expected_days(self, days: np.ndarray) -> np.ndarray:
        """The expected value on each day (ordinals); NaN before the baseline date."""
        paths = Paths.of([self])
        return paths.expected(np.zeros(len(days), dtype=np.int64), days)


# Point days are ordinals (under 1.1 million up to the year 2999): a path's index times this,
# plus a day, orders all points of all paths in one sorted column.
_SPAN = 1 << 21
KIND_CODES = {"linear": 0, "compound": 1, "step": 2}


@dataclass(frozen=True)
class Paths:
    """Many trajectories as columns, so the expected value of a million readings on ten thousand
    paths is worked out at once. The one implementation of the formulas above."""

    first: np.ndarray  # each path's first point, in the point columns
    last: np.ndarray  # each path's last point
    kind: np.ndarray  # KIND_CODES
    days: np.ndarray  # every path's points, path after path
    values: np.ndarray
    keys: np.ndarray  # path * _SPAN + day: sorted
    step_keys: np.ndarray  # path * _SPAN + the day each point's level comes into force on a step path: sorted

    @classmethod
    def of(cls, trajectories: Sequence[Trajectory | None]) -> Paths:
        """Paths in this order (None: a target without one; it has no points)."""
        counts = np.array([len(t.points) if t is not None else 0 for t in trajectories], dtype=np.int64)
        first = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else counts
        days = np.array([d for t in trajectories if t is not None for d in t.days], dtype=np.int64)
        values = np.array([v for t in trajectories if t is not None for v in t.values], dtype=np.float64)
        owner = np.repeat(np.arange(len(trajectories), dtype=np.int64), counts)
        kind = np.array([KIND_CODES[t.kind] if t is not None else 0 for t in trajectories], dtype=np.int8)
        starts = np.array([d for t in trajectories if t is not None for d in t.starts], dtype=np.int64)
        return cls(first, first + counts - 1, kind, days, values, owner * _SPAN + days, owner * _SPAN + starts)

    def expected(self, path: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The expected value for each (path, day): NaN before the path's first point, its last
        value from its last point on; between two points by the path's kind (a step path: the
        level in force that day)."""
        out = np.full(len(day), np.nan)
        if not len(day):
            return out
        at = np.searchsorted(self.keys, path * _SPAN + day, side="right") - 1  # the point at or before
        first, last = self.first[path], self.last[path]
        started = at >= first
        out[started] = self.values[last[started]]  # on or after the last point: the target level
        step = started & (self.kind[path] == KIND_CODES["step"])
        if step.any():
            # The point whose level is in force: the last to come into force on or before the day
            # (a step path's baseline comes into force on its date, so `started` holds for it too).
            out[step] = self.values[np.searchsorted(self.step_keys, path[step] * _SPAN + day[step], side="right") - 1]
        between = started & (at < last) & ~step
        i = at[between]
        d_a, d_b = self.days[i], self.days[i + 1]
        v_a, v_b = self.values[i], self.values[i + 1]
        f = (day[between] - d_a) / (d_b - d_a)
        kind = self.kind[path[between]]
        shaped = np.empty(len(i))
        linear, compound = kind == KIND_CODES["linear"], kind == KIND_CODES["compound"]
        shaped[linear] = v_a[linear] + (v_b[linear] - v_a[linear]) * f[linear]
        shaped[compound] = v_a[compound] * (v_b[compound] / v_a[compound]) ** f[compound]
        out[between] = shaped
        return out


def trajectory_for(target: Target) -> Trajectory | None:
    """The target's path, or None when it has no baseline or no target level (direction-only)."""
    if not target.has_path:
        return None
    assert target.baseline is not None and target.goal is not None and target.goal.value is not None
    points = (target.baseline, *target.milestones, Point(target.goal.period, target.goal.value))
    days = tuple(p.date.toordinal() for p in points)
    return Trajectory(
        kind=target.trajectory,
        points=points,
        days=days,
        values=tuple(p.value for p in points),
        starts=(days[0], *(max(p.period.start.toordinal(), before + 1) for p, before in zip(points[1:], days))),
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
