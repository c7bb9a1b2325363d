"""`targets evaluate --format xlsx -o FILE` (issue 13): a workbook out, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import cli

ROOT = Path(__file__).resolve().parent.parent
SPEC = """id: {id}
title: "{title}"
measure: {{description: d, unit: percent, polarity: lower_is_better}}
baseline: {{period: 2013/14, value: 48.3}}
target: {{period: 2016/17, value: 35}}
tolerance: {{absolute: 1}}
"""


def run(*args: str):
    return CliRunner().invoke(cli.app, list(args))


@pytest.fixture
def tree(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "reoffending.yaml").write_text(SPEC.format(id="reoffending", title='=HYPERLINK(\\"http://x\\",\\"click\\")'))
    (specs / "other.yaml").write_text(SPEC.format(id="other", title="Other"))
    readings = tmp_path / "r.csv"
    readings.write_text("target,period,value\nreoffending,2014/15,44.5 [p]\nreoffending,2015/16,50\n"
                        "reoffending,2016/17,[c]\nnosuch,2014/15,1\n")
    return tmp_path


def test_the_workbook_has_targets_readings_and_the_rows_that_are_not_readings(tree):
    out = tree / "board.xlsx"
    result = run("evaluate", str(tree / "r.csv"), "-t", str(tree / "specs"), "--format", "xlsx", "-o", str(out),
                 "--allow-rejected")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Targets", "Readings", "Not used"]
    targets, readings, others = (book[name] for name in book.sheetnames)
    assert all(sheet.freeze_panes == "A2" for sheet in book)
    heads = [c.value for c in targets[1]]
    rows = {r[0]: dict(zip(heads, r)) for r in targets.iter_rows(min_row=2, values_only=True)}
    assert rows["reoffending"]["status"] == "off track" and rows["other"]["status"] == "no data"
    assert rows["reoffending"]["latest value"] == 50 and isinstance(rows["reoffending"]["latest value"], (int, float))
    assert rows["reoffending"]["breach"] is False
    # the status cell is filled with its colour, beside the word
    status_cells = {targets.cell(r, 1).value: targets.cell(r, 4) for r in range(2, targets.max_row + 1)}
    assert status_cells["reoffending"].fill.fgColor.rgb.endswith("FFC7CE")
    assert status_cells["other"].fill.fgColor.rgb.endswith("E7E6E6")
    # a title that would be a formula is text, marked so that retyping it keeps it text
    title = targets.cell(next(r for r in range(2, 4) if targets.cell(r, 1).value == "reoffending"), 2)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK") and title.quotePrefix
    reading_heads = [c.value for c in readings[1]]
    got = [dict(zip(reading_heads, r)) for r in readings.iter_rows(min_row=2, values_only=True)]
    assert [(r["period"], r["value"], r["qualifiers"], r["line"]) for r in got] == [
        ("2014/15", 44.5, "p", 2), ("2015/16", 50, None, 3)]
    assert "Provisional" in got[0]["explanation"]
    kinds = sorted((r[0], r[1].rsplit(":", 1)[1]) for r in others.iter_rows(min_row=2, values_only=True))
    assert kinds == [("rejected", "5"), ("suppressed", "4")]
    assert "wrote" in result.stderr


def test_a_binary_format_needs_an_output_file(tree):
    result = run("evaluate", str(tree / "r.csv"), "-t", str(tree / "specs"), "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr


@pytest.mark.parametrize("chosen", ["json", "csv", "markdown"])
def test_o_works_for_every_format_and_is_atomic(tree, chosen):
    out = tree / f"out.{chosen}"
    out.write_text("previous")
    result = run("evaluate", str(tree / "r.csv"), "-t", str(tree / "specs"), "--format", chosen, "-o", str(out),
                 "--allow-rejected")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = out.read_text()
    if chosen == "json":
        assert [t["id"] for t in json.loads(text)["targets"]] == ["other", "reoffending"]
    assert "reoffending" in text
    assert [p.name for p in tree.iterdir() if p.name.startswith(".out")] == []  # no temporary file left


def test_an_output_that_is_an_input_or_a_link_is_refused(tree):
    before = (tree / "r.csv").read_text()
    result = run("evaluate", str(tree / "r.csv"), "-t", str(tree / "specs"), "--format", "xlsx", "-o", str(tree / "r.csv"))
    assert result.exit_code == 2 and "one of the input files" in result.stderr
    assert (tree / "r.csv").read_text() == before
    os.symlink(tree / "elsewhere.xlsx", tree / "link.xlsx")
    result = run("evaluate", str(tree / "r.csv"), "-t", str(tree / "specs"), "--format", "xlsx", "-o", str(tree / "link.xlsx"))
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert not (tree / "elsewhere.xlsx").exists()


def test_the_example_readings_make_a_workbook_with_every_row(tmp_path):
    out = tmp_path / "board.xlsx"
    result = run("evaluate", str(ROOT / "examples" / "readings-2014-17.csv"), "-t", str(ROOT / "targets"),
                 "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(run("evaluate", str(ROOT / "examples" / "readings-2014-17.csv"), "-t", str(ROOT / "targets"),
                            "--format", "json").stdout)
    book = openpyxl.load_workbook(out)
    assert book["Targets"].max_row - 1 == len(report["targets"])
    assert book["Readings"].max_row - 1 == sum(len(t["readings"]) for t in report["targets"])
    others = len(report["suppressed"]) + len(report["superseded"]) + len(report["rejected"]) + len(report["not_used"])
    assert book["Not used"].max_row - 1 == others
