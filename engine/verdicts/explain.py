"""Explanations: the decisions of the verdict rules in plain English, in one place (pure).

A rule decides (a status, the expected value, the shortfall, the tolerance, a breach); this
module says it, so the same decision always reads the same way in every format. Sentences are
made only for the outputs that show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from engine.model.areas import GROUP_MEDIAN
from engine.model.periods import Period
from engine.model.readings import PROVISIONAL, Reading, qualifier_words
from engine.model.spec import Target
from engine.model.units import base_unit, difference_word, fraction_note, is_percent, looks_like_fraction, unit_symbol
from engine.verdicts.paths import Trajectory
from engine.verdicts.statuses import STATUS_WORDS, BreachReason, Status
from engine.verdicts.wording import fixed, number, on_axis, with_unit

# Statuses a reading's interval has a say in (rule `significance`).
_JUDGED_BY_INTERVAL = frozenset({"on_track", "at_risk", "off_track", "improving", "no_change", "worsening",
                                 "achieved", "missed"})


@dataclass(frozen=True)
class Interval:
    """A reading's confidence interval, as its sentence shows it."""

    lower: float
    upper: float
    confidence: float
    method: str  # engine.stats.intervals.METHODS: wilson, exact, byar, published
    numerator: float | None = None
    denominator: float | None = None


