"""Fuzzing the loader, the validator, the readings reader and the CLI with Hypothesis.

Random bytes, and structure-aware mutations of valid files (the shipped specs, the example
readings): whatever comes in, the only exceptions are the documented ones (LoadError,
UsageError: both TargetsError), every problem names the file and a line inside it, every
readings row ends in exactly one place, and the CLI never shows a traceback.

The budget comes from the Hypothesis profile (tests/conftest.py): small by default and in CI,
large with `HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_paths
from engine.verdicts.evaluation import evaluate
from engine.verdicts.paths import trajectory_for
from engine.model.periods import parse_period
from engine.model.problems import LoadError
from engine.sources.readings import read_readings, units_of
from engine.verdicts.statuses import ALL_STATUSES
from engine.sources.yamlsafe import decode, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "targets").rglob("*.yaml") if p != ROOT / "targets" / "areas.yaml")  # specs only
SHIPPED_TEXT = {path.stem: path.read_text(encoding="utf-8") for path in SHIPPED}
SHIPPED_TARGETS = check_paths([ROOT / "targets"]).targets  # also warms the schema validator up
UNITS = units_of(SHIPPED_TARGETS)
# Most shipped targets are drafts without a baseline; these have a trajectory to be judged against.
LEVELLED_TARGETS = [t for t in SHIPPED_TARGETS + check_paths([ROOT / "tests" / "corpus" / "targets"]).targets
                    if t.baseline is not None]
EXAMPLE = (ROOT / "examples" / "readings-2014-17.csv").read_text(encoding="utf-8")
# Reading periods around the strategy's years: before baselines, quarters, months, days, after targets.
PERIODS = ["2010/11", "2013/14", "2014/15 Q1", "2015 Q3", "2015-02", "2015/16", "31/03/2017", "2016/17", "2020/21"]
ENV = {"GITHUB_ACTIONS": None, "NO_COLOR": "1", "COLUMNS": "200"}
# Fixtures are shared by all examples of a test; each example writes its own files anew.
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def physical_lines(text: str) -> list[str]:
    """Lines as CSV and YAML count them: CRLF, LF or CR ends a line."""
    return _LINE_BREAK.split(text)


def line_count(raw: bytes) -> int:
    return len(physical_lines(raw.decode("utf-8", "replace")))


def assert_problem_in_file(problem, file: str, raw: bytes) -> None:
    assert problem.file == file
    assert problem.severity in ("error", "warning")
    assert problem.rule and problem.message
    if problem.line is not None:
        assert 1 <= problem.line <= line_count(raw) + 1, problem
    if problem.column is not None:
        assert problem.column >= 1


def assert_rows_accounted(batch, *, one_row_a_line: bool = True) -> list[int]:
    """Every row is in exactly one place; returns the lines where the rows start. A CSV row starts
    on a line of its own; JSON and YAML records may share one (`[{...}, {...}]`)."""
    lines = ([r.line for rs in batch.readings.values() for r in rs] + [s.line for s in batch.suppressed]
             + [s.line for s in batch.superseded] + [r.line for r in batch.rejected])
    assert len(lines) == batch.rows
    if one_row_a_line:
        assert len(set(lines)) == len(lines), "a line ended in two places"
    for target, readings in batch.readings.items():
        assert target in UNITS
        for reading in readings:
            assert math.isfinite(reading.value)
    return lines


# --- mutations -------------------------------------------------------------------------------------

SNIPPETS = [
    "&a ", "*a", "<<: ", "<<: {x: 1}", "!!python/object/apply:os.system ['echo pwned'] ", "!!binary ", "!custom ",
    "---\n", "...\n", "%YAML 1.1\n", "? ", "- ", "[", "]", "{", "}", ": ", ",", "#", "'", '"', "|\n", ">-\n",
    "\t", "\ufeff", "\u2028", "\x85", "\r", "\r\n", "\x00", "\x07", "\xa0", "é", "😀", "\ud800",
    "9" * 400, "9" * 5000, "1e999", "-1e308", "1e-400", "5e-324", ".nan", "-.inf", "nan", "010", "0x10", "1_000",
    "1:30", "no", "on", "~", "null", "2014-15", "2015-03-31", "2999/00", "1899", "Q5", "per_10k", "%", "[c]", "1,683",
]


@st.composite
def mutated(draw, text: str, snippets: list[str] = SNIPPETS, max_steps: int = 4) -> str:
    """Small edits a person (or a broken export) makes: lines and characters inserted, removed,
    repeated or swapped, indentation changed, and fragments of YAML and CSV syntax injected."""
    for _ in range(draw(st.integers(1, max_steps))):
        lines = text.split("\n")
        action = draw(st.sampled_from(["snippet", "snippet", "char", "delete-char", "swap-chars", "dup-line",
                                       "delete-line", "swap-lines", "indent", "replace-value"]))
        where = draw(st.integers(0, max(len(text) - 1, 0)))
        line = draw(st.integers(0, len(lines) - 1))
        if action == "snippet":
            text = text[:where] + draw(st.sampled_from(snippets)) + text[where:]
        elif action == "char":
            text = text[:where] + draw(st.characters()) + text[where:]
        elif action == "delete-char" and text:
            text = text[:where] + text[where + 1:]
        elif action == "swap-chars" and len(text) > 1:
            where = min(where, len(text) - 2)
            text = text[:where] + text[where + 1] + text[where] + text[where + 2:]
        elif action == "dup-line":
            lines.insert(line, lines[line])
            text = "\n".join(lines)
        elif action == "delete-line" and len(lines) > 1:
            del lines[line]
            text = "\n".join(lines)
        elif action == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "\n".join(lines)
        elif action == "indent":
            lines[line] = draw(st.sampled_from(["", " ", "  ", "    ", "\t"])) + lines[line].lstrip(" ")
            text = "\n".join(lines)
        elif action == "replace-value":
            # the text after a `: ` or `,` on the line, swapped for a snippet
            cut = max(lines[line].rfind(": "), lines[line].rfind(","))
            if cut != -1:
                lines[line] = lines[line][:cut + 1] + " " + draw(st.sampled_from(snippets))
                text = "\n".join(lines)
    return text


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


# --- specs -----------------------------------------------------------------------------------------

def check_spec_file(folder: Path, stem: str, raw: bytes):  # -> Target | None
    for old in folder.glob("*.yaml"):
        old.unlink()
    path = folder / f"{stem}.yaml"
    path.write_bytes(raw)
    result = check_paths([path])  # raises nothing for a readable file: every problem is reported
    assert result.files_checked == 1
    for problem in result.problems:
        assert_problem_in_file(problem, path.as_posix(), raw)
    if result.errors:
        event(f"spec: refused ({result.errors[0].rule})")
        assert result.targets == []
        return None
    event("spec: valid")
    [target] = result.targets
    assert target.id == stem
    trajectory_for(target)  # a valid spec always has a trajectory, or None when it needs none
    return target


RANDOM_BYTES = st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(to_bytes),
                         st.text(alphabet="ab1-:,[]{}&*!#|>'\"%\n\r\t .~", max_size=300).map(to_bytes))


@FUZZ
@given(RANDOM_BYTES)
def test_random_bytes_as_a_spec_file(tmp_path, raw):
    check_spec_file(tmp_path, "youth-custody", raw)


@FUZZ
@given(st.sampled_from(sorted(SHIPPED_TEXT)).flatmap(lambda stem: st.tuples(st.just(stem), mutated(SHIPPED_TEXT[stem]))))
def test_mutated_shipped_specs(tmp_path, case):
    stem, text = case
    check_spec_file(tmp_path, stem, to_bytes(text))


def _yaml_dump(data, flow: bool | None, width: int) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, sort_keys=False, allow_unicode=True, width=width)


SPEC_DATA = {stem: load_yaml(text, stem).data for stem, text in SHIPPED_TEXT.items()}
KEYS = ["id", "title", "status", "measure", "unit", "polarity", "frequency", "baseline", "target", "period", "value",
        "change", "relative_change", "annual_rate", "maintain", "strict", "milestones", "trajectory", "tolerance",
        "absolute", "relative", "limit", "revisions", "date", "partners", "notes"]
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2013/14", "2016/17", "2015 Q2", "2015-03", "31/03/2016", "1899", "2014-15", "percent",
                     "count/year", "per_10k", "furlongs", "draft", "active", "retired", "compound", "step", "linear",
                     "lower_is_better", "higher_is_better", "annual", "monthly", ""]),
    st.text(max_size=10),
)
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
                      max_leaves=6)


BORROWABLE = ["status", "measure", "baseline", "target", "milestones", "trajectory", "tolerance", "limit", "revisions"]


@st.composite
def restructured_specs(draw) -> tuple[str, str]:
    """A shipped spec's data with parts taken from other specs, replaced by odd values or deleted,
    written out as YAML in a random style: what a careless edit in another tool and a re-save give.
    Parts taken from other specs keep most results valid, so evaluation sees unusual targets."""
    stem = draw(st.sampled_from(sorted(SPEC_DATA)))
    data = json.loads(json.dumps(SPEC_DATA[stem]))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["borrow", "borrow", "borrow", "odd", "delete"]))
        if action == "borrow":
            donor = SPEC_DATA[draw(st.sampled_from(sorted(SPEC_DATA)))]
            key = draw(st.sampled_from([k for k in BORROWABLE if k in donor]))
            data[key] = json.loads(json.dumps(donor[key]))
            continue
        if action == "delete":
            key = draw(st.sampled_from(sorted(data)))
            del data[key]
            continue
        node = data
        while isinstance(node, dict) and node and draw(st.booleans()):
            child = node[draw(st.sampled_from(sorted(node)))]
            if not isinstance(child, dict):
                break
            node = child
        if isinstance(node, dict):
            node[draw(st.sampled_from(sorted(node) + KEYS))] = draw(VALUES)
    text = _yaml_dump(data, draw(st.sampled_from([None, True, False])), draw(st.sampled_from([40, 80, 1000])))
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    return stem, draw(st.sampled_from(["", "\ufeff", "# comment\n"])) + text


@FUZZ
@given(restructured_specs(), st.lists(st.tuples(st.sampled_from(PERIODS), st.floats(-1e6, 1e6)), max_size=6))
def test_restructured_specs(tmp_path, case, rows):
    stem, text = case
    target = check_spec_file(tmp_path, stem, to_bytes(text))
    if target is not None:
        check_evaluation(tmp_path, target, rows, None)


def _as_cli(*args: str):
    result = CliRunner().invoke(cli.app, list(args), env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@FUZZ
@given(st.sampled_from(sorted(SHIPPED_TEXT)).flatmap(lambda stem: st.tuples(st.just(stem), mutated(SHIPPED_TEXT[stem]))),
       st.lists(st.tuples(st.sampled_from(["2012/13", "2013/14", "2014/15 Q3", "2015-01", "2015/16", "2016/17",
                                           "2017/18", "31/03/2016"]),
                          st.one_of(st.floats(-1e6, 1e6), st.sampled_from(["[c]", "1,683", "45%", "0", "-0", "1e15"]))),
                max_size=6),
       st.sampled_from(["json", "csv", "markdown", "table"]))
def test_mutated_specs_through_the_cli(tmp_path, case, readings, report_format):
    """Validate, then evaluate what is valid, in every report format: exit codes as documented."""
    stem, text = case
    folder = tmp_path / "specs"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    (folder / f"{stem}.yaml").write_bytes(to_bytes(text))
    validated = _as_cli("validate", str(folder), "--format", "json")
    assert validated.exit_code in (0, 1)
    problems = json.loads(validated.stdout)["problems"]
    assert (validated.exit_code == 1) == any(p["severity"] == "error" for p in problems)
    rows = io.StringIO()
    csv.writer(rows, lineterminator="\n").writerows([["target", "period", "value"],
                                                     *[[stem, period, value] for period, value in readings]])
    (tmp_path / "r.csv").write_text(rows.getvalue(), encoding="utf-8")
    evaluated = _as_cli("evaluate", str(tmp_path / "r.csv"), "--targets", str(folder), "--format", report_format,
                        "--allow-rejected")
    event(f"validate exit {validated.exit_code}")
    if validated.exit_code == 1:
        assert evaluated.exit_code == 2 and "fix the specs first" in evaluated.stderr
        return
    assert evaluated.exit_code == 0, evaluated.output
    if report_format == "json":
        [result] = json.loads(evaluated.stdout)["targets"]
        assert result["status"] in ALL_STATUSES


# --- readings ----------------------------------------------------------------------------------------

def read_one(folder: Path, name: str, raw: bytes):
    path = folder / name
    path.write_bytes(raw)
    try:
        batch = read_readings([path], UNITS)
    except LoadError as exc:
        event(f"readings: file refused ({exc.problem.rule}: {exc.problem.message[:25]})")
        assert_problem_in_file(exc.problem, path.as_posix(), raw)
        return None
    event("readings: read")
    return batch


@FUZZ
@given(st.sampled_from(["r.csv", "r.json", "r.yaml"]), st.sampled_from([b"", b"target,period,value\n", b"[\n", b"- "]),
       RANDOM_BYTES)
def test_random_bytes_as_a_readings_file(tmp_path, name, start, rest):
    raw = start + rest  # after a valid start, the bytes reach the row rules more often
    batch = read_one(tmp_path, name, raw)
    if batch is not None:
        assert_rows_accounted(batch, one_row_a_line=name.endswith(".csv"))


def _quote_free_example() -> str:
    """The example readings without quotes (no source column, thousands separators dropped), so
    that each physical line is one row and the rows can be counted without a CSV parser."""
    rows = list(csv.reader(io.StringIO(EXAMPLE)))
    keep = [rows[0].index(c) for c in ("target", "period", "value", "unit", "note")]
    out = []
    for row in rows:
        cells = [row[i].replace(",", "").replace('"', "") for i in keep]
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


QUOTE_FREE = _quote_free_example()
CSV_SNIPPETS = ["\n", "\r", "\r\n", ",", ",,", "[c]", "..", "-", "", " ", "\t", "%", "1,683", "nan", "inf", "1e999",
                "9" * 400, "\ufeff", "\u2028", "\x85", "é", "😀", "target", "period", "value", "youth-custody",
                "2014/15", "2014-15", "Q5", "per_10k", "percent", "furlongs", "#N/A", "\x1a", "\x0c"]


@FUZZ
@given(mutated(QUOTE_FREE, CSV_SNIPPETS, max_steps=6))
def test_mutated_readings_csv_loses_no_row(tmp_path, text):
    raw = to_bytes(text)
    batch = read_one(tmp_path, "r.csv", raw)
    if batch is None:
        return
    lines = assert_rows_accounted(batch)
    # Without quotes, each physical line that is not blank (only commas and spaces) is one row,
    # and the first of them is the header: the rows found must be exactly the others.
    content = decode(raw, "r.csv")
    non_blank = [number for number, line in enumerate(physical_lines(content), 1)
                 if not all(ch == "," or ch.isspace() for ch in line)]
    if '"' not in content:
        event("each line a row: checked")
        assert sorted(lines) == non_blank[1:]


@FUZZ
@given(mutated(EXAMPLE, CSV_SNIPPETS + ['"', '""', '"a\nb"'], max_steps=6))
def test_mutated_readings_csv_with_quotes(tmp_path, text):
    batch = read_one(tmp_path, "r.csv", to_bytes(text))
    if batch is not None:
        assert_rows_accounted(batch)


EXAMPLE_RECORDS = [dict(zip(("target", "period", "value", "unit", "note"), row[:5]))
                   for row in list(csv.reader(io.StringIO(EXAMPLE)))[1:]]
RECORD_VALUES = st.one_of(LEAVES, st.lists(LEAVES, max_size=2), st.dictionaries(st.text(max_size=5), LEAVES, max_size=2))


@st.composite
def structured_readings(draw) -> tuple[str, str, int]:
    """The example readings as JSON or YAML, one record per line, with fields replaced or removed."""
    records = [dict(r) for r in draw(st.lists(st.sampled_from(EXAMPLE_RECORDS), max_size=12))]
    for record in records:
        if draw(st.integers(0, 3)) == 0:
            key = draw(st.sampled_from(["target", "period", "value", "unit", "note", "Value", "numerator", "x"]))
            if key in record and draw(st.booleans()):
                del record[key]
            else:
                record[key] = draw(RECORD_VALUES)
    items = [draw(RECORD_VALUES) if draw(st.integers(0, 9)) == 0 else r for r in records]
    ascii_only = draw(st.booleans())
    lines = [json.dumps(item, ensure_ascii=ascii_only) for item in items]
    if draw(st.booleans()):
        return "r.json", ("[\n" + ",\n".join(lines) + "\n]\n") if items else "[]\n", len(items)
    # JSON is YAML 1.2's flow style: one record per line under `readings:`
    return "r.yaml", ("readings:\n" + "".join(f"  - {line}\n" for line in lines)) if items else "readings: []\n", len(items)


@FUZZ
@given(structured_readings())
def test_structured_readings_keep_every_record(tmp_path, case):
    name, text, records = case
    batch = read_one(tmp_path, name, to_bytes(text))
    if batch is None:
        return  # text YAML refuses (a control character, a lone surrogate): reported with its line
    lines = assert_rows_accounted(batch)
    assert batch.rows == records
    first = 2  # records start on the line after `[` or `readings:`
    assert sorted(lines) == list(range(first, first + records))


@FUZZ
@given(structured_readings().flatmap(lambda case: st.tuples(st.just(case[0]), mutated(case[1]))))
def test_mutated_structured_readings(tmp_path, case):
    name, text = case
    raw = to_bytes(text)
    batch = read_one(tmp_path, name, raw)
    if batch is None:
        return
    assert_rows_accounted(batch, one_row_a_line=False)
    try:
        data = load_yaml(raw, name).data  # it loaded once, so it loads again: the list's length is the row count
    except LoadError:
        # A JSON list is read by json a record at a time: JSON that strict YAML refuses (a tab
        # between tokens, DEL in a string, a lone surrogate escape) is still JSON.
        assert name.endswith(".json")
        data = json.loads(raw.decode("utf-8-sig"))
    if isinstance(data, dict):
        data = data.get("readings")
    assert batch.rows == (len(data) if isinstance(data, list) else 0)


# --- evaluation of whatever is valid ------------------------------------------------------------------

def check_evaluation(folder: Path, target, rows, as_of: str | None) -> None:
    path = folder / "evaluate.csv"
    path.write_text("target,period,value\n" + "".join(f"{target.id},{p},{v!r}\n" for p, v in rows), encoding="utf-8")
    batch = read_readings([path], units_of([target]))
    assert not batch.rejected
    result = evaluate([target], batch.readings, parse_period(as_of).end if as_of else None)
    [outcome] = result.results
    assert outcome.status in ALL_STATUSES
    assert isinstance(outcome.explanation, str) and outcome.explanation
    for verdict in outcome.verdicts:
        assert verdict.status in ALL_STATUSES and verdict.explanation
    event(f"evaluated: {outcome.status}")


@FUZZ
@given(st.one_of(st.sampled_from(SHIPPED_TARGETS), st.sampled_from(LEVELLED_TARGETS)), st.lists(st.tuples(st.sampled_from(PERIODS), st.floats(-1e15, 1e15)), max_size=8),
       st.sampled_from([None, "2015/16", "2016/17", "2030/31"]))
def test_evaluation_of_any_readings_gives_a_status_and_a_sentence(tmp_path, target, rows, as_of):
    check_evaluation(tmp_path, target, rows, as_of)
