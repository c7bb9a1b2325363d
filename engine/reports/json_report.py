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
    import numpy as np

    from engine.verdicts.evaluation import Evaluation, TargetResult
    from engine.model.readings import ReadingsBatch


# Compact: with `indent`, the json module falls back from its C encoder to pure Python (5x slower).
_dumps = partial(json.dumps, separators=(",", ":"), allow_nan=False)


def problems(items: Sequence[Problem], files_checked: int) -> str:
    return json.dumps({"files_checked": files_checked, "problems": [p.as_dict() for p in items]}, indent=2) + "\n"


# Readings formatted together: the report is written a chunk of targets at a time, so memory stays
# that of one chunk's text (some 15 MB), not the whole report's.
_CHUNK = 16_384


def _heads(chunk: Sequence[TargetResult]) -> list[str]:
    """Each target's own fields, up to where its readings start, for a chunk of targets at once: as
    the readings are, each field a column of JSON text (numbers formatted in compiled code), joined
    by polars; the trend, projection, progress and outcome read from their columns for the chunk at
    once. A spec of 317 areas is 317 targets: json.dumps of each target's head took some 25 us."""
    import numpy as np
    import polars as pl

    judged = chunk[0].judged
    index = np.array([r.index for r in chunk], dtype=np.int64)
    targets = [r.target for r in chunk]
    area = [',"area":' + _string(t.area) if t.area is not None else "" for t in targets]  # issue 12
    columns = {
        "id": [t.id for t in targets], "title": [t.title for t in targets],
        "unit": [t.measure.unit for t in targets], "polarity": [t.measure.polarity for t in targets],
        "spec_status": [t.status for t in targets], "status": [r.status for r in chunk],
        "breach": [r.breach for r in chunk], "breach_reason": [r.breach_reason for r in chunk],
        "stale": [r.stale for r in chunk], "provisional": [r.provisional for r in chunk],
        "explanation": [r.explanation for r in chunk], "after_as_of": [r.after_as_of for r in chunk],
    }
    outcomes = _outcomes(chunk)
    objects = {"outcome": _object_texts(outcomes, [s is not None for s in outcomes["status"]])}
    a = judged.assessments
    if a is None:
        objects.update({name: _object_texts({}, [False] * len(chunk)) for name in ("trend", "projection", "progress")})
    else:
        everyone = [True] * len(chunk)
        projection = a.projections.fields(index)
        # `date` is the target date (null without a target level); `reaches_target_on` a day.
        goals = [t.goal for t in targets]
        dated = [g.period.end.isoformat() if g is not None and g.value is not None else None for g in goals]
        projection["reaches_target_on"] = [d.isoformat() if d is not None else None
                                           for d in projection["reaches_target_on"]]
        projection = {"value": projection.pop("value"), "date": dated, **projection}
        objects.update(trend=_object_texts(a.trends.fields(index), everyone),
                       projection=_object_texts(projection, everyone),
                       progress=_object_texts(a.progresses.fields(index), everyone))
    frame = pl.DataFrame({"area": pl.Series(area, dtype=pl.String),
                          **{name: _value_texts(values) for name, values in columns.items()}, **objects})
    pieces: list[Any] = [pl.lit('{"id":'), pl.col("id"), pl.col("area")]
    for name in [*list(columns)[1:], *objects]:
        pieces += [pl.lit(f',"{name}":'), pl.col(name)]
    return frame.select(pl.concat_str(pieces)).to_series().to_list()


def _value_texts(values: Sequence[Any]):  # -> polars Series of str
    """Each value as json.dumps writes it (strings escaped as it escapes them, numbers as repr,
    true, false, null); a column of floats formatted in compiled code (_number_texts)."""
    import numpy as np
    import polars as pl

    kinds = set(map(type, values)) - {type(None)}
    if not kinds:
        return pl.Series(["null"] * len(values), dtype=pl.String)
    if kinds == {float}:
        return _number_texts(np.array([np.nan if v is None else v for v in values], dtype=np.float64))
    if kinds == {str}:
        texts = ["null" if v is None else _string(v) for v in values]
    elif kinds == {bool}:
        texts = ["null" if v is None else "true" if v else "false" for v in values]
    elif kinds == {int}:
        texts = ["null" if v is None else int.__repr__(v) for v in values]
    else:  # of several kinds
        texts = [_dumps(v) for v in values]
    return pl.Series(texts, dtype=pl.String)