class TargetWords:
    """Everything about one target that its sentences need, worked out once, not once per reading:
    the units, the decimals, and the fixed parts (the path, the baseline, the target, the limit)."""

    __slots__ = ("decimals", "lower_is_better", "unit", "_prefix", "_suffix", "_points", "_whole", "_baseline_label",
                 "_baseline_exact", "_goal_date", "_goal_label", "_goal_exact", "_goal_words", "_strict", "_limit",
                 "_limit_exact", "_path_words", "_fraction_hint", "confidence", "_numbers", "_gaps", "_clauses", "_tolerances")

    def __init__(self, target: Target, trajectory: Trajectory | None, *, remember: bool = True):
        """remember: keep the numbers and gaps once written, for a spec judged for several areas
        (where a period's readings share them); for one target, each is written once anyway."""
        self.decimals = display_decimals(target)
        self.lower_is_better = target.measure.lower_is_better
        unit = self.unit = target.measure.unit
        self._prefix, self._suffix = unit_symbol(unit)
        self._points = bool(difference_word(unit))  # percent gaps are percentage points
        self._whole = counts_whole(unit)  # a whole number is shown without decimals
        baseline = target.baseline
        self._baseline_label = baseline.period.label if baseline is not None else ""
        self._baseline_exact = with_unit(baseline.value, unit) if baseline is not None else ""
        goal = target.goal
        has_level = goal is not None and goal.value is not None
        self._goal_date = goal.period.end if has_level else None  # type: ignore[union-attr]
        self._goal_label = goal.period.label if goal is not None else ""
        self._goal_exact = with_unit(goal.value, unit) if has_level else ""  # type: ignore[union-attr, arg-type]
        self._strict = goal.strict if goal is not None else False
        qualifier = ("under " if self.lower_is_better else "over ") if self._strict else ""
        # "a target of 35% by 2016/17"; a target to keep the baseline is said as one: "to maintain 96.5%".
        if not _flat(trajectory):
            self._goal_words = f"a target of {qualifier}{self._goal_exact} by {self._goal_label}"
        else:
            keep = f"stay {qualifier}" if qualifier else "maintain "
            self._goal_words = f"the target to {keep}{self._goal_exact} until {self._goal_label}"
        self._limit = target.limit
        self._limit_exact = with_unit(target.limit, unit) if target.limit is not None else ""
        self._path_words = _path_words(trajectory, unit) if trajectory is not None else ""
        # A spreadsheet's 45% exported as 0.45: worth a note where the target's own figures are
        # whole percentages (10% or more), where a reading under 1% is far more likely a fraction.
        levels = [p.value for p in (baseline, *target.milestones) if p is not None]
        if goal is not None and goal.value is not None:
            levels.append(goal.value)
        self._fraction_hint = is_percent(unit) and bool(levels) and min(levels) >= 10
        self.confidence = target.significance  # readings are judged with their intervals at this level
        # Numbers said the same for many readings (the expected value of a period, a group median,
        # a benchmark: one for each of 317 areas), each written once.
        self._numbers: dict[tuple[float, int], str] | None = {} if remember else None
        self._gaps: dict[tuple[float, int], str] | None = {} if remember else None
        # How a reading compares: the parts that are the same for every area of a period (the
        # group median, the benchmark clause), each worded once (standing_note).
        self._clauses: dict[tuple, str] = {}
        self._tolerances: dict[tuple[float, int], str] = {}

    def sentence(self, period: Period, value: float, status: Status, expected: float | None,
                 shortfall: float | None, tolerance: float | None, beyond: bool, breach: BreachReason | None,
                 *, marks: int = 0, tempered: Status | None = None, after_outcome: bool = False,
                 written: tuple[float, str] | None = None, interval: Interval | None = None,
                 significant: int = -1) -> str:
        """One reading's verdict in words. marks: the value's GSS qualifier bits; tempered: the
        status a value of low reliability would have had; after_outcome: a reading at or after the
        target date that did not settle the outcome (rule `outcome`); written: the value and unit as
        the file gave them, when converted to the target's unit."""
        judged = tempered or status  # a value of low reliability is worded as judged, then tempered
        shown, decimals = self._decimals(value, judged, shortfall, tolerance, breach)
        x = f"{self._prefix}{fixed(value, shown)}{self._suffix}" if written is None else self._value(value, shown, written)
        if marks:  # after the value: `45.0% (provisional)`
            x = f"{x} ({qualifier_words(marks)})"
        # The judgement (one call fewer for each of millions of readings: inline, not a method).
        if judged in _ON_PATH:
            why = self._on_path(period, x, decimals, judged, expected, shortfall, tolerance, beyond)  # type: ignore[arg-type]
        elif judged in _AT_TARGET_DATE:
            why = self._at_target_date(period, x, decimals, judged, shortfall, after_outcome)  # type: ignore[arg-type]
        elif judged in _DIRECTION:
            why = self._direction(period, x, decimals, judged, shortfall, tolerance, beyond)  # type: ignore[arg-type]
        elif judged == "not_started":
            why = (f"{x} {period.when} is before the baseline period "
                   f"{self._baseline_label}, so the target has not started")
        else:
            why = (f"{x} {period.when}: the target has no baseline yet, "
                   "so readings before its target date cannot be judged")
        if breach == "limit":
            why = f"{why}; worse than the limit of {self._limit_exact}, a breach"
        elif breach == "missed":
            why = why + " (a breach)"
        if self._fraction_hint and looks_like_fraction(value):
            why = f"{why}. Note: {fraction_note(value)} (or give the unit `proportion`)"
        if self.confidence is not None and judged in _JUDGED_BY_INTERVAL:
            why = self._significance(why, judged, interval, significant, decimals)
        if tempered is not None:
            why = (f"{why}; but the value is of low reliability [u], so it is judged {STATUS_WORDS[status]} at worst, "
                   f"not {STATUS_WORDS[tempered]}")
        if marks & PROVISIONAL:
            why = f"{why}. Provisional: the value may be revised, and this verdict with it"
        return why

    def _significance(self, why: str, status: Status, interval: Interval | None, significant: int, decimals: int) -> str:
        """What the reading's confidence interval said (rule `significance`), before the status it led to."""
        if interval is None:
            return f"{why} (judged on its value alone: the reading has no interval)"
        level = f"{interval.confidence:g}%"
        if self._suffix.startswith(" "):  # `44.1 to 100.7 per 100,000`: the unit once
            shown = f"{self._prefix}{fixed(interval.lower, decimals)} to {self._value(interval.upper, decimals)}"
        else:  # `90.3% to 93.6%`
            shown = f"{self._value(interval.lower, decimals)} to {self._value(interval.upper, decimals)}"
        if interval.numerator is not None and interval.denominator is not None and interval.method != "published":
            shown += f", {number(interval.numerator)} of {number(interval.denominator)}"
        if status in ("achieved", "missed"):
            clause = (f", significantly so at {level} ({shown})" if significant == 1
                      else f", not significantly different from the target at {level} ({shown})")
            ending = f", so {status}"
        else:
            if significant == 1:
                clause = f", a significant difference at {level} ({shown})"
            elif status == "no_change":
                clause = f", no significant change at {level} ({shown})"
            elif significant == 0:
                clause = f", not a significant difference at {level} ({shown})"
            else:  # on track: no difference to test
                clause = f" ({shown} at {level})"
            ending = f", so {STATUS_WORDS[status]}"
        at = why.find(ending)
        return why[:at] + clause + why[at:] if at >= 0 else f"{why}{clause}"

    def reading_decimals(self, value: float, status: Status, shortfall: float | None, tolerance: float | None = None,
                         breach: BreachReason | None = None) -> int:
        """The decimals a reading is shown with in its sentence, and so wherever it is shown beside
        the sentence (a chart's label, a table's cell), so that the same reading reads the same."""
        return self._decimals(value, status, shortfall, tolerance, breach)[0]

    def expected_decimals(self, expected: float, value: float, status: Status, shortfall: float | None,
                          tolerance: float | None = None) -> int:
        """The decimals the expected value is shown with beside that reading, as in its sentence."""
        decimals = self._decimals(value, status, shortfall, tolerance, None)[1]
        return 0 if self._whole and decimals and _is_whole(expected) else decimals

    def _decimals(self, value: float, status: Status, shortfall: float | None, tolerance: float | None,
                  breach: BreachReason | None) -> tuple[int, int]:
        """(the reading's decimals, the decimals of the numbers beside it) in its sentence. Those
        beside it: the target's, or the reading's when it is written more finely (459.95 against
        under 460), or finer still on the path when the gap would not show (12 against 11.997) or
        would look equal to the tolerance it is beyond (2.05 points beyond a 2.0-point tolerance).
        The reading: as those, but a whole count without decimals (301 a year) and, beyond a limit
        of 6, never shown as 6.0."""
        decimals = self.decimals
        if round(value, decimals) != value:  # (a test first: this runs for every reading)
            decimals = shown_decimals(value, decimals)
        if shortfall and status in _ON_PATH:
            finer = decimals
            if decimals < 3 and round(abs(shortfall), decimals) == 0:
                finer = _decimals_to_show(abs(shortfall), decimals)
            if status == "off_track" and tolerance and round(shortfall, finer) == round(tolerance, finer):
                finer = _apart(shortfall, tolerance, finer)  # off track: beyond the tolerance
            if finer != decimals:
                decimals = shown_decimals(value, finer)
        shown = 0 if self._whole and decimals and _is_whole(value) else decimals
        if breach == "limit":
            shown = self._beside_limit(value, shown, breach)
        return shown, decimals

    def concluded(self, period: Period, value: float, status: Status, shortfall: float,
                  breach: BreachReason | None, since_period: Period, since_value: float, since_shortfall: float,
                  since_breach: BreachReason | None, since: int) -> str:
        """A concluded target with readings after its outcome: the outcome first, then what came since.
        `achieved in 2030 (5.0%, exactly at the target of 5% by 2030); since then 5.2% in 2031, 0.2
        points worse than the target`."""
        shown, decimals = self._decimals(value, status, shortfall, None, breach)
        x = self._value(value, shown)
        which = "" if period.end == self._goal_date else f", the first reading after the target period {self._goal_label}"
        words = self._goal_words.replace("a target of", "the target of", 1)
        if shortfall < 0:
            gap = f"{self._d(-shortfall, decimals)} better than {words}"
        elif shortfall == 0:
            gap = f"exactly at {words}"
        else:
            gap = f"{self._d(shortfall, decimals)} short of {words}"
        text = f"{STATUS_WORDS[status]} {period.when}{which}{', a breach' if status == 'missed' else ''} ({x}, {gap}"
        text += f"; worse than the limit of {self._limit_exact})" if breach == "limit" else ")"
        shown, later = self._decimals(since_value, "missed" if since_shortfall > 0 else "achieved", since_shortfall,
                                      None, since_breach)
        y = f"{self._value(since_value, shown)} {since_period.when}"
        if since_shortfall < 0:
            compared = f"{self._d(-since_shortfall, later)} better than the target"
        elif since_shortfall == 0:
            compared = "exactly at the target" + (", which does not beat it" if self._strict else "")
        else:
            compared = f"{self._d(since_shortfall, later)} worse than the target"
        if since_breach == "limit":
            compared += f", and worse than the limit of {self._limit_exact}, a breach"
        latest = f"{y}, {compared}" if since == 1 else f"{since} readings, the latest {y}, {compared}"
        return f"{text}; since then {latest}"

    # --- the three kinds of judgement -------------------------------------------------

    def _on_path(self, period: Period, x: str, decimals: int, status: Status, expected: float,
                 shortfall: float, tolerance: float, beyond: bool) -> str:
        # `decimals` is already fine enough for the gap to show, and to show beyond the tolerance (_decimals).
        if self._path_words:
            against = f"{self._number(expected, decimals)} expected on the {self._path_words}"
        else:  # a flat path: the level to keep
            against = self._goal_words
        # The gap (inline: this runs for most readings). Within the tolerance it is never shown
        # past the tolerance by rounding (see _direction).
        if shortfall == 0:
            gap = "exactly on the path"
        elif shortfall < 0:
            gap = f"{self._d(-shortfall, decimals)} better"
        elif not beyond:
            gap = (f"{self._d(min(shortfall, tolerance), decimals)} worse, within the "
                   f"{self._tolerance(tolerance, decimals)} tolerance")
        elif tolerance:
            gap = f"{self._d(shortfall, decimals)} worse, beyond the {self._tolerance(tolerance, decimals)} tolerance"
        else:
            gap = f"{self._d(shortfall, decimals)} worse"
        return f"{x} {period.when} against {against}: {gap}, so {STATUS_WORDS[status]}"

    def _at_target_date(self, period: Period, x: str, decimals: int, status: Status, shortfall: float,
                        after_outcome: bool) -> str:
        when = "the target period" if period.end == self._goal_date else f"after the target period {self._goal_label}"
        if shortfall < 0:
            gap = f"{self._d(-shortfall, decimals)} better than the target"
        elif shortfall == 0:
            gap = "exactly at the target"
        else:
            gap = f"{self._d(shortfall, decimals)} short of the target"
        # A reading after the outcome is compared with the level, but the outcome stands (rule `outcome`).
        ending = "; another reading settled the outcome, which this one does not change" if after_outcome else f", so {status}"
        return f"{x} {period.when} ({when}) against {self._goal_words}: {gap}{ending}"

    def _direction(self, period: Period, x: str, decimals: int, status: Status, shortfall: float,
                   tolerance: float, beyond: bool) -> str:
        better = "lower" if self.lower_is_better else "higher"
        if shortfall == 0:
            gap = "the same as the baseline"
        else:
            side = "better" if shortfall < 0 else "worse"
            if beyond and tolerance:  # beyond the band, so shown beyond it (2.05 against 2.0)
                decimals = _apart(abs(shortfall), tolerance, decimals)
            # Within the band, never shown past it: a gap equal to the tolerance up to rounding
            # (0.0055 against 0.0055) is shown as the tolerance is, not one digit either side.
            shown = abs(shortfall) if beyond or not tolerance else min(abs(shortfall), tolerance)
            gap = f"{self._d(shown, decimals)} {side}"
            if tolerance:
                gap += f", {'beyond' if beyond else 'within'} the {self._tolerance(tolerance, decimals)} tolerance"
        return (f"{x} {period.when} against the baseline of {self._baseline_exact} "
                f"({self._baseline_label}), {better} is better: {gap}, so {STATUS_WORDS[status]}")

    # --- helpers --------------------------------------------------------------------------

    def _beside_limit(self, value: float, decimals: int, breach: BreachReason | None) -> int:
        """The decimals to show a reading with beside the limit it breaches, so it is seen to be worse."""
        if breach != "limit" or self._limit is None:
            return decimals
        return _apart(value, self._limit, decimals)

    def _number(self, amount: float, decimals: int) -> str:
        """A number of this target's unit, without the unit: a whole count has no decimals (301, not 301.0)."""
        numbers = self._numbers
        if numbers is not None:
            shown = numbers.get((amount, decimals))
            if shown is not None:
                return shown
        places = 0 if self._whole and decimals and _is_whole(amount) else decimals
        shown = f"{self._prefix}{fixed(amount, places)}{self._suffix}"
        if numbers is not None and len(numbers) < _REMEMBERED:
            numbers[(amount, decimals)] = shown
        return shown

    def _value(self, value: float, decimals: int, written: tuple[float, str] | None = None) -> str:
        """A reading; one converted from another unit says so: `1,760 a quarter (7,040 a year)`."""
        shown = f"{self._prefix}{fixed(value, decimals)}{self._suffix}"
        if written is None:
            return shown
        return f"{with_unit(written[0], written[1])} ({shown})"

    def _d(self, amount: float, decimals: int) -> str:
        """A gap: `0.1 points` for percentages, else the amount with its unit."""
        gaps = self._gaps
        if gaps is not None:
            said = gaps.get((amount, decimals))  # the same value in a period has the same gap, in every area
            if said is not None:
                return said
        places = 0 if self._whole and decimals and _is_whole(amount) else decimals
        shown = fixed(amount, places)
        less = ""
        if amount and not shown.strip("0.,"):  # a real gap too small to show: not "0.0 points"
            less, shown = "less than ", _SMALLEST[places]
        if self._points:
            said = f"{less}{shown} point" if shown == "1" else f"{less}{shown} points"
        else:
            said = f"{less}{self._prefix}{shown}{self._suffix}"
        if gaps is not None and len(gaps) < _REMEMBERED:
            gaps[(amount, decimals)] = said
        return said

    def _tolerance(self, tolerance: float, decimals: int) -> str:
        """As an adjective: `the 1.0-point tolerance`, `the 10 per 100,000 tolerance`; never shown as zero
        (a 0.03-point tolerance is not a 0.0-point one). Remembered: a target has one tolerance (two
        with a relative part), said beside many readings."""
        key = (tolerance, decimals)
        said = self._tolerances.get(key)
        if said is None:
            said = self._tolerance_words(tolerance, decimals)
            if len(self._tolerances) < _REMEMBERED:
                self._tolerances[key] = said
        return said

    def _tolerance_words(self, tolerance: float, decimals: int) -> str:
        # As set when that is no coarser than the gap beside it (a 2.0-point tolerance, not 2.00), else as the gap.
        if decimals > self.decimals:
            decimals = _as_set(tolerance, self.decimals, decimals)
        if self._whole and decimals and _is_whole(tolerance):
            decimals = 0
        shown = fixed(tolerance, decimals)
        if tolerance and not shown.strip("0.,"):  # finer than the spec's decimals: show it as set
            shown = fixed(tolerance, _decimals_to_show(tolerance, decimals))
            if not shown.strip("0.,"):
                shown = "less than " + _SMALLEST[3]
        return f"{shown}-point" if self._points else f"{self._prefix}{shown}{self._suffix}"


