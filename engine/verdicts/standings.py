"""Areas in the evaluation (pure): whose each reading is, how each compares with its group, and
the readings of a derived rank (issue 12).

A target tied to areas (spec `area`, `areas`, `comparators`, `benchmark`) has readings for its own
area (judged) and for other areas: the members of its comparators group and its benchmark area,
kept to compare with and never judged. A target with `areas:` is judged once for each of its
areas, as if each were a target of its own (`units`). Ranks, quartiles, the group median and the
benchmark comparison come from engine/stats/comparators.py, worked out on every group of (target,
period) at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from engine.model.areas import GROUP_MEDIAN, Areas
from engine.model.periods import KEY_DAY
from engine.model.readings import ReadingsBatch
from engine.model.spec import Target
from engine.stats.comparators import against, standings


def units(targets: Sequence[Target]) -> tuple[list[Target], np.ndarray]:
    """The targets as judged: one for each area of a target with `areas:` (its `area` that one);
    and each one's spec, its index in `targets` (what depends on the spec alone is worked out once
    for all its areas: Facts.of, the wording)."""
    out: list[Target] = []
    spec: list[int] = []
    for i, t in enumerate(targets):
        if t.areas:
            fields = t.__dict__
            for code in t.areas:
                # The same frozen Target but for `area`: a copy of its fields, as dataclasses.replace
                # makes, without replace's call of __init__ (16 us a unit against 2: 5 s of CPU
                # for 1,000 specs of 317 areas; benchmarks/bench_areas.py).
                unit = object.__new__(Target)
                unit.__dict__.update(fields, area=code)
                out.append(unit)
            spec.extend([i] * len(t.areas))
        else:
            out.append(t)
            spec.append(i)
    return out, np.array(spec, dtype=np.int64)


def row_units(units: Sequence[Target], batch: ReadingsBatch) -> np.ndarray:
    """Each batch row's unit (index into `units`), or -1: another target's, or another area's (a
    comparator or benchmark row, or one of a target not being evaluated)."""
    by_id: dict[str, list[int]] = {}
    for i, t in enumerate(units):
        by_id.setdefault(t.id, []).append(i)
    codes = np.array([by_id[tid][0] if tid in by_id else -1 for tid in batch.ids], dtype=np.int64)
    if not len(batch.target):
        return np.zeros(0, dtype=np.int64)
    where = codes[batch.target]
    if batch.area is None:
        return where
    area_code = {code: i for i, code in enumerate(batch.areas)}
    # A target tied to areas: its rows for its own area(s) are its own; rows naming no area are
    # its own when it has one area (the reader gives such rows the own area; a library caller may not).
    id_code = {tid: code for code, tid in enumerate(batch.ids)}
    tied = [(id_code[tid], [units[i] for i in found], found) for tid, found in by_id.items()
            if tid in id_code and any(units[i].area for i in found)]
    if not tied:
        return where
    table = np.full((len(batch.ids), len(batch.areas) + 1), -2, dtype=np.int64)  # -2: as `where` says
    for code, mine, found in tied:
        table[code, :] = -1
        for t, i in zip(mine, found):
            if t.area in area_code:
                table[code, area_code[t.area] + 1] = i
        if len(found) == 1:
            table[code, 0] = found[0]
    placed = table[batch.target, batch.area + 1]
    return np.where(placed == -2, where, placed)


@dataclass(frozen=True)
class Standings:
    """How each judged reading stands among its group that period, in judged order (issue 12).

    rank, of, quartile: 0 where none (no comparators with a value that period, or no group);
    median, benchmark: NaN where none; comparison, basis: codes of stats.comparators COMPARISONS
    and BASES (0: not compared). Per target unit: `group` (its comparators group, or None) and
    `benchmark_area` (an area code, GROUP_MEDIAN, or None). For the dot plot: `members` holds
    every (target, period) group's batch rows, best first (put in order when first asked for: a
    JSON or CSV report never asks, and the sort costs as much as the ranking).
    """

    rank: np.ndarray
    of: np.ndarray
    quartile: np.ndarray
    median: np.ndarray
    benchmark: np.ndarray
    comparison: np.ndarray
    basis: np.ndarray
    group_of: np.ndarray  # each judged reading's group (index into `starts`), -1: none
    pool: np.ndarray  # the batch rows ranked, each in its group `pool_group` with its rank `pool_rank`
    pool_group: np.ndarray
    pool_rank: np.ndarray
    groups: tuple[str | None, ...]  # per unit
    benchmark_areas: tuple[str | None, ...]  # per unit

    @classmethod
    def none(cls, n: int, unit_count: int = 0) -> Standings:
        zeros = np.zeros(n, dtype=np.int64)
        return cls(zeros, zeros, zeros.astype(np.int8), np.full(n, np.nan), np.full(n, np.nan),
                   zeros.astype(np.int8), zeros.astype(np.int8), np.full(n, -1, dtype=np.int64),
                   np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                   (None,) * unit_count, (None,) * unit_count)

    @property
    def any(self) -> bool:
        return any(g is not None for g in self.groups) or any(b is not None for b in self.benchmark_areas)

    @cached_property
    def _best_first(self) -> tuple[np.ndarray, np.ndarray]:
        """Every group's batch rows, group by group, best first; and where each group's start."""
        order = np.lexsort((self.pool_rank, self.pool_group))
        count = int(self.pool_group.max()) + 1 if len(self.pool_group) else 0
        return self.pool[order], np.searchsorted(self.pool_group[order], np.arange(count + 1))

    @property
    def members(self) -> np.ndarray:
        return self._best_first[0]

    @property
    def starts(self) -> np.ndarray:
        """Group g's members are members[starts[g]:starts[g + 1]]."""
        return self._best_first[1]

    def group_rows(self, i: int) -> np.ndarray:
        """The batch rows of judged reading i's group that period (best first); empty: none."""
        g = int(self.group_of[i])
        return self.members[self.starts[g]:self.starts[g + 1]] if g >= 0 else self.members[:0]