def _object_texts(fields: dict[str, Sequence[Any]], given: Sequence[bool]):  # -> polars Series of str
    """A flat JSON object for each row given (its fields, in order, a column each), else null."""
    import polars as pl

    if not fields or not any(given):
        return pl.Series(["null"] * len(given), dtype=pl.String)
    frame = pl.DataFrame({f"c{i}": _value_texts(values) for i, values in enumerate(fields.values())}
                         | {"given": list(given)})
    pieces: list[Any] = []
    for i, key in enumerate(fields):
        pieces += [pl.lit(("{" if i == 0 else ",") + _string(key) + ":"), pl.col(f"c{i}")]
    text = pl.concat_str([*pieces, pl.lit("}")])
    return frame.select(pl.when(pl.col("given")).then(text).otherwise(pl.lit("null"))).to_series()


def _outcomes(chunk: Sequence[TargetResult]) -> dict[str, list[Any]]:
    """The reading that settled each dated target's outcome (its status is the target's), field by
    field: `period`, `date`, `value`, `status`, None for a target not concluded."""
    import numpy as np

    n = len(chunk)
    out: dict[str, list[Any]] = {"period": [None] * n, "date": [None] * n, "value": [None] * n, "status": [None] * n}
    concluded = [k for k, r in enumerate(chunk) if r.settled >= 0]
    if not concluded:
        return out
    # From the columns, as the readings are written (result.outcome would word a sentence for it).
    judged = chunk[0].judged
    settled = np.array([chunk[k].settled for k in concluded], dtype=np.int64)
    rows, batch = judged.rows[settled], judged.batch
    for k, period, value, status in zip(concluded, batch.period[rows].tolist(), batch.value[rows].tolist(),
                                        judged.decisions.status[settled].tolist()):
        period = batch.periods[period]
        out["period"][k], out["date"][k], out["value"][k] = period.label, period.iso_end, value
        out["status"][k] = ALL_STATUSES[status]
    return out


class _Tables:
    """The JSON text of every period label, period end, file and status, made once per report."""

    def __init__(self, batch: ReadingsBatch, standings: Any = None):  # standings: verdicts.standings.Standings
        import numpy as np
        import polars as pl

        self.labels = pl.Series([_string(p.label) for p in batch.periods], dtype=pl.String)
        self.dates = pl.Series([f'"{p.iso_end}"' for p in batch.periods], dtype=pl.String)
        self.files = pl.Series([_string(f) for f in batch.files], dtype=pl.String)
        self.statuses = pl.Series([f'"{s}"' for s in ALL_STATUSES], dtype=pl.String)
        self.breach = pl.Series(["false", "true"], dtype=pl.String)
        # Per target: whether its readings say how they compare (issue 12), and its benchmark area
        # as JSON text (a code into `benchmarks`). Once per report: a chunk gathers its own.
        self.compared = self.benchmark = self.benchmarks = None
        if standings is not None and standings.any:
            self.compared = np.array([g is not None or b is not None
                                      for g, b in zip(standings.groups, standings.benchmark_areas)], dtype=bool)
            areas = list(dict.fromkeys(standings.benchmark_areas))
            code = {a: i for i, a in enumerate(areas)}
            self.benchmark = np.array([code[b] for b in standings.benchmark_areas], dtype=np.int64)
            self.benchmarks = pl.Series([_string(b) if b is not None else "null" for b in areas], dtype=pl.String)


def _not_finite(value: float) -> None:
    # json.dumps(allow_nan=False) refused these too; the spec rules keep every path finite.
    raise ValueError(f"an expected value of {value} cannot be written as JSON")


def _number_texts(column: np.ndarray):  # -> polars Series of str
    """Each float as json.dumps writes it (Python's repr), NaN as null; formatted in compiled code.

    polars writes the shortest digits that read back as the same float, as repr does, but spells
    out small numbers (0.00001 for 1e-05): those few are written by repr itself, so the text is
    the same byte for byte (a property test holds this)."""
    import numpy as np
    import polars as pl

    if np.isinf(column).any():
        _not_finite(float(column[np.isinf(column)][0]))  # values are finite when read; so are paths
    texts = pl.Series(column, nan_to_null=True).cast(pl.String).fill_null("null")
    size = np.abs(column)
    odd = np.flatnonzero(((size < 1e-4) & (size > 0)) | (size >= 1e16))
    if len(odd):
        texts = texts.scatter(odd, [float.__repr__(float(x)) for x in column[odd]])
    return texts