_ON_PATH = ("on_track", "at_risk", "off_track")
_AT_TARGET_DATE = ("achieved", "missed")
_DIRECTION = ("improving", "no_change", "worsening")
_REMEMBERED = 4096  # numbers a target's wording keeps once written (TargetWords._number)
_SMALLEST = tuple(f"{10.0 ** -d:.{d}f}" for d in range(10))  # the least gap each number of decimals can show
_MOST_DECIMALS = 9


def _decimals_to_show(amount: float, decimals: int) -> int:
    """The fewest decimals, at most three, at which a non-zero amount does not show as zero."""
    for finer in range(decimals + 1, 3):
        if round(amount, finer):
            return finer
    return max(decimals, 3)


def _apart(value: float, threshold: float, decimals: int) -> int:
    """The fewest decimals, from `decimals`, at which a value that differs from a threshold is shown
    differing from it (2.05 beyond a 2.0 tolerance is not "2.0 ... beyond the 2.0"); at most nine."""
    for finer in range(decimals, _MOST_DECIMALS + 1):
        if round(value, finer) != round(threshold, finer):  # as `fixed` shows them: both round the exact value
            return finer
    return max(decimals, _MOST_DECIMALS)


def _as_set(value: float, low: int, high: int) -> int:
    """The fewest decimals from low to high that show the value exactly (2.0, not 2.00), else high."""
    for d in range(low, high):
        if abs(value - round(value, d)) <= 1e-9 * max(1.0, abs(value)):
            return d
    return high


