"""Readings as data (pure): a batch of observed values held as columns, and where every other row went.

A batch keeps one entry per reading in force (after later rows have superseded earlier ones for
the same target and period), in input order, as columns: target, period, value, file, line and,
where a file gave them, the record's place in a JSON/YAML list, numerator and denominator, GSS
value qualifiers (`45 [p]`), a published interval (lower, upper, confidence) and the area; notes
and sources are kept only for the rows that have them. Codes index small tables (`ids`,
`periods`, `files`), so a million readings cost some 25 bytes each, not the 200 of a Python
object. A single reading can still be looked at as a `Reading`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from engine.model.periods import Period
from engine.model.problems import Problem

if TYPE_CHECKING:
    import numpy as np


T = TypeVar("T")


class Reading(NamedTuple):
    """One observed value, in its target's unit: a view of one row of a batch."""

    target: str
    period: Period
    value: float
    file: str
    line: int
    note: str | None = None
    source: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    record: int | None = None  # JSON/YAML: the record's place in the list, from 1
    qualifiers: tuple[str, ...] = ()  # GSS value qualifiers as codes, in QUALIFIERS order: ("p",) for `45 [p]`
    lower: float | None = None  # a published interval around the value, in the target's unit
    upper: float | None = None
    confidence: float | None = None  # the interval's level as a percentage (95), as specs write significance
    area: str | None = None  # the area the value is for, as written (a GSS code or a name)
    written: tuple[float, str] | None = None  # converted from another unit: the value and unit as written


# GSS value qualifiers (Government Statistical Service, "Symbols, abbreviations and codes in
# tables"): marks after a value that say what kind of value it is. Held as bits, one byte a reading.
QUALIFIERS: dict[str, str] = {
    "p": "provisional", "r": "revised", "e": "estimated", "u": "low reliability", "b": "break in series",
    "f": "forecast",
}
QUALIFIER_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(QUALIFIERS)}
PROVISIONAL, LOW_RELIABILITY, BREAK_IN_SERIES = QUALIFIER_BIT["p"], QUALIFIER_BIT["u"], QUALIFIER_BIT["b"]


def qualifier_codes(bits: int) -> tuple[str, ...]:
    """The codes of a reading's qualifier bits, in QUALIFIERS order."""
    return tuple(code for code, bit in QUALIFIER_BIT.items() if bits & bit)


def qualifier_words(bits: int) -> str:
    """The qualifiers in words: `provisional, estimated`."""
    return ", ".join(QUALIFIERS[code] for code in qualifier_codes(bits))


@dataclass(frozen=True)
class Suppressed:
    file: str
    line: int
    target: str
    period: str
    symbol: str
    column: str | None = None  # a workbook cell's column letter, in a wide layout

    @property
    def where(self) -> str:
        return _where(self.file, self.line, self.column)


def _where(file: str, line: int, column: str | None) -> str:
    """`file:line`, or `book.xlsx[KPIs]:7:E` for a cell of a wide layout."""
    return f"{file}:{line}:{column}" if column else f"{file}:{line}"


@dataclass(frozen=True)
class Superseded:
    file: str
    line: int
    target: str
    period: str
    by_line: int
    by_file: str


@dataclass(frozen=True)
class NotUsed:
    """A row for another breakdown or area than its target's (a Fingertips export holds every sex,
    age and area): read, counted and listed, not judged and not an error."""

    file: str
    line: int
    target: str
    period: str
    reason: str
    column: str | None = None

    @property
    def where(self) -> str:
        return _where(self.file, self.line, self.column)


@dataclass(frozen=True)
class Rejected:
    file: str
    line: int
    reason: str
    # JSON/YAML: the record's place in the list, from 1 (minified JSON has every record on line 1);
    # the reason starts "record 17: " too, for the formats that show only file, line and reason.
    record: int | None = None
    column: str | None = None  # a workbook cell's column letter, in a wide layout

    @property
    def where(self) -> str:
        return _where(self.file, self.line, self.column)


