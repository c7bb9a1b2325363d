"""JSON, the contract for other tools and CI (docs/json-output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..evaluation import Evaluation, TargetResult
from ..problems import Problem
from ..readings import Reading, ReadingsBatch
from ..verdicts import Verdict


def problems(items: Sequence[Problem], files_checked: int) -> str:
    return json.dumps({"files_checked": files_checked, "problems": [p.as_dict() for p in items]}, indent=2) + "\n"


def _reading(verdict: Verdict, reading: Reading) -> dict[str, Any]:
    return {
        "period": verdict.period.label,
        "date": verdict.date.isoformat(),
        "value": verdict.value,
        "expected": verdict.expected,
        "shortfall": verdict.shortfall,
        "tolerance": verdict.tolerance,
        "status": verdict.status,
        "breach": verdict.breach,
        "explanation": verdict.explanation,
        "file": reading.file,
        "line": reading.line,
    }


def _target(result: TargetResult) -> dict[str, Any]:
    t = result.target
    readings = [_reading(v, r) for v, r in zip(result.verdicts, result.readings, strict=True)]
    return {
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
        "latest": readings[-1] if readings else None,
        "readings": readings,
    }


def evaluation_dict(evaluation: Evaluation, batch: ReadingsBatch) -> dict[str, Any]:
    return {
        "as_of": evaluation.as_of.isoformat() if evaluation.as_of else None,
        "targets": [_target(r) for r in evaluation.results],
        "suppressed": [
            {"file": s.file, "line": s.line, "target": s.target, "period": s.period, "symbol": s.symbol}
            for s in batch.suppressed
        ],
        "superseded": [
            {"file": s.file, "line": s.line, "target": s.target, "period": s.period,
             "by": {"file": s.by_file, "line": s.by_line}}
            for s in batch.superseded
        ],
        "rejected": [{"file": r.file, "line": r.line, "reason": r.reason} for r in batch.rejected],
    }


def evaluation(evaluation: Evaluation, batch: ReadingsBatch) -> str:
    # Compact: with `indent`, the json module falls back from its C encoder to pure Python (5x slower).
    return json.dumps(evaluation_dict(evaluation, batch), separators=(",", ":"), allow_nan=False) + "\n"