def _is_whole(amount: float) -> bool:
    return abs(amount - round(amount)) <= 1e-9 * max(1.0, abs(amount))


def _flat(trajectory: Trajectory | None) -> bool:
    """A path that stays at one level (`maintain`, or a target equal to its baseline)."""
    return trajectory is not None and len(set(trajectory.values)) == 1


def _path_words(trajectory: Trajectory, unit: str) -> str:
    """`linear path from 48.3% (2013/14) to 35% (2016/17)`; empty for a flat path, said as a level to keep."""
    if _flat(trajectory):
        return ""
    first, *middle, last = trajectory.points
    text = f"{trajectory.kind} path from {with_unit(first.value, unit)} ({first.period.label})"
    for point in middle:
        text += f" through {with_unit(point.value, unit)} ({point.period.label})"
    return text + f" to {with_unit(round(last.value, 6), unit)} ({last.period.label})"


# Percentages and rates per population read best with one decimal (44.0%), whole or not; counts,
# money and ranks are whole by nature, and a whole one is shown without decimals.
_ONE_DECIMAL = ("percent", "per_100k", "per_10k", "per_1000")


def counts_whole(unit: str) -> bool:
    """True when a whole number in this unit is shown without decimals (301 a year, £1,150, 12th)."""
    return base_unit(unit) not in _ONE_DECIMAL


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
    floor = 0 if counts_whole(target.measure.unit) else 1
    return min(max(written, floor), 3)


