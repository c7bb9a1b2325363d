"""One Reporter interface, and the formats by name (check-jsonschema's shape, learnt from, not copied).

A reporter formats results it is given: spec problems (`validate`), an evaluation (`evaluate`)
or a goalpost comparison (`diff`). It never judges a reading again: the decisions and their
sentences come with the results. Each format's module defines `REPORTER`, an instance of a
subclass of `Reporter` that does what that format can; the registry names the module, so a
command imports only the format it writes (`validate` must not load the evaluation engine).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from engine.diff.compare import DiffResult
    from engine.model.problems import Problem
    from engine.model.readings import ReadingsBatch
    from engine.verdicts.evaluation import Evaluation


# Rows listed one by one in the formats people read at a terminal or in a step summary (which holds
# 1 MB at most); the JSON and CSV list every row, and say so where a list is cut.
LISTED = 50


class Unsupported(Exception):
    """This format does not write this kind of result."""


class Reporter:
    """An output format. Each method writes one kind of result to `out`; a format that cannot
    write a kind raises Unsupported (the CLI offers each command only the formats that can)."""

    name = ""

    def problems(self, items: Sequence[Problem], files_checked: int, out: TextIO, *, quiet: bool = False) -> None:
        raise Unsupported(f"{self.name} does not write spec problems")

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, explain: str = "readings") -> None:
        raise Unsupported(f"{self.name} does not write evaluations")

    def diff(self, result: DiffResult, out: TextIO) -> None:
        raise Unsupported(f"{self.name} does not write goalpost comparisons")


@dataclass(frozen=True)
class RowCounts:
    """What became of the readings read, for a report's footer: used (judged), dated after the
    as-of date, and those of other areas kept to compare with (never judged); and the readings
    worked out for derived ranks (judged, but not read)."""

    used: int
    later: int
    comparators: int
    derived: int


def row_counts(evaluation: Evaluation, batch: ReadingsBatch) -> RowCounts:
    """The counts of `batch` (the readings read; the evaluation's own batch also holds the derived
    readings, appended after the rows read, and either may be given)."""
    read_rows = evaluation.batch.count() - evaluation.derived  # rows at or past this one were worked out
    # Comparator readings dated after the as-of date were not compared with: counted as left out.
    later = sum(1 for r in evaluation.results for row in r.later if row < read_rows) + evaluation.comparators_later
    read = min(batch.count(), read_rows)
    compared = evaluation.comparators - evaluation.comparators_later
    return RowCounts(read - later - compared, later, compared, evaluation.derived - evaluation.derived_later)


# Format name -> the module that defines its REPORTER.
FORMATS: dict[str, str] = {
    "text": "engine.reports.text",
    "json": "engine.reports.json_report",
    "github": "engine.reports.github",
    "csv": "engine.reports.csv_report",
    "markdown": "engine.reports.markdown",
    "table": "engine.reports.table",
    "xlsx": "engine.reports.xlsx_report",
}


def reporter(name: str) -> Reporter:
    """The reporter of a format, its module imported now."""
    return importlib.import_module(FORMATS[name]).REPORTER
