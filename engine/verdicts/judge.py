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

from datetime import date
from typing import Literal, NamedTuple

from engine.model.compare import compare, difference
from engine.verdicts.paths import Trajectory
from engine.model.periods import Period
from engine.model.spec import Target
from engine.model.units import difference_word, unit_symbol
from engine.verdicts.wording import fixed, with_unit

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


class Verdict(NamedTuple):
    """One reading judged. A NamedTuple: a million of them must be cheap to make."""

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


class Judge:
    """Everything about one target that verdicts need, worked out once, not once per reading:
    the path, the polarity, and the fixed parts of every explanation."""

    __slots__ = ("target", "trajectory", "decimals", "lower_is_better", "_unit", "_prefix", "_suffix",
                 "_points", "_baseline_date", "_baseline_value", "_baseline_label", "_baseline_exact",
                 "_goal_date", "_goal_value", "_goal_label", "_goal_exact", "_strict", "_limit",
                 "_limit_exact", "_tolerance_absolute", "_tolerance_relative", "_path_words", "_fraction_hint")

    def __init__(self, target: Target, trajectory: Trajectory | None, decimals: int):
        self.target = target
        self.trajectory = trajectory
        self.decimals = decimals
        self.lower_is_better = target.measure.lower_is_better
        unit = self._unit = target.measure.unit
        self._prefix, self._suffix = unit_symbol(unit)
        self._points = bool(difference_word(unit))  # percent gaps are percentage points
        baseline = target.baseline
        self._baseline_date = baseline.date if baseline is not None else None
        self._baseline_value = baseline.value if baseline is not None else 0.0
        self._baseline_label = baseline.period.label if baseline is not None else ""
        self._baseline_exact = with_unit(baseline.value, unit) if baseline is not None else ""
        goal = target.goal
        has_level = goal is not None and goal.value is not None
        self._goal_date = goal.period.end if has_level else None  # type: ignore[union-attr]
        self._goal_value = goal.value if has_level else 0.0  # type: ignore[union-attr]
        self._goal_label = goal.period.label if goal is not None else ""
        self._goal_exact = with_unit(goal.value, unit) if has_level else ""  # type: ignore[union-attr, arg-type]
        self._strict = goal.strict if goal is not None else False
        self._limit = target.limit
        self._limit_exact = with_unit(target.limit, unit) if target.limit is not None else ""
        self._tolerance_absolute = target.tolerance.absolute
        self._tolerance_relative = target.tolerance.relative
        self._path_words = _path_words(trajectory, unit) if trajectory is not None else ""
        # A spreadsheet's 45% exported as 0.45: worth a note where the target's own figures are
        # whole percentages (10% or more), where a reading under 1% is far more likely a fraction.
        levels = [p.value for p in (baseline, *target.milestones) if p is not None]
        if goal is not None and goal.value is not None:
            levels.append(goal.value)
        self._fraction_hint = unit.split("/")[0] == "percent" and bool(levels) and min(levels) >= 10

    @classmethod
    def for_target(cls, target: Target, trajectory: Trajectory | None) -> Judge:
        return cls(target, trajectory, display_decimals(target))

    def judge(self, period: Period, value: float) -> Verdict:
        verdict = self._judge(period, value)
        if self._fraction_hint and 0 < value < 1:
            return verdict._replace(explanation=f"{verdict.explanation}. Note: {value:g}% looks like a fraction: if it "
                                                f"means {value * 100:g}%, write {value * 100:g} (or give the unit "
                                                "`proportion`)")
        return verdict

    def _judge(self, period: Period, value: float) -> Verdict:
        decimals = self.decimals
        # A reading written more finely than the spec is shown as written (459.95, not 460.0).
        if round(value, decimals) != value:
            decimals = shown_decimals(value, decimals)
        on = period.end
        x = f"{self._prefix}{fixed(value, decimals)}{self._suffix}"
        if self._baseline_date is not None and on < self._baseline_date:
            return self._verdict(period, value, None, None, None, "not_started",
                                 f"{x} {period.when} is before the baseline period "
                                 f"{self._baseline_label}, so the target has not started")
        if self._goal_date is not None and on >= self._goal_date:
            return self._at_target_date(period, value, x, decimals)
        if self.trajectory is not None:
            return self._on_path(period, value, x, decimals)
        if self._baseline_date is not None:
            return self._direction(period, value, x, decimals)
        return self._verdict(period, value, None, None, None, "unassessed",
                             f"{x} {period.when}: the target has no baseline yet, "
                             "so readings before its target date cannot be judged")

    # --- the three kinds of judgement -------------------------------------------------

    def _on_path(self, period: Period, value: float, x: str, decimals: int) -> Verdict:
        expected = self.trajectory.expected_ordinal(period.end.toordinal())  # type: ignore[union-attr]
        assert expected is not None
        shortfall = _shortfall(value, expected, self.lower_is_better)
        tolerance = self._tolerance_absolute + self._tolerance_relative * abs(expected)
        beyond = compare(shortfall, tolerance, value, expected) > 0  # the one rule: 0.3 against 0.3 is within
        if shortfall <= 0:
            status: Status = "on_track"
        elif not beyond:
            status = "at_risk"
        else:
            status = "off_track"
        if shortfall and decimals < 3 and round(abs(shortfall), decimals) == 0:
            # The gap would not show (12 against 12 expected, yet off track, when the path is at
            # 11.997): show the reading, the path and the gap finely enough to see it.
            decimals = _decimals_to_show(abs(shortfall), decimals)
            x = f"{self._prefix}{fixed(value, decimals)}{self._suffix}"
        why = (f"{x} {period.when} against {self._prefix}{fixed(expected, decimals)}{self._suffix} expected "
               f"on the {self._path_words}: {self._gap(shortfall, tolerance, beyond, decimals)}, so {STATUS_WORDS[status]}")
        return self._verdict(period, value, expected, shortfall, tolerance, status, why)

    def _at_target_date(self, period: Period, value: float, x: str, decimals: int) -> Verdict:
        level = self._goal_value
        shortfall = _shortfall(value, level, self.lower_is_better)
        met = shortfall < 0 if self._strict else shortfall <= 0
        status: Status = "achieved" if met else "missed"
        qualifier = ("under " if self.lower_is_better else "over ") if self._strict else ""
        when = "the target period" if period.end == self._goal_date else f"after the target period {self._goal_label}"
        if shortfall < 0:
            gap = f"{self._d(-shortfall, decimals)} better than the target"
        elif shortfall == 0:
            gap = "exactly at the target"
        else:
            gap = f"{self._d(shortfall, decimals)} short of the target"
        why = (f"{x} {period.when} ({when}) against a target of {qualifier}"
               f"{self._goal_exact} by {self._goal_label}: {gap}, so {status}")
        tolerance = self._tolerance_absolute + self._tolerance_relative * abs(level)
        return self._verdict(period, value, level, shortfall, tolerance, status, why, missed=not met)

    def _direction(self, period: Period, value: float, x: str, decimals: int) -> Verdict:
        reference = self._baseline_value
        shortfall = _shortfall(value, reference, self.lower_is_better)
        tolerance = self._tolerance_absolute + self._tolerance_relative * abs(reference)
        beyond = compare(abs(shortfall), tolerance, value, reference) > 0
        if beyond and shortfall < 0:
            status: Status = "improving"
        elif beyond:
            status = "worsening"
        else:
            status = "no_change"
        better = "lower" if self.lower_is_better else "higher"
        if shortfall == 0:
            gap = "the same as the baseline"
        else:
            side = "better" if shortfall < 0 else "worse"
            gap = f"{self._d(abs(shortfall), decimals)} {side}"
            if tolerance:
                gap += f", {'beyond' if beyond else 'within'} the {self._tolerance(tolerance, decimals)} tolerance"
        why = (f"{x} {period.when} against the baseline of {self._baseline_exact} "
               f"({self._baseline_label}), {better} is better: {gap}, so {STATUS_WORDS[status]}")
        return self._verdict(period, value, None, shortfall, tolerance, status, why)

    # --- helpers --------------------------------------------------------------------------

    def _verdict(self, period: Period, value: float, expected: float | None, shortfall: float | None,
                 tolerance: float | None, status: Status, why: str, *, missed: bool = False) -> Verdict:
        limit = self._limit
        if limit is not None and compare(value, limit) == (1 if self.lower_is_better else -1):
            return _new_verdict(Verdict, (period, period.end, value, expected, shortfall, tolerance, status, True,
                                          "limit", f"{why}; worse than the limit of {self._limit_exact}, a breach"))
        if missed:
            return _new_verdict(Verdict, (period, period.end, value, expected, shortfall, tolerance, status, True,
                                          "missed", why + " (a breach)"))
        return _new_verdict(Verdict, (period, period.end, value, expected, shortfall, tolerance, status, False, None, why))

    def _d(self, amount: float, decimals: int) -> str:
        """A gap: `0.1 points` for percentages, else the amount with its unit."""
        shown = fixed(amount, decimals)
        less = ""
        if amount and not shown.strip("0.,"):  # a real gap too small to show: not "0.0 points"
            less, shown = "less than ", _SMALLEST[decimals]
        if self._points:
            return f"{less}{shown} point" if shown == "1" else f"{less}{shown} points"
        return f"{less}{self._prefix}{shown}{self._suffix}"

    def _tolerance(self, tolerance: float, decimals: int) -> str:
        """As an adjective: `the 1.0-point tolerance`, `the 10 per 100,000 tolerance`; never shown as zero
        (a 0.03-point tolerance is not a 0.0-point one)."""
        shown = fixed(tolerance, decimals)
        if tolerance and not shown.strip("0.,"):  # finer than the spec's decimals: show it as set
            shown = fixed(tolerance, _decimals_to_show(tolerance, decimals))
            if not shown.strip("0.,"):
                shown = "less than " + _SMALLEST[-1]
        return f"{shown}-point" if self._points else f"{self._prefix}{shown}{self._suffix}"

    def _gap(self, shortfall: float, tolerance: float, beyond: bool, decimals: int) -> str:
        if shortfall == 0:
            return "exactly on the path"
        if shortfall < 0:
            return f"{self._d(-shortfall, decimals)} better"
        if not beyond:
            return f"{self._d(shortfall, decimals)} worse, within the {self._tolerance(tolerance, decimals)} tolerance"
        if tolerance:
            return f"{self._d(shortfall, decimals)} worse, beyond the {self._tolerance(tolerance, decimals)} tolerance"
        return f"{self._d(shortfall, decimals)} worse"


def _decimals_to_show(amount: float, decimals: int) -> int:
    """The fewest decimals, at most three, at which a non-zero amount does not show as zero."""
    for finer in range(decimals + 1, 3):
        if round(amount, finer):
            return finer
    return 3


def _shortfall(value: float, reference: float, lower_is_better: bool) -> float:
    # Levels computed from rates carry float noise (50 x 1.1^2 = 60.50000000000001): a reading
    # of exactly 60.5 is at the target, not 0.00000000000001 short of it (compare.difference).
    return difference(value, reference) if lower_is_better else difference(reference, value)


_SMALLEST = ("1", "0.1", "0.01", "0.001")  # the least gap each can show
_new_verdict = tuple.__new__  # a Verdict without the generated __new__'s argument handling (hot)


def _path_words(trajectory: Trajectory, unit: str) -> str:
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
