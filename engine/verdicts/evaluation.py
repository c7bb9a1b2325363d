"""Evaluating targets against their readings (pure: targets and readings in, results out)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from bisect import bisect_left
from functools import cached_property
from datetime import date

from engine.verdicts.paths import trajectory_for
from engine.model.periods import KEY_DAY, months_between
from engine.sources.readings import Reading, by_period
from engine.model.spec import Target
from engine.verdicts.judge import Judge, Status, Verdict

# How old the latest reading may be, at the as-of date, before a target is stale.
STALE_AFTER_MONTHS = {"annual": 15, "quarterly": 4}
STALE_AFTER_DAYS = {"monthly": 49}  # seven weeks


@dataclass(frozen=True)
class TargetResult:
    target: Target
    status: Status
    breach: bool
    breach_reason: str | None
    stale: bool
    explanation: str
    readings: tuple[Reading, ...]  # in date order
    latest: Verdict | None  # the verdict on the latest reading
    judge: Judge = field(repr=False, compare=False)
    left_out: tuple[Reading, ...] = ()  # dated after the as-of date: not judged, but not lost either

    @property
    def after_as_of(self) -> int:
        return len(self.left_out)

    @cached_property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every reading judged, in date order (worked out on first use, then kept)."""
        return tuple(self.iter_verdicts())

    def iter_verdicts(self) -> Iterator[Verdict]:
        """The verdicts one at a time, without keeping them: reports stream a million readings this way."""
        judge = self.judge.judge
        for reading in self.readings:
            yield judge(reading.period, reading.value)


@dataclass(frozen=True)
class Evaluation:
    as_of: date | None
    results: tuple[TargetResult, ...]

    @property
    def after_as_of(self) -> int:
        """Readings left out because they are dated after the as-of date."""
        return sum(r.after_as_of for r in self.results)


def is_stale(frequency: str | None, latest: date, as_of: date) -> bool:
    if frequency in STALE_AFTER_MONTHS:
        # Calendar months, month end to month end: 30 Jun to 31 Oct is 4 months, not 4 months and a day.
        return months_between(latest, as_of) > STALE_AFTER_MONTHS[frequency]
    if frequency in STALE_AFTER_DAYS:
        return (as_of - latest).days > STALE_AFTER_DAYS[frequency]
    return False


def evaluate_target(target: Target, readings: Sequence[Reading], as_of: date | None) -> TargetResult:
    judge = Judge.for_target(target, trajectory_for(target))
    ordered = sorted(readings, key=by_period)
    later: tuple[Reading, ...] = ()
    if as_of is not None:
        # Keys of periods ending on or before as_of are below that of any period ending the day after.
        cut = bisect_left(ordered, (as_of.toordinal() + 1) * KEY_DAY, key=by_period)
        later = tuple(ordered[cut:])
        del ordered[cut:]
    if not ordered:
        return TargetResult(target, "no_data", False, None, False, "no readings", (), None, judge, later)
    latest = judge.judge(ordered[-1].period, ordered[-1].value)
    stale = as_of is not None and is_stale(target.measure.frequency, latest.date, as_of)
    explanation = latest.explanation
    together: list[str] = []
    i = len(ordered) - 2
    while i >= 0 and ordered[i].period.end == latest.date:  # sorted by last day: they sit together at the end
        together.insert(0, ordered[i].period.label)
        i -= 1
    if together:
        # 2014/15 and 2015-03 both end on 31 Mar 2015: say which one decided the status.
        also = " and ".join(together)
        explanation += (f". Note: {also} also end{'s' if len(together) == 1 else ''} on {latest.date:%d %b %Y}; "
                        f"the shortest period, {latest.period.label}, is taken as the latest (give one length of "
                        "period per target)")
    if stale:
        article = "an" if (target.measure.frequency or "")[:1] in "aeiou" else "a"
        explanation += (f". Stale: the latest reading is for {latest.period.label}, older than {article} "
                        f"{target.measure.frequency} measure allows on {as_of:%d %b %Y}")
    return TargetResult(target, latest.status, latest.breach, latest.breach_reason, stale, explanation,
                        tuple(ordered), latest, judge, later)


def evaluate(targets: Iterable[Target], readings: Mapping[str, Sequence[Reading]], as_of: date | None = None) -> Evaluation:
    """Every target's verdicts. Without as_of, the as-of date is that of the latest reading given."""
    targets = list(targets)
    if as_of is None:
        latest = max((max(map(by_period, rs)) for rs in readings.values() if rs), default=None)
        as_of = date.fromordinal(latest // KEY_DAY) if latest is not None else None
    return Evaluation(as_of, tuple(evaluate_target(t, readings.get(t.id, ()), as_of) for t in targets))
