"""Explanations: the decisions of the verdict rules in plain English, in one place (pure).

A rule decides (a status, the expected value, the shortfall, the tolerance, a breach); this
module says it, so the same decision always reads the same way in every format. Sentences are
made only for the outputs that show them.
"""

from __future__ import annotations

from datetime import date

from engine.model.periods import Period
from engine.model.readings import PROVISIONAL, qualifier_words
from engine.model.spec import Target
from engine.model.units import base_unit, difference_word, fraction_note, is_percent, looks_like_fraction, unit_symbol
from engine.verdicts.paths import Trajectory
from engine.verdicts.statuses import STATUS_WORDS, BreachReason, Status
from engine.verdicts.wording import fixed, with_unit


class TargetWords:
    """Everything about one target that its sentences need, worked out once, not once per reading:
    the units, the decimals, and the fixed parts (the path, the baseline, the target, the limit)."""

    __slots__ = ("decimals", "lower_is_better", "_prefix", "_suffix", "_points", "_baseline_label",
                 "_baseline_exact", "_goal_date", "_goal_label", "_goal_exact", "_strict", "_limit_exact",
                 "_path_words", "_fraction_hint")

    def __init__(self, target: Target, trajectory: Trajectory | None):
        self.decimals = display_decimals(target)
        self.lower_is_better = target.measure.lower_is_better
        unit = target.measure.unit
        self._prefix, self._suffix = unit_symbol(unit)
        self._points = bool(difference_word(unit))  # percent gaps are percentage points
        baseline = target.baseline
        self._baseline_label = baseline.period.label if baseline is not None else ""
        self._baseline_exact = with_unit(baseline.value, unit) if baseline is not None else ""
        goal = target.goal
        has_level = goal is not None and goal.value is not None
        self._goal_date = goal.period.end if has_level else None  # type: ignore[union-attr]
        self._goal_label = goal.period.label if goal is not None else ""
        self._goal_exact = with_unit(goal.value, unit) if has_level else ""  # type: ignore[union-attr, arg-type]
        self._strict = goal.strict if goal is not None else False
        self._limit_exact = with_unit(target.limit, unit) if target.limit is not None else ""
        self._path_words = _path_words(trajectory, unit) if trajectory is not None else ""
        # A spreadsheet's 45% exported as 0.45: worth a note where the target's own figures are
        # whole percentages (10% or more), where a reading under 1% is far more likely a fraction.
        levels = [p.value for p in (baseline, *target.milestones) if p is not None]
        if goal is not None and goal.value is not None:
            levels.append(goal.value)
        self._fraction_hint = is_percent(unit) and bool(levels) and min(levels) >= 10

    def sentence(self, period: Period, value: float, status: Status, expected: float | None,
                 shortfall: float | None, tolerance: float | None, beyond: bool, breach: BreachReason | None,
                 *, marks: int = 0, tempered: Status | None = None) -> str:
        """One reading's verdict in words. marks: the value's GSS qualifier bits; tempered: the
        status a value of low reliability would have had."""
        judged = tempered or status  # a value of low reliability is worded as judged, then tempered
        decimals = self.reading_decimals(value, judged, shortfall)
        shown = f" ({qualifier_words(marks)})" if marks else ""  # after the value: `45.0% (provisional)`
        x = f"{self._prefix}{fixed(value, decimals)}{self._suffix}{shown}"
        why = self._judged(period, value, x, decimals, judged, expected, shortfall, tolerance, beyond, breach)
        if tempered is not None:
            why = (f"{why}; but the value is of low reliability [u], so it is judged {STATUS_WORDS[status]} at worst, "
                   f"not {STATUS_WORDS[tempered]}")
        if marks & PROVISIONAL:
            why = f"{why}. Provisional: the value may be revised, and this verdict with it"
        return why

    def _judged(self, period: Period, value: float, x: str, decimals: int, status: Status, expected: float | None,
                shortfall: float | None, tolerance: float | None, beyond: bool, breach: BreachReason | None) -> str:
        if status == "not_started":
            why = (f"{x} {period.when} is before the baseline period "
                   f"{self._baseline_label}, so the target has not started")
        elif status in ("achieved", "missed"):
            why = self._at_target_date(period, x, decimals, status, shortfall)  # type: ignore[arg-type]
        elif status in ("on_track", "at_risk", "off_track"):
            why = self._on_path(period, value, x, decimals, status, expected, shortfall, tolerance, beyond)  # type: ignore[arg-type]
        elif status in ("improving", "no_change", "worsening"):
            why = self._direction(period, x, decimals, status, shortfall, tolerance, beyond)  # type: ignore[arg-type]
        else:
            why = (f"{x} {period.when}: the target has no baseline yet, "
                   "so readings before its target date cannot be judged")
        if breach == "limit":
            why = f"{why}; worse than the limit of {self._limit_exact}, a breach"
        elif breach == "missed":
            why = why + " (a breach)"
        if self._fraction_hint and looks_like_fraction(value):
            why = f"{why}. Note: {fraction_note(value)} (or give the unit `proportion`)"
        return why

    def reading_decimals(self, value: float, status: Status, shortfall: float | None) -> int:
        """The decimals a reading is shown with in its sentence, and so wherever it is shown beside
        the sentence (a chart's label, a table's cell), so that the same reading reads the same."""
        decimals = self.decimals
        # A reading written more finely than the spec is shown as written (459.95, not 460.0).
        if round(value, decimals) != value:
            decimals = shown_decimals(value, decimals)
        if (status in ("on_track", "at_risk", "off_track") and shortfall and decimals < 3
                and round(abs(shortfall), decimals) == 0):
            # The gap would not show (12 against 12 expected, yet off track, when the path is at
            # 11.997): show the reading, the path and the gap finely enough to see it.
            decimals = _decimals_to_show(abs(shortfall), decimals)
        return decimals

    # --- the three kinds of judgement -------------------------------------------------

    def _on_path(self, period: Period, value: float, x: str, decimals: int, status: Status, expected: float,
                 shortfall: float, tolerance: float, beyond: bool) -> str:
        return (f"{x} {period.when} against {self._prefix}{fixed(expected, decimals)}{self._suffix} expected "
                f"on the {self._path_words}: {self._gap(shortfall, tolerance, beyond, decimals)}, so {STATUS_WORDS[status]}")

    def _at_target_date(self, period: Period, x: str, decimals: int, status: Status, shortfall: float) -> str:
        qualifier = ("under " if self.lower_is_better else "over ") if self._strict else ""
        when = "the target period" if period.end == self._goal_date else f"after the target period {self._goal_label}"
        if shortfall < 0:
            gap = f"{self._d(-shortfall, decimals)} better than the target"
        elif shortfall == 0:
            gap = "exactly at the target"
        else:
            gap = f"{self._d(shortfall, decimals)} short of the target"
        return (f"{x} {period.when} ({when}) against a target of {qualifier}"
                f"{self._goal_exact} by {self._goal_label}: {gap}, so {status}")

    def _direction(self, period: Period, x: str, decimals: int, status: Status, shortfall: float,
                   tolerance: float, beyond: bool) -> str:
        better = "lower" if self.lower_is_better else "higher"
        if shortfall == 0:
            gap = "the same as the baseline"
        else:
            side = "better" if shortfall < 0 else "worse"
            gap = f"{self._d(abs(shortfall), decimals)} {side}"
            if tolerance:
                gap += f", {'beyond' if beyond else 'within'} the {self._tolerance(tolerance, decimals)} tolerance"
        return (f"{x} {period.when} against the baseline of {self._baseline_exact} "
                f"({self._baseline_label}), {better} is better: {gap}, so {STATUS_WORDS[status]}")

    # --- helpers --------------------------------------------------------------------------

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


