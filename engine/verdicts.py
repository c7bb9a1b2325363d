"""Verdicts: is a reading on its trajectory, and is it a breach? (pure)

shortfall = how far the reading is on the wrong side of the path
            (x - e when lower is better, e - x when higher is better; negative = better)
tolerance = absolute + relative * |e|
Before the baseline date: not_started. Up to the target date: on_track (shortfall <= 0),
at_risk (0 < shortfall <= tolerance), off_track. At or after it: achieved or missed.
Direction-only targets compare with the baseline: improving, no_change, worsening.
Breach: worse than the limit, or a missed target.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from .paths import Trajectory
from .periods import Period
from .spec import Target
from .units import difference_word
from .wording import difference, with_unit

Status = Literal[
    "on_track", "at_risk", "off_track", "achieved", "missed",
    "improving", "no_change", "worsening", "not_started", "unassessed", "no_data",
]

# Better first: moving a reading the better way never moves it down this order.
TRACK_ORDER: tuple[Status, ...] = ("on_track", "at_risk", "off_track")
END_ORDER: tuple[Status, ...] = ("achieved", "missed")
DIRECTION_ORDER: tuple[Status, ...] = ("improving", "no_change", "worsening")
ALL_STATUSES: tuple[Status, ...] = TRACK_ORDER + END_ORDER + DIRECTION_ORDER + ("not_started", "unassessed", "no_data")

STATUS_WORDS = {s: s.replace("_", " ") for s in ALL_STATUSES}


@dataclass(frozen=True)
class Verdict:
    period: Period
    date: date
    value: float
    expected: float | None
    shortfall: float | None
    tolerance: float | None
    status: Status
    breach: bool
    breach_reason: str | None
    explanation: str


@dataclass(frozen=True)
class Judge:
    """Everything about one target that verdicts need, computed once, not once per reading."""

    target: Target
    trajectory: Trajectory | None
    decimals: int
    lower_is_better: bool

    @classmethod
    def for_target(cls, target: Target, trajectory: Trajectory | None) -> Judge:
        return cls(target, trajectory, display_decimals(target), target.measure.lower_is_better)

    def shortfall(self, value: float, reference: float) -> float:
        gap = value - reference if self.lower_is_better else reference - value
        # Levels computed from rates carry float noise (50 x 1.1^2 = 60.50000000000001): a reading
        # of exactly 60.5 is at the target, not 0.00000000000001 short of it.
        return 0.0 if abs(gap) <= 1e-9 * max(1.0, abs(reference)) else gap

    def judge(self, period: Period, value: float) -> Verdict:
        decimals = shown_decimals(value, self.decimals)
        if decimals != self.decimals:  # a reading written more finely than the spec: show it as written
            return replace(self, decimals=decimals)._judge(period, value)
        return self._judge(period, value)

    def _judge(self, period: Period, value: float) -> Verdict:
        target = self.target
        on = period.end
        baseline = target.baseline
        if baseline is not None and on < baseline.date:
            return self._verdict(period, value, None, None, None, "not_started",
                                 f"{self._x(value)} in {period.label} is before the baseline period "
                                 f"{baseline.period.label}, so the target has not started")
        goal = target.goal
        if goal is not None and goal.value is not None and on >= goal.period.end:
            return self._at_target_date(period, value, goal.value)
        if self.trajectory is not None:
            return self._on_path(period, value)
        if baseline is not None:
            return self._direction(period, value)
        return self._verdict(period, value, None, None, None, "unassessed",
                             f"{self._x(value)} in {period.label}: the target has no baseline yet, "
                             "so readings before its target date cannot be judged")

    # --- the three kinds of judgement -------------------------------------------------

    def _on_path(self, period: Period, value: float) -> Verdict:
        trajectory = self.trajectory
        assert trajectory is not None
        expected = trajectory.expected(period.end)
        assert expected is not None
        shortfall = self.shortfall(value, expected)
        tolerance = self.target.tolerance.at(expected)
        if shortfall <= 0:
            status: Status = "on_track"
        elif shortfall <= tolerance:
            status = "at_risk"
        else:
            status = "off_track"
        why = (f"{self._x(value)} in {period.label} against {self._x(expected)} expected on the "
               f"{self._path_words()}: {self._gap(shortfall, tolerance)}, so {STATUS_WORDS[status]}")
        return self._verdict(period, value, expected, shortfall, tolerance, status, why)

    def _at_target_date(self, period: Period, value: float, level: float) -> Verdict:
        goal = self.target.goal
        assert goal is not None
        shortfall = self.shortfall(value, level)
        met = shortfall < 0 if goal.strict else shortfall <= 0
        status: Status = "achieved" if met else "missed"
        qualifier = ("under " if self.lower_is_better else "over ") if goal.strict else ""
        when = "the target period" if period.end == goal.period.end else f"after the target period {goal.period.label}"
        if shortfall < 0:
            gap = f"{self._d(-shortfall)} better than the target"
        elif shortfall == 0:
            gap = "exactly at the target"
        else:
            gap = f"{self._d(shortfall)} short of the target"
        why = (f"{self._x(value)} in {period.label} ({when}) against a target of {qualifier}"
               f"{self._x(level, exact=True)} by {goal.period.label}: {gap}, so {status}")
        return self._verdict(period, value, level, shortfall, self.target.tolerance.at(level), status, why,
                             missed=not met)

    def _direction(self, period: Period, value: float) -> Verdict:
        baseline = self.target.baseline
        assert baseline is not None
        shortfall = self.shortfall(value, baseline.value)
        tolerance = self.target.tolerance.at(baseline.value)
        if shortfall < -tolerance:
            status: Status = "improving"
        elif shortfall > tolerance:
            status = "worsening"
        else:
            status = "no_change"
        better = "lower" if self.lower_is_better else "higher"
        if shortfall == 0:
            gap = "the same as the baseline"
        else:
            side = "better" if shortfall < 0 else "worse"
            gap = f"{self._d(abs(shortfall))} {side}"
            if tolerance:
                beyond = "beyond" if abs(shortfall) > tolerance else "within"
                gap += f", {beyond} the {self._tolerance(tolerance)} tolerance"
        why = (f"{self._x(value)} in {period.label} against the baseline of "
               f"{self._x(baseline.value, exact=True)} ({baseline.period.label}), {better} is better: "
               f"{gap}, so {STATUS_WORDS[status]}")
        return self._verdict(period, value, None, shortfall, tolerance, status, why)

    # --- helpers --------------------------------------------------------------------------

    def _verdict(self, period: Period, value: float, expected: float | None, shortfall: float | None,
                 tolerance: float | None, status: Status, why: str, *, missed: bool = False) -> Verdict:
        limit = self.target.limit
        over_limit = limit is not None and (value > limit if self.lower_is_better else value < limit)
        reason = "limit" if over_limit else ("missed" if missed else None)
        if over_limit:
            why += f"; worse than the limit of {self._x(limit, exact=True)}, a breach"  # type: ignore[arg-type]
        elif missed:
            why += " (a breach)"
        return Verdict(period, period.end, value, expected, shortfall, tolerance, status, reason is not None, reason, why)

    def _x(self, value: float, *, exact: bool = False) -> str:
        return with_unit(value, self.target.measure.unit, decimals=None if exact else self.decimals)

    def _d(self, amount: float) -> str:
        return difference(amount, self.target.measure.unit, decimals=self.decimals)

    def _tolerance(self, tolerance: float) -> str:
        """As an adjective: `the 1.0-point tolerance`, `the 10 per 100,000 tolerance`."""
        text = self._d(tolerance)
        return text.removesuffix(" points").removesuffix(" point") + "-point" if difference_word(self.target.measure.unit) else text

    def _gap(self, shortfall: float, tolerance: float) -> str:
        if shortfall == 0:
            return "exactly on the path"
        if shortfall < 0:
            return f"{self._d(-shortfall)} better"
        if shortfall <= tolerance:
            return f"{self._d(shortfall)} worse, within the {self._tolerance(tolerance)} tolerance"
        if tolerance:
            return f"{self._d(shortfall)} worse, beyond the {self._tolerance(tolerance)} tolerance"
        return f"{self._d(shortfall)} worse"

    def _path_words(self) -> str:
        trajectory = self.trajectory
        assert trajectory is not None
        unit = self.target.measure.unit
        first, *middle, last = trajectory.points
        text = f"{trajectory.kind} path from {with_unit(first.value, unit)} ({first.period.label})"
        for point in middle:
            text += f" through {with_unit(point.value, unit)} ({point.period.label})"
        return text + f" to {with_unit(round(last.value, 6), unit)} ({last.period.label})"


def display_decimals(target: Target) -> int:
    """Decimals to show a target's numbers with: those its spec was written with, at least one, at most three."""
    values = [p.value for p in (target.baseline, *target.milestones) if p is not None]
    if target.goal is not None and target.goal.amount is not None and target.goal.form in ("value", "change"):
        values.append(target.goal.amount)
    written = 0
    for v in values:
        text = repr(float(v))
        if "e" not in text and "." in text:
            decimals = len(text.split(".")[1].rstrip("0"))
            written = max(written, decimals)
    # Percentages and rates read best with one decimal (44.0%); counts and ranks as written.
    floor = 1 if target.measure.unit.split("/")[0] in ("percent", "per_100k", "per_10k", "per_1000") else 0
    return min(max(written, floor), 3)


def shown_decimals(value: float, decimals: int) -> int:
    """Decimals to show a reading with: the target's, or more (at most three) when the reading has more,
    so that 459.95 is not shown as 460.0 against a target of under 460."""
    for d in range(decimals, 3):
        if abs(value - round(value, d)) <= 1e-9 * max(1.0, abs(value)):
            return d
    return max(decimals, 3)


def status_rank(status: Status) -> int:
    """Position within its family (lower is better); used to check monotonicity."""
    for family in (TRACK_ORDER, END_ORDER, DIRECTION_ORDER):
        if status in family:
            return family.index(status)
    return 0
