"""A workbook for the people who keep the figures in spreadsheets (`evaluate --format xlsx -o FILE`).

Three sheets: Targets (one row per target: its status, in a cell filled with the status colour
beside the word, and why), Readings (one row per reading judged, or left out after the as-of
date) and Not used (every input row that did not become a reading: rejected, suppressed,
superseded, not used, with where and why). Header rows frozen, columns sized, numbers written as
numbers and text as text: a text cell is written as a string (never a formula), shown through
safetext.visible, and one that would start a formula if retyped is marked with Excel's quote prefix.
Written with XlsxWriter (imported only for this format) to bytes that reports/outputs.py writes
atomically.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from engine.model.safetext import visible
from engine.reports.base import Reporter
from engine.verdicts.explain import area_words
from engine.verdicts.statuses import RAG, STATUS_WORDS

if TYPE_CHECKING:
    from engine.model.readings import ReadingsBatch
    from engine.verdicts.evaluation import Evaluation, Standing

MAX_ROWS = 1_048_576  # Excel's rows per sheet
MAX_CELL = 32_767  # Excel's characters per cell
# Excel's own fills for good, neutral and bad (Home > Cell Styles), and a light grey.
FILLS = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE", "grey": "#E7E6E6"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TARGET_COLUMNS = (("id", 28), ("title", 40), ("unit", 12), ("status", 14), ("breach", 9), ("stale", 8),
                  ("provisional", 12), ("latest period", 16), ("latest value", 13), ("expected", 12), ("explanation", 100),
                  # Issue 12, after the explanation so that the columns before keep their places.
                  ("area", 12), ("area name", 24))
READING_COLUMNS = (("target", 28), ("period", 16), ("date", 12), ("value", 12), ("expected", 12), ("shortfall", 12),
                   ("tolerance", 12), ("status", 14), ("breach", 9), ("qualifiers", 16), ("file", 30), ("line", 8),
                   ("explanation", 100),
                   # Issue 12: how the reading stands among its comparators group and against its benchmark.
                   ("area", 12), ("rank", 7), ("of", 6), ("quartile", 9), ("group median", 13), ("benchmark area", 15),
                   ("benchmark value", 15), ("comparison", 11), ("basis", 9))
OTHER_COLUMNS = (("row", 12), ("where", 40), ("target", 28), ("period", 16), ("why", 100))


class _Sheet:
    """One worksheet written row by row: text as strings (quote-prefixed where retyping would make
    a formula), numbers as numbers, None as a blank cell."""

    def __init__(self, book: Any, name: str, columns: tuple[tuple[str, int], ...], formats: dict[str, Any]):
        self.sheet = book.add_worksheet(name)
        self.formats = formats
        self.row = 0
        self.cut = 0
        for c, (heading, width) in enumerate(columns):
            self.sheet.set_column(c, c, width)
            self.sheet.write_string(0, c, heading, formats["head"])
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def write(self, cells: tuple[Any, ...], fills: dict[int, str] | None = None) -> None:
        if self.row >= MAX_ROWS - 1:
            self.cut += 1
            return
        for c, value in enumerate(cells):
            fill = self.formats.get(fills[c]) if fills and c in fills else None
            if value is None or value == "":
                if fill is not None:
                    self.sheet.write_blank(self.row, c, None, fill)
                continue
            if isinstance(value, bool):
                self.sheet.write_boolean(self.row, c, value, fill)
            elif isinstance(value, (int, float)):
                self.sheet.write_number(self.row, c, value, fill)
            else:
                text = visible(str(value))[:MAX_CELL]
                style = fill if fill is not None else self.formats["quoted"] if text.startswith(_FORMULA_START) else None
                self.sheet.write_string(self.row, c, text, style)
        self.row += 1

    def close(self) -> None:
        if self.cut:  # never silently: the last row says how many more there are
            self.sheet.write_string(self.row, 0, f"... and {self.cut:,} more rows than a sheet holds: "
                                                 "`--format csv` or `json` lists every one")


def _standing(standing: Standing | None) -> tuple[Any, ...]:
    """rank, of, quartile, group median, then the benchmark's area, value, comparison and basis
    (all four when compared that period, as the JSON's `benchmark`); blank where none."""
    if standing is None:
        return (None,) * 8
    s = standing
    against = (s.benchmark_area, s.benchmark_value, s.comparison, s.basis) if s.comparison is not None else (None,) * 4
    return (s.rank, s.of, s.quartile, s.group_median) + against


def workbook(evaluation: Evaluation, batch: ReadingsBatch) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    formats = {"head": book.add_format({"bold": True, "bottom": 1}), "quoted": book.add_format({"quote_prefix": True})}
    for rag, colour in FILLS.items():
        formats[rag] = book.add_format({"bg_color": colour})
    targets = _Sheet(book, "Targets", TARGET_COLUMNS, formats)
    readings = _Sheet(book, "Readings", READING_COLUMNS, formats)
    others = _Sheet(book, "Not used", OTHER_COLUMNS, formats)
    for result in evaluation.results:
        t = result.target
        latest = result.latest
        names = result.judged.areas.names if result.judged.areas is not None else None
        targets.write((t.id, t.title, t.measure.unit, STATUS_WORDS[result.status], result.breach, result.stale,
                       result.provisional, latest.period.label if latest else None, latest.value if latest else None,
                       latest.expected if latest else None, result.explanation, t.area,
                       area_words(t.area, names) if t.area else None), {3: RAG[result.status]})
        for r, v in zip(result.readings, result.iter_verdicts()):
            readings.write((t.id, v.period.label, v.date.isoformat(), v.value, v.expected, v.shortfall, v.tolerance,
                            STATUS_WORDS[v.status], v.breach, " ".join(v.qualifiers), r.file, r.line, v.explanation,
                            t.area) + _standing(v.standing), {7: RAG[v.status]})
        for r in result.left_out:
            readings.write((t.id, r.period.label, r.period.end.isoformat(), r.value, None, None, None,
                            "after the as-of date", False, " ".join(r.qualifiers), r.file, r.line,
                            "dated after the as-of date, so not judged", t.area))
    for x in batch.rejected:
        others.write(("rejected", x.where, None, None, x.reason))
    for x in batch.not_used:
        others.write(("not used", x.where, x.target, x.period, x.reason))
    for x in batch.suppressed:
        others.write(("suppressed", x.where, x.target, x.period, f"suppressed ({x.symbol})"))
    for x in batch.superseded:
        others.write(("superseded", f"{x.file}:{x.line}", x.target, x.period, f"superseded by {x.by_file}:{x.by_line}"))
    for sheet in (targets, readings, others):
        sheet.close()
    book.close()
    return buffer.getvalue()


class XlsxReporter(Reporter):
    """A workbook: binary, so written to a file (`-o`), never to a terminal."""

    name = "xlsx"

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO | BinaryIO, *,
                   explain: str = "readings") -> None:
        target = getattr(out, "buffer", out)  # a text stream's bytes underneath it
        target.write(workbook(evaluation, batch))


REPORTER = XlsxReporter()