def shown_decimals(value: float, decimals: int) -> int:
    """Decimals to show a reading with: the target's, or more (at most three) when the reading has more,
    so that 459.95 is not shown as 460.0 against a target of under 460."""
    for d in range(decimals, 3):
        if abs(value - round(value, d)) <= 1e-9 * max(1.0, abs(value)):
            return d
    return max(decimals, 3)


def level_decimals(value: float, decimals: int, unit: str) -> int:
    """Decimals to show an expected value, gap or tolerance with: the target's, none for a whole count."""
    return 0 if decimals and counts_whole(unit) and _is_whole(value) else decimals



def as_of_words(given: bool, reading: Reading | None, same_day: int) -> str:
    """Where an as-of date came from: `the date given (--as-of)`, or the reading it is the date of
    (`the latest reading: budget.csv line 14 (recycling, 2025/26)`; `the latest readings: ... and 3 more`);
    empty with neither (no readings)."""
    if given:
        return "the date given (--as-of)"
    if reading is None:
        return ""
    where = f"record {reading.record}" if reading.record is not None else f"line {reading.line}"
    text = f"{reading.file} {where} ({reading.target}, {reading.period.label})"
    if same_day > 1:
        return f"the latest readings: {text} and {same_day - 1:,} more"
    return f"the latest reading: {text}"


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


