"""JSON, the contract for other tools and CI (docs/json-output.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from functools import partial
from json.encoder import encode_basestring_ascii as _string  # json.dumps's own escaping of one string
from typing import TYPE_CHECKING, Any, TextIO

from engine.model.problems import Problem
from engine.reports.base import Reporter
from engine.verdicts.statuses import ALL_STATUSES

if TYPE_CHECKING:  # only named in annotations: `validate --format json` must not load the evaluation engine
    from engine.verdicts.evaluation import Evaluation, TargetResult
    from engine.model.readings import ReadingsBatch


# Compact: with `indent`, the json module falls back from its C encoder to pure Python (5x slower).
_dumps = partial(json.dumps, separators=(",", ":"), allow_nan=False)


def problems(items: Sequence[Problem], files_checked: int) -> str:
    return json.dumps({"files_checked": files_checked, "problems": [p.as_dict() for p in items]}, indent=2) + "\n"


def _target_json(result: TargetResult, explain: str = "readings") -> Iterator[str]:
    """One target's object in pieces, its readings judged as they are written (none kept)."""
    t = result.target
    head = _dumps({
        "id": t.id,
        "title": t.title,
        "unit": t.measure.unit,
        "polarity": t.measure.polarity,
        "spec_status": t.status,
        "status": result.status,
        "breach": result.breach,
        "breach_reason": result.breach_reason,
        "stale": result.stale,
        "explanation": result.explanation,
        "after_as_of": result.after_as_of,
    })
    if not result.count:
        yield head[:-1] + ',"latest":null,"readings":[]}'
        return
    yield head[:-1] + ',"readings":['
    judged, index = result.judged, result.index
    batch, d = judged.batch, judged.decisions
    rows = judged.rows[result.start:result.stop]
    # Columns to Python values a target at a time (tolist is C): the loop below formats only.
    periods = batch.period[rows].tolist()
    values = batch.value[rows].tolist()
    lines = batch.line[rows].tolist()
    file_codes = batch.file[rows].tolist()
    part = slice(result.start, result.stop)
    expecteds, shortfalls, tolerances = d.expected[part].tolist(), d.shortfall[part].tolist(), d.tolerance[part].tolist()
    statuses, breaches = d.status[part].tolist(), d.breach[part].tolist()
    # --explain targets: a sentence for each target's latest reading only (most of the report's size
    # and time is a sentence for every reading).
    every = explain == "readings"
    sentences = judged.sentences(index, result.start, result.stop) if every else None
    labels, ends = {}, {}
    number = float.__repr__  # exactly what json.dumps writes for a float
    files: dict[int, str] = {}
    item = separator = ""
    for i in range(result.stop - result.start):
        code = periods[i]
        label = labels.get(code)
        if label is None:
            period = batch.periods[code]
            label = labels[code] = period.label
            ends[code] = period.iso_end
        expected, shortfall, tolerance = expecteds[i], shortfalls[i], tolerances[i]
        if expected in _INFINITE:
            _not_finite(expected)  # values are finite when read; shortfall and tolerance follow expected
        file_json = files.get(file_codes[i])
        if file_json is None:
            file_json = files[file_codes[i]] = _string(batch.files[file_codes[i]])
        # Written by hand rather than through json.dumps (a million small objects), field by field
        # by name. Period labels, dates and statuses are ASCII without quotes or backslashes; the
        # explanation and file are escaped by json's own function. NaN in a column: null.
        numbers = (f'{{"period":"{label}","date":"{ends[code]}","value":{number(values[i])},'
                   f'"expected":{"null" if expected != expected else number(expected)},'
                   f'"shortfall":{"null" if shortfall != shortfall else number(shortfall)},'
                   f'"tolerance":{"null" if tolerance != tolerance else number(tolerance)},'
                   f'"status":"{ALL_STATUSES[statuses[i]]}","breach":{"true" if breaches[i] else "false"},')
        where = f'"file":{file_json},"line":{lines[i]}}}'
        item = numbers + (f'"explanation":{_string(sentences[i])},' if sentences is not None else "") + where
        yield separator + item
        separator = ","
    if not every:  # the latest reading's own sentence, in `latest` only
        item = numbers + f'"explanation":{_string(result.latest_sentence)},' + where
    # `latest` after `readings`: the same object, written without judging the reading twice.
    yield '],"latest":' + item + "}"


_INFINITE = (float("inf"), float("-inf"))


def _not_finite(value: float) -> None:
    # json.dumps(allow_nan=False) refused these too; the spec rules keep every path finite.
    raise ValueError(f"an expected value of {value} cannot be written as JSON")


def _others(batch: ReadingsBatch) -> dict[str, Any]:
    return {
        "suppressed": [
            {"file": s.file, "line": s.line, "target": s.target, "period": s.period, "symbol": s.symbol}
            for s in batch.suppressed
        ],
        "superseded": [
            {"file": s.file, "line": s.line, "target": s.target, "period": s.period,
             "by": {"file": s.by_file, "line": s.by_line}}
            for s in batch.superseded
        ],
        "rejected": [{"file": r.file, "line": r.line, "record": r.record, "reason": r.reason} for r in batch.rejected],
    }


def write_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, explain: str = "readings") -> None:
    """Stream the report: memory stays that of one target's readings, not of the whole report."""
    as_of = evaluation.as_of.isoformat() if evaluation.as_of else None
    out.write('{"as_of":' + _dumps(as_of) + ',"targets":[')
    for i, result in enumerate(evaluation.results):
        if i:
            out.write(",")
        out.write("".join(_target_json(result, explain)))
    out.write("]," + _dumps(_others(batch))[1:] + "\n")


def evaluation_text(evaluation: Evaluation, batch: ReadingsBatch, explain: str = "readings") -> str:
    buffer = io.StringIO()
    write_evaluation(evaluation, batch, buffer, explain)
    return buffer.getvalue()


class JsonReporter(Reporter):
    """JSON, the contract for other tools (docs/json-output.md)."""

    name = "json"

    def problems(self, items: Sequence[Problem], files_checked: int, out: TextIO, *, quiet: bool = False) -> None:
        out.write(problems(items, files_checked))  # the whole record, always: quiet is for people

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, explain: str = "readings") -> None:
        write_evaluation(evaluation, batch, out, explain)

    def diff(self, result, out: TextIO) -> None:  # result: DiffResult
        from engine.reports import diff_formats

        out.write(diff_formats.as_json(result))


REPORTER = JsonReporter()
