"""Reading readings files as people write them (the I/O side of readings).

CSV with a header `target,period,value` (optional unit, note, source, numerator,
denominator), or JSON/YAML holding a list of the same records. Every row ends
in exactly one place: a reading, suppressed, superseded, or rejected with the
file, line and reason. Blank lines are not rows.
"""

from __future__ import annotations

import csv
import difflib
import errno
import io
import itertools
import json
import math
import os
import re
import stat
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from engine.sources.specs import UsageError, display_path
from dataclasses import dataclass, field

from engine.model.areas import is_gss_code
from engine.model.periods import AmbiguousPeriod, Period, PeriodError, parse_period
from engine.model.readings import (QUALIFIER_BIT, QUALIFIERS, NotUsed, ReadingsBatch, ReadingsBuilder, Rejected,
                                   Suppressed)
from engine.model.plausible import Bounds, bounds, outside
from engine.model.problems import LoadError, Problem
from engine.model.safetext import visible
from engine.model.units import UnitError, base_unit, canonical_unit, conversion_factor, from_counts
from engine.sources.yamlsafe import DECIMAL, decode, load_yaml, position, refuse_stray_characters

COLUMNS = ("target", "period", "value", "unit", "note", "source", "numerator", "denominator", "lower", "upper",
           "confidence", "area")
# A published interval as Fingertips names its columns: the 95% one when a file gives both.
INTERVAL_HEADERS = (("lower ci 95.0 limit", "upper ci 95.0 limit", "95"), ("lower ci 99.8 limit", "upper ci 99.8 limit", "99.8"))
REQUIRED = ("target", "period", "value")
MAX_STRUCTURED_BYTES = 256_000_000  # a JSON list is read a record at a time: as large as a CSV file may be
# YAML, and JSON that is not a plain list of records, is read into a tree with every node's place
# (some 45 bytes of memory for each byte of file): beyond this it must be CSV or a JSON list,
# which are read a record at a time.
MAX_TREE_BYTES = 20_000_000
MAX_CSV_BYTES = 256_000_000  # about 10 million rows, which take some 3.5 GB as readings: split beyond it
SUGGESTIONS = 100  # distinct unknown target ids given a did-you-mean; each costs a scan of every id
LARGEST = 1e15  # as for specs (rules/finite_numbers.py): beyond it a float stops holding whole numbers
STDIN = "-"  # a readings path that means standard input, read as CSV
STDIN_NAME = "<stdin>"  # how messages and reports name it

# Government statistical symbols for values that are suppressed or not available
# (GSS guidance "Symbols in tables", and the older ONS `..`, `:`, `*`, `-`).
SUPPRESSION_SYMBOLS = frozenset({"", "[c]", "[x]", "[z]", "[low]", "[u]", "..", ":", "*", "-", "[w]"})

