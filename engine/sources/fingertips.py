"""Fingertips exports (OHID's public health profiles) read as they are downloaded, CSV or workbook.

A Fingertips export has no `target` column: its rows are for an indicator (`Indicator ID`), an
area (`Area Code`), a breakdown (`Sex`, `Age`, `Category Type`/`Category`) and a `Time period`.
A spec names the rows it takes with `source: {fingertips: <indicator id>, sex: ..., age: ...}`
(sex defaults to Persons, age to the indicator's only age in the file) and, where the file holds
more than one area for the indicator, `area: <GSS code>`. A row that is another breakdown, area or
indicator is counted and listed as not used (it is not an error: an export holds them all); a row
that is a target's is read as any readings row: `Value` the value, `Lower CI 95.0 limit` and
`Upper CI 95.0 limit` (or the 99.8 ones) its interval, `Count` its numerator, `Denominator`, `Value
note` its note, `Area Code` its area. Pooled periods (`2017 - 19`, `2016/17 - 18/19`) are periods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.model.readings import NotUsed
from engine.model.safetext import visible

# The columns a Fingertips export is known by, and what the reader calls the ones it reads.
REQUIRED = ("indicator id", "time period", "value")
COLUMNS = {"indicator id": "indicator", "area code": "area", "area name": "area name", "sex": "sex", "age": "age",
           "category type": "category type", "category": "category", "time period": "period", "value": "value",
           "count": "numerator", "denominator": "denominator", "value note": "note"}


def header_columns(header: Sequence[str]) -> dict[str, int] | None:
    """The columns of a Fingertips export's header (lower case), or None when it is not one."""
    if "target" in header or not all(name in header for name in REQUIRED):
        return None
    return {name: header.index(column) for column, name in COLUMNS.items() if column in header}


def read_rows(rows: Sequence[tuple[int, Sequence[str], str | None]], header: Sequence[str],
              columns: Mapping[str, int], file: str, reader: Any) -> None:
    """Each row (line, cells as text, a cell's column letter or None) to a reading of each target
    that takes it, or counted as not used."""
    from engine.sources.readings import INTERVAL_HEADERS, _implied

    wanted = reader.options.fingertips
    interval = {}
    for lower, upper, _ in INTERVAL_HEADERS:
        if lower in header or upper in header:
            interval = {name: header.index(column) for name, column in (("lower", lower), ("upper", upper))
                        if column in header}
            break
    implied = _implied(list(header))

    def cell(cells: Sequence[str], name: str) -> str:
        at = columns.get(name)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    # Each indicator's ages and areas in the file: a spec that names none takes the only one.
    ages: dict[str, set[str]] = {}
    areas: dict[str, set[str]] = {}
    for _, cells, _ in rows:
        if not cell(cells, "category type"):
            ages.setdefault(cell(cells, "indicator"), set()).add(cell(cells, "age"))
            areas.setdefault(cell(cells, "indicator"), set()).add(cell(cells, "area"))
    warned: set[tuple[str, str]] = set()
    batch = reader.batch
    for line, cells, letter in rows:
        indicator = cell(cells, "indicator")
        period = cell(cells, "period")
        targets = wanted.get(_indicator_number(indicator), ())
        if not targets:
            _not_used(batch, file, line, "", period, f"no target takes Fingertips indicator {visible(indicator)} "
                      f"(a spec names it with `source: {{fingertips: {visible(indicator)}}}`)", letter)
            continue
        category = cell(cells, "category type")
        if category:
            _not_used(batch, file, line, targets[0].target, period,
                      f"a breakdown by {visible(category)} ({visible(cell(cells, 'category'))}), not the whole "
                      "population", letter)
            continue
        taken = False
        why = ""
        for want in targets:
            reason = _mismatch(want, cell(cells, "sex"), cell(cells, "age"), cell(cells, "area"),
                               ages.get(indicator, set()), areas.get(indicator, set()))
            if reason is None:
                record = {name: cells[at] for name, at in columns.items() if at < len(cells)}
                record.update({name: cells[at] for name, at in interval.items() if at < len(cells)})
                record.update(implied)
                record["target"] = want.target
                reader.add(record, file, line, column=letter)
                taken = True
            elif not why:
                why = reason
                if "several" in reason and (want.target, reason) not in warned:
                    warned.add((want.target, reason))
                    from engine.model.problems import Problem

                    batch.warnings.append(Problem(file, line, None, "warning", "fingertips",
                                                  f"target `{want.target}`: {reason}, so none of its rows are used"))
        if not taken:
            _not_used(batch, file, line, targets[0].target, period, why, letter)


def _indicator_number(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


def _mismatch(want: Any, sex: str, age: str, area: str, ages: set[str], areas: set[str]) -> str | None:
    """Why a row is not the target's, or None when it is."""
    if sex.lower() != want.sex.lower():
        return f"sex `{visible(sex)}`, where the target `{want.target}` takes `{visible(want.sex)}` (source.sex)"
    if want.age is not None:
        if age.lower() != want.age.lower():
            return f"age `{visible(age)}`, where the target `{want.target}` takes `{visible(want.age)}` (source.age)"
    elif len(ages) > 1:
        shown = ", ".join(f"`{visible(a)}`" for a in sorted(ages))
        return (f"the file has several ages for the indicator ({shown}) and the target `{want.target}` names none: "
                "give it `source.age`")
    if want.places is not None and (want.places.others or want.places.several):
        # Comparators, a benchmark or several own areas: the reader says which each row is.
        if area not in want.places.own and area not in want.places.others:
            return f"area `{visible(area)}`, neither the target `{want.target}`'s own nor a comparator or benchmark"
    elif want.area is not None:
        if area != want.area:
            return f"area `{visible(area)}`, where the target `{want.target}` is for `{want.area}` (area)"
    elif len(areas) > 1:
        return (f"the file has several areas for the indicator ({len(areas)}) and the target `{want.target}` names "
                "none: give it `area:` (a GSS code such as E06000045)")
    return None


def _not_used(batch: Any, file: str, line: int, target: str, period: str, reason: str, column: str | None) -> None:
    batch.rows += 1
    batch.not_used.append(NotUsed(file, line, target, period, reason, column))