def projection_note(words: TargetWords, target: Target, projection) -> str:  # projection: stats.projection.Projection
    """Where the pace since the baseline leads (issue 11), after a target's explanation: `. At the
    pace since 2013/14 it would reach 38.1% by 31 Mar 2017, 3.1 points short of the target of 35%`."""
    if projection is None or projection.value is None or target.goal is None or target.baseline is None:
        return ""
    goal = target.goal
    decimals = words.decimals
    reach = words._value(projection.value, decimals)
    when = f"{goal.period.end:%d %b %Y}"
    level = words._goal_exact
    if projection.meets_target:
        result = f"meeting the target of {level}"
        if projection.reaches_target_on is not None:
            result += f" (on {projection.reaches_target_on:%d %b %Y})"
    else:
        result = f"{words._d(abs(projection.gap), decimals)} short of the target of {level}"
    return f". At the pace since {target.baseline.period.label} it would reach {reach} by {when}, {result}"


# A target's recent trend (engine/stats/trend.py) in plain words: the one mapping every format uses.
TREND_WORDS = {
    "increasing_getting_better": "increasing, getting better",
    "increasing_getting_worse": "increasing, getting worse",
    "decreasing_getting_better": "decreasing, getting better",
    "decreasing_getting_worse": "decreasing, getting worse",
    "no_significant_change": "no significant change",
    "cannot_be_calculated": "cannot be calculated",
}

# Why a trend cannot be calculated, as docs/methods.md words the codes.
TREND_REASON_WORDS = {
    "too_few_points": "fewer than 5 readings: a trend needs 5",
    "mixed_period_lengths": "the latest 5 readings are not all for periods of one length",
    "no_interval": "one of the latest 5 readings has no interval",
    "zero_width_interval": "one of the latest 5 readings has an interval of no width",
    "numerator_equals_denominator": "one of the latest 5 readings is 100% (numerator equals denominator)",
}


def trend_words(trend) -> tuple[str, str]:  # trend: stats.trend.Trend | None
    """(the trend's label in words, why it cannot be calculated or ""); ("", "") without a trend."""
    if trend is None:
        return "", ""
    return TREND_WORDS[trend.label], TREND_REASON_WORDS.get(trend.reason or "", "")


def interval_range(interval: Interval, decimals: int) -> str:
    """A reading's interval, compact, at the reading's own digits (reading_decimals), for beside its
    value: `90.3–93.6`; ` to ` when a limit is negative (`-1.2–0.4` would read as a minus)."""
    lower, upper = fixed(interval.lower, decimals), fixed(interval.upper, decimals)
    return f"{lower} to {upper}" if interval.lower < 0 or interval.upper < 0 else f"{lower}–{upper}"