class ReadingsBatch:
    """Where every row went: the readings in force as columns, and the rows that are not readings."""

    def __init__(self, ids: Sequence[str] = (), periods: Sequence[Period] = (), files: Sequence[str] = (),
                 target: np.ndarray | None = None, period: np.ndarray | None = None, value: np.ndarray | None = None,
                 file: np.ndarray | None = None, line: np.ndarray | None = None, *, record: np.ndarray | None = None, numerator: np.ndarray | None = None,
                 denominator: np.ndarray | None = None, notes: Mapping[int, tuple[str | None, str | None]] | None = None,
                 suppressed: Sequence[Suppressed] = (), superseded: Sequence[Superseded] = (),
                 rejected: Sequence[Rejected] = (), rows: int = 0, warnings: Sequence[Problem] = (),
                 qualifiers: np.ndarray | None = None, lower: np.ndarray | None = None, upper: np.ndarray | None = None,
                 confidence: np.ndarray | None = None, area: np.ndarray | None = None, areas: Sequence[str] = (),
                 not_used: Sequence[NotUsed] = (), written: Mapping[int, tuple[float, str]] | None = None):
        self.ids = tuple(ids)  # target codes index these
        self.periods = tuple(periods)  # period codes index these (one per distinct label as written)
        self.files = tuple(files)  # file codes index these, in the order the files were given
        if value is None:  # no readings
            import numpy as np

            target = period = file = line = np.zeros(0, dtype=np.int32)
            value = np.zeros(0)
        assert target is not None and period is not None and file is not None and line is not None
        self.target, self.period, self.value, self.file, self.line = target, period, value, file, line
        self.record = record  # -1: not from a JSON/YAML list; None: no such rows at all
        self.numerator, self.denominator = numerator, denominator  # NaN where not given; None: never given
        self.qualifiers = qualifiers  # uint8 bits of QUALIFIER_BIT (0: none); None: no file gave any
        self.lower, self.upper, self.confidence = lower, upper, confidence  # NaN where not given; None: never given
        self.area = area  # codes into `areas` (-1: not given); None: no file gave an area
        self.areas = tuple(areas)
        self.not_used = list(not_used)  # rows for other breakdowns or areas than the targets'
        self.notes = dict(notes or {})  # row -> (note, source), only rows that have one
        self.written = dict(written or {})  # row -> (value, unit) as written, only rows converted from another unit
        self.suppressed = list(suppressed)
        self.superseded = list(superseded)
        self.rejected = list(rejected)
        self.rows = rows  # data rows read, as a person counts them
        self.warnings = list(warnings)  # about whole files (one read as Windows-1252), never about a row
        self._groups: dict[str, tuple[int, int]] | None = None
        self._order: np.ndarray | None = None

    @classmethod
    def of(cls, readings: Iterable[Reading]) -> ReadingsBatch:
        """A batch of these readings, in this order (tests and library users build batches this way)."""
        builder = ReadingsBuilder()
        files: dict[str, int] = {}
        for r in readings:
            file = files.get(r.file)
            if file is None:
                file = files[r.file] = builder.file_code(r.file)
            builder.rows += 1
            builder.add(r.target, r.period.label, r.period, r.value, file, r.line, note=r.note, source=r.source,
                        numerator=r.numerator, denominator=r.denominator, record=r.record,
                        qualifiers=sum(QUALIFIER_BIT[q] for q in r.qualifiers), lower=r.lower, upper=r.upper,
                        confidence=r.confidence, area=r.area, written=r.written)
        return builder.build()

    def count(self) -> int:
        return len(self.value)

    @property
    def period_keys(self) -> np.ndarray:
        """Each period's sort key (Period.key: by last day, then first day), by period code."""
        import numpy as np

        return np.fromiter((p.key for p in self.periods), dtype=np.int64, count=len(self.periods))

    def reading(self, row: int) -> Reading:
        """Row `row` as a Reading."""
        note, source = self.notes.get(row, (None, None))
        record = None if self.record is None or self.record[row] < 0 else int(self.record[row])
        area = None if self.area is None or self.area[row] < 0 else self.areas[self.area[row]]
        return Reading(self.ids[self.target[row]], self.periods[self.period[row]], float(self.value[row]),
                       self.files[self.file[row]], int(self.line[row]), note, source,
                       _optional(self.numerator, row), _optional(self.denominator, row), record,
                       self.qualifier_codes(row), _optional(self.lower, row), _optional(self.upper, row),
                       _optional(self.confidence, row), area, self.written.get(row))

    def qualifier_codes(self, row: int) -> tuple[str, ...]:
        return () if self.qualifiers is None else qualifier_codes(int(self.qualifiers[row]))

    def rows_of(self, target: str) -> np.ndarray:
        """The rows of one target, in input order."""
        self._group()
        assert self._order is not None and self._groups is not None
        start, stop = self._groups.get(target, (0, 0))
        return self._order[start:stop]

    def _group(self) -> None:
        if self._groups is not None:
            return
        import numpy as np

        order = np.argsort(self.target, kind="stable")
        codes = self.target[order]
        present = np.unique(codes)
        starts, stops = np.searchsorted(codes, present, "left"), np.searchsorted(codes, present, "right")
        self._order = order
        self._groups = {self.ids[code]: (int(a), int(b)) for code, a, b in zip(present, starts, stops)}

    @property
    def readings(self) -> ReadingsView:
        """The readings by target id, each a list of Reading in input order (made on access)."""
        return ReadingsView(self)