# A number in a readings cell, the one grammar both CSV paths and JSON/YAML text follow: ASCII
# digits only, as specs write them (yamlsafe.DECIMAL: 12880, -0.5, 1.288e4), or with thousands
# separators in the 1,234,567.89 shape; a sign; a leading £ for GBP targets, the sign before or
# after it (-£5 or £-5; a space after the £ allowed); a trailing % for percent targets (a space
# before it allowed). float() alone would also take 1_000, Arabic-Indic or fullwidth digits, nan.
# As typeset text writes numbers (issue 13): the minus sign U+2212 for a minus, and a thin space
# (U+2009), narrow no-break space (U+202F) or no-break space (U+00A0) between thousands, one kind
# throughout a number (1 430 000). A plain space is not taken: `1 430` may be two numbers run together.
MINUS = "\u2212"
THOUSANDS_SPACES = "\u2009\u202f\u00a0"
_SIGN = "[+\\-" + MINUS + "]?"
_NUMBER = re.compile(r"(?P<sign>" + _SIGN + r")(?:(?P<pound>£)\s*(?P<pound_sign>" + _SIGN + r"))?"
                     r"(?P<digits>[0-9]{1,3}(?P<separator>[," + THOUSANDS_SPACES + r"])[0-9]{3}(?:(?P=separator)[0-9]{3})*"
                     r"(?:\.[0-9]*)?|" + DECIMAL + r")(?:\s*(?P<percent>%))?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)  # what float() reads as NaN or infinite


class _RowError(Exception):
    """A row that cannot be a reading; the message is the reason."""


class _AmbiguousRow(_RowError):
    """A period label such as `2010-11` (November 2010, or financial year 2010/11?): the row waits
    for the end of its file, where the target's other labels decide."""


@dataclass(frozen=True)
class Wanted:
    """A target's rows in a Fingertips export: its indicator's rows of this breakdown and area."""

    target: str
    sex: str = "Persons"
    age: str | None = None  # None: the indicator's only age in the file
    area: str | None = None  # None: the file's only area for the indicator
    places: Places | None = None  # a target tied to areas (issue 12): the areas whose rows it takes


@dataclass(frozen=True)
class Places:
    """The areas a target's rows may be for: its own (judged; several for `areas:`) and the others
    (its comparators group and benchmark area: kept, compared with, not judged)."""

    own: frozenset[str]
    others: frozenset[str] = frozenset()
    says: str = ""  # how messages name the own area(s): `E06000045 (Southampton)`

    @property
    def several(self) -> bool:
        return len(self.own) > 1


def places_of(targets: Iterable[Any], areas: Any = None) -> dict[str, Places]:  # areas: Areas | None
    """Each target's Places, for the targets that name an area, areas, comparators or a benchmark.
    A derived rank's own target takes the rank's group as comparators too (its readings are ranked)."""
    from engine.model.areas import GROUP_MEDIAN

    targets = list(targets)
    groups = areas.groups if areas is not None else {}
    extra: dict[str, set[str]] = {}
    for t in targets:
        derived = t.measure.derived
        if derived is not None and derived.among in groups:
            extra.setdefault(derived.of, set()).update(groups[derived.among])
    found = {}
    shared: dict[Places, Places] = {}
    for t in targets:
        own = frozenset(t.areas) if t.areas else frozenset([t.area]) if t.area else frozenset()
        others = set(extra.get(t.id, ()))
        if t.comparators in groups:
            others.update(groups[t.comparators])
        if t.benchmark and t.benchmark != GROUP_MEDIAN:
            others.add(t.benchmark)
        if not own and not others:
            continue
        others -= own
        if len(own) == 1:
            (code,) = own
            name = areas.names.get(code) if areas is not None else None
            says = f"{code} ({name})" if name else code
        else:
            says = f"the {len(own)} areas of `{t.areas_group}`" if t.areas_group else f"its {len(own)} areas"
        place = Places(own, frozenset(others), says)
        # One object for equal places (every spec of one group's areas): readers key on it.
        found[t.id] = shared.setdefault(place, place)
    return found


@dataclass(frozen=True)
class ReadOptions:
    """What the reader needs of the targets beyond their units."""

    # Targets whose `frequency` is monthly: `2010-11` is November 2010 for them.
    monthly: frozenset[str] = field(default_factory=frozenset)
    # Fingertips indicator id -> the targets that take its rows (spec `source: {fingertips: ...}`).
    fingertips: Mapping[int, tuple[Wanted, ...]] = field(default_factory=dict)
    # Target id -> its area (spec `area:`): rows of a file's `area` column naming another are not used.
    areas: Mapping[str, str] = field(default_factory=dict)
    # Target id -> the areas its rows may be for (own, comparators, benchmark), for the targets that
    # say any (issue 12); a target not here takes its rows whatever their area.
    places: Mapping[str, Places] = field(default_factory=dict)
    # Target id -> the target a derived rank ranks: its readings are worked out, never read.
    derived: Mapping[str, str] = field(default_factory=dict)
    # The areas file (areas.yaml), to know an area by its name and to name an unknown one's nearest.
    known: Any = None  # engine.model.areas.Areas | None
    # `targets show ID`: the rows of this target alone are read; a row naming another is left alone.
    only: str | tuple[str, ...] | None = None
    # Target id -> its measure's statistic (proportion, rate, count; `other` left out): a value can
    # be worked out from the row's numerator and denominator, and one given must agree with them.
    statistics: Mapping[str, str] = field(default_factory=dict)
    # Target id -> the values its readings can take (engine/model/plausible.py): others are rejected.
    bounds: Mapping[str, Bounds] = field(default_factory=dict)


def options_of(targets: Iterable[Any], areas: Any = None) -> ReadOptions:  # areas: Areas | None
    targets = list(targets)
    places = places_of(targets, areas)
    fingertips: dict[int, list[Wanted]] = {}
    for t in targets:
        if getattr(t, "fingertips", None) is not None:
            source = t.fingertips
            fingertips.setdefault(source.indicator, []).append(Wanted(t.id, source.sex, source.age, t.area,
                                                                      places.get(t.id)))
    return ReadOptions(monthly=frozenset(t.id for t in targets if t.measure.frequency == "monthly"),
                       fingertips={k: tuple(v) for k, v in fingertips.items()},
                       areas={t.id: t.area for t in targets if getattr(t, "area", None)},
                       statistics={t.id: t.measure.statistic for t in targets
                                   if t.measure.statistic not in ("other", "rank")},
                       bounds={t.id: b for t in targets if (b := bounds(t.measure)) is not None},
                       places=places, known=areas,
                       derived={t.id: t.measure.derived.of for t in targets if t.measure.derived is not None})


class _Reader:
    """Turns records into readings for one batch; per-target and per-period work is done once."""

    def __init__(self, units: Mapping[str, str], options: ReadOptions | None = None):
        self.units = units
        self.options = options or ReadOptions()
        self.batch = ReadingsBuilder()  # counts rows and keeps the rejected and suppressed ones too
        # Each distinct period label parsed once (and once more as a month, for monthly targets).
        self.periods: dict[str, Period] = {}
        self.month_periods: dict[str, Period] = {}
        self.unknown: dict[str, str] = {}  # unknown target id -> the reason given for its rows
        self.file = -1  # the code of the file being read
        # Where the current file's rows start in the builder, and its rows waiting on an ambiguous label.
        self.file_start = (0, 0, 0)  # readings, suppressed, rejected
        self.pending: list[tuple[Mapping[str, Any], str, int, int | None, str | None]] = []
        self.only = self.options.only
        self.single_area: dict[str, str] = {}  # a target with no `area:` -> the one area its rows are for
        # `targets show`: the ids whose rows are read (a derived rank's, and the target it ranks).
        self.only_ids = (self.only,) if isinstance(self.only, str) else tuple(self.only or ())
        # Targets tied to areas; `areas` alone (a library caller's target -> own area) is one own area.
        self.places = dict(self.options.places)
        for target, own in self.options.areas.items():
            self.places.setdefault(target, Places(frozenset([own]), says=f"`{own}`"))
        self.near_only: dict[str, bool] = {}  # an unknown id -> whether it may be a misspelling of `only`

    def start_file(self, name: str) -> None:
        self.finish_file()
        self.file = self.batch.file_code(name)
        self.file_start = (len(self.batch.value), len(self.batch.suppressed), len(self.batch.rejected))

    def period(self, text: str, months: bool = False) -> Period:
        cache = self.month_periods if months else self.periods
        known = cache.get(text)
        if known is None:
            known = cache[text] = _period_or_reject(text, months)
        return known

    def add(self, record: Mapping[str, Any], file: str, line: int, number: int | None = None,
            column: str | None = None) -> None:
        """One row or record (`number`: its place in a JSON/YAML list; `column`: a workbook cell's
        column, in a wide layout) to a reading, or where it went."""
        if self.only is not None and self.elsewhere(record.get("target")):
            return  # another target's row: not read, so not rejected either
        self.batch.rows += 1
        self._add(record, file, line, number, column)

    def elsewhere(self, cell: Any) -> bool:
        """With `only`: the row names another target, known or unknown, so it is not read. A row that
        names no target, or an unknown one that may be `only` misspelt, is read (and rejected)."""
        target = _text(cell)
        if not target or target in self.only_ids:
            return False
        if target in self.units:
            return True
        near = self.near_only.get(target)
        if near is None:  # once per distinct id, against the ids shown (never every id: see SUGGESTIONS)
            near = self.near_only[target] = any(difflib.SequenceMatcher(None, target, only).ratio() >= 0.6
                                                for only in self.only_ids)
        return not near

    def _add(self, record: Mapping[str, Any], file: str, line: int, number: int | None, column: str | None = None,
             months: bool | None = None) -> None:
        """months: None to decide by the target's frequency, defer an ambiguous label to the end of
        the file; True or False as decided there."""
        batch = self.batch
        try:
            target = _text(record.get("target"))
            if not target:
                raise _RowError("the target cell is empty: give the target's id")
            unit = self.units.get(target)
            if unit is None:
                raise _RowError(self._unknown_target(target))
            if target in self.options.derived:
                raise _RowError(f"the readings of `{target}` are worked out from those of `{self.options.derived[target]}` "
                                "(its measure is a derived rank): remove this row, and give the readings of "
                                f"`{self.options.derived[target]}` for every area of the group instead")
            period_text = _text(record.get("period"))
            if not period_text:
                raise _RowError("the period cell is empty: give a period such as 2014/15")
            as_months = target in self.options.monthly if months is None else months
            raw_value = record.get("value")
            value_text = _text(raw_value)
            statistic = self.options.statistics.get(target)
            worked_out = None
            if not value_text and statistic is not None and _text(record.get("numerator")):
                # Left empty for the numerator and denominator to give (issue 11).
                worked_out = self._from_counts(record, statistic, unit)
                raw_value = value_text = repr(worked_out)
            if value_text.lower() in SUPPRESSION_SYMBOLS:
                self.period(period_text, as_months)
                batch.suppressed.append(Suppressed(file, line, target, period_text, value_text or "(empty)", column))
                return
            period = self.period(period_text, as_months)
            qualifiers = 0
            if value_text.endswith("]") and isinstance(raw_value, str):
                raw_value, qualifiers = _qualified(value_text)
                value_text = raw_value
            value = _number(raw_value, unit, "value")
            factor = 1.0
            # A value worked out from numerator and denominator is in the target's unit already.
            unit_text = _text(record.get("unit")) if worked_out is None else ""
            written = None
            if unit_text:
                # A number that passed _number: a % is its percent sign, a £ its pound sign.
                for sign, base in (("%", "percent"), ("£", "GBP")):
                    if sign in value_text and _unit_base(unit_text) != base:
                        raise _RowError(f"the value `{visible(value_text)}` has a {sign} sign, but the unit column "
                                        f"says `{visible(unit_text)}`: drop the {sign} sign or the unit")
                try:
                    factor = conversion_factor(unit_text, unit)
                    if factor != 1:  # said in the explanation: `1,760 a quarter (7,040 a year)`
                        written = (value, canonical_unit(unit_text))
                    value *= factor
                except UnitError as exc:
                    raise _RowError(f"{visible(str(exc))} (the target `{target}` is measured in {unit})") from None
                if abs(value) > LARGEST:
                    raise _RowError(f"the value `{visible(value_text)}` {visible(unit_text)} is {value:g} {unit}: too large to be a "
                                    "measure's value (over 10^15): check the number and the unit")
            if (within := self.options.bounds.get(target)) is not None and (where := outside(value, within)):
                shown = f"`{visible(value_text)}`" + (f" ({value:g} {unit})" if factor != 1 else "")
                fix = "" if within.high is not None and "range" in within.why else \
                    " (if it can be, give the measure a `range: [min, max]` in its spec)"
                raise _RowError(f"the value {shown} is {where}, but {within.why}: check the value{fix}")
            numerator = _optional_number(record.get("numerator"), "numerator")
            denominator = _optional_number(record.get("denominator"), "denominator")
            if statistic is not None and numerator is not None and worked_out is None:
                _agrees(value, value_text, factor, statistic, unit, numerator, denominator)
            lower = _optional_measure(record.get("lower"), unit, "lower", factor)
            upper = _optional_measure(record.get("upper"), unit, "upper", factor)
            if lower is not None and upper is not None and lower > upper:
                raise _RowError(f"the interval's lower end ({lower:g}) is above its upper end ({upper:g}): check "
                                "the lower and upper columns")
            # A level means nothing without its interval (Fingertips' header gives one to every row).
            confidence = _confidence(record.get("confidence")) if lower is not None or upper is not None else None
            area = self._written_area(_text(record.get("area")) or None, _text(record.get("area name")) or None)
            places = self.places.get(target)
            if places is not None:
                area, elsewhere = self._place(area, target, places)
                if elsewhere:
                    batch.not_used.append(NotUsed(file, line, target, period_text, elsewhere, column))
                    return
            elif area is not None and self.options.known is not None:
                area = self._one_area(area, target)
        except _AmbiguousRow as exc:
            if months is None:  # settled at the end of the file, by the target's other labels
                self.pending.append((record, file, line, number, column))
                return
            batch.rejected.append(_rejected(file, line, str(exc) + _AMBIGUOUS_HINT, number, column))
            return
        except _RowError as exc:
            batch.rejected.append(_rejected(file, line, str(exc), number, column))
            return
        if places is not None:
            self.batch.placed.add(target)
        self.batch.add(target, period_text, period, value, self.file, line, note=_text(record.get("note")) or None,
                       source=_text(record.get("source")) or None, numerator=numerator, denominator=denominator,
                       record=number, qualifiers=qualifiers, lower=lower, upper=upper, confidence=confidence, area=area,
                       written=written)

    def _written_area(self, code: str | None, name: str | None) -> str | None:
        """The area a row gives: its code, else its name (an `Area Code` left blank beside an `Area
        Name`). Raises _RowError when both are given and areas.yaml says they are different areas."""
        if code is None:
            return name
        known = self.options.known
        if name is not None and known is not None:
            by_code, by_name = known.code(code), known.code(name)
            if by_code is not None and by_name is not None and by_code != by_name:
                raise _RowError(f"the area code `{visible(code)}` is {visible(known.names[by_code])} in areas.yaml, "
                                f"but the area name says `{visible(name)}` ({by_name}): check which is right")
        return code

    def _known_code(self, area: str) -> str | None:
        """The code of an area areas.yaml knows, by code or name; a well-formed GSS code it does not
        list is taken as it is (an all-areas export holds every area). Raises _RowError for a name
        or a malformed code it does not know, with the nearest known area."""
        known = self.options.known
        code = known.code(area)
        if code is not None:
            return code
        if is_gss_code(area.strip().upper()):
            return area.strip().upper()
        near = known.suggest(area)
        hint = f" (did you mean {near}?)" if near else ""
        raise _RowError(f"the area `{visible(area)}` is not in areas.yaml{hint}: check the area, or add it to "
                        "areas.yaml with its GSS code")

    def _one_area(self, area: str, target: str) -> str:
        """A row's area, for a target with no `area:`: such a target takes one area's readings.
        A row for a second area is refused rather than let it supersede the first's (issue 12)."""
        code = self._known_code(area)
        first = self.single_area.setdefault(target, code)
        if code != first:
            known = self.options.known
            raise _RowError(f"the target `{target}` has rows for {first} ({visible(known.names.get(first, first))}) and "
                            f"for {code} ({visible(known.names.get(code, code))}), but its spec names no area: give it "
                            "`area:` (its own; `comparators:` or `benchmark:` for the others), or `areas:` to judge "
                            "each area")
        return code

    def _place(self, area: str | None, target: str, places: Places) -> tuple[str | None, str]:
        """The area code of a row of a target tied to areas, and why the row is not the target's
        (empty: it is: its own area, a comparator or the benchmark). Raises _RowError for an area
        areas.yaml does not know, or a row without one for a target of several areas."""
        known = self.options.known
        if area is None:
            if places.several:
                raise _RowError(f"the area is not given, and the target `{target}` is for {places.says}: give "
                                "each row its area (an `area` column: a GSS code such as E06000045, or a name in areas.yaml)")
            return (next(iter(places.own)) if places.own else None), ""
        code = self._known_code(area) if known is not None else area
        if code in places.own or code in places.others:
            return code, ""
        name = known.names.get(code) if known is not None else None
        shown = f"`{visible(code)}`" + (f" ({visible(name)})" if name else "")
        if places.own and not places.others:
            return code, (f"area {shown}, where the target `{target}` is for {places.says} "
                          f"({'areas' if places.several else 'area'})")
        return code, (f"area {shown}, neither the target's own ({places.says or 'none'}) nor among its comparators or "
                      "benchmark")

    def _from_counts(self, record: Mapping[str, Any], statistic: str, unit: str) -> float:
        numerator = _optional_number(record.get("numerator"), "numerator")
        denominator = _optional_number(record.get("denominator"), "denominator")
        value = from_counts(statistic, unit, numerator, denominator) if numerator is not None else None
        if value is None:
            raise _RowError(f"the value is empty and the numerator and denominator give none for a {statistic} "
                            f"(a denominator above 0 is needed): give the value, or both")
        return value

    def finish_file(self) -> None:
        """Settle the rows of the file just read whose period label is ambiguous (`2010-11`): months
        where every other label the file gives their target is a month, else rejected as before.
        They are put back in their place by line (rows that share a target and period are settled
        by file and line, so a later row still wins)."""
        if not self.pending:
            return
        batch = self.batch
        start, suppressed_start, rejected_start = self.file_start
        kinds: dict[str, set[str]] = {}
        ids = list(batch.ids)  # by code: ids are numbered in the order first seen
        for code, period in set(zip(batch.target[start:], batch.period[start:])):
            kinds.setdefault(ids[code], set()).add(batch.period_list[period].kind)
        for s in batch.suppressed[suppressed_start:]:
            kind = self._kind_of(s.period)
            if kind is not None:
                kinds.setdefault(s.target, set()).add(kind)
        pending, self.pending = self.pending, []
        batch.out_of_order = True
        for record, file, line, number, column in pending:
            self._add(record, file, line, number, column, months=kinds.get(_text(record.get("target"))) == {"month"})
        batch.suppressed[suppressed_start:] = sorted(batch.suppressed[suppressed_start:],
                                                     key=lambda s: (s.line, _column_order(s.column)))
        batch.rejected[rejected_start:] = sorted(batch.rejected[rejected_start:],
                                                 key=lambda r: (r.line, r.record or 0, _column_order(r.column)))

    def _kind_of(self, label: str) -> str | None:
        try:
            return self.period(label).kind
        except _RowError:
            return None

    def _unknown_target(self, target: str) -> str:
        # Once per distinct id: a file of readings for targets not given (a subfolder of specs) can
        # have a million such rows, and matching against ten thousand ids takes milliseconds.
        # Suggestions stop after SUGGESTIONS distinct ids: by then the file is for other specs, not mistyped.
        said = self.unknown.get(target)
        if said is None:
            close = (difflib.get_close_matches(target, list(self.units), n=1, cutoff=0.6)
                     if len(self.unknown) < SUGGESTIONS else [])
            hint = f"; did you mean `{close[0]}`?" if close else ": check the id against `targets list`"
            said = self.unknown[target] = f"unknown target `{visible(target)}`{hint}"
        return said


def _rejected(file: str, line: int, reason: str, number: int | None, column: str | None = None) -> Rejected:
    return Rejected(file, line, reason if number is None else f"record {number}: {reason}", number, column)


def _column_order(letters: str | None) -> tuple[int, str]:
    """Column letters in sheet order (B before AA)."""
    return (len(letters), letters) if letters else (0, "")




def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unit_base(text: str) -> str | None:
    try:
        return base_unit(canonical_unit(text))
    except UnitError:
        return None  # an unknown unit is reported by the conversion


def _period_or_reject(text: str, months: bool = False) -> Period:
    try:
        return parse_period(text, months=months)
    except AmbiguousPeriod as exc:
        raise _AmbiguousRow(visible(str(exc))) from None
    except PeriodError as exc:
        raise _RowError(visible(str(exc))) from None  # the message quotes the cell


_AMBIGUOUS_HINT = (" (it is read as a month when the target's `frequency` is monthly, or when the file's other "
                   "periods for the target are all months)")


def _number(raw: Any, unit: str, column: str) -> float:
    if isinstance(raw, bool):
        raise _RowError(f"the {column} `{str(raw).lower()}` is not a number")  # as written: true, not True
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip()
        number = _NUMBER.fullmatch(text)
        if number is None or (number["sign"] and number["pound_sign"]):
            raise _RowError(_not_a_number(text, column))
        base = base_unit(unit)
        measured = f"the target is measured in {unit}" if unit else f"a {column} is a plain number"
        if number["percent"] and base != "percent":
            raise _RowError(f"the {column} `{visible(text)}` has a % sign, but {measured}")
        if number["pound"] and base != "GBP":
            raise _RowError(f"the {column} `{visible(text)}` has a £ sign, but {measured}")
        value = float(_plain(number))
    if math.isnan(value) or math.isinf(value):
        raise _RowError(f"the {column} `{visible(str(raw))}` is not a finite number")
    if abs(value) > LARGEST:
        raise _RowError(f"the {column} `{visible(str(raw))}` is too large to be a measure's value (over 10^15, where a number "
                        "stops being held exactly): check the number of digits")
    return value


def _plain(number: re.Match[str]) -> str:
    """A number the grammar matched as float() reads it: ASCII sign, no separators."""
    sign = (number["sign"] or number["pound_sign"] or "").replace(MINUS, "-")
    digits = number["digits"]
    return sign + (digits.replace(number["separator"], "") if number["separator"] else digits)


def _not_a_number(text: str, column: str) -> str:
    """Why a cell is not a number in the grammar, as exactly as can be told."""
    shown = visible(text)
    if _NOT_FINITE.fullmatch(text):
        return f"the {column} `{shown}` is not a finite number"
    if any(c.isdigit() and not "0" <= c <= "9" for c in text):
        return f"the {column} `{shown}` has digits that are not 0-9: write the number with 0-9 only"
    if "_" in text:
        plain = text.replace("_", "")
        fix = f": write {visible(plain)}" if _NUMBER.fullmatch(plain) else ""
        return f"the {column} `{shown}`: underscores are not allowed in numbers{fix}"
    written = _as_written(text)
    if written is not None:
        return (f"the {column} `{shown}` is not a number as written: write {visible(written)} (a minus is - or −; "
                "thousands may be separated by commas, thin spaces or no-break spaces, one kind in a number)")
    if "," in text:
        return (f"the {column} `{shown}` is not a number (commas are read only as thousands separators, as in 1,683; "
                "a decimal point is a full stop, as in 45.1)")
    return f"the {column} `{shown}` is not a number"


# Dashes people type or paste for a minus (hyphen, non-breaking hyphen, figure dash, en dash, em
# dash, small and fullwidth hyphen-minus); only the minus sign U+2212 is read as one.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"
# Between digits: spaces (a plain one, or thin and no-break ones mixed with others) and apostrophes
# (Swiss 1'430), read by no grammar here as thousands separators.
_GROUPED = re.compile(r"(?<![0-9])[0-9]{1,3}(?:[\s'\u2019,]+[0-9]{3})+(?![0-9])")
_GROUP_MARKS = re.compile(r"[\s'\u2019,]+")


def _as_written(text: str) -> str | None:
    """What to write for a number set down in a way the grammar does not read (`1 430` with a plain
    space, `–5` with an en dash, `(5)` or `5-` for a negative), or None when it cannot be told."""
    # Runs grouped by commas alone are the grammar's own: their fault lies elsewhere (1,234e3).
    candidate = _GROUPED.sub(lambda run: run.group() if set(_GROUP_MARKS.findall(run.group())) == {","}
                             else _GROUP_MARKS.sub("", run.group()), text)
    candidate = candidate.translate({ord(d): "-" for d in _DASHES})
    accounting = re.fullmatch(r"\((.*)\)|(.*[0-9%])\s*-", candidate)
    if accounting:  # (5) and 5- as accounts write a negative
        inner = (accounting[1] if accounting[1] is not None else accounting[2]).strip()
        candidate = "-" + inner if inner[:1] not in "+-" + MINUS else ""
    number = _NUMBER.fullmatch(candidate) if candidate != text else None
    if number is None or (number["sign"] and number["pound_sign"]):
        return None
    return candidate.replace(MINUS, "-")


def _agrees(value: float, text: str, factor: float, statistic: str, unit: str, numerator: float,
            denominator: float | None) -> None:
    """A value given with its numerator and denominator must be what they give, to the digits it is
    written with (45.1 for 198 of 439, which is 45.1025...); else the row is rejected naming both."""
    worked = from_counts(statistic, unit, numerator, denominator)
    if worked is None:
        return  # no denominator (a count takes none): nothing to check against
    digits = _NUMBER.fullmatch(text.replace(" ", "")) if isinstance(text, str) else None
    written = digits["digits"] if digits is not None else text
    decimals = len(written.split(".")[1]) if "." in written and "e" not in written.lower() else 0
    # Half a unit in the last place written (in the file's unit), and a little for float rounding.
    allowed = 0.5 * 10.0 ** -decimals * abs(factor) * (1 + 1e-9) + 1e-12 * max(abs(value), abs(worked))
    if abs(value - worked) > allowed:
        of = f"{numerator:g} of {denominator:g}" if statistic != "count" else f"a count of {numerator:g}"
        raise _RowError(f"the value `{visible(text)}` does not agree with its numerator and denominator ({of} "
                        f"gives {worked:.6g}): check the three cells, or leave the value empty to have it worked out")


def _optional_number(raw: Any, column: str) -> float | None:
    if _text(raw) == "":
        return None
    return _number(raw, "", column)


def _optional_measure(raw: Any, unit: str, column: str, factor: float) -> float | None:
    """A number in the value's unit (an interval's end), converted as the value was."""
    if _text(raw) == "":
        return None
    return _number(raw, unit, column) * factor


def _confidence(raw: Any) -> float | None:
    """An interval's level as a percentage, as specs write `significance.confidence`: 95, 95% and
    0.95 are all 95."""
    if _text(raw) == "":
        return None
    level = _number(raw, "percent", "confidence")
    if 0 < level < 1:
        level = float(f"{level * 100:.12g}")  # 0.998 -> 99.8, not 99.80000000000001
    if not 0 < level < 100:
        raise _RowError(f"the confidence `{visible(_text(raw))}` is not a level between 0 and 100%: write 95 (or 0.95) "
                        "for a 95% interval")
    return level


# GSS value qualifiers after a value: `45 [p]`, `45 [r][e]`, `45[p]`.
_QUALIFIED = re.compile(r"(?P<value>.*?)\s*(?P<marks>(?:\[[^\[\]]*\]\s*)+)")
_MARK = re.compile(r"\[([^\[\]]*)\]")


def _qualified(text: str) -> tuple[str, int]:
    """The value before its qualifiers, and the qualifiers' bits."""
    found = _QUALIFIED.fullmatch(text)
    if found is None:
        return text, 0  # a `]` that ends no mark: the number grammar says what is wrong
    value, bits = found["value"], 0
    known = ", ".join(f"[{code}] {word}" for code, word in QUALIFIERS.items())
    for code in _MARK.findall(found["marks"]):
        bit = QUALIFIER_BIT.get(code.strip().lower())
        if bit is not None:
            bits |= bit
        elif f"[{code.strip().lower()}]" in SUPPRESSION_SYMBOLS:
            raise _RowError(f"the value `{visible(text)}`: [{visible(code)}] marks a value that is withheld or not "
                            f"available, so it cannot follow a number: give the number alone, or [{visible(code)}] alone "
                            "for a suppressed value")
        else:
            raise _RowError(f"the value `{visible(text)}`: [{visible(code)}] is not a GSS value qualifier; after a number "
                            f"write {known}")
    if not value:
        raise _RowError(f"the value `{visible(text)}` has qualifiers but no number before them: give the number, "
                        "such as 45 [p]")
    return value, bits


# --- file formats -----------------------------------------------------------------------


def _file_error(file: str, message: str, line: int | None = None) -> LoadError:
    return LoadError(Problem(file, line, None, "error", "readings-file", message))


class _TextLines:
    """The lines of a text as the csv module reads them (ending at LF, CR or CRLF), cut a block at a
    time in C. io.StringIO would do the same but first copies the whole text at 4 bytes a character;
    here the text is kept once. `tell` says where the CSV reader has read to (after how many lines),
    `seek` starts the lines afresh from an offset."""

    BLOCK = 1 << 20

    def __init__(self, text: str, end: int):
        self.text, self.end = text, end
        self.start = 0
        self.blocks: list[tuple[int, int, int]] = []  # (offset, end, lines) of each block given out since the seek

    def seek(self, offset: int) -> None:
        self.start = offset
        self.blocks = []

    def lines(self) -> Iterator[str]:
        return itertools.chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[list[str]]:
        text, at, end = self.text, self.start, self.end
        while at < end:
            stop = at + self.BLOCK
            if stop >= end:
                stop = end
            else:  # the block ends just after a line break, a CRLF kept whole
                breaks = [x for x in (text.find("\n", stop, end), text.find("\r", stop, end)) if x != -1]
                stop = min(breaks) + 1 if breaks else end
                if text[stop - 1] == "\r" and stop < end and text[stop] == "\n":
                    stop += 1
            found = _LINE.findall(text, at, stop)
            self.blocks.append((at, stop, len(found)))
            yield found
            at = stop

    def tell(self, lines: int) -> int:
        """The offset just after the first `lines` lines since the seek."""
        for offset, stop, count in self.blocks:
            if lines <= count:
                return offset + sum(map(len, _LINE.findall(self.text, offset, stop)[:lines]))
            lines -= count
        return self.end


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


# Control characters that text files hold (TAB, LF, FF, CR, and the DOS end-of-file mark SUB);
# any other C0 control in a file that is not UTF-8 says it is not text at all.
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


def _decode_csv(raw: bytes, file: str, reader: _Reader) -> str:
    """A CSV file's text: UTF-8 (BOM allowed), or else Windows-1252 (what Excel's "CSV (Comma
    delimited)" writes) with a warning naming the file and the first byte that is not UTF-8.
    A file that is neither, or holds binary data, is refused."""
    try:
        return decode(raw, file, what="readings file")
    except LoadError as exc:
        if "is not UTF-8" not in exc.problem.message:
            if raw.startswith(b"PK\x03\x04"):  # a zip: most likely a workbook renamed .csv
                raise _file_error(file, "this is not a CSV file but a zip archive (a workbook saved or renamed "
                                        "with a .csv ending?): give a workbook its own ending (.xlsx, .ods)", 1) from None
            raise
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise exc from None  # a byte Windows-1252 does not define either: not text we can tell
        if _BINARY.search(text):
            raise exc from None
        bad = _first_non_utf8(raw)
        line, column = position(raw, bad)
        shown = raw[bad:bad + 1].decode("cp1252")
        reader.batch.warnings.append(Problem(
            file, line, column, "warning", "encoding",
            f"the file is not UTF-8 (byte 0x{raw[bad]:02x}, `{visible(shown)}`, is the first that is not): read as "
            "Windows-1252, as Excel's \"CSV (Comma delimited)\" writes it; save it as \"CSV UTF-8\" to be sure"))
        return text


def _first_non_utf8(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _read_csv(text: str, file: str, reader: _Reader) -> None:
    end = len(text)
    tail = text.rstrip("\r\n") if text.endswith(("\r", "\n", "\x1a")) else text
    if tail.endswith("\x1a"):
        end = len(tail) - 1  # the end-of-file mark some DOS-era tools still write, not a row
    del tail
    feed = _TextLines(text, end)
    # strict: a quote left open is an error, not a cell that silently swallows the rows after it.
    rows = csv.reader(feed.lines(), strict=True)
    from engine.sources.fingertips import header_columns, read_rows

    header: list[str] | None = None
    index: dict[str, int] = {}
    fingertips: dict[str, int] | None = None
    base = line_end = 0  # base: lines read by earlier readers, when one had to be started afresh
    while header is None:
        try:
            for cells in rows:
                line = line_end + 1  # the row starts on the line after the previous one ended
                line_end = base + rows.line_num
                if not any(c.strip() for c in cells):
                    continue  # blank lines (and rows of empty cells) are not rows
                header = [c.strip().lower() for c in cells]
                fingertips = header_columns(header)
                index = _header_index(header, file, line) if fingertips is None else {"value": header.index("value")}
                break
            else:
                break  # no header: the file is empty
        except csv.Error as exc:
            stop = _QuoteInRow(line_end + 1, base + rows.line_num, exc)
            reason, row_end, last_line = _bad_row(text, feed.tell(rows.line_num), file, stop, end)  # or LoadError
            if reason is not None:
                raise _file_error(file, f"cannot read the header: {reason}", stop.start) from None
            base = line_end = last_line  # cells all blank, such as `"" ,`: a blank line
            feed.seek(row_end)
            rows = csv.reader(feed.lines(), strict=True)
    if header is None:
        raise _file_error(file, "the file is empty: a readings file starts with the header target,period,value", 1)
    if set(index) in (set(REQUIRED), {*REQUIRED, "area"}) and base == 0:
        body = _plain_body(text, feed.tell(rows.line_num), end)
        if body is not None and _read_plain_columns(body, line_end + 1, header, index, file, reader):
            return
        del body
    collected: list[tuple[int, list[str], None]] | None = [] if fingertips is not None else None
    while True:
        try:
            _read_general_rows(rows, base, line_end, header, index, file, reader, collected)
            if fingertips is not None:
                read_rows(collected, header, fingertips, file, reader)  # type: ignore[arg-type]
            return
        except _QuoteInRow as stop:
            # The row is rejected whole, however many lines its quoted cells run over, and reading
            # goes on with a fresh reader just after it: never from a line inside one of its cells.
            reason, row_end, last_line = _bad_row(text, feed.tell(rows.line_num), file, stop, end)
            if reason is not None:
                reader.batch.rows += 1
                reader.batch.rejected.append(Rejected(file, stop.start, reason))
            base = line_end = last_line
            feed.seek(row_end)
            rows = csv.reader(feed.lines(), strict=True)


# One CSV cell as the csv module reads it when not strict: in quotes (a quote inside written
# twice) and perhaps more text after the closing quote, or without quotes; then a comma, a line
# end or the end of the file. No `end` when the file ends inside the quotes.
_CELL = re.compile(r'(?:"(?P<quoted>(?:[^"]++|"")*+)"(?P<after>[^,\r\n]*)|(?P<plain>[^",\r\n][^,\r\n]*|))'
                   r'(?P<end>,|\r\n|\r|\n|\Z)?')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _bad_row(text: str, read_to: int, file: str, stop: _QuoteInRow, end: int) -> tuple[str | None, int, int]:
    """Why the row the strict CSV reader stopped in is rejected (None: its cells are all blank, so
    it is a blank line), the offset just after it and its last line; or LoadError when the file
    cannot be read on from it (a quote most likely left open).

    The row is read again from its start as the csv module reads it when not strict (as a
    spreadsheet does): its end is exact, so the rows after it are read as they were written.
    `read_to` is where the reader had read to: the end of line `stop.stopped`.
    """
    row_at = _line_start(text, read_to, stop.stopped - stop.start)
    cells: list[re.Match[str]] = []
    at = row_at
    while True:
        cell = _CELL.match(text, at, end)  # the text ends at `end` (a DOS end-of-file mark after it)
        if cell is None or cell["end"] is None:  # the file ends inside a quote opened in this row
            raise _quote_error(file, stop.start, stop.stopped, stop.error, ends_inside=True) from None
        cells.append(cell)
        at = cell.end()
        if cell["end"] != ",":
            break
    breaks = len(_LINE_BREAK.findall(text, row_at, at))
    last_line = stop.start + breaks - 1 if cells[-1]["end"] else stop.start + breaks
    if not any(_cell_text(cell).strip() for cell in cells):
        return None, at, last_line  # as blank lines are not rows: `"" ,` is as blank as `,`
    limit = csv.field_size_limit()
    if "field limit" in str(stop.error):
        long_cells = [i for i, cell in enumerate(cells, 1) if len(_cell_text(cell)) > limit]
        if not long_cells or cells[long_cells[0] - 1]["plain"] is None:
            raise _quote_error(file, stop.start, stop.stopped, stop.error) from None
        reason = (f"cell {long_cells[0]} of this row is {len(_cell_text(cells[long_cells[0] - 1])):,} characters "
                  f"long, more than the {limit:,} a cell can hold: shorten it (is it the right file?)")
    else:
        bad = next((cell for cell in cells if cell["after"]), None)
        if bad is None or _LINE_BREAK.search(bad["quoted"]):
            # Closed on a later line than it opened, then followed by text: most likely a quote
            # left open, closed by the next quote in the file; which rows it took cannot be told.
            raise _quote_error(file, stop.start, stop.stopped, stop.error) from None
        shown = visible(bad.group()[:-len(bad["end"])] if bad["end"] else bad.group())
        reason = (f"a quoted cell in this row is followed by more text before the next comma (`{shown}`: a space "
                  "after the closing quote?): a cell that starts with \" must end with \" just before the comma "
                  "or line end")
    if last_line > stop.start:
        reason += f" (the row runs to line {last_line}: a quoted cell in it holds line breaks)"
    return reason, at, last_line


def _cell_text(cell: re.Match[str]) -> str:
    """The cell's text as the csv module reads it (not strict)."""
    if cell["plain"] is not None:
        return cell["plain"]
    return cell["quoted"].replace('""', '"') + cell["after"]


def _line_start(text: str, read_to: int, lines_back: int) -> int:
    """The offset where a line starts: `lines_back` lines before the line ending at `read_to`
    (its line break included). Lines end at LF, CR or CRLF, as the csv reader's lines do."""
    end = read_to
    for _ in range(lines_back + 1):
        end -= 2 if text.startswith("\r\n", end - 2) else 1 if end and text[end - 1] in "\r\n" else 0
        window = 256  # searched back in growing steps: a line is short, but the file can be long
        while True:
            low = max(0, end - window)
            found = max(text.rfind("\n", low, end), text.rfind("\r", low, end))
            if found != -1 or low == 0:
                break
            window *= 4
        end = found + 1
    return end


class _QuoteInRow(Exception):
    """The CSV reader stopped inside the row starting at `start`, on line `stopped`."""

    def __init__(self, start: int, stopped: int, error: csv.Error):
        super().__init__(str(error))
        self.start, self.stopped, self.error = start, stopped, error


def _read_general_rows(rows: Any, base: int, line_end: int, header: list[str], index: dict[str, int], file: str,
                       reader: _Reader, collected: list[tuple[int, list[str], None]] | None = None) -> None:
    """Each row to the reader (or, for a Fingertips export, to `collected`, read whole after)."""
    batch = reader.batch
    width = len(header)
    implied = _implied(header)
    value_at = index["value"]
    # The column after the value, when it holds text: `7,790` unquoted there would read as 7 and a
    # note of 790 (issue 13). None when there is no such column.
    after = value_at + 1 if value_at + 1 < width and header[value_at + 1] not in NUMERIC_COLUMNS else None
    # A row may stop before optional trailing columns (spreadsheet exports drop empty trailing
    # cells); it must reach the last required one. Not for Fingertips exports, whose own columns
    # are all needed.
    shortest = width if collected is not None else max(index[c] for c in REQUIRED) + 1
    try:
        for cells in rows:
            line = line_end + 1
            line_end = base + rows.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines (and rows of empty cells) are not rows
            if reader.only is not None and "target" in index and index["target"] < len(cells) \
                    and reader.elsewhere(cells[index["target"]]):  # (a Fingertips export has no target column)
                continue  # `targets show ID`: another target's row (even one with a cell too many)
            if shortest <= len(cells) < width:
                cells += [""] * (width - len(cells))  # the empty trailing cells the export dropped
            if len(cells) == width and collected is not None:
                collected.append((line, cells, None))
            elif len(cells) == width:
                if after is not None and (split := _split_number(cells, value_at, header[after])):
                    batch.rows += 1
                    batch.rejected.append(Rejected(file, line, split))
                    continue
                record = {name: cells[i] for name, i in index.items()}
                if implied:
                    record.update(implied)
                reader.add(record, file, line)
            else:
                batch.rows += 1
                split = _split_number(cells, value_at, None) if len(cells) > width else None
                batch.rejected.append(_ragged(cells, width, file, line, split))
    except csv.Error as exc:
        raise _QuoteInRow(line_end + 1, base + rows.line_num, exc) from None


# Columns whose cells are numbers: a three-digit number there after a short value is not a sign of
# a number split by its thousands comma.
NUMERIC_COLUMNS = frozenset(("numerator", "denominator", "count", "lower", "upper", "confidence", "value"))
_SHORT_VALUE = re.compile(r"[+\-\u2212]?£?[0-9]{1,3}")
_THOUSANDS_GROUP = re.compile(r"[0-9]{3}(?:\.[0-9]*)?(?:\s*%)?")


def _split_number(cells: list[str], value_at: int, next_column: str | None) -> str | None:
    """Why a row looks like a number written with a thousands comma but no quotes (`7,790` read as
    the value 7 and `790` in the next column), or None. Rejected rather than guessed at: with the
    row's cells one too many, or a note of 790, either reading fits the commas."""
    if value_at + 1 >= len(cells):
        return None
    value, following = cells[value_at].strip(), cells[value_at + 1].strip()
    if not (_SHORT_VALUE.fullmatch(value) and _THOUSANDS_GROUP.fullmatch(following)):
        return None
    where = f" in the {visible(next_column)} column" if next_column else ""
    joined = f"{value},{following}"
    return (f"the value `{visible(value)}` is followed by `{visible(following)}`{where}: if the number is "
            f"{visible(joined)}, its thousands comma split it into two cells: quote it (\"{visible(joined)}\") or "
            f"drop the comma ({visible(value + following)})")


def _quote_error(file: str, start: int, stopped: int, exc: csv.Error, *, ends_inside: bool = False) -> LoadError:
    if "field limit" in str(exc):
        return _file_error(file, f"cannot read the CSV from here on: a cell is longer than {csv.field_size_limit():,} "
                                 "characters. Most likely a quote opened in this row is never closed, so the rows "
                                 "after it ran into one cell: fix the quotes", start)
    where = "the file ends inside it" if ends_inside or "end of data" in str(exc) else f"it is followed by more text on line {stopped}"
    return _file_error(file, f"cannot read the CSV from here on: a quote opened in this row is not closed where it "
                             f"should be ({where}). A cell that starts with \" must end with \" just before the next "
                             "comma or line end, and a quote inside it is written twice (\"\"): fix the quotes", start)


# A plain file (target,period,value and no quotes) of at least this much text after its header is
# read as columns (polars splits and parses it in compiled code, some 10 times faster than the csv
# module and float() a row at a time); a smaller one is read a row at a time, as importing polars
# (about 0.15 s) would cost more than it saves. benchmarks/bench_peers.py measures both.
COLUMNAR_BYTES = 65_536

# What the columnar path reads as a number: the grammar's plain number (yamlsafe.DECIMAL) with a
# sign. Anything else (thousands separators, %, £, spaces, symbols) goes the general way.
_PLAIN_NUMBER = r"^[+-]?" + DECIMAL + "$"


def _plain_body(text: str, start: int, end: int) -> str | None:
    """The rows after the header, if the columnar path can read them: no quotes (so each line is
    one row and a line's number is its place), no NUL, and every CR part of a CRLF."""
    if end - start < COLUMNAR_BYTES:
        return None
    body = text[start:end].rstrip("\r\n")  # blank lines at the end are not rows
    if '"' in body or "\x00" in body:
        return None
    if "\r" in body:
        if body.count("\r") != body.count("\r\n"):
            return None  # lone CRs end lines too: the row-at-a-time reader knows them
        body = body.replace("\r\n", "\n")
    return body


def _read_plain_columns(body: str, first_line: int, header: list[str], index: dict[str, int], file: str,
                        reader: _Reader) -> bool:
    """A plain file's rows read as columns: each row whose target is known, whose period label is
    a period and whose value is a plain finite number becomes a reading in bulk; every other row
    goes the general way (`_Reader.add`), in file order, so the two cannot disagree but on speed.
    False (nothing read) when a line has the wrong number of cells: the row-at-a-time reader then
    names it."""
    import numpy as np

    data = np.frombuffer(body.encode(), dtype=np.uint8)
    line_ends = np.flatnonzero(data == 10)
    commas = np.flatnonzero(data == 44)
    per_line = np.diff(np.searchsorted(commas, np.append(line_ends, len(data))), prepend=0)
    if (per_line != len(header) - 1).any():
        return False  # ragged rows, blank lines
    if np.diff(np.append(line_ends, len(data)), prepend=-1).max() - 1 > csv.field_size_limit():
        return False  # a cell may be longer than a CSV cell can hold: the csv module names it
    del data, line_ends, commas, per_line
    import polars as pl

    frame = pl.read_csv(body.encode(), has_header=False, new_columns=[f"c{i}" for i in range(len(header))],
                        schema_overrides={f"c{i}": pl.String for i in range(len(header))}, quote_char=None,
                        infer_schema=False)
    target_text = frame.to_series(index["target"]).fill_null("")
    period_text = frame.to_series(index["period"]).fill_null("")
    value_text = frame.to_series(index["value"]).fill_null("")
    frame_area = frame.to_series(index["area"]) if "area" in index else None
    n = frame.height
    del frame
    batch = reader.batch
    # Codes for the targets and period labels as written: -1 where the general way must look.
    labels = target_text.unique(maintain_order=True).to_list()
    label = target_text.replace_strict(labels, list(range(len(labels))), return_dtype=pl.Int32).to_numpy()
    # (`targets show ID`: another target's rows go the general way too, which leaves them alone.)
    # A target tied to areas, in a file with no area column, goes the general way (which gives its
    # rows its own area, or rejects them for a target of several).
    area_text = frame_area.fill_null("") if frame_area is not None else None
    codes = [batch.target_code(t) if t in reader.units and (reader.only is None or t in reader.only_ids)
             and t not in reader.options.derived
             and (area_text is not None or t not in reader.places) else -1 for t in labels]
    target = np.array(codes, dtype=np.int32)[label]
    area = _area_codes(reader, labels, label, area_text) if area_text is not None else None
    labels = period_text.unique(maintain_order=True).to_list()
    codes = [_period_code(reader, p) for p in labels]
    period = period_text.replace_strict(labels, codes, return_dtype=pl.Int32).to_numpy()
    plain = value_text.str.contains(_PLAIN_NUMBER).to_numpy()
    value = value_text.cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()
    with np.errstate(invalid="ignore"):  # NaN compares False: not plain
        plain &= (np.abs(value) <= LARGEST) & (target >= 0) & (period >= 0)
    if area is not None:
        plain &= area != -2  # an area to look at one row at a time: unknown, another's, or padded
    if reader.options.bounds:
        plain &= ~_out_of_bounds(reader, target, value)  # the general way rejects them, saying why
    lines = np.arange(first_line, first_line + n, dtype=np.int32)
    others = np.flatnonzero(~plain)
    cells = (target_text.gather(others).to_list(), period_text.gather(others).to_list(),
             value_text.gather(others).to_list(),
             area_text.gather(others).to_list() if area_text is not None else [""] * len(others))
    file_code = reader.file
    done = 0
    for row, t, p, v, a in zip(others.tolist(), *cells):
        _append(batch, target, period, value, lines, file_code, done, row, area)
        done = row + 1
        if t.strip() or p.strip() or v.strip() or a.strip():  # rows of empty cells are blank lines, not rows
            record = {"target": t, "period": p, "value": v}
            if area_text is not None:
                record["area"] = a
            reader.add(record, file, first_line + row)
    _append(batch, target, period, value, lines, file_code, done, n, area)
    batch.rows += n - len(others)
    return True


def _out_of_bounds(reader: _Reader, target, value):
    """Where a value (numpy) is outside its target's bounds, compared as `_Reader` compares them."""
    import numpy as np

    from engine.model.compare import compare

    ids = list(reader.batch.ids)
    low = np.full(len(ids) + 1, -np.inf)  # the last entry is for rows of no known target (-1)
    high = np.full(len(ids) + 1, np.inf)
    for code, target_id in enumerate(ids):
        within = reader.options.bounds.get(target_id)
        if within is not None:
            low[code] = -np.inf if within.low is None else within.low
            high[code] = np.inf if within.high is None else within.high
    at_low, at_high = low[target], high[target]
    finite = np.isfinite(value)  # NaN: not a plain number, read the general way anyway
    number = np.where(finite, value, 0.0)
    below = np.isfinite(at_low) & finite & (compare(number, np.where(np.isfinite(at_low), at_low, 0.0)) < 0)
    above = np.isfinite(at_high) & finite & (compare(number, np.where(np.isfinite(at_high), at_high, 0.0)) > 0)
    return below | above


def _period_code(reader: _Reader, label: str) -> int:
    """The batch's code for a period label as written; -1 where the general way must look (a
    label that is not a period, or padded)."""
    if not label or label != label.strip():
        return -1
    try:
        return reader.batch.period_code(label, reader.period(label))
    except _RowError:
        return -1


def _area_codes(reader: _Reader, labels: list[str], label, area_text):  # label: numpy; area_text: polars Series
    """The builder's area code of each row of a plain file with an area column: -1 for none, -2
    where the row must go the general way (an area areas.yaml does not know, one that is not the
    target's, a padded cell, a target of several areas with none given). labels: the target cells
    as written, and label each row's among them. Worked out once for each distinct (target, area)
    pair, in the order the pairs first appear, as the general way would meet them; the pairs are
    found as numbers (label and area), not text (317,000 pairs of 1,000 targets and 317 areas)."""
    import numpy as np
    import polars as pl

    names = area_text.unique(maintain_order=True).to_list()
    name = area_text.replace_strict(names, list(range(len(names))), return_dtype=pl.Int64).to_numpy()
    pairs, inverse = _first_seen(label.astype(np.int64) * len(names) + name, len(labels) * len(names))
    codes = np.full(len(pairs), -2, dtype=np.int32)
    builder = reader.batch
    # Where a row of a target tied to areas belongs depends on the target's places and the area
    # only: targets of one group share the answer. Keyed by the places' identity (places_of gives
    # equal places one object), as comparing two places' sets of 317 areas takes 20 us.
    placed: dict[tuple[int, str], int] = {}
    for k, pair in enumerate(pairs.tolist()):
        t, a = labels[pair // len(names)], names[pair % len(names)]
        if a != a.strip():
            continue
        places = reader.places.get(t)
        if places is None:  # kept as written, as the general way keeps it (which looks, with an areas file)
            codes[k] = -1 if not a else _builder_area(builder, a) if reader.options.known is None else -2
            continue
        code = placed.get((id(places), a))
        if code is None:
            try:
                found, elsewhere = reader._place(a or None, t, places)
            except _RowError:
                found, elsewhere = None, "rejected"
            code = placed[(id(places), a)] = -2 if elsewhere or found is None else _builder_area(builder, found)
        if code != -2:
            builder.placed.add(t)
        codes[k] = code
    return codes[inverse]


def _first_seen(key, size: int):  # numpy int64 keys below size -> (distinct keys, each key's index among them)
    """The distinct keys in the order they first appear, and each key's index among them. By a
    table of every possible key where that is no larger than a few times the keys (a file's
    targets times its areas: some 320,000 for 6.3 million rows, 0.05 s), else by sorting (2 s)."""
    import numpy as np

    n = len(key)
    if size <= 4 * n:
        first = np.full(size, n, dtype=np.int64)
        np.minimum.at(first, key, np.arange(n, dtype=np.int64))
        present = np.flatnonzero(first < n)
        distinct = present[np.argsort(first[present], kind="stable")]
        index = np.empty(size, dtype=np.int64)
        index[distinct] = np.arange(len(distinct))
        return distinct, index[key]
    distinct, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    index = np.empty(len(distinct), dtype=np.int64)
    index[order] = np.arange(len(distinct))
    return distinct[order], index[inverse.ravel()]


def _builder_area(builder: ReadingsBuilder, code: str) -> int:
    found = builder.areas.get(code)
    if found is None:
        found = builder.areas[code] = len(builder.areas)
    return found


def _append(batch: ReadingsBuilder, target, period, value, lines, file_code: int, start: int, stop: int,
            area=None) -> None:
    """Rows start..stop of the columns (numpy) to the builder, in bulk (area: codes, or None)."""
    if stop > start and area is not None:
        from engine.model.readings import _padded

        batch.area = _padded(batch.area, len(batch.value), "i")
        batch.area.frombytes(area[start:stop].tobytes())
    if stop > start:
        batch.target.frombytes(target[start:stop].tobytes())
        batch.period.frombytes(period[start:stop].tobytes())
        batch.value.frombytes(value[start:stop].tobytes())
        batch.line.frombytes(lines[start:stop].tobytes())
        batch.file.extend(array("i", [file_code]) * (stop - start))


def _ragged(cells: list[str], width: int, file: str, line: int, fix: str | None = None) -> Rejected:
    count = f"{len(cells)} cell" if len(cells) == 1 else f"{len(cells)} cells"
    return Rejected(file, line, f"the row has {count} but the header has {width}: "
                                + (fix or "check for a missing or extra comma (quote cells that contain commas)"))


def _header_index(header: list[str], file: str, line: int) -> dict[str, int]:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(visible(h) or "(blank)" for h in header)
        hint = ("; the columns look separated by semicolons: save the file as comma-separated CSV"
                if len(header) == 1 and ";" in header[0] else "")
        raise _file_error(file, f"the header has no {', '.join(f'`{m}`' for m in missing)} column "
                                f"(found: {found}); the first row must name the columns, such as target,period,value{hint}", line)
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise _file_error(file, f"the header names {', '.join(f'`{visible(d)}`' for d in duplicated)} more than once", line)
    index = {name: header.index(name) for name in COLUMNS if name in header}
    for lower, upper, _ in INTERVAL_HEADERS:  # Fingertips' names for the interval, when no plainer one is given
        if "lower" not in index and "upper" not in index and (lower in header or upper in header):
            index.update({name: header.index(column) for name, column in (("lower", lower), ("upper", upper))
                          if column in header})
    if "area" not in index:  # as Fingertips and ONS tables name it: the code, and the name (issue 12)
        if "area code" in header:
            index["area"] = header.index("area code")
            if "area name" in header:  # for a row whose code is blank, and to check the two agree
                index["area name"] = header.index("area name")
        elif "area name" in header:
            index["area"] = header.index("area name")
    return index


def _implied(header: list[str]) -> dict[str, str]:
    """Cells the header gives every row: the confidence level of an interval named by Fingertips."""
    if "confidence" in header or "lower" in header or "upper" in header:
        return {}
    for lower, upper, level in INTERVAL_HEADERS:
        if lower in header or upper in header:
            return {"confidence": level}
    return {}


def _read_structured(raw: bytes | str, file: str, reader: _Reader, suffix: str) -> None:
    """JSON or YAML: a list of records, or a mapping with the list under `readings`.

    A JSON list is read a record at a time (json's own C decoder, one record after another), so
    memory is the text's and the readings', not a tree of the whole file; anything else, and any
    record that JSON and YAML would read differently (a key given twice, NaN), is read by the
    strict YAML loader, which names the line and column of what is wrong.
    """
    if isinstance(raw, str) and _read_json_list(raw, file, reader):  # JSON, decoded by the caller
        return
    if len(raw) > MAX_TREE_BYTES:
        kind = "a YAML file" if suffix != ".json" else "a JSON file that is not a plain list of records"
        raise _file_error(file, f"{kind} over {MAX_TREE_BYTES // 1_000_000} MB is too large to read whole: save the "
                                "readings as CSV, or as JSON holding a list of records ([{...}, {...}]), which are "
                                "read a record at a time; or split the file")
    doc = load_yaml(raw, file, max_bytes=MAX_TREE_BYTES)  # JSON is YAML 1.2; this keeps line numbers
    records = doc.data
    prefix: tuple[str, ...] = ()
    if isinstance(records, dict) and "readings" in records:
        records, prefix = records["readings"], ("readings",)
    if records is None:
        raise _file_error(file, "the file is empty: it should hold a list of readings", 1)
    if not isinstance(records, list):
        raise _file_error(file, "the file should hold a list of readings (each with target, period and value)", 1)
    for i, record in enumerate(records):
        mark = doc.mark(prefix + (i,))
        _structured_record(record, file, mark.line if mark else 1, i + 1, reader)


class _NotPlainJson(Exception):
    """A record that JSON and strict YAML would read differently: the YAML loader reads the file."""


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        raise _NotPlainJson("a key given twice")
    return record


def _json_constant(name: str) -> float:
    raise _NotPlainJson(f"{name} is not JSON")


def _json_int(text: str) -> int | float:
    if len(text.lstrip("-")) > 309:  # beyond any float; int() would refuse over 4,300 digits (a ValueError)
        return float(text)
    number = int(text)
    return number if abs(number) <= sys.float_info.max else float(text)  # as yamlsafe reads a huge integer


_JSON = json.JSONDecoder(object_pairs_hook=_json_pairs, parse_constant=_json_constant, parse_int=_json_int)
_JSON_SPACE = re.compile(r"[ \t\r\n]*")


def _read_json_list(text: str, file: str, reader: _Reader) -> bool:
    """Read a JSON list of records one record at a time; False (nothing read) when the file is not
    a plain JSON list, or holds something only the strict loader should judge."""
    at = _JSON_SPACE.match(text).end()
    if not text.startswith("[", at):
        return False
    refuse_stray_characters(text, file)  # as the strict loader would: a BOM inside, a noncharacter
    builder = reader.batch
    # Keep what has been added, to take it back if the file turns out not to be plain.
    mark = (builder.rows, len(builder.rejected), len(builder.suppressed), len(builder.value))
    line, counted = 1, 0
    codes, period_codes, plain_labels = builder.ids, builder.periods, reader.periods
    at = _JSON_SPACE.match(text, at + 1).end()
    number = 0
    try:
        if text.startswith("]", at):
            if _JSON_SPACE.match(text, at + 1).end() == len(text):
                return True  # an empty list: no rows
            raise _NotPlainJson("more after the list")
        while True:
            number += 1
            # Lines end at LF, CR or CRLF, as editors (and the YAML loader) count them.
            piece_lf, piece_cr = text.count("\n", counted, at), text.count("\r", counted, at)
            line += piece_lf + piece_cr - text.count("\r\n", counted, at)
            counted = at
            record, at = _JSON.raw_decode(text, at)
            # The common record, {"target": known id, "period": known label, "value": a number},
            # goes straight to the columns; anything else the general way (as the plain CSV loop).
            plain = False
            if type(record) is dict and len(record) == 3:
                target_id, period_label, value = record.get("target"), record.get("period"), record.get("value")
                target = codes.get(target_id) if type(target_id) is str else None
                # A label known to read without help (not `2010-11`, read as a month for some targets only).
                period = (period_codes.get(period_label) if type(period_label) is str and period_label in plain_labels
                          else None)
                if (target is not None and period is not None and type(value) in (int, float)
                        and -LARGEST <= value <= LARGEST):
                    builder.rows += 1
                    builder.add_code(target, period, float(value), reader.file, line, number)
                    plain = True
            if not plain:
                _structured_record(record, file, line, number, reader)
            at = _JSON_SPACE.match(text, at).end()
            if text.startswith(",", at):
                at = _JSON_SPACE.match(text, at + 1).end()
                continue
            if text.startswith("]", at) and _JSON_SPACE.match(text, at + 1).end() == len(text):
                return True
            raise _NotPlainJson("not a list of records")
    except (_NotPlainJson, json.JSONDecodeError, RecursionError):
        rows, rejected, suppressed, values = mark
        if len(builder.value) != values:
            builder.truncate(values)
        builder.rows = rows
        del builder.rejected[rejected:], builder.suppressed[suppressed:]
        return False


def _structured_record(record: Any, file: str, line: int, number: int, reader: _Reader) -> None:
    batch = reader.batch
    if reader.only is not None and isinstance(record, dict):
        named = [v for k, v in record.items() if isinstance(k, str) and k.strip().lower() == "target"]
        if len(named) == 1 and reader.elsewhere(named[0]):
            return  # another target's record: not read, so not rejected either
    if not isinstance(record, dict):
        batch.rows += 1
        batch.rejected.append(_rejected(file, line, "this entry is not a record with target, period and value", number))
        return
    odd = [k for k in record if not isinstance(k, str) or _reads_as_number(k)]
    if odd:
        # In a { } mapping a comma ends the entry: `value: 1,234` is value 1 and a key 234.
        batch.rows += 1
        batch.rejected.append(_rejected(file, line, f"the record has a field named `{visible(str(odd[0]))}`, which is "
                                        "not a column name: quote numbers with thousands separators (\"1,234\")", number))
        return
    normalised = {str(k).strip().lower(): v for k, v in record.items()}
    if len(normalised) != len(record):
        names = sorted(map(str, record), key=lambda k: k.strip().lower())
        twice = next(a for a, b in zip(names, names[1:]) if a.strip().lower() == b.strip().lower())
        same = [k for k in map(str, record) if k.strip().lower() == twice.strip().lower()]
        batch.rows += 1
        batch.rejected.append(_rejected(file, line, f"the record names `{visible(twice.strip().lower())}` more than "
                                        f"once ({', '.join(f'`{visible(k)}`' for k in same)}): keep one", number))
        return
    missing = [c for c in REQUIRED if c not in normalised]
    if missing:
        batch.rows += 1
        batch.rejected.append(_rejected(file, line, f"the record has no {', '.join(missing)}", number))
        return
    reader.add(normalised, file, line, number)


def read_readings(paths: Iterable[str | Path], units: Mapping[str, str],
                  options: ReadOptions | None = None, *, sheet: str | None = None) -> ReadingsBatch:
    """Read readings files in order (later rows win over earlier ones for the same target and period).

    units maps each known target id to its unit; options says what else the reader needs of the
    targets (options_of(targets)). A path of `-` is standard input, read as CSV. A workbook is read
    from its first visible sheet, or `sheet`, or the one its path names (`book.xlsx:Sheet name`).
    Raises LoadError for a file that cannot be read as readings at all, UsageError for a path that
    does not exist, cannot be opened or is not a regular file (a folder, a pipe, a device).
    """
    reader = _Reader(units, options)
    _read_files(paths, reader, sheet)
    reader.finish_file()
    return reader.batch.build()


def source_name(path: str | Path) -> str:
    """A readings path as messages and reports name it: as given, or <stdin> for `-`."""
    return STDIN_NAME if str(path) == STDIN else display_path(Path(path))


def _read_files(paths: Iterable[str | Path], reader: _Reader, sheet: str | None = None) -> None:
    from engine.sources.workbooks import WORKBOOK_SUFFIXES, split_sheet

    stdin_read = False
    for raw_path in paths:
        named_sheet = None
        if str(raw_path) != STDIN and not os.path.lexists(raw_path):
            # `book.xlsx:Sheet name`: a sheet of a workbook (a file of that whole name wins, if there is one).
            book, named_sheet = split_sheet(str(raw_path))
            if named_sheet is not None:
                raw_path = book
        name = source_name(raw_path)
        if str(raw_path) == STDIN:
            if stdin_read:
                raise _usage(STDIN_NAME, "path", "`-` is given more than once: standard input can be read only once")
            stdin_read = True
            reader.start_file(name)
            _read_csv(_decode_csv(_read_stdin(), name, reader), name, reader)
            continue
        path = Path(raw_path)
        suffix = path.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            from engine.sources.workbooks import read_workbook

            read_workbook(_read_regular(path, name), name, suffix, named_sheet or sheet, reader)
            continue
        if named_sheet is not None:
            raise _usage(name, "path", "no such readings file")
        reader.start_file(name)
        raw = _read_regular(path, name)
        if suffix == ".json":
            text = decode(raw, name, what="readings file")
            del raw  # hold the file once, as text
            _read_structured(text, name, reader, suffix)
        elif suffix in (".yaml", ".yml"):
            _read_structured(raw, name, reader, suffix)
        elif suffix in (".csv", ".txt", ""):
            text = _decode_csv(raw, name, reader)
            del raw  # the text is all that is needed now: hold the file once, not twice
            _read_csv(text, name, reader)
        else:
            raise _file_error(name, f"unknown readings format `{visible(suffix)}`: use .csv (or .txt), .json, .yaml "
                                    "(.yml), or a workbook (.xlsx, .xlsm, .xls, .ods)")


def _usage(name: str, rule: str, message: str) -> UsageError:
    return UsageError(Problem(name, None, None, "error", rule, message))


def _read_regular(path: Path, name: str) -> bytes:
    """The bytes of a regular file; UsageError, with what to do, for anything else or a path that
    cannot be opened."""
    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer (forever). What was opened
        # is then checked on the open file itself, so no path swapped in between can slip by.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _usage(name, "path" if isinstance(exc, FileNotFoundError) else "io", _cannot_open(path, exc)) from None
    limit = MAX_STRUCTURED_BYTES if path.suffix.lower() in (".json", ".yaml", ".yml") else MAX_CSV_BYTES
    try:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind is None:
            with os.fdopen(fd, "rb", closefd=False) as handle:  # O_NONBLOCK does nothing to a regular file's reads
                return _read_bounded(handle, name, limit)
    except OSError as exc:
        raise _usage(name, "io", f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    raise _usage(name, "io", kind)


def _cannot_open(path: Path, exc: OSError) -> str:
    """Why a readings path cannot be opened, in words that say what to do."""
    if isinstance(exc, FileNotFoundError):
        return "no such readings file"
    if isinstance(exc, PermissionError):
        return "permission denied: this user may not read the file: check its permissions"
    if exc.errno == errno.ENAMETOOLONG:
        if len(os.fsencode(path.name)) > 255:  # NAME_MAX on the usual file systems
            return "the file name is longer than the file system allows: rename the file"
        if any(len(os.fsencode(part)) > 255 for part in path.parts):
            return "a folder name in the path is longer than the file system allows: rename the folder"
        return "the path is longer than the file system allows: give a shorter path (from a nearer folder)"
    if exc.errno == errno.ELOOP:
        return "the path is a loop of symbolic links (a link that leads back to itself): fix the link"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder: check the path"
    if exc.errno == errno.EISDIR:
        return _not_regular(stat.S_IFDIR) or ""
    if exc.errno == errno.ENXIO:  # a socket
        return "not a regular file (a socket?): give a readings file"
    return f"cannot read the file: {exc.strerror or exc}"


def _not_regular(mode: int) -> str | None:
    """What the path is, when it is not a regular file, and what to give instead."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a readings file: give the files in it (such as folder/*.csv)"
    if stat.S_ISFIFO(mode):
        return ("is a pipe (FIFO), not a regular file: to read CSV from a pipe, give `-` and send it to "
                "standard input (targets evaluate - < pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file: give a readings file"
    return "not a regular file (a socket?): give a readings file"


def _read_stdin() -> bytes:
    """Standard input's bytes (`-`), as bounded as a file's."""
    stream = sys.stdin
    if stream is None or stream.closed:
        raise _usage(STDIN_NAME, "io", "standard input is closed: give a readings file, or send the CSV to `-`")
    source = getattr(stream, "buffer", None)
    try:
        if source is None:  # a text stream put in its place
            source = io.BytesIO(stream.read(MAX_CSV_BYTES + 1).encode("utf-8"))
        return _read_bounded(source, STDIN_NAME, MAX_CSV_BYTES, what="standard input")
    except OSError as exc:
        raise _usage(STDIN_NAME, "io", f"cannot read standard input: {exc.strerror or exc}") from None


def _read_bounded(handle: BinaryIO, name: str, limit: int, what: str = "the file") -> bytes:
    """The bytes, refusing more than any readings file should hold before they exhaust memory."""
    raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise _file_error(name, f"{what} is larger than {limit // 1_000_000:,} MB, more than a readings file "
                                "should be: split it into several files (they can all be given at once)")
    return raw


def units_of(targets: Iterable[Any]) -> dict[str, str]:
    return {t.id: canonical_unit(t.measure.unit) for t in targets}
