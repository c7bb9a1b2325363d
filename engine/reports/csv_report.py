"""CSV for analysts: one row per judged reading, one for each target with no readings, and one for
each input row that did not become a reading (suppressed, superseded, rejected, not used), so
nothing is lost. The `row` column says which kind a row is (reading, no_data, after_as_of,
suppressed, superseded, rejected, not_used)."""

from __future__ import annotations

import csv
import io
from typing import TextIO

from engine.verdicts.evaluation import Evaluation, Standing
from engine.model.readings import ReadingsBatch
from engine.model.safetext import csv_cell
from engine.reports.base import Reporter

HEADER = ("target", "title", "unit", "target_status", "stale", "period", "date", "value", "expected",
          "shortfall", "tolerance", "status", "breach", "breach_reason", "explanation", "row",
          # Added with issue 11, after `row` so that readers counting columns still find theirs.
          "interval_lower", "interval_upper", "interval_confidence", "interval_method", "significant",
          # Added with issue 12 (areas and comparator groups), after those, for the same reason.
          "area", "rank", "of", "quartile", "group_median", "benchmark_area", "benchmark_value", "comparison", "basis")


# Columns of text, each cell made formula-safe (csv_cell); the numeric columns (value, expected,
# shortfall, tolerance, the interval's limits and confidence) are written by the program as numbers
# and left as they are.
TEXT_COLUMNS = frozenset(("target", "title", "unit", "target_status", "stale", "period", "date", "status",
                          "breach", "breach_reason", "explanation", "row", "interval_method", "significant",
                          "area", "benchmark_area", "comparison", "basis"))
_NO_INTERVAL = ("",) * 5  # the interval columns of a row that is not a judged reading
_NO_STANDING = ("",) * 8  # the standing columns after `area`, where a row has no standing
_NO_AREA = ("",) * 9  # the area and standing columns of a row that is no target's reading
_TEXT = tuple(name in TEXT_COLUMNS for name in HEADER)


def _num(value: float | None) -> str:
    return "" if value is None else repr(value)


def _whole(value: int | None) -> str:
    return "" if value is None else str(value)


def _standing(standing: Standing | None) -> tuple[str, ...]:
    """rank, of, quartile, group_median, benchmark_area, benchmark_value, comparison, basis: empty
    where the reading has none (no comparators or benchmark, or none with a value that period), as
    the JSON's nulls."""
    if standing is None:
        return _NO_STANDING
    s = standing
    # The benchmark as the JSON's `benchmark`: all four given when compared that period, else none.
    against = (s.benchmark_area or "", _num(s.benchmark_value), s.comparison or "", s.basis or "") \
        if s.comparison is not None else ("",) * 4
    return (_whole(s.rank), _whole(s.of), _whole(s.quartile), _num(s.group_median)) + against


class _SafeWriter:
    """csv.writer whose text cells cannot start a spreadsheet formula or carry a control character."""

    def __init__(self, out: TextIO):
        self._writer = csv.writer(out, lineterminator="\n")
        self._safe: dict[str, str] = {}  # the same few titles, ids and labels, made safe once

    def writerow(self, row: tuple[str, ...]) -> None:
        safe = self._safe
        cells = []
        for is_text, cell in zip(_TEXT, row, strict=True):
            if is_text and cell:
                shown = safe.get(cell)
                if shown is None:
                    shown = csv_cell(cell)
                    if len(safe) < 100_000:  # explanations are mostly distinct: keep the cache bounded
                        safe[cell] = shown
                cell = shown
            cells.append(cell)
        self._writer.writerow(cells)


def evaluation(evaluation: Evaluation, batch: ReadingsBatch) -> str:
    out = io.StringIO()
    write_evaluation(evaluation, batch, out)
    return out.getvalue()


# Excel reads a CSV file as the system's code page (Windows-1252 in the UK: `£` becomes `Â£`)
# unless it starts with a byte order mark; with one it reads UTF-8. `--excel` writes it.
BOM = "\ufeff"


def write_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, excel: bool = False) -> None:
    """Streamed, as the JSON report is: rows are written as readings are judged. excel: the
    file starts with a byte order mark (the stream must encode UTF-8)."""
    if excel:
        out.write(BOM)
    writer = _SafeWriter(out)
    writer.writerow(HEADER)
    for result in evaluation.results:
        t = result.target
        common = (t.id, t.title, t.measure.unit, result.status, str(result.stale).lower())
        area = (t.area or "",)
        if not result.count:
            writer.writerow(common + ("", "", "", "", "", "", "no_data", "false", "", "no readings", "no_data")
                            + _NO_INTERVAL + area + _NO_STANDING)
        for v in result.iter_verdicts():
            iv = v.interval
            interval = _NO_INTERVAL[:4] if iv is None else (_num(iv.lower), _num(iv.upper), _num(iv.confidence), iv.method)
            writer.writerow(common + (v.period.label, v.date.isoformat(), _num(v.value), _num(v.expected),
                                      _num(v.shortfall), _num(v.tolerance), v.status, str(v.breach).lower(),
                                      v.breach_reason or "", v.explanation, "reading") + interval
                            + ("" if v.significant is None else str(v.significant).lower(),) + area
                            + _standing(v.standing))
        for r in result.left_out:
            writer.writerow(common + (r.period.label, r.period.end.isoformat(), _num(r.value)) + ("",) * 6
                            + (f"{r.file}:{r.line}: dated after the as-of date, so not judged", "after_as_of") + _NO_INTERVAL
                            + area + _NO_STANDING)
    blank = ("",) * 14
    for x in batch.suppressed:
        writer.writerow((x.target, "", "", "", "", x.period) + ("",) * 8 + (f"{x.where}: suppressed ({x.symbol})", "suppressed")
                        + _NO_INTERVAL + _NO_AREA)
    for x in batch.superseded:
        writer.writerow((x.target, "", "", "", "", x.period) + ("",) * 8
                        + (f"{x.file}:{x.line}: superseded by {x.by_file}:{x.by_line}", "superseded") + _NO_INTERVAL
                        + _NO_AREA)
    for x in batch.rejected:
        writer.writerow(blank + (f"{x.where}: {x.reason}", "rejected") + _NO_INTERVAL + _NO_AREA)
    for x in batch.not_used:
        writer.writerow((x.target, "", "", "", "", x.period) + ("",) * 8 + (f"{x.where}: not used: {x.reason}", "not_used")
                        + _NO_INTERVAL + _NO_AREA)


class CsvReporter(Reporter):
    """CSV for analysts: a row per reading, and one for every input row that is not one."""

    name = "csv"

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, explain: str = "readings") -> None:
        write_evaluation(evaluation, batch, out)


REPORTER = CsvReporter()