class ReadingsView(Mapping[str, list[Reading]]):
    """A batch's readings by target id, as Reading objects: for code where one row at a time is clearer."""

    def __init__(self, batch: ReadingsBatch):
        self._batch = batch
        batch._group()

    def __getitem__(self, target: str) -> list[Reading]:
        assert self._batch._groups is not None
        if target not in self._batch._groups:
            raise KeyError(target)
        return [self._batch.reading(int(row)) for row in self._batch.rows_of(target)]

    def __iter__(self) -> Iterator[str]:
        assert self._batch._groups is not None
        return iter(self._batch._groups)

    def __len__(self) -> int:
        assert self._batch._groups is not None
        return len(self._batch._groups)


def _optional(column: np.ndarray | None, row: int) -> float | None:
    if column is None:
        return None
    value = float(column[row])
    return None if value != value else value  # NaN: not given


class ReadingsBuilder:
    """Collects readings row by row into compact arrays (4 to 8 bytes a cell), then settles duplicates."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.periods: dict[str, int] = {}  # label as written -> code
        self.period_list: list[Period] = []
        self.files: list[str] = []
        self.target = array("i")
        self.period = array("i")
        self.value = array("d")
        self.file = array("i")
        self.line = array("i")
        self.record: array | None = None
        self.numerator: array | None = None
        self.denominator: array | None = None
        # Optional columns, made the first time a row has one (so plain files cost nothing for them).
        self.qualifiers: array | None = None
        self.lower: array | None = None
        self.upper: array | None = None
        self.confidence: array | None = None
        self.area: array | None = None
        self.areas: dict[str, int] = {}
        # Targets tied to areas (issue 12): their rows for different areas are different readings.
        # Other targets' rows keep their area as written, but one period is one reading whatever it says.
        self.placed: set[str] = set()
        self.not_used: list[NotUsed] = []
        self.notes: dict[int, tuple[str | None, str | None]] = {}
        self.written: dict[int, tuple[float, str]] = {}
        self.suppressed: list[Suppressed] = []
        self.rejected: list[Rejected] = []
        self.rows = 0
        self.warnings: list[Problem] = []
        self.out_of_order = False  # some rows were added after later rows of their file: build() sorts by file and line

    def file_code(self, name: str) -> int:
        self.files.append(name)
        return len(self.files) - 1

    def target_code(self, target: str) -> int:
        code = self.ids.get(target)
        if code is None:
            code = self.ids[target] = len(self.ids)
        return code

    def period_code(self, text: str, period: Period) -> int:
        code = self.periods.get(text)
        if code is None:
            code = self.periods[text] = len(self.period_list)
            self.period_list.append(period)
        return code

    def add(self, target: str, period_text: str, period: Period, value: float, file: int, line: int, *,
            note: str | None = None, source: str | None = None, numerator: float | None = None,
            denominator: float | None = None, record: int | None = None, qualifiers: int = 0,
            lower: float | None = None, upper: float | None = None, confidence: float | None = None,
            area: str | None = None, written: tuple[float, str] | None = None) -> None:
        """One reading (the general path; the plain CSV loop appends to the arrays itself)."""
        row = len(self.value)
        self.target.append(self.target_code(target))
        self.period.append(self.period_code(period_text, period))
        self.value.append(value)
        self.file.append(file)
        self.line.append(line)
        if record is not None:
            self.record = _padded(self.record, row, "i")
            self.record.append(record)
        if numerator is not None:
            self.numerator = _padded(self.numerator, row, "d")
            self.numerator.append(numerator)
        if denominator is not None:
            self.denominator = _padded(self.denominator, row, "d")
            self.denominator.append(denominator)
        if qualifiers:
            self.qualifiers = _padded(self.qualifiers, row, "B")
            self.qualifiers.append(qualifiers)
        for name, number in (("lower", lower), ("upper", upper), ("confidence", confidence)):
            if number is not None:
                column = _padded(getattr(self, name), row, "d")
                column.append(number)
                setattr(self, name, column)
        if area is not None:
            code = self.areas.get(area)
            if code is None:
                code = self.areas[area] = len(self.areas)
            self.area = _padded(self.area, row, "i")
            self.area.append(code)
        if note is not None or source is not None:
            self.notes[row] = (note, source)
        if written is not None:
            self.written[row] = written

    def truncate(self, rows: int) -> None:
        """Take back the readings after the first `rows` (a file that must be read another way)."""
        for column in (self.target, self.period, self.value, self.file, self.line, *self._optional()):
            if column is not None and len(column) > rows:
                del column[rows:]
        for sparse in (self.notes, self.written):
            for row in [r for r in sparse if r >= rows]:
                del sparse[row]

    def _optional(self) -> tuple[array | None, ...]:
        return (self.record, self.numerator, self.denominator, self.qualifiers, self.lower, self.upper,
                self.confidence, self.area)

    def add_code(self, target: int, period: int, value: float, file: int, line: int, record: int) -> None:
        """One reading of a target and period already seen (their codes), from a JSON/YAML list."""
        row = len(self.value)
        self.target.append(target)
        self.period.append(period)
        self.value.append(value)
        self.file.append(file)
        self.line.append(line)
        self.record = _padded(self.record, row, "i")
        self.record.append(record)

    def build(self) -> ReadingsBatch:
        """The batch: for two readings of the same target and period the later row wins, taking the
        earlier row's place; the earlier is superseded (listed in the order of the rows that
        superseded them)."""
        import numpy as np

        n = len(self.value)
        (self.record, self.numerator, self.denominator, self.qualifiers, self.lower, self.upper, self.confidence,
         self.area) = (None if c is None else _padded(c, n, c.typecode) for c in self._optional())
        target = np.frombuffer(self.target, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        period = np.frombuffer(self.period, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        value = np.frombuffer(self.value, dtype=np.float64) if n else np.zeros(0)
        file = np.frombuffer(self.file, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        line = np.frombuffer(self.line, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        optional = [None if c is None else np.frombuffer(c, dtype=_DTYPES[c.typecode]) for c in self._optional()]
        notes, written = self.notes, self.written
        if self.out_of_order and n:
            # Rows a reader added late (settled at the end of their file) go back to their place.
            place = np.lexsort((line, file))
            target, period, value, file, line = (c[place] for c in (target, period, value, file, line))
            optional = [None if c is None else c[place] for c in optional]
            if notes or written:
                new_row = np.empty(n, dtype=np.int64)
                new_row[place] = np.arange(n)
                notes = {int(new_row[row]): text for row, text in notes.items()}
                written = {int(new_row[row]): given for row, given in written.items()}
        superseded: list[Superseded] = []
        same = np.zeros(0, dtype=bool)
        if n:
            period_keys = np.fromiter((p.key for p in self.period_list), dtype=np.int64, count=len(self.period_list))
            series, count = self._series(target, optional[-1])
            if _maybe_duplicates(series, period, period_keys, count):
                keys = period_keys[period]
                order = np.lexsort((keys, series))  # stable: equal (series, period) rows stay in input order
                same = (series[order][1:] == series[order][:-1]) & (keys[order][1:] == keys[order][:-1])
            if same.any():
                superseded = self._superseded(order, same, target, period, file, line)
                # Each group of equal rows keeps the first row's place and takes the last row's data.
                starts = np.flatnonzero(np.concatenate(([True], ~same)))
                stops = np.concatenate((starts[1:], [n]))
                multi = stops - starts > 1
                first, last = order[starts[multi]], order[stops[multi] - 1]
                keep = np.ones(n, dtype=bool)
                keep[order[np.flatnonzero(same) + 1]] = False  # every later row of a group
                target, period, value, file, line = (
                    _moved(c, first, last)[keep] for c in (target, period, value, file, line))
                optional = [None if c is None else _moved(c, first, last)[keep] for c in optional]
                notes = _moved_notes(notes, first.tolist(), last.tolist(), keep)
                written = _moved_notes(written, first.tolist(), last.tolist(), keep)
        record, numerator, denominator, qualifiers, lower, upper, confidence, area = optional
        return ReadingsBatch(tuple(self.ids), tuple(self.period_list), tuple(self.files), target, period, value, file,
                             line, record=record, numerator=numerator, denominator=denominator, notes=notes,
                             suppressed=self.suppressed, superseded=superseded, rejected=self.rejected, rows=self.rows,
                             warnings=self.warnings, qualifiers=qualifiers, lower=lower, upper=upper,
                             confidence=confidence, area=area, areas=tuple(self.areas), not_used=self.not_used,
                             written=written)


    def _series(self, target, area):  # numpy columns -> (series code per row, number of codes)
        """What makes a reading one of its own with the period: its target, and for a target tied to
        areas its area too."""
        import numpy as np

        if area is None or not self.placed:
            return target, len(self.ids)
        placed = np.zeros(len(self.ids), dtype=bool)
        placed[[self.ids[t] for t in self.placed if t in self.ids]] = True
        width = len(self.areas) + 1
        series = target.astype(np.int64) * width + np.where(placed[target], area + 1, 0)
        return series, len(self.ids) * width

    def _superseded(self, order, same, target, period, file, line) -> list[Superseded]:  # numpy columns
        """Each earlier row of a group, superseded by the next, listed in the order of the rows that
        superseded them."""
        import numpy as np

        names = list(self.ids)  # by code: ids are numbered in the order first seen
        found = []
        for at in np.flatnonzero(same):
            old, new = int(order[at]), int(order[at + 1])
            found.append((int(file[new]), int(line[new]), Superseded(
                self.files[file[old]], int(line[old]), names[target[old]], self.period_list[period[old]].label,
                int(line[new]), self.files[file[new]])))
        found.sort(key=lambda item: item[:2])
        return [item[2] for item in found]


def _maybe_duplicates(target, period, period_keys, targets: int) -> bool:  # numpy columns
    """Whether two rows may share a target and period. Most batches have no duplicates; counting
    each (target, period) pair in a table finds that in one pass, where sorting a million rows to
    look takes several times as long (benchmarks/bench_peers.py). A table too large to be worth
    it answers "maybe", and the sort decides."""
    import numpy as np

    distinct, rank = np.unique(period_keys, return_inverse=True)  # labels of one period share a rank
    cells = targets * len(distinct)
    if cells > 8 * len(target) + 1_000_000:
        return True
    counts = np.bincount(target.astype(np.int64) * len(distinct) + rank.ravel()[period], minlength=cells)
    return bool(counts.max() > 1)


def _moved(column, first, last):  # numpy arrays
    """A copy of the column with each group's last value in its first row's place."""
    column = column.copy()
    column[first] = column[last]
    return column


def _moved_notes(notes: Mapping[int, T], first: list[int], last: list[int], keep) -> dict[int, T]:
    """The notes (or any sparse column) after settling: each group's last note in its first row's
    place, rows renumbered past the dropped ones."""
    if not notes:
        return {}
    import numpy as np

    moved = dict(notes)
    for a, b in zip(first, last):
        moved.pop(a, None)
        if b in notes:
            moved[a] = notes[b]
    new_row = np.cumsum(keep) - 1
    return {int(new_row[row]): text for row, text in moved.items() if keep[row]}


_DTYPES = {"i": "int32", "d": "float64", "B": "uint8"}
_NOT_GIVEN = {"i": -1, "d": float("nan"), "B": 0}


def _padded(column: array | None, rows: int, typecode: str) -> array:
    """An optional column filled up to `rows` (-1, NaN or no bits: not given), made the first time a row has it."""
    if column is None:
        column = array(typecode)
    missing = rows - len(column)
    if missing > 0:
        column.extend(array(typecode, [_NOT_GIVEN[typecode]]) * missing)
    return column
