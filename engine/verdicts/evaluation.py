"""Evaluating targets against a batch of readings in one pass (pure: targets and readings in, results out).

Every reading of every target is judged at once, on columns, by the verdict rules
(engine/verdicts/rules); each target's status is that of its latest reading, or, once a dated
target's outcome is settled, that outcome (rule `outcome`). Results carry the decisions and
numbers; sentences come from `explain`, made only when an output asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.model.areas import Areas
from engine.model.periods import KEY_DAY, Period, months_between
from engine.model.readings import BREAK_IN_SERIES, PROVISIONAL, Reading, ReadingsBatch, qualifier_codes
from engine.model.spec import Target
from engine.stats.intervals import METHODS
from engine.stats.progress import Progress
from engine.stats.projection import Projection
from engine.stats.trend import Trend
from engine.verdicts.assessments import Assessments, assess, LENGTHS
from engine.verdicts.explain import (Interval, TargetWords, as_of_words, neighbours_note, projection_note, stale_note,
                                     standing_note, together_note)
from engine.verdicts.intervals import ReadingIntervals, reading_intervals, statistic_codes
from engine.verdicts.rules import AFTER_OUTCOME, Decisions, Facts, Readings, decide, outcome
from engine.verdicts.derived import Neighbours, with_ranks
from engine.verdicts.standings import Standings, row_units, standings_of, units
from engine.verdicts.statuses import ALL_STATUSES, BREACH_REASONS, BreachReason, Status

# How old the latest reading may be, at the as-of date, before a target is stale.
STALE_AFTER_MONTHS = {"annual": 15, "quarterly": 4}
STALE_AFTER_DAYS = {"monthly": 49}  # seven weeks


@dataclass(frozen=True)
class Standing:
    """One reading's standing among its comparators group that period, and against its benchmark
    (rank, of, quartile, group median: None without comparators with a value that period; the
    benchmark's area, value and the comparison: None without one)."""

    rank: int | None
    of: int | None
    quartile: int | None
    group_median: float | None
    benchmark_area: str | None
    benchmark_value: float | None
    comparison: str | None  # better, similar, worse
    basis: str | None  # interval (the reading's interval excludes the benchmark, or not) or value (by value alone)


@dataclass(frozen=True)
class Verdict:
    """One reading judged, with its sentence."""

    period: Period
    date: date
    value: float
    expected: float | None
    shortfall: float | None
    tolerance: float | None
    status: Status
    breach: bool
    breach_reason: BreachReason | None
    explanation: str
    qualifiers: tuple[str, ...] = ()  # the value's GSS qualifiers (codes): ("p",) for a provisional value
    interval: Interval | None = None  # the reading's confidence interval, published or worked out
    significant: bool | None = None  # rule `significance`: does the interval confirm the difference? None: not assessed
    standing: Standing | None = None  # how the area compares with its group and benchmark that period (issue 12)

    @property
    def provisional(self) -> bool:
        """A verdict on a provisional value is provisional too."""
        return "p" in self.qualifiers


class Judged:
    """Every reading of a batch judged, as columns sorted by target (in the order given) then period:
    the rows of the batch, and the decisions of the rules for each."""

    def __init__(self, facts: Facts, batch: ReadingsBatch, rows: np.ndarray, decisions: Decisions,
                 intervals: ReadingIntervals | None = None, assessments: Assessments | None = None,
                 standings: Standings | None = None, neighbours: Mapping[int, Neighbours] | None = None,
                 areas: Areas | None = None, unit: np.ndarray | None = None) -> None:
        self.facts = facts
        self.unit = unit if unit is not None else np.zeros(len(rows), dtype=np.int64)  # each judged row's target
        # Issue 12: each reading's standing among its group (in judged order), a derived rank's
        # neighbours (by batch row) and the areas file (for names).
        self.standings = standings if standings is not None else Standings.none(len(rows), len(facts.targets))
        self.neighbours = dict(neighbours or {})
        self.areas = areas
        self.batch = batch
        self.rows = rows  # batch rows, in judged order
        self.decisions = decisions
        self.intervals = intervals if intervals is not None else ReadingIntervals.none(len(rows))  # in judged order
        self.assessments = assessments  # per target: trend, projection, progress
        self._words: dict[int, TargetWords] = {}
        self._spec = facts.path.tolist()  # each target's spec (its index among the distinct ones)
        # A spec judged for several areas (`areas:`): its readings of one period often share a
        # value, and so a sentence (made once: _sentences). Where no spec is shared, no reading
        # repeats another's sentence, and looking for one only costs.
        self.shared = bool(len(facts.path)) and int(np.bincount(facts.path).max()) > 1

    def interval(self, i: int) -> Interval | None:
        """The confidence interval of judged row i, as its sentence shows it (None: none)."""
        iv = self.intervals
        if iv.method[i] == 0:
            return None
        row = int(self.rows[i])
        batch = self.batch
        numerator = None if batch.numerator is None else _number(batch.numerator[row])
        denominator = None if batch.denominator is None else _number(batch.denominator[row])
        return Interval(float(iv.lower[i]), float(iv.upper[i]), float(iv.confidence[i]), METHODS[iv.method[i]],
                        numerator, denominator)

    def standing(self, i: int) -> Standing | None:
        """Judged row i's standing among its group and against its benchmark; None: the target has
        neither comparators nor a benchmark."""
        return self.standings_at(np.array([i], dtype=np.int64))[0]

    def standings_at(self, at: np.ndarray) -> list[Standing | None]:
        """The standings of judged rows `at`; None for a reading of a target with neither
        comparators nor a benchmark."""
        return [None if fields is None else Standing(*fields) for fields in self._standing_fields(at)]

    def _standing_fields(self, at: np.ndarray) -> Iterator[tuple | None]:
        """The fields of each Standing of judged rows `at` (columns read once, as lists), or None."""
        from engine.stats.comparators import BASES, COMPARISONS

        st = self.standings
        groups, benchmarks = st.groups, st.benchmark_areas
        for u, rank, of, quartile, median, value, comparison, basis in zip(
                self.unit[at].tolist(), st.rank[at].tolist(), st.of[at].tolist(), st.quartile[at].tolist(),
                st.median[at].tolist(), st.benchmark[at].tolist(), st.comparison[at].tolist(), st.basis[at].tolist()):
            bench = benchmarks[u]
            if groups[u] is None and bench is None:
                yield None
            elif rank > 0:
                yield (rank, of, quartile or None, None if median != median else median, bench,
                       None if value != value else value, COMPARISONS[comparison] or None, BASES[basis] or None)
            else:  # no other member with a value that period
                yield (None, None, None, None, bench, None if value != value else value,
                       COMPARISONS[comparison] or None, BASES[basis] or None)

    def words(self, target: int) -> TargetWords:
        """The target's wording, made the first time one of its sentences is needed; one for the
        targets of one spec (each area of a spec of several: the wording does not name the area)."""
        spec = self._spec[target]
        words = self._words.get(spec)
        if words is None:
            words = self._words[spec] = TargetWords(self.facts.targets[target], self.facts.trajectories[target],
                                                    remember=self.shared)
        return words

    def reading(self, i: int) -> Reading:
        return self.batch.reading(int(self.rows[i]))

    def sentence(self, target: int, i: int) -> str:
        """The sentence of judged row i."""
        return self.sentences_at(np.array([i], dtype=np.int64))[0]

    def _columns(self, at: np.ndarray) -> zip:
        """Judged rows `at` as tuples of plain Python values (columns read once, as lists)."""
        d, batch = self.decisions, self.batch
        rows = self.rows[at]
        marks = batch.qualifiers[rows].tolist() if batch.qualifiers is not None else [0] * len(rows)
        return zip(batch.period[rows].tolist(), batch.value[rows].tolist(), d.status[at].tolist(),
                   d.expected[at].tolist(), d.shortfall[at].tolist(), d.tolerance[at].tolist(),
                   d.beyond[at].tolist(), d.breach[at].tolist(), marks, d.tempered[at].tolist(),
                   (d.outcome[at] == AFTER_OUTCOME).tolist())

    def sentences(self, target: int, start: int, stop: int) -> list[str]:
        """The sentences of judged rows start..stop, all of one target."""
        return self.sentences_at(np.arange(start, stop, dtype=np.int64))

    def sentences_at(self, at: np.ndarray) -> list[str]:
        """The sentences of judged rows `at`, of any targets: made together (a chunk of the report,
        every target's latest reading), so that the columns are read once for all of them."""
        units = self.unit[at].tolist()
        each = {u: self.words(u) for u in set(units)}  # (a chunk holds few targets, each many rows)
        wordings = [each[u] for u in units]
        said = self._sentences(at, wordings)
        st = self.standings
        groups, benchmarks = st.groups, st.benchmark_areas
        compared = [k for k, u in enumerate(units) if groups[u] is not None or benchmarks[u] is not None]
        if compared:  # how it compares (issue 12)
            names = self.areas.names if self.areas is not None else None
            for k, fields in zip(compared, self._standing_fields(at[compared])):
                u = units[k]
                said[k] += standing_note(wordings[k], groups[u], names, *fields)  # type: ignore[misc]
        if self.neighbours:  # a derived rank's readings name the areas just above and below
            names = self.areas.names if self.areas is not None else None
            for k, row in enumerate(self.rows[at].tolist()):
                if row in self.neighbours:
                    said[k] += neighbours_note(self.neighbours[row], names)
        return said

    def _sentences(self, at: np.ndarray, wordings: list[TargetWords]) -> list[str]:
        periods, written = self.batch.periods, self.batch.written
        # Judged with intervals: each sentence says what its interval said. Readings converted from
        # another unit say so. Both need the row (a few targets, a few rows, when any).
        intervals = any(w.confidence is not None for w in wordings)
        rows = self.rows[at].tolist() if written or intervals else None
        significant = self.decisions.significant[at].tolist() if intervals else None
        # (NaN: no such number. Tested here, not by _number: 20 million calls at 6.3 million readings.)
        if rows is None and not self.shared:  # the common case, as one comprehension
            return [words.sentence(periods[p], v, ALL_STATUSES[s], None if e != e else e, None if g != g else g,
                                   None if t != t else t, b, BREACH_REASONS[r], marks=q,
                                   tempered=ALL_STATUSES[w] if w >= 0 else None, after_outcome=a)
                    for words, (p, v, s, e, g, t, b, r, q, w, a) in zip(wordings, self._columns(at))]
        said = []
        # A sentence depends on the target's wording and the reading's numbers only, never on its
        # area: the same value of a spec's target in the same period reads the same in every area
        # that has it (a third of the rows of 317 areas' rates to one decimal), so it is made once.
        # Kept for this call only: a chunk of the report, so memory does not grow with the file.
        made: dict[tuple, str] = {}
        for k, (words, (p, v, s, e, g, t, b, r, q, w, a)) in enumerate(zip(wordings, self._columns(at))):
            e, g, t = None if e != e else e, None if g != g else g, None if t != t else t
            if rows is None:
                key = (words, p, v, s, e, g, t, b, r, q, w, a)
                why = made.get(key)
                if why is None:
                    why = made[key] = words.sentence(periods[p], v, ALL_STATUSES[s], e, g, t, b, BREACH_REASONS[r],
                                                     marks=q, tempered=ALL_STATUSES[w] if w >= 0 else None,
                                                     after_outcome=a)
                said.append(why)
            else:
                judged = words.confidence is not None
                said.append(words.sentence(periods[p], v, ALL_STATUSES[s], e, g, t, b,
                                           BREACH_REASONS[r], marks=q, tempered=ALL_STATUSES[w] if w >= 0 else None,
                                           after_outcome=a, written=written.get(rows[k]),
                                           interval=self.interval(int(at[k])) if judged else None,
                                           significant=significant[k] if judged else -1))  # type: ignore[index]
        return said

    def verdicts(self, target: int, start: int, stop: int) -> list[Verdict]:
        """The verdicts of judged rows start..stop, all of one target, with their sentences."""
        periods = self.batch.periods
        at = np.arange(start, stop, dtype=np.int64)
        out = []
        significant = self.decisions.significant[at].tolist()
        for i, ((p, v, s, e, g, t, _, r, q, _, _), why, standing) in enumerate(zip(
                self._columns(at), self.sentences_at(at), self.standings_at(at))):
            period, breach = periods[p], BREACH_REASONS[r]
            out.append(Verdict(period, period.end, v, _number(e), _number(g), _number(t), ALL_STATUSES[s],
                               breach is not None, breach, why, qualifier_codes(q), self.interval(start + i),
                               None if significant[i] < 0 else bool(significant[i]), standing))
        return out

    def verdict(self, target: int, i: int) -> Verdict:
        """The verdict on judged row i."""
        return self.verdicts(target, i, i + 1)[0]


def _number(value: float) -> float | None:
    return None if value != value else float(value)  # NaN: no such number


@dataclass(frozen=True)
class TargetResult:
    target: Target
    status: Status
    breach: bool
    breach_reason: BreachReason | None
    stale: bool
    explanation: str
    judged: Judged
    index: int  # the target's place in the evaluation
    start: int  # its readings judged: judged rows start..stop, in date order
    stop: int
    later: tuple[int, ...] = ()  # batch rows dated after the as-of date: not judged, but not lost either
    latest_sentence: str = ""  # the latest reading's own sentence (the explanation may add notes to it)
    settled: int = -1  # the judged row that settled the outcome of a dated target; -1: not concluded

    @property
    def outcome(self) -> Verdict | None:
        """The verdict on the reading that settled the target's outcome (its status is the target's), if one has."""
        return self.judged.verdict(self.index, self.settled) if self.settled >= 0 else None

    @property
    def count(self) -> int:
        return self.stop - self.start

    @property
    def trend(self) -> Trend | None:
        """Fingertips' recent trend over the latest 5 readings (engine/stats/trend.py)."""
        a = self.judged.assessments
        return a.trends.one(self.index) if a is not None else None

    @property
    def projection(self) -> Projection | None:
        """Where the pace since the baseline leads by the target date (engine/stats/projection.py)."""
        a = self.judged.assessments
        return a.projections.one(self.index) if a is not None else None

    @property
    def progress(self) -> Progress | None:
        """Open SDG's progress category (engine/stats/progress.py)."""
        a = self.judged.assessments
        return a.progresses.one(self.index) if a is not None else None

    @property
    def readings(self) -> tuple[Reading, ...]:
        """The readings judged, in date order."""
        return tuple(self.judged.reading(i) for i in range(self.start, self.stop))

    @property
    def left_out(self) -> tuple[Reading, ...]:
        return tuple(self.judged.batch.reading(row) for row in self.later)

    @property
    def after_as_of(self) -> int:
        return len(self.later)

    @property
    def provisional(self) -> bool:
        """The target's status rests on a provisional value: its latest reading, or the reading that
        settled its outcome once one has (rule `outcome`), is marked `[p]`."""
        batch = self.judged.batch
        if self.stop == self.start or batch.qualifiers is None:
            return False
        decides = self.settled if self.settled >= 0 else self.stop - 1
        return bool(batch.qualifiers[self.judged.rows[decides]] & PROVISIONAL)

    @property
    def latest(self) -> Verdict | None:
        """The verdict on the latest reading."""
        return self.judged.verdict(self.index, self.stop - 1) if self.stop > self.start else None

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every reading judged, in date order, with its sentence."""
        return tuple(self.iter_verdicts())

    def iter_verdicts(self) -> Iterator[Verdict]:
        return iter(self.judged.verdicts(self.index, self.start, self.stop))

    def sentences(self) -> list[str]:
        return self.judged.sentences(self.index, self.start, self.stop)


@dataclass(frozen=True)
class Evaluation:
    as_of: date | None
    results: tuple[TargetResult, ...]
    batch: ReadingsBatch
    as_of_given: bool = False  # the as-of date was given (--as-of), not taken from the readings
    # Else the reading it came from: the first given of those dated that day, and how many are.
    as_of_reading: Reading | None = None
    as_of_readings: int = 0
    # Readings of other areas than their target's own (its comparators and benchmark): kept to
    # compare with, never judged (issue 12); and readings worked out (derived ranks), not read.
    comparators: int = 0
    derived: int = 0
    # Of those, the ones dated after the as-of date: not compared with, or not judged.
    comparators_later: int = 0
    derived_later: int = 0

    @property
    def as_of_source(self) -> str:
        """Where the as-of date came from, in words: `the latest reading: budget.csv line 14 (recycling, 2025/26)`."""
        return as_of_words(self.as_of_given, self.as_of_reading, self.as_of_readings)

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


def evaluate(targets: Iterable[Target], readings: ReadingsBatch | Mapping[str, Iterable[Reading]] | Iterable[Reading],
             as_of: date | None = None, areas: Areas | None = None) -> Evaluation:
    """Every target's verdicts. Without as_of, the as-of date is that of the latest reading given.

    readings: a batch (as read from files), or Reading objects, alone or by target id.
    areas: the areas file (areas.yaml), for targets with comparators, a benchmark, several areas
    (each judged as a target of its own: one result per area) or a derived rank.
    """
    targets = list(targets)
    if isinstance(readings, ReadingsBatch):
        batch = readings
    elif isinstance(readings, Mapping):
        batch = ReadingsBatch.of(r for rs in readings.values() for r in rs)
    else:
        batch = ReadingsBatch.of(readings)
    batch, neighbours = with_ranks(targets, batch, areas)
    spec_ids = {t.id for t in targets}
    targets, spec = units(targets)  # a target of several areas: one for each
    facts = Facts.of(targets, spec)
    # Each row's place among these targets (-1: not among them, or another area's: not judged).
    row_target = row_units(targets, batch)
    keys = batch.period_keys
    row_key = keys[batch.period] if len(batch.period) else np.zeros(0, dtype=np.int64)
    known = row_target >= 0
    row_day = row_key // KEY_DAY
    given, source, same_day = as_of is not None, None, 0
    if as_of is None and known.any():
        latest = int(row_day[known].max())
        as_of = date.fromordinal(latest)
        # Said in the reports, so that one row that moves the date (an annual reading among
        # quarterly ones) is seen: the first of the readings dated that day, and how many there are.
        that_day = np.flatnonzero(known & (row_day == latest))
        source, same_day = batch.reading(int(that_day[0])), len(that_day)
    judge = known & (row_day <= as_of.toordinal()) if as_of is not None else known
    later = known & ~judge
    # Judged rows sorted by target, then period (by last day, then first day): one sort on a key
    # of both (the period's rank among the batch's periods), a third of the time of sorting on two.
    distinct, rank = np.unique(keys, return_inverse=True)
    row_order = row_target * len(distinct) + rank.ravel()[batch.period] if len(batch.period) else row_target
    rows = np.flatnonzero(judge)
    rows = rows[np.argsort(row_order[rows], kind="stable")]
    t = row_target[rows]

    def column(c: np.ndarray | None) -> np.ndarray | None:
        return c[rows] if c is not None else None

    statistic, scale, level = statistic_codes(facts.targets)
    intervals = reading_intervals(t, statistic, scale, level, column(batch.numerator), column(batch.denominator),
                                  column(batch.lower), column(batch.upper), column(batch.confidence))
    qualifiers = column(batch.qualifiers)
    day, value = row_day[rows], batch.value[rows]
    decisions = decide(facts, Readings(t, day, value, row_key[rows] % KEY_DAY, qualifiers,
                                       intervals.lower, intervals.upper))
    lengths = np.fromiter((LENGTHS.get(p.kind, 0) for p in batch.periods), dtype=np.int64, count=len(batch.periods))
    breaks = (qualifiers & BREAK_IN_SERIES) != 0 if qualifiers is not None else np.zeros(len(rows), dtype=bool)
    assessments = assess(facts, t, day, row_key[rows], lengths[batch.period[rows]] if len(rows) else lengths[:0],
                         value, intervals.lower, intervals.upper, intervals.confidence, breaks,
                         column(batch.numerator), column(batch.denominator))
    standing = standings_of(targets, batch, areas, rows, t, intervals.lower, intervals.upper,
                            as_of.toordinal() if as_of is not None else None)
    judged = Judged(facts, batch, rows, decisions, intervals, assessments, standing, neighbours, areas, t)
    # Rows of these targets for other areas: comparators and benchmarks, kept and counted, not judged.
    ours = np.array([tid in spec_ids for tid in batch.ids], dtype=bool)
    comparator_rows = ours[batch.target] & (row_target < 0) if len(batch.target) else np.zeros(0, dtype=bool)
    dated_later = row_day > as_of.toordinal() if as_of is not None else np.zeros(len(row_day), dtype=bool)
    comparators = int(np.count_nonzero(comparator_rows))
    comparators_later = int(np.count_nonzero(comparator_rows & dated_later))
    derived_later = sum(1 for row in neighbours if dated_later[row])
    bounds = np.searchsorted(t, np.arange(len(targets) + 1))
    latest = np.where(bounds[1:] > bounds[:-1], bounds[1:] - 1, -1)
    settled = outcome.settled_by(decisions, t, len(targets))
    statuses, breaches = outcome.for_targets(decisions, latest, settled)
    # Readings dated after each outcome (a shorter period ending the same day is not "since"): the
    # judged rows run by target, then day, so one search on (target, day) finds where they start.
    since = np.zeros(len(targets), dtype=np.int64)
    done = np.flatnonzero(settled >= 0)
    if len(done):
        key = t.astype(np.int64) * (1 << 22) + row_day[rows]
        since[done] = bounds[done + 1] - np.searchsorted(key, key[settled[done]], side="right")
    later_rows = np.flatnonzero(later)
    later_rows = later_rows[np.argsort(row_order[later_rows], kind="stable")]
    later_bounds = np.searchsorted(row_target[later_rows], np.arange(len(targets) + 1))
    results = _results(judged, targets, bounds, day, as_of, settled, statuses, breaches, since, later_rows,
                       later_bounds)
    return Evaluation(as_of, tuple(results), batch, given, source, same_day, comparators, len(neighbours),
                      comparators_later, derived_later)


def _results(judged: Judged, targets: Sequence[Target], bounds: np.ndarray, day: np.ndarray, as_of: date | None,
             settled: np.ndarray, statuses: np.ndarray, breaches: np.ndarray, since: np.ndarray,
             later_rows: np.ndarray, later_bounds: np.ndarray) -> list[TargetResult]:
    """Every target's result: its status, and its explanation in words. The sentences they need
    (each latest reading's, an outcome's) are made together, the columns read once for all the
    targets rather than once for each (a spec of 317 areas is 317 targets: 317,000 of them at
    1,000 specs, benchmarks/bench_areas.py). day: each judged row's period's last day."""
    n = len(targets)
    start, stop = bounds[:-1], bounds[1:]
    latest = stop - 1
    has = stop > start
    concluded = has & (settled >= 0)
    sentences: list[str] = [""] * n
    found = np.flatnonzero(has)
    for i, said in zip(found.tolist(), judged.sentences_at(latest[found])):
        sentences[i] = said
    explanations = list(sentences)
    # Concluded: the outcome stands, and later readings are reported after it; never stale.
    after = np.flatnonzero(concluded & (since > 0))
    for i, said in zip(after.tolist(), _concluded(judged, after, settled[after], latest[after], since[after])):
        explanations[i] = said
    own = np.flatnonzero(concluded & (since == 0) & (settled != latest))  # a shorter period ends the same day
    for i, said in zip(own.tolist(), judged.sentences_at(settled[own])):
        explanations[i] = said
    # Open: the latest reading's sentence, then what to note (periods ending with it, staleness,
    # where the pace leads).
    open_ = np.flatnonzero(has & ~concluded)
    # Periods sorted by last day sit together at the end when they share it: 2014/15 and 2015-03.
    shared = np.zeros(n, dtype=bool)
    shared[open_] = (latest[open_] > start[open_]) & (day[np.maximum(latest[open_] - 1, 0)] == day[latest[open_]])
    batch, stale_at = judged.batch, np.zeros(n, dtype=bool)
    stale_memo: dict[tuple[str | None, date], bool] = {}  # one answer per frequency and last day
    periods = [batch.periods[p] for p in batch.period[judged.rows[latest[open_]]].tolist()]
    for i, period, last, first, together_too in zip(open_.tolist(), periods, latest[open_].tolist(),
                                                   start[open_].tolist(), shared[open_].tolist()):
        target = targets[i]
        frequency = target.measure.frequency
        stale = stale_memo.get((frequency, period.end))
        if stale is None:
            stale = stale_memo[(frequency, period.end)] = as_of is not None and is_stale(frequency, period.end, as_of)
        explanation = sentences[i]
        if together_too:
            together: list[str] = []
            k = last - 1
            while k >= first and batch.periods[batch.period[judged.rows[k]]].end == period.end:
                together.insert(0, batch.periods[batch.period[judged.rows[k]]].label)
                k -= 1
            explanation += together_note(together, period)
        if stale:
            stale_at[i] = True
            explanation += stale_note(frequency or "", period, as_of)  # type: ignore[arg-type]
        if judged.assessments is not None:
            explanation += projection_note(judged.words(i), target, judged.assessments.projections.one(i))
        explanations[i] = explanation
    results = []
    later = later_rows.tolist()
    for i, (target, first, end, status, breach_code, settle, stale, done, some, a, b) in enumerate(zip(
            targets, start.tolist(), stop.tolist(), statuses.tolist(), breaches.tolist(), settled.tolist(),
            stale_at.tolist(), concluded.tolist(), has.tolist(), later_bounds[:-1].tolist(), later_bounds[1:].tolist())):
        left = tuple(later[a:b])
        if not some:
            results.append(TargetResult(target, "no_data", False, None, False, "no readings", judged, i, first, end,
                                        left))
            continue
        breach = BREACH_REASONS[breach_code]
        results.append(TargetResult(target, ALL_STATUSES[status], breach is not None, breach, stale, explanations[i],
                                    judged, i, first, end, left, sentences[i], settle if done else -1))
    return results


def _concluded(judged: Judged, at: np.ndarray, settled: np.ndarray, latest: np.ndarray, since: np.ndarray) -> list[str]:
    """For the targets `at`, concluded with readings dated after their outcome: the outcome, then
    what the `since` readings after it say (the latest of them, and how many)."""
    batch, d = judged.batch, judged.decisions

    def readings(i: np.ndarray) -> zip:
        rows = judged.rows[i]
        return zip([batch.periods[p] for p in batch.period[rows].tolist()], batch.value[rows].tolist(),
                   d.shortfall[i].tolist(), [BREACH_REASONS[b] for b in d.breach[i].tolist()])

    return [judged.words(i).concluded(period, value, ALL_STATUSES[status], shortfall, breach, last_period, last_value,
                                      last_shortfall, last_breach, since=count)
            for i, status, count, (period, value, shortfall, breach), (last_period, last_value, last_shortfall, last_breach)
            in zip(at.tolist(), d.status[settled].tolist(), since.tolist(), readings(settled), readings(latest))]


def judge_one(target: Target, period: Period, value: float) -> Verdict:
    """One reading of one target judged: the same rules as every evaluation, for one value."""
    batch = ReadingsBatch.of([Reading(target.id, period, float(value), "", 0)])
    result = evaluate([target], batch, as_of=period.end).results[0]
    verdict = result.latest
    assert verdict is not None
    return verdict


def judge_many(target: Target, readings: Sequence[tuple[Period, float]]) -> list[Verdict]:
    """Several (period, value) readings of one target judged, in the order given (one per period)."""
    batch = ReadingsBatch.of([Reading(target.id, p, float(v), "", i + 1) for i, (p, v) in enumerate(readings)])
    latest = max((p.end for p, _ in readings), default=None)
    result = evaluate([target], batch, as_of=latest).results[0]
    by_line = {r.line: v for r, v in zip(result.readings, result.iter_verdicts())}
    return [by_line[i + 1] for i in range(len(readings))]
