"""Verdict rules: one module each, like the spec rules (pure).

A rule works on columns: every reading judged at once. Each module has an `ID`, a docstring
that is its user documentation, and `decide(readings, decisions)`, which fills in the
decisions (status, expected value, shortfall, tolerance, breach) for the readings it covers
and leaves the rest alone. A rule decides and says nothing: `explain` words its decisions.

The status rules run in the order `status_rules()` gives, each on the readings no earlier rule has
decided; then the refining rules (`refine_rules()`), which may soften a status decided (a
difference its confidence interval does not confirm; a value of low reliability); then the outcome rule marks the reading that settles each dated target's
outcome; then the breach rules run on every reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np

from engine.model.spec import Target
from engine.verdicts.paths import Paths, Trajectory, trajectory_for
from engine.verdicts.statuses import CODE

UNDECIDED = -1
NO_DAY = np.iinfo(np.int64).max
# Decisions.outcome: how a reading stands to its target's outcome (rules/outcome.py).
NOT_CONCLUDING = 0  # before the target date, or no target level
SETTLES = 1  # the reading that settles the outcome: the target's status from then on
AFTER_OUTCOME = 2  # another reading at or after the target date: reported, it does not change the outcome


@dataclass(frozen=True)
class Facts:
    """What verdicts need of each target, as columns by target (the index into `targets`)."""

    targets: tuple[Target, ...]
    trajectories: tuple[Trajectory | None, ...]
    paths: Paths  # one path per spec (targets of one spec share it)
    path: np.ndarray  # each target's index into `paths`: its spec's
    has_baseline: np.ndarray
    baseline_day: np.ndarray
    baseline_value: np.ndarray
    has_level: np.ndarray  # a target level (a value to reach by a date)
    goal_day: np.ndarray
    goal_start: np.ndarray  # the target period's first day
    goal_value: np.ndarray
    strict: np.ndarray
    has_path: np.ndarray
    lower_is_better: np.ndarray
    tolerance_absolute: np.ndarray
    tolerance_relative: np.ndarray
    limit: np.ndarray  # NaN: no limit
    confidence: np.ndarray  # the `significance` level readings are judged at (95, 99.8); NaN: by value alone

    @classmethod
    def of(cls, targets: Sequence[Target], spec: np.ndarray | None = None) -> Facts:
        """The facts of the targets. spec: each target's spec, where several targets come from one
        (a spec of several areas: one target per area, differing only in `area`, which no verdict
        reads): the columns are worked out once per spec and repeated (a million-row evaluation
        can have 317,000 such targets, benchmarks/bench_areas.py)."""
        targets = tuple(targets)
        if spec is None:
            spec = np.arange(len(targets), dtype=np.int64)
        _, first, path = np.unique(spec, return_index=True, return_inverse=True)
        specs = [targets[i] for i in first.tolist()]
        paths = [trajectory_for(t) for t in specs]
        path = path.ravel().astype(np.int64)

        def column(values, dtype):
            return np.fromiter(values, dtype=dtype, count=len(specs))[path]

        level = [t.goal is not None and t.goal.value is not None for t in specs]
        return cls(
            targets=targets,
            trajectories=tuple(paths[k] for k in path.tolist()),
            paths=Paths.of(paths),
            path=path,
            has_baseline=column((t.baseline is not None for t in specs), bool),
            baseline_day=column((t.baseline.date.toordinal() if t.baseline else NO_DAY for t in specs), np.int64),
            baseline_value=column((t.baseline.value if t.baseline else 0.0 for t in specs), np.float64),
            has_level=np.array(level, dtype=bool)[path],
            goal_day=column((t.goal.period.end.toordinal() if has else NO_DAY  # type: ignore[union-attr]
                             for t, has in zip(specs, level)), np.int64),
            goal_start=column((t.goal.period.start.toordinal() if has else NO_DAY  # type: ignore[union-attr]
                               for t, has in zip(specs, level)), np.int64),
            goal_value=column((t.goal.value if has else 0.0 for t, has in zip(specs, level)), np.float64),  # type: ignore[union-attr]
            strict=column((bool(t.goal and t.goal.strict) for t in specs), bool),
            has_path=column((tr is not None for tr in paths), bool),
            lower_is_better=column((t.measure.lower_is_better for t in specs), bool),
            tolerance_absolute=column((t.tolerance.absolute for t in specs), np.float64),
            tolerance_relative=column((t.tolerance.relative for t in specs), np.float64),
            limit=column((t.limit if t.limit is not None else np.nan for t in specs), np.float64),
            confidence=column((t.significance if t.significance is not None else np.nan for t in specs), np.float64),
        )


@dataclass(frozen=True)
class Readings:
    """The readings to judge, as columns, in order by target, then period (last day, then first
    day): the target (index into the facts), the period's last and first days (ordinals), the value
    and its GSS qualifiers (bits of model.readings.QUALIFIER_BIT; None: none)."""

    target: np.ndarray
    day: np.ndarray
    value: np.ndarray
    start: np.ndarray
    qualifiers: np.ndarray | None = None
    # Each reading's confidence interval (verdicts/intervals.py); NaN: none. Only `significance` reads them.
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.lower is None or self.upper is None:
            nan = np.full(len(self.value), np.nan)
            object.__setattr__(self, "lower", nan)
            object.__setattr__(self, "upper", nan.copy())


@dataclass
class Decisions:
    """What the rules decided for each reading. NaN: no such number for that reading."""

    status: np.ndarray  # codes of statuses.ALL_STATUSES; UNDECIDED until a rule decides
    expected: np.ndarray
    shortfall: np.ndarray
    tolerance: np.ndarray
    beyond: np.ndarray  # the shortfall is beyond the tolerance (the one comparison rule said so)
    breach: np.ndarray  # codes of statuses.BREACH_REASONS: 0 none, 1 limit, 2 missed
    # The status code a refining rule replaced (a value of low reliability judged at risk, not off
    # track); UNDECIDED where none did.
    tempered: np.ndarray
    outcome: np.ndarray  # NOT_CONCLUDING, SETTLES (the reading that settles the outcome) or AFTER_OUTCOME
    # Rule `significance`: 1 the reading's interval confirms the difference, 0 it does not, -1 not assessed.
    significant: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Decisions:
        nan = np.full(n, np.nan)
        return cls(np.full(n, UNDECIDED, dtype=np.int8), nan, nan.copy(), nan.copy(), np.zeros(n, dtype=bool),
                   np.zeros(n, dtype=np.int8), np.full(n, UNDECIDED, dtype=np.int8), np.zeros(n, dtype=np.int8),
                   np.full(n, UNDECIDED, dtype=np.int8))

    def undecided(self) -> np.ndarray:
        return self.status == UNDECIDED

    def set(self, mask: np.ndarray, status: np.ndarray | str) -> None:
        self.status[mask] = CODE[status] if isinstance(status, str) else status  # type: ignore[index]


def shortfall(value: np.ndarray, reference: np.ndarray, lower_is_better: np.ndarray) -> np.ndarray:
    """How far a reading is on the wrong side of a reference (negative: better), 0 where the two
    are equal up to rounding (the one comparison rule)."""
    from engine.model.compare import difference

    return np.where(lower_is_better, difference(value, reference), difference(reference, value))


def tolerance_at(facts: Facts, target: np.ndarray, level: np.ndarray) -> np.ndarray:
    """absolute + relative x |level|: the shortfall that still counts as at risk (or no change)."""
    return facts.tolerance_absolute[target] + facts.tolerance_relative[target] * np.abs(level)


def status_rules():  # -> tuple of modules, in order
    from engine.verdicts.rules import at_target_date, direction, not_started, on_path, unassessed

    return (not_started, at_target_date, on_path, direction, unassessed)


def refine_rules():
    from engine.verdicts.rules import low_reliability, significance

    return (significance, low_reliability)


def outcome_rules():
    from engine.verdicts.rules import outcome

    return (outcome,)


def breach_rules():
    from engine.verdicts.rules import limit, missed

    return (limit, missed)


def decide(facts: Facts, readings: Readings) -> Decisions:
    """Every rule, in order, over every reading."""
    decisions = Decisions.empty(len(readings.value))
    for rule in status_rules() + refine_rules() + outcome_rules() + breach_rules():
        rule.decide(facts, readings, decisions)
    return decisions