def _qualifier_texts(bits: np.ndarray):  # -> polars Series of str
    """Each reading's qualifiers as a JSON field after a comma (`,"qualifiers":["p","e"]`), or empty."""
    import numpy as np
    import polars as pl

    from engine.model.readings import qualifier_codes

    distinct, codes = np.unique(bits, return_inverse=True)
    texts = [',"qualifiers":' + _dumps(list(qualifier_codes(int(b)))) if b else "" for b in distinct]
    return pl.Series(texts, dtype=pl.String).gather(codes.ravel())


def _interval_pieces(judged, at: np.ndarray) -> list[Any]:  # judged: Judged; -> literals and Series
    """Each reading's `interval` ({lower, upper, confidence, method} or null) and `significant`
    (true, false, or null where not assessed), as pieces after a comma."""
    import numpy as np
    import polars as pl

    from engine.stats.intervals import METHODS

    iv, significant = judged.intervals, judged.decisions.significant[at]
    method = iv.method[at]
    has = method > 0
    if not has.any():
        interval: Any = ',"interval":null'
    else:
        frame = pl.DataFrame({
            "lower": _number_texts(iv.lower[at]), "upper": _number_texts(iv.upper[at]),
            "confidence": _number_texts(iv.confidence[at]),
            "method": pl.Series([_string(m) for m in METHODS], dtype=pl.String).gather(method),
            "has": has})
        text = pl.concat_str([pl.lit('{"lower":'), pl.col("lower"), pl.lit(',"upper":'), pl.col("upper"),
                              pl.lit(',"confidence":'), pl.col("confidence"), pl.lit(',"method":'), pl.col("method"),
                              pl.lit("}")])
        interval = pl.concat_str([pl.lit(',"interval":'), pl.when(pl.col("has")).then(text).otherwise(pl.lit("null"))])
        interval = frame.select(interval).to_series()
    if (significant < 0).all():
        return [interval, ',"significant":null']
    words = pl.Series(["null", "false", "true"], dtype=pl.String).gather((significant + 1).astype(np.int8))
    return [interval, ',"significant":', words]


def _standing_pieces(judged, at: np.ndarray, tables: _Tables) -> list[Any]:  # judged: Judged; -> literals and Series
    """Each reading's standing among its group and against its benchmark (issue 12), for readings
    of targets with comparators or a benchmark: `,"rank":3,"of":15,"quartile":3,"group_median":85.1,
    "benchmark":{"area","value","comparison","basis"}` (null where none that period); nothing for
    other readings, whose objects stay as they were."""
    import numpy as np
    import polars as pl

    from engine.stats.comparators import BASES, COMPARISONS

    if tables.compared is None:
        return []
    st = judged.standings
    unit = judged.unit[at]
    has = tables.compared[unit]
    if not has.any():
        return []
    rank, of, quartile = st.rank[at], st.of[at], st.quartile[at]

    def whole(column: np.ndarray) -> Any:
        return pl.Series(column, dtype=pl.Int64).cast(pl.String).set(pl.Series(column == 0), None).fill_null("null")

    comparison = st.comparison[at]
    frame = pl.DataFrame({
        "rank": whole(rank), "of": whole(of), "quartile": whole(quartile.astype(np.int64)),
        "median": _number_texts(st.median[at]),
        "area": tables.benchmarks.gather(tables.benchmark[unit]),
        "value": _number_texts(st.benchmark[at]),
        "comparison": pl.Series([_string(c) for c in COMPARISONS], dtype=pl.String).gather(comparison),
        "basis": pl.Series([_string(b) for b in BASES], dtype=pl.String).gather(st.basis[at]),
        "compared": comparison > 0, "has": has})
    benchmark = pl.concat_str([pl.lit('{"area":'), pl.col("area"), pl.lit(',"value":'), pl.col("value"),
                               pl.lit(',"comparison":'), pl.col("comparison"), pl.lit(',"basis":'), pl.col("basis"),
                               pl.lit("}")])
    text = pl.concat_str([pl.lit(',"rank":'), pl.col("rank"), pl.lit(',"of":'), pl.col("of"), pl.lit(',"quartile":'),
                          pl.col("quartile"), pl.lit(',"group_median":'), pl.col("median"), pl.lit(',"benchmark":'),
                          pl.when(pl.col("compared")).then(benchmark).otherwise(pl.lit("null"))])
    return [frame.select(pl.when(pl.col("has")).then(text).otherwise(pl.lit("")).alias("t")).to_series()]