_SMALLEST = ("1", "0.1", "0.01", "0.001")  # the least gap each number of decimals can show


def _decimals_to_show(amount: float, decimals: int) -> int:
    """The fewest decimals, at most three, at which a non-zero amount does not show as zero."""
    for finer in range(decimals + 1, 3):
        if round(amount, finer):
            return finer
    return 3


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
    floor = 1 if base_unit(target.measure.unit) in ("percent", "per_100k", "per_10k", "per_1000") else 0
    return min(max(written, floor), 3)


def shown_decimals(value: float, decimals: int) -> int:
    """Decimals to show a reading with: the target's, or more (at most three) when the reading has more,
    so that 459.95 is not shown as 460.0 against a target of under 460."""
    for d in range(decimals, 3):
        if abs(value - round(value, d)) <= 1e-9 * max(1.0, abs(value)):
            return d
    return max(decimals, 3)




def together_note(together: list[str], latest: Period) -> str:
    """Periods of different lengths ending on the latest reading's day: which one decided."""
    also = " and ".join(together)
    return (f". Note: {also} also end{'s' if len(together) == 1 else ''} on {latest.end:%d %b %Y}; "
            f"the shortest period, {latest.label}, is taken as the latest (give one length of "
            "period per target)")


def stale_note(frequency: str, latest: Period, as_of: date) -> str:
    article = "an" if frequency[:1] in "aeiou" else "a"
    return (f". Stale: the latest reading is for {latest.label}, older than {article} "
            f"{frequency} measure allows on {as_of:%d %b %Y}")