def with_interval(shown: str, interval: Interval | None, decimals: int) -> str:
    """A reading as shown, with its interval beside it in brackets: `92.1% [90.3–93.6]`."""
    return shown if interval is None else f"{shown} [{interval_range(interval, decimals)}]"


@lru_cache(maxsize=1024)  # a rank for each reading of a group: the same few hundred words again and again
def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


QUARTILE_WORDS = {1: "best quarter", 2: "second quarter", 3: "third quarter", 4: "worst quarter"}
_RELATIONS = {"better": "better than", "worse": "worse than", "similar": "similar to"}


def area_words(code: str, names: Mapping[str, str] | None) -> str:
    """`Portsmouth` (a name from areas.yaml), or the code when the file has no name for it."""
    return names.get(code, code) if names else code


def titled(target: Target, names: Mapping[str, str] | None) -> str:
    """A target's title as reports head it: with its area's name when the target is one of several
    areas' (`areas:`, one result each), as `All crime rate — Portsmouth`; else the title alone."""
    return f"{target.title} — {area_words(target.area, names)}" if target.areas and target.area else target.title


def compare_note(words: TargetWords, standing, group: str | None, names: Mapping[str, str] | None) -> str:  # standing: evaluation.Standing
    """How we compare, said after a reading's verdict (issue 12): its rank among its comparators
    group that period (with the quarter it falls in and the group median) and how it stands against
    its benchmark; empty when there is nothing to compare with that period."""
    parts = compare_parts(words, standing, group, names)
    return compare_words(parts) if parts else ""


def compare_words(parts: list[str]) -> str:
    """compare_note from its clauses (standing_parts)."""
    return f". How we compare: {'; '.join(parts)}"


def compare_parts(words: TargetWords, standing, group: str | None,
                  names: Mapping[str, str] | None) -> list[str]:  # standing: evaluation.Standing
    """The clauses of compare_note: the rank among the group, then the benchmark comparison."""
    return standing_parts(words, group, names, standing.rank, standing.of, standing.quartile, standing.group_median,
                          standing.benchmark_area, standing.benchmark_value, standing.comparison, standing.basis)


def standing_parts(words: TargetWords, group: str | None, names: Mapping[str, str] | None, rank: int | None,
                   of: int | None, quartile: int | None, median: float | None, benchmark_area: str | None,
                   benchmark_value: float | None, comparison: str | None, basis: str | None) -> list[str]:
    """compare_parts from a standing's fields (the evaluation words millions of readings' standings
    without making a Standing for each)."""
    parts: list[str] = []
    decimals = words.decimals
    if rank is not None:
        quarter = f", {QUARTILE_WORDS[quartile]}" if quartile else ""
        shown = words._number(median, decimals) if median is not None else ""
        parts.append(f"ranked {ordinal(rank)} of {of} in the group {group} (1st is the best"
                     f"{quarter}; group median {shown})")
    if comparison is not None and benchmark_value is not None:
        if benchmark_area == GROUP_MEDIAN:
            against = f"the group median ({words._number(benchmark_value, decimals)})"
        else:
            against = f"{area_words(benchmark_area, names)} ({words._number(benchmark_value, decimals)})"
        relation = _RELATIONS[comparison]
        if basis == "interval":
            on = ("its interval excludes the benchmark" if comparison != "similar"
                  else "its interval includes the benchmark")
        else:
            on = "by value alone (the reading has no interval)"
        parts.append(f"{relation} {against}, {on}")
    return parts