def _derived_pieces(judged, rows: np.ndarray) -> list[Any]:  # judged: Judged; -> Series, or nothing
    """A derived rank's reading (issue 12): `,"ranked":{"target","of","above","below"}`, the target
    ranked, among how many, and the areas just above and below ({"area", "value"}, or null at the
    top or the bottom); nothing for other readings. Few rows: worded one by one."""
    neighbours = judged.neighbours
    if not neighbours:
        return []
    import polars as pl

    def side(area: str | None, value: float | None) -> dict[str, Any] | None:
        return None if area is None else {"area": area, "value": value}

    texts = []
    for row in rows.tolist():
        n = neighbours.get(row)
        texts.append("" if n is None else ',"ranked":' + _dumps({
            "target": n.ranked, "of": n.of, "tied": list(n.tied), "above": side(n.above, n.above_value),
            "below": side(n.below, n.below_value)}))
    return [pl.Series(texts, dtype=pl.String)]


class _Pieces:
    """Text pieces of every reading of a chunk, in order: literals, and columns (polars Series of
    JSON text). `texts` writes them one after another, row by row, in compiled code."""

    def __init__(self) -> None:
        self.columns: dict[str, Any] = {}
        self.order: list[str | tuple[str]] = []  # a literal, or (column name,)

    def add(self, *pieces: Any) -> None:
        for piece in pieces:
            if isinstance(piece, str):
                self.order.append(piece)
            else:
                name = f"c{len(self.columns)}"
                self.columns[name] = piece
                self.order.append((name,))

    def texts(self, parts: Sequence[Sequence[str | tuple[str]]], rows: Any = None) -> list[list[str]]:
        """For each list of parts, the text of every row (or of these rows only)."""
        import polars as pl

        frame = pl.DataFrame(self.columns)
        if rows is not None:
            frame = frame[rows]
        exprs = [pl.concat_str([pl.lit(p) if isinstance(p, str) else pl.col(p[0]) for p in part]).alias(f"t{i}")
                 for i, part in enumerate(parts)]
        out = frame.select(exprs)
        return [out.to_series(i).to_list() for i in range(len(parts))]


def _strings(texts: Sequence[str]) -> list[str]:
    """Each text as a JSON string; one said again (the same sentence in another area of a spec of
    several) escaped once."""
    escaped: dict[str, str] = {}
    out = []
    for text in texts:
        json_text = escaped.get(text)
        if json_text is None:
            json_text = escaped[text] = _string(text)
        out.append(json_text)
    return out


def _chunk_json(chunk: Sequence[TargetResult], tables: _Tables, every: bool) -> Iterator[str]:
    """The targets of one chunk, each object whole. Their readings are formatted as columns."""
    import numpy as np
    import polars as pl

    heads = _heads(chunk)
    judged = next((r.judged for r in chunk if r.count), None)
    if judged is None:
        for head in heads:
            yield head + ',"latest":null,"readings":[]}'
        return
    batch, d = judged.batch, judged.decisions
    at = np.concatenate([np.arange(r.start, r.stop) for r in chunk])  # judged rows of the chunk
    rows = judged.rows[at]
    periods = batch.period[rows]
    # Field by field by name, in the contract's order; text columns are JSON already (escaped once
    # in the tables), numbers as json.dumps writes them.
    fields = _Pieces()
    fields.add('{"period":', tables.labels.gather(periods),
               ',"date":', tables.dates.gather(periods),
               ',"value":', _number_texts(batch.value[rows]),
               ',"expected":', _number_texts(d.expected[at]),
               ',"shortfall":', _number_texts(d.shortfall[at]),
               ',"tolerance":', _number_texts(d.tolerance[at]),
               ',"status":', tables.statuses.gather(d.status[at]),
               ',"breach":', tables.breach.gather((d.breach[at] != 0).astype(np.int8)))
    if batch.qualifiers is not None:  # only where a file gave qualifiers: `"qualifiers":["p"]`, else nothing
        fields.add(_qualifier_texts(batch.qualifiers[rows]))
    fields.add(*_interval_pieces(judged, at))
    fields.add(*_standing_pieces(judged, at, tables))
    fields.add(*_derived_pieces(judged, rows))
    fields.add(",")
    head = list(fields.order)
    fields.order = []
    fields.add('"file":', tables.files.gather(batch.file[rows]), ',"line":', pl.Series(batch.line[rows]).cast(pl.String),
               "}")
    tail = list(fields.order)
    if every:  # a sentence for every reading
        # The chunk's at once, whatever their targets: the columns are read once for all of them.
        said = judged.sentences_at(at)
        fields.add(pl.Series(_strings(said) if judged.shared else list(map(_string, said)), dtype=pl.String))
        (items,) = fields.texts([head + ['"explanation":', fields.order[-1], ","] + tail])
    else:  # --explain targets: a sentence for each target's latest reading only
        (items,) = fields.texts([head + tail])
        lasts = np.maximum(np.cumsum([r.count for r in chunk]) - 1, 0)  # each target's last row (empty ones unused)
        last_heads, last_tails = fields.texts([head, tail], lasts)
    offset = 0
    for i, (result, head) in enumerate(zip(chunk, heads)):
        if not result.count:
            yield head + ',"latest":null,"readings":[]}'
            continue
        mine = items[offset:offset + result.count]
        offset += result.count
        latest = mine[-1] if every else (last_heads[i] + '"explanation":' + _string(result.latest_sentence) + ","
                                         + last_tails[i])
        # `latest` after `readings`: the same object, written without judging the reading twice.
        yield head + ',"readings":[' + ",".join(mine) + '],"latest":' + latest + "}"


def _as_of_from(evaluation: Evaluation) -> dict[str, Any] | None:
    """The reading the as-of date is the date of (the first given, and how many are); None when
    --as-of gave it or there are no readings."""
    r = evaluation.as_of_reading
    if r is None:
        return None
    return {"file": r.file, "line": r.line, "record": r.record, "target": r.target, "period": r.period.label,
            "readings": evaluation.as_of_readings}


def _others(batch: ReadingsBatch) -> dict[str, Any]:
    return {
        "suppressed": [
            {"file": s.file, "line": s.line, "column": s.column, "target": s.target, "period": s.period,
             "symbol": s.symbol}
            for s in batch.suppressed
        ],
        "superseded": [
            {"file": s.file, "line": s.line, "target": s.target, "period": s.period,
             "by": {"file": s.by_file, "line": s.by_line}}
            for s in batch.superseded
        ],
        "rejected": [{"file": r.file, "line": r.line, "column": r.column, "record": r.record, "reason": r.reason}
                     for r in batch.rejected],
        "not_used": [{"file": x.file, "line": x.line, "column": x.column, "target": x.target, "period": x.period,
                      "reason": x.reason} for x in batch.not_used],
        "warnings": [p.as_dict() for p in batch.warnings],
    }


def write_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, explain: str = "readings") -> None:
    """Stream the report a chunk of targets at a time: memory stays that of one chunk's text."""
    as_of = evaluation.as_of.isoformat() if evaluation.as_of else None
    out.write('{"as_of":' + _dumps(as_of) + ',"as_of_from":' + _dumps(_as_of_from(evaluation)) + ',"targets":[')
    results, every = evaluation.results, explain == "readings"
    judged = next((r.judged for r in results if r.count), None)
    tables = _Tables(evaluation.batch, judged.standings) if judged is not None else None
    separator, start = "", 0
    while start < len(results):
        stop, size = start + 1, results[start].count
        while stop < len(results) and size + results[stop].count <= _CHUNK:
            size += results[stop].count
            stop += 1
        for text in _chunk_json(results[start:stop], tables, every):  # type: ignore[arg-type]
            out.write(separator + text)
            separator = ","
        start = stop
    others = _others(batch)
    # Issue 12: rows kept to compare with (other areas' readings of a target), and readings worked
    # out (derived ranks): said when there are any, so that every row is accounted for.
    if evaluation.comparators:
        others["comparator_readings"] = evaluation.comparators
    if evaluation.derived:
        others["derived_readings"] = evaluation.derived
    out.write("]," + _dumps(others)[1:] + "\n")


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