def standings_of(units: Sequence[Target], batch: ReadingsBatch, areas: Areas | None, rows: np.ndarray,
                 unit: np.ndarray, lower: np.ndarray, upper: np.ndarray, as_of_day: int | None) -> Standings:
    """The standing of every judged reading (batch rows `rows`, of units `unit`, with intervals
    `lower`, `upper`), among the readings of its target for its group's members, that period.
    Readings dated after `as_of_day` are not compared with."""
    groups = tuple(t.comparators if t.comparators and areas is not None and t.comparators in areas.groups else None
                   for t in units)
    benchmarks = tuple(t.benchmark for t in units)
    n = len(rows)
    if (all(g is None for g in groups) and all(b is None for b in benchmarks)) or batch.area is None or not n:
        # Nothing to compare with; a target with comparators or a benchmark still says so (null fields).
        return replace(Standings.none(n, len(units)), groups=groups, benchmark_areas=benchmarks)
    area_code = {code: i for i, code in enumerate(batch.areas)}
    id_code = {tid: i for i, tid in enumerate(batch.ids)}
    # Which areas are in the pool of each target id: its comparators group. An own area outside the
    # group is ranked among the group and itself (below), never among the other areas' groups.
    pool = np.zeros((len(batch.ids), len(batch.areas) + 1), dtype=bool)
    bench = np.full(len(batch.ids), -2, dtype=np.int64)  # the benchmark area's code; -2: none
    lower_is_better = np.zeros(len(batch.ids), dtype=bool)
    # The group's members once per target id and group: the units of a spec of several areas share
    # an id (317 of them each, the group's members all over again).
    group_members: dict[str, list[int]] = {}
    seen: set[tuple[int, str]] = set()
    for t, g, b in zip(units, groups, benchmarks):
        code = id_code.get(t.id)
        if code is None:
            continue
        lower_is_better[code] = t.measure.lower_is_better
        if g is not None:
            if (code, g) not in seen:
                seen.add((code, g))
                found = group_members.get(g)
                if found is None:
                    found = group_members[g] = [area_code[m] + 1 for m in areas.members(g)  # type: ignore[union-attr]
                                                if m in area_code]
                pool[code, found] = True
        if b is not None and b != GROUP_MEDIAN:
            bench[code] = area_code.get(b, -3)
    keys = batch.period_keys
    distinct, rank_of = np.unique(keys, return_inverse=True)
    rank_of = rank_of.ravel()
    day = keys[batch.period] // KEY_DAY
    current = day <= as_of_day if as_of_day is not None else np.ones(len(day), dtype=bool)
    in_pool = pool[batch.target, batch.area + 1] & current
    pool_rows = np.flatnonzero(in_pool)
    group_key = batch.target[pool_rows].astype(np.int64) * len(distinct) + rank_of[batch.period[pool_rows]]
    unique_keys, group = np.unique(group_key, return_inverse=True)
    group = group.ravel()
    # The judged readings' intervals, on the pool rows that are judged readings (others: none).
    pool_lower = np.full(len(pool_rows), np.nan)
    pool_upper = np.full(len(pool_rows), np.nan)
    # Each judged reading's place among the pool rows (-1: not among them), by a table of batch
    # rows: the judged rows are in target order, so searching the pool for each would be random.
    place = np.full(len(batch.target), -1, dtype=np.int64)
    place[pool_rows] = np.arange(len(pool_rows))
    at = place[rows]
    found = at >= 0
    pool_lower[at[found]] = lower[found]
    pool_upper[at[found]] = upper[found]
    polarity = np.zeros(len(unique_keys), dtype=bool)  # each group's: its target's
    polarity[group] = lower_is_better[batch.target[pool_rows]]
    stand = standings(group, batch.value[pool_rows], pool_lower, pool_upper, lower_is_better=polarity)

    rank = np.zeros(n, dtype=np.int64)
    of = np.zeros(n, dtype=np.int64)
    quartile = np.zeros(n, dtype=np.int8)
    median = np.full(n, np.nan)
    group_of = np.full(n, -1, dtype=np.int64)
    j = at[found]
    g = group[j]
    # Ranked only where another member has a value that period: a group of one says nothing.
    compared = stand.of[g] > 1
    idx = np.flatnonzero(found)[compared]
    rank[idx], of[idx], quartile[idx] = stand.rank[j[compared]], stand.of[g[compared]], stand.quartile[j[compared]]
    median[idx] = stand.median[g[compared]]
    group_of[idx] = g[compared]

    # Every group's rows with their ranks, for the dot plot and the neighbours of a derived rank
    # (put best first by Standings when first asked for).
    pool_group, pool_rank = group, stand.rank
    # Judged readings of an own area outside its group: each ranked among the group's readings that
    # period and itself, as a group of its own (appended after the others, for the dot plot).
    grouped_unit = np.array([g is not None for g in groups], dtype=bool)
    outside = np.flatnonzero(~found & grouped_unit[unit])
    code_of_unit = np.array([id_code.get(t.id, -1) for t in units], dtype=np.int64)
    if len(outside) and len(unique_keys):
        key = code_of_unit[unit[outside]] * len(distinct) + rank_of[batch.period[rows[outside]]]
        at_key = np.minimum(np.searchsorted(unique_keys, key), len(unique_keys) - 1)
        matched = unique_keys[at_key] == key  # some member of the group has a reading that period
        outside, g_out = outside[matched], at_key[matched]
        k = len(outside)
        by_group = np.argsort(group, kind="stable")
        members = pool_rows[by_group]
        starts = np.searchsorted(group[by_group], np.arange(len(unique_keys) + 1))
        sizes = starts[g_out + 1] - starts[g_out]
        block = np.repeat(np.cumsum(sizes) - sizes, sizes)  # where each one's block starts
        member_rows = members[np.repeat(starts[g_out], sizes) + (np.arange(int(sizes.sum())) - block)]
        extra_rows = np.concatenate((member_rows, rows[outside]))
        extra_group = np.concatenate((np.repeat(np.arange(k), sizes), np.arange(k)))
        no_interval = np.full(len(member_rows), np.nan)
        extra = standings(extra_group, batch.value[extra_rows], np.concatenate((no_interval, lower[outside])),
                          np.concatenate((no_interval, upper[outside])),
                          lower_is_better=facts_polarity(units, unit[outside]))
        own = len(member_rows) + np.arange(k)
        rank[outside], of[outside], quartile[outside] = extra.rank[own], extra.of, extra.quartile[own]
        median[outside] = extra.median
        group_of[outside] = len(unique_keys) + np.arange(k)
        pool_rows = np.concatenate((pool_rows, extra_rows))
        pool_group = np.concatenate((pool_group, len(unique_keys) + extra_group))
        pool_rank = np.concatenate((pool_rank, extra.rank))

    # The benchmark: another area's reading of the target that period, or the group median.
    benchmark = np.full(n, np.nan)
    uses_median = np.array([b == GROUP_MEDIAN for b in benchmarks], dtype=bool)
    benchmark_median = uses_median[unit] & (group_of >= 0)
    benchmark[benchmark_median] = median[benchmark_median]
    bench_of_row = bench[batch.target] if len(batch.target) else bench[:0]
    bench_rows = np.flatnonzero((bench_of_row >= 0) & (batch.area == bench_of_row) & current)
    if len(bench_rows):
        bench_key = batch.target[bench_rows].astype(np.int64) * len(distinct) + rank_of[batch.period[bench_rows]]
        judged_key = code_of_unit[unit] * len(distinct) + rank_of[batch.period[rows]]
        order = np.argsort(bench_key, kind="stable")
        at_bench = np.searchsorted(bench_key[order], judged_key)
        safe = np.minimum(at_bench, len(bench_rows) - 1)
        hit = (bench_key[order][safe] == judged_key) & ~uses_median[unit]
        benchmark[hit] = batch.value[bench_rows[order][safe[hit]]]
    value = batch.value[rows]
    comparison, basis = against(value, lower, upper, benchmark, facts_polarity(units, unit), ~np.isnan(value))
    return Standings(rank, of, quartile, median, benchmark, comparison, basis, group_of, pool_rows, pool_group,
                     pool_rank, groups, benchmarks)


def facts_polarity(units: Sequence[Target], unit: np.ndarray) -> np.ndarray:
    lower = np.array([t.measure.lower_is_better for t in units], dtype=bool)
    return lower[unit] if len(unit) else np.zeros(0, dtype=bool)
