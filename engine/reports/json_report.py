"""JSON, the contract for other tools and CI (docs/json-output.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from functools import partial
from json.encoder import encode_basestring_ascii as _string  # json.dumps's own escaping of one string
from typing import TYPE_CHECKING, Any, TextIO

from engine.model.problems import Problem

if TYPE_CHECKING:  # only named in annotations: `validate --format json` must not load the evaluation engine
    from engine.verdicts.evaluation import Evaluation, TargetResult
    from engine.sources.readings import ReadingsBatch


# Compact: with `indent`, the json module falls back from its C encoder to pure Python (5x slower).
_dumps = partial(json.dumps, separators=(",", ":"), allow_nan=False)


def problems(items: Sequence[Problem], files_checked: int) -> str:
    return json.dumps({"files_checked": files_checked, "problems": [p.as_dict() for p in items]}, indent=2) + "\n"


def _target_json(result: TargetResult) -> Iterator[str]:
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
    if not result.readings:
        yield head[:-1] + ',"latest":null,"readings":[]}'
        return
    yield head[:-1] + ',"readings":['
    judge = result.judge.judge
    number = float.__repr__  # exactly what json.dumps writes for a float
    files: dict[str, str] = {}
    item = separator = ""
    for reading in result.readings:
        period, _, value, expected, shortfall, tolerance, status, breach, _, why = judge(reading.period, reading.value)
        if expected is not None and expected - expected:
            _not_finite(expected)  # values are finite when read; shortfall and tolerance follow expected
        file_json = files.get(reading.file)
        if file_json is None:
            file_json = files[reading.file] = _string(reading.file)
        # Written by hand rather than through json.dumps (a million small objects). Period labels,
        # dates and statuses are ASCII without quotes or backslashes; the explanation and file are
        # escaped by json's own function.
        item = (f'{{"period":"{period.label}","date":"{period.iso_end}","value":{number(value)},'
                f'"expected":{"null" if expected is None else number(expected)},'
                f'"shortfall":{"null" if shortfall is None else number(shortfall)},'
                f'"tolerance":{"null" if tolerance is None else number(tolerance)},'
                f'"status":"{status}","breach":{"true" if breach else "false"},'
                f'"explanation":{_string(why)},"file":{file_json},"line":{reading.line}}}')
        yield separator + item
        separator = ","
    # `latest` after `readings`: the same object, written without judging the reading twice.
    yield '],"latest":' + item + "}"


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


def write_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO) -> None:
    """Stream the report: memory stays that of one target's readings, not of the whole report."""
    as_of = evaluation.as_of.isoformat() if evaluation.as_of else None
    out.write('{"as_of":' + _dumps(as_of) + ',"targets":[')
    for i, result in enumerate(evaluation.results):
        if i:
            out.write(",")
        out.write("".join(_target_json(result)))
    out.write("]," + _dumps(_others(batch))[1:] + "\n")


def evaluation_text(evaluation: Evaluation, batch: ReadingsBatch) -> str:
    buffer = io.StringIO()
    write_evaluation(evaluation, batch, buffer)
    return buffer.getvalue()