def standing_note(words: TargetWords, group: str | None, names: Mapping[str, str] | None, rank: int | None,
                  of: int | None, quartile: int | None, median: float | None, benchmark_area: str | None,
                  benchmark_value: float | None, comparison: str | None, basis: str | None) -> str:
    """compare_note from a standing's fields, as compare_words(standing_parts(...)) says it; the
    parts shared by the areas of a period (the quarter and group median, the benchmark clause)
    remembered on `words`, as the evaluation says it for millions of readings (issue 12's scale)."""
    clauses = words._clauses
    head = tail = ""
    if rank is not None:
        key = ("rank", group, quartile, median)
        tail = clauses.get(key)  # type: ignore[assignment]
        if tail is None:
            tail = standing_parts(words, group, names, 1, of, quartile, median, None, None, None, None)[0]
            tail = tail[tail.index(" in the group "):]
            if len(clauses) < _REMEMBERED:
                clauses[key] = tail
        head = f"ranked {ordinal(rank)} of {of}{tail}"
    if comparison is not None and benchmark_value is not None:
        key = ("benchmark", benchmark_area, benchmark_value, comparison, basis)
        tail = clauses.get(key)  # type: ignore[assignment]
        if tail is None:
            tail = standing_parts(words, group, names, None, None, None, None, benchmark_area, benchmark_value,
                                  comparison, basis)[0]
            if len(clauses) < _REMEMBERED:
                clauses[key] = tail
        return f". How we compare: {head}; {tail}" if head else f". How we compare: {tail}"
    return f". How we compare: {head}" if head else ""


def compare_line(words: TargetWords, standing, group: str | None, names: Mapping[str, str] | None,
                 period: str) -> str:  # standing: evaluation.Standing
    """How we compare, as a line of its own (under the HTML report's dot plot): `How we compare in
    2014/15: ranked 3rd of 4 in the group g (...); worse than England (70.0 per 1,000), ...`; empty
    when there is nothing to compare with that period."""
    parts = compare_parts(words, standing, group, names)
    return f"How we compare in {period}: {'; '.join(parts)}." if parts else ""


# The short forms, for a table's cells: a comparison made on the value alone (the reading has no
# interval, so chance is not allowed for) carries this mark, and the table says what it means.
BY_VALUE_MARK = "†"
BY_VALUE_NOTE = f"{BY_VALUE_MARK} by value alone: the reading has no interval, so the comparison does not allow for chance"


def rank_short(standing) -> str:  # standing: evaluation.Standing | None
    """A reading's rank among its group, for a table cell: `3rd of 4, third quarter`, `1st of 2`;
    empty without one that period."""
    if standing is None or standing.rank is None:
        return ""
    quarter = f", {QUARTILE_WORDS[standing.quartile]}" if standing.quartile else ""
    return f"{ordinal(standing.rank)} of {standing.of}{quarter}"


def benchmark_short(words: TargetWords, standing, names: Mapping[str, str] | None) -> str:  # standing: evaluation.Standing | None
    """How a reading stands against its benchmark, for a table cell: `worse than England (70.0)`,
    `similar to the group median (53.5%)`, marked BY_VALUE_MARK when compared by value alone;
    empty when not compared that period."""
    if standing is None or standing.comparison is None or standing.benchmark_value is None:
        return ""
    mark = BY_VALUE_MARK if standing.basis != "interval" else ""
    return (f"{_RELATIONS[standing.comparison]} {benchmark_label(standing, names)} "
            f"({_short(words, standing.benchmark_value)}){mark}")


def benchmark_label(standing, names: Mapping[str, str] | None) -> str:  # standing: evaluation.Standing | None
    """The benchmark's name: `England`, `the group median`; empty without a benchmark."""
    if standing is None or standing.benchmark_area is None:
        return ""
    return "the group median" if standing.benchmark_area == GROUP_MEDIAN else area_words(standing.benchmark_area, names)


def _short(words: TargetWords, value: float) -> str:
    """A value at the target's digits, where the unit is named elsewhere: `70.0`, `53.5%`, `£1,250`."""
    return on_axis(value, words.unit, decimals=0 if counts_whole(words.unit) and _is_whole(value) else words.decimals)


def neighbours_note(neighbours, names: Mapping[str, str] | None) -> str:  # neighbours: derived.Neighbours
    """A derived rank's reading: among how many, on which target, the areas sharing the rank, and
    the areas just above (better) and below (worse)."""
    around = []
    if neighbours.tied:
        shared = " and ".join(area_words(a, names) for a in neighbours.tied)
        around.append(f"joint with {shared} ({number(neighbours.value)})" if neighbours.value is not None
                      else f"joint with {shared}")
    if neighbours.above is not None:
        around.append(f"below {area_words(neighbours.above, names)} ({number(neighbours.above_value)})")
    if neighbours.below is not None:
        around.append(f"above {area_words(neighbours.below, names)} ({number(neighbours.below_value)})")
    where = ": " + ", ".join(around[:-1]) + (" and " if len(around) > 1 else "") + around[-1] if around \
        else ": the only one with a reading"
    return f". Ranked on {neighbours.ranked} among {neighbours.of} areas{where}"