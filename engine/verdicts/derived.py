"""Readings worked out from other readings (pure): a derived rank (issue 12).

`measure: {derived: rank, of: all-crime-rate, among: msg-southampton}` on a target with `area:
E06000045`: for each period in which that area has a reading of `all-crime-rate`, the target's
reading is the area's rank among the group's members with a reading that period (1 = best by the
other target's polarity; ties share the best rank: 1, 2, 2, 4). Each worked-out reading keeps the
file and line of the area's own reading it was ranked on, so it can be traced; its neighbours
(the areas just above and just below it) are kept for its explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.model.areas import Areas
from engine.model.readings import ReadingsBatch
from engine.model.spec import Target
from engine.stats.comparators import standings


@dataclass(frozen=True)
class Neighbours:
    """Where a derived rank came from: of how many, and the areas just above and below (codes;
    None at the top or the bottom), with their values of the ranked target."""

    of: int
    ranked: str  # the target ranked
    above: str | None  # the nearest area ranked better (a tie is not above or below)
    above_value: float | None
    below: str | None  # the nearest area ranked worse
    below_value: float | None
    tied: tuple[str, ...] = ()  # the areas sharing the rank (codes), in the order they were given
    value: float | None = None  # the area's own value of the ranked target


def with_ranks(targets: Sequence[Target], batch: ReadingsBatch,
               areas: Areas | None) -> tuple[ReadingsBatch, dict[int, Neighbours]]:
    """The batch with the readings of every derived rank added (after the rows read), and each
    added row's neighbours. Unchanged when no target is a derived rank or nothing can be ranked."""
    derived = [t for t in targets if t.measure.derived is not None and t.area and areas is not None
               and t.measure.derived.among in areas.groups]
    if not derived or batch.area is None or not batch.count():
        return batch, {}
    id_code = {tid: i for i, tid in enumerate(batch.ids)}
    area_code = {code: i for i, code in enumerate(batch.areas)}
    distinct, period_rank = np.unique(batch.period_keys, return_inverse=True)
    period_rank = period_rank.ravel()
    polarity = {t.id: t.measure.lower_is_better for t in targets}
    added: list[tuple[int, int, int, float]] = []  # (target code, period code, source row, rank)
    notes: list[Neighbours] = []
    ids = list(batch.ids)
    for t in derived:
        d = t.measure.derived
        assert d is not None and areas is not None
        of_code = id_code.get(d.of)
        own = area_code.get(t.area)  # type: ignore[arg-type]
        if of_code is None or own is None:
            continue
        members = [area_code[m] for m in {*areas.members(d.among), t.area} if m in area_code]
        rows = np.flatnonzero((batch.target == of_code) & np.isin(batch.area, members))
        if not len(rows):
            continue
        group = period_rank[batch.period[rows]]
        stand = standings(group, batch.value[rows], lower_is_better=np.full(len(distinct), polarity.get(d.of, True)))
        mine = np.flatnonzero(batch.area[rows] == own)
        # Best first within each period, for the neighbours.
        order = np.lexsort((stand.rank, group))
        place = np.empty(len(rows), dtype=np.int64)
        place[order] = np.arange(len(rows))
        if t.id not in ids:
            ids.append(t.id)
        for i in mine.tolist():
            g = int(group[i])
            if stand.of[g] < 2:  # the area alone that period: a rank of 1 would say nothing
                continue
            at = int(place[i])
            own_rank = stand.rank[i]
            # Walk out from the area, best first: ties share its rank; above is the nearest better.
            tied, before, after = [], at - 1, at + 1
            while before >= 0 and group[order[before]] == g and stand.rank[order[before]] == own_rank:
                tied.append(int(order[before]))
                before -= 1
            while after < len(rows) and group[order[after]] == g and stand.rank[order[after]] == own_rank:
                tied.append(int(order[after]))
                after += 1
            above = order[before] if before >= 0 and group[order[before]] == g else None
            below = order[after] if after < len(rows) and group[order[after]] == g else None
            added.append((ids.index(t.id), int(batch.period[rows[i]]), int(rows[i]), float(stand.rank[i])))
            notes.append(Neighbours(int(stand.of[g]), d.of,
                                    None if above is None else batch.areas[batch.area[rows[above]]],
                                    None if above is None else float(batch.value[rows[above]]),
                                    None if below is None else batch.areas[batch.area[rows[below]]],
                                    None if below is None else float(batch.value[rows[below]]),
                                    tuple(batch.areas[batch.area[rows[k]]] for k in sorted(tied)),
                                    float(batch.value[rows[i]])))
    if not added:
        return batch, {}
    return _appended(batch, tuple(ids), added), {batch.count() + k: note for k, note in enumerate(notes)}


def _appended(batch: ReadingsBatch, ids: tuple[str, ...], added: list[tuple[int, int, int, float]]) -> ReadingsBatch:
    """A new batch: the rows of `batch`, then the worked-out ones (each with its source row's file,
    line and area)."""
    target = np.array([a[0] for a in added], dtype=np.int32)
    period = np.array([a[1] for a in added], dtype=np.int32)
    source = np.array([a[2] for a in added], dtype=np.int64)
    value = np.array([a[3] for a in added], dtype=np.float64)

    def joined(column, fill, dtype=None):
        if column is None:
            return None
        extra = column[source] if fill is None else np.full(len(added), fill, dtype=column.dtype)
        return np.concatenate((column, extra.astype(column.dtype)))

    nan = float("nan")
    return ReadingsBatch(
        ids, batch.periods, batch.files, np.concatenate((batch.target, target)),
        np.concatenate((batch.period, period)), np.concatenate((batch.value, value)),
        joined(batch.file, None), joined(batch.line, None), record=joined(batch.record, None),
        numerator=joined(batch.numerator, nan), denominator=joined(batch.denominator, nan), notes=batch.notes,
        suppressed=batch.suppressed, superseded=batch.superseded, rejected=batch.rejected, rows=batch.rows,
        warnings=batch.warnings, qualifiers=joined(batch.qualifiers, None), lower=joined(batch.lower, nan),
        upper=joined(batch.upper, nan), confidence=joined(batch.confidence, nan), area=joined(batch.area, None),
        areas=batch.areas, not_used=batch.not_used, written=batch.written)
