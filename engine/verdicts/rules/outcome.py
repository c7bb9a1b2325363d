"""outcome: a dated target's outcome is settled by one reading, and later readings do not change it.

The reading for the target period itself settles it; failing one, the first reading dated on or
after the target date (of two ending on the same day, the shorter period, as for the latest
reading). That reading is `achieved` or `missed` (rule `at-target-date`), and the target's status
stays that outcome whatever comes after: "5% by 2030" achieved with 5.0% in 2030 is still achieved
when 2031 reads 5.2%. Later readings are still compared with the target level, each `achieved` or
`missed`, and reported after the outcome; a later reading worse than the target is not a breach (a
missed outcome is, and a reading worse than the `limit` always is). A concluded target is never
stale: no reading is due after its outcome.
"""

from __future__ import annotations

import numpy as np

from engine.verdicts.rules import AFTER_OUTCOME, SETTLES, Decisions, Facts, Readings
from engine.verdicts.statuses import BREACH_REASONS, CODE

ID = "outcome"
_LIMIT, _MISSED = BREACH_REASONS.index("limit"), BREACH_REASONS.index("missed")


def decide(facts: Facts, readings: Readings, decisions: Decisions) -> None:
    t = readings.target
    at = np.flatnonzero(facts.has_level[t] & (readings.day >= facts.goal_day[t]))
    if not len(at):
        return
    decisions.outcome[at] = AFTER_OUTCOME
    owner, day = t[at], readings.day[at]
    # Readings come by target, then period: each target's readings at or after the date are a run.
    first = np.concatenate(([True], owner[1:] != owner[:-1]))
    group = np.cumsum(first) - 1
    earliest = day == day[first][group]  # ending on the first day any of them ends: a run at the run's start
    # Of those, the last in order is the shortest period (periods of one end day sort longest first).
    last_earliest = earliest & np.concatenate(((group[1:] != group[:-1]) | ~earliest[1:], [True]))
    own = (day == facts.goal_day[owner]) & (readings.start[at] == facts.goal_start[owner])  # the target period
    has_own = np.zeros(group[-1] + 1, dtype=bool)
    has_own[group[own]] = True
    decisions.outcome[at[np.where(has_own[group], own, last_earliest)]] = SETTLES


def settled_by(decisions: Decisions, target: np.ndarray, count: int) -> np.ndarray:
    """For each of `count` targets, the reading (its place in the decisions) that settled its outcome; -1: none."""
    out = np.full(count, -1, dtype=np.int64)
    rows = np.flatnonzero(decisions.outcome == SETTLES)
    out[target[rows]] = rows
    return out


def for_targets(decisions: Decisions, latest: np.ndarray, settled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each target's status and breach (codes), given its latest reading and the one that settled its
    outcome (places in the decisions; -1: none): the outcome's status once settled, else the latest
    reading's. The breach: the latest reading's limit breach; else, once settled, a missed outcome;
    else the latest reading's. For a target with no readings, -1 and 0."""
    has = latest >= 0
    if not len(decisions.status):
        return np.full(len(latest), -1, dtype=np.int8), np.zeros(len(latest), dtype=np.int8)
    last, done = np.where(has, latest, 0), settled >= 0
    outcome = np.where(done, settled, 0)
    status = np.where(done, decisions.status[outcome], decisions.status[last])
    missed = done & (decisions.status[outcome] == CODE["missed"])
    breach = np.where(decisions.breach[last] == _LIMIT, _LIMIT,
                      np.where(done, np.where(missed, _MISSED, 0), decisions.breach[last]))
    return np.where(has, status, -1).astype(np.int8), np.where(has, breach, 0).astype(np.int8)
