"""Validation end to end: engine.checks.checker, `targets validate|schema|list`, and engine.model.spec.build_target."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_document, check_paths
from engine.sources.specs import UsageError
from engine.model.problems import LoadError
from engine.model.spec import build_target
from engine.sources.yamlsafe import Document, Mark, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "targets"
SCHEMA_FILE = ROOT / "schema" / "target.schema.json"
STEM = "youth-reoffending"

GOOD = """\
# yaml-language-server: $schema=../schema/target.schema.json
id: @ID@
title: Youth re-offending rate
status: active
priority: Reduce youth crime
lead: Southampton City Council (Youth Offending Service)
partners: [YOS Management Board]
source: Safe City Partnership Strategy 2014-17
measure:
  description: Young offenders who re-offend, as a percentage of the cohort
  unit: percent
  polarity: lower_is_better
  frequency: annual
baseline: {period: 2013/14, value: 48.3}
target: {period: 2016/17, value: 35}
trajectory: linear
tolerance: {absolute: 1.0}
"""

TEXT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<message>.+) \[(?P<rule>[a-z-]+)\]$")
GITHUB_LINE = re.compile(r"^::(?P<severity>error|warning) file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+)(?:,title=[^:]*)?::(?P<message>.+)$")


def good(target_id: str = STEM) -> str:
    return GOOD.replace("@ID@", target_id)


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the spec"
    return text.replace(old, new, 1)


def where(text: str, needle: str, within: str | None = None) -> tuple[int, int]:
    """1-based line and column of `needle`, on the first line that holds `within` (default: the needle)."""
    for number, line in enumerate(text.splitlines(), 1):
        if (within or needle) in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{within or needle!r} is not in the spec")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str | None] | None = None):
    environment = {"GITHUB_ACTIONS": None, "NO_COLOR": "1", "COLUMNS": "250"}
    environment.update(env or {})
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env=environment)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def text_problems(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in output.splitlines() if (m := TEXT_LINE.match(line))]


# --- good specs ----------------------------------------------------------------------------------------

def test_a_good_spec_is_valid(tmp_path):
    path = write(tmp_path, f"{STEM}.yaml", good())
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 0
    assert result.output == "1 file checked: all valid\n"
    checked = check_paths([path])
    assert checked.files_checked == 1 and checked.problems == []
    assert [t.id for t in checked.targets] == [STEM]


def test_every_target_form_and_option_is_valid(tmp_path):
    forms = {
        "value": "target: {period: 2016/17, value: 35, strict: true}",
        "change": "target: {period: 2016/17, change: -5}",
        "relative-change": "target: {period: 2016/17, relative_change: -0.25}",
        "annual-rate": "target: {period: 2016/17, annual_rate: -0.05}",
        "maintain": "target: {period: 2016/17, maintain: true}",
        "direction-only": "target: {period: 2016/17}",
    }
    for name, line in forms.items():
        write(tmp_path, f"{name}.yaml", edit(good(name), "target: {period: 2016/17, value: 35}", line))
    extras = good("extras") + (
        "milestones:\n  - {period: 2014/15, value: 44}\n  - period: 2015/16\n    value: 40\n"
        "limit: 60\n"
        "revisions:\n  - date: 2015-06-30\n    change: target 36 -> 35\n    reason: board review\n"
        "    approved_by: Safe City Partnership\n"
        "notes: unquoted dates and days work too\n"
    )
    write(tmp_path, "extras.yaml", edit(extras, "tolerance: {absolute: 1.0}", "tolerance: {absolute: 1.0, relative: 0.05}"))
    days = edit(good("days"), "{period: 2013/14,", "{period: 2015-03-31,")
    write(tmp_path, "days.yaml", edit(days, "{period: 2016/17,", "{period: 31/03/2017,"))
    write(tmp_path, "no-target.yaml", edit(good("no-target"), "target: {period: 2016/17, value: 35}\n", ""))
    write(tmp_path, "yml-suffix.yml", good("yml-suffix"))
    result = invoke("validate", tmp_path, "--format", "text", "--strict")
    assert result.output == f"{len(forms) + 4} files checked: all valid\n"
    assert result.exit_code == 0


# --- each bad input names the file, line and column -------------------------------------------------

def _retitle(text: str) -> str:
    return edit(text, "title: Youth re-offending rate\n", "")


def _no_baseline(text: str) -> str:
    return edit(text, "baseline: {period: 2013/14, value: 48.3}\n", "")


def _milestones(*lines: str) -> Callable[[str], str]:
    return lambda text: text + "milestones:\n" + "".join(f"  - {line}\n" for line in lines)


BAD = [
    # (case, how to break the good spec, rule, needle, line holding it, message fragments)
    ("unknown key", lambda t: edit(t, "tolerance:", "tolerence:"), "schema", "tolerence:", None,
     ["unknown key `tolerence`", "did you mean `tolerance`?"]),
    ("unknown nested key", lambda t: edit(t, "  frequency: annual", "  frequnecy: annual"), "schema", "frequnecy", None,
     ["unknown key `frequnecy` in `measure`", "did you mean `frequency`?"]),
    ("missing top-level key", _retitle, "schema", "id:", None, ["`title` is missing", "add `title:`"]),
    ("missing nested key", lambda t: edit(t, "  polarity: lower_is_better\n", ""), "schema", "measure:", None,
     ["`polarity` is missing in `measure`", "lower_is_better or higher_is_better"]),
    ("percent sign in a value", lambda t: edit(t, "value: 48.3}", "value: 48.3%}"), "schema", "48.3%", None,
     ["`baseline.value` must be a number", "without %"]),
    ("quoted number", lambda t: edit(t, "value: 35}", "value: '35'}"), "schema", "'35'", None,
     ["`target.value` must be a number"]),
    ("unknown unit", lambda t: edit(t, "unit: percent", "unit: percnt"), "schema", "percnt", None,
     ["unknown unit `percnt`", "did you mean `percent`?"]),
    ("bad polarity", lambda t: edit(t, "polarity: lower_is_better", "polarity: lower"), "schema", "lower", "polarity:",
     ["`measure.polarity` must be one of", "did you mean `lower_is_better`?"]),
    ("frequency in other words", lambda t: edit(t, "frequency: annual", "frequency: yearly"), "schema", "yearly", None,
     ["`measure.frequency` must be one of", "did you mean `annual`?"]),
    ("bad status", lambda t: edit(t, "status: active", "status: actve"), "schema", "actve", None,
     ["`status` must be one of active, draft, retired", "did you mean `active`?"]),
    ("bad trajectory", lambda t: edit(t, "trajectory: linear", "trajectory: linaer"), "schema", "linaer", None,
     ["did you mean `linear`?"]),
    ("bad id", lambda t: edit(t, f"id: {STEM}", "id: Youth Reoffending"), "schema", "Youth Reoffending", None,
     ["lower-case letters", "try `youth-reoffending`"]),
    ("relative change below -1", lambda t: edit(t, "value: 35}", "relative_change: -1.5}"), "schema", "-1.5", None,
     ["`target.relative_change` must be at least -1"]),
    ("negative tolerance", lambda t: edit(t, "absolute: 1.0", "absolute: -1"), "schema", "-1", "tolerance",
     ["`tolerance.absolute` must be at least 0"]),
    ("empty tolerance", lambda t: edit(t, "tolerance: {absolute: 1.0}", "tolerance: {}"), "schema", "{}", None,
     ["`tolerance` is empty"]),
    ("maintain false", lambda t: edit(t, "value: 35}", "maintain: false}"), "schema", "false", None,
     ["`target.maintain` can only be true"]),
    ("financial year with a dash", lambda t: edit(t, "period: 2013/14", "period: 2013-14"), "period-syntax", "2013-14", None,
     ["write `2013/14`"]),
    ("not a financial year", lambda t: edit(t, "period: 2016/17", "period: 2016/18"), "period-syntax", "2016/18", None,
     ["second year must follow the first"]),
    ("not a real day", lambda t: edit(t, "period: 2016/17", "period: 31/02/2017"), "period-syntax", "31/02/2017", None,
     ["not a real date"]),
    ("target before baseline", lambda t: edit(t, "period: 2016/17", "period: 2012/13"), "time-window", "2012/13", None,
     ["target period 2012/13", "must end after the baseline period 2013/14"]),
    ("target ends with the baseline", lambda t: edit(t, "period: 2016/17", "period: 2014 Q1"), "time-window", "2014 Q1", None,
     ["must end after the baseline"]),
    ("milestone after the target", _milestones("{period: 2014/15, value: 44}", "{period: 2017/18, value: 30}"),
     "time-window", "2017/18", None, ["milestone 2017/18 must fall strictly between"]),
    ("milestone before the baseline", _milestones("{period: 2012/13, value: 50}"),
     "time-window", "2012/13", None, ["strictly between the baseline (2013/14) and the target (2016/17)"]),
    ("milestone at the target", _milestones("{period: 2016/17, value: 35}"),
     "time-window", "2016/17", "- {period: 2016/17", ["strictly between"]),
    ("milestones out of order", _milestones("{period: 2015/16, value: 40}", "{period: 2014/15, value: 44}"),
     "time-window", "2014/15", "value: 44", ["milestone 2014/15 must come after 2015/16", "time order"]),
    ("compound from zero", lambda t: edit(edit(t, "value: 48.3}", "value: 0}"), "trajectory: linear", "trajectory: compound"),
     "compound-positive", "0}", "baseline:", ["must be above zero (it is 0)", "trajectory: linear"]),
    ("compound to zero", lambda t: edit(t, "value: 35}", "value: 0}").replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "0}", "target:", ["above zero"]),
    ("compound milestone below zero", lambda t: _milestones("{period: 2014/15, value: -1}")(t).replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "-1", "2014/15", ["above zero"]),
    ("annual rate from a negative baseline", lambda t: edit(edit(t, "value: 48.3}", "value: -3}"), "value: 35}", "annual_rate: 0.1}"),
     "compound-positive", "-3", None, ["an `annual_rate`", "above zero (it is -3)"]),
    ("compound relative change to zero", lambda t: edit(t, "value: 35}", "relative_change: -1}").replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "-1}", "relative_change", ["target level must be above zero", "gives 0"]),
    ("compound change below zero", lambda t: edit(t, "value: 35}", "change: -50}").replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "-50}", None, ["gives -1.7"]),
    ("compound too steep to work out", lambda t: edit(edit(t, "value: 48.3}", "value: 1.0e-300}"), "value: 35}", "value: 1.0e+15}").replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "1.0e+15", "target:", ["too steep", "trajectory: linear"]),
    ("compound last step too steep", lambda t: edit(_milestones("{period: 2014/15, value: 1.0e-300}")(t), "value: 35}", "change: 1.0e+14}").replace("trajectory: linear", "trajectory: compound"),
     "compound-positive", "1.0e+14", "target:", ["too steep"]),
    ("annual rate overflowing", lambda t: edit(edit(t, "period: 2013/14", "period: 1900/01"), "value: 35}", "annual_rate: 100000000000000}").replace("period: 2016/17", "period: 2990/91"),
     "compound-positive", "100000000000000", None, ["too large"]),
    ("two target forms", lambda t: edit(t, "value: 35}", "value: 35, change: -5}"), "target-form", "change:", None,
     ["both `value` and `change`", "exactly one"]),
    ("change without baseline", lambda t: _no_baseline(edit(edit(t, "value: 35}", "change: -5}"), "status: active", "status: draft")),
     "target-form", "change:", None, ["`change` is counted from the baseline", "there is no `baseline`"]),
    ("strict without a level", lambda t: edit(t, "value: 35}", "strict: true}"), "target-form", "strict:", None,
     ["`strict` needs a level"]),
    ("NaN", lambda t: edit(t, "value: 48.3}", "value: .nan}"), "finite-numbers", ".nan", None, ["NaN"]),
    ("infinity", lambda t: edit(t, "value: 35}", "value: .inf}"), "finite-numbers", ".inf", None, ["infinite"]),
    ("minus infinity", lambda t: edit(t, "value: 35}", "value: -.inf}"), "finite-numbers", "-.inf", None, ["infinite"]),
    ("number too big for a float", lambda t: edit(t, "value: 35}", "value: 1e999}"), "finite-numbers", "1e999", None, ["infinite"]),
    ("number with too many digits", lambda t: edit(t, "value: 35}", "value: 1e16}"), "finite-numbers", "1e16", None, ["too large"]),
    ("active target without baseline", _no_baseline, "status-completeness", "id:", None,
     ["an active target needs a `baseline`", "status: draft"]),
    ("retired target without baseline", lambda t: _no_baseline(edit(t, "status: active", "status: retired")),
     "status-completeness", "id:", None, ["a retired target needs a `baseline`"]),
    ("revision dated by a year", lambda t: t + "revisions:\n  - {date: 2015/16, change: a, reason: b, approved_by: c}\n",
     "period-syntax", "2015/16", "date:", ["a revision's date is a day"]),
    ("duplicate key", lambda t: t + "status: draft\n", "duplicate-key", "status: draft", None,
     ["`status` is given twice (first on line 4)"]),
    ("anchor", lambda t: edit(t, "value: 48.3}", "value: &v 48.3}"), "anchor", "&v", None, ["anchors"]),
    ("alias", lambda t: edit(t, "value: 35}", "value: *v}"), "alias", "*v", None, ["aliases"]),
    ("tag", lambda t: edit(t, "value: 35}", "value: !!float 35}"), "tag", "!!float", None, ["tags"]),
    ("second document", lambda t: t + "---\nid: other\n", "multiple-documents", "---", None, ["one document"]),
    # Issue 14: YAML indentation in plain words, at the line that is wrong.
    ("key indented one space too far", lambda t: edit(t, "  unit: percent", "   unit: percent"), "yaml-syntax", "unit",
     "   unit:", ["YAML indentation: `unit:` on line 11 is indented further than `description:` on line 10 (column 3)",
                  "already has a value on its line", "line `unit:` up with `description:` (column 3)"]),
    ("key indented one space too little", lambda t: edit(t, "  unit: percent", " unit: percent"), "yaml-syntax", "unit",
     " unit:", ["`unit:` on line 11 starts at column 2, which lines up with nothing above it",
                "line it up with `description:` on line 10 (column 3)", "with `measure:` on line 9 (column 1)"]),
    ("last key indented one space too little", lambda t: edit(t, "  frequency: annual", " frequency: annual"),
     "yaml-syntax", "frequency", None, ["`frequency:` on line 13 starts at column 2", "`polarity:` on line 12 (column 3)"]),
    ("keys under a key with a value", lambda t: edit(t, "baseline: {period: 2013/14, value: 48.3}",
                                                    "baseline: 48.3\n  period: 2013/14"), "yaml-syntax", "period", None,
     ["`period:` on line 15 is indented further than `baseline:` on line 14 (column 1)",
      "take `48.3` off the `baseline:` line"]),
    ("first line indented", lambda t: edit(t, "id: ", "  id: "), "yaml-syntax", "id:", None,
     ["`id:` on line 2 is indented by 2 spaces", "remove the spaces before `id:`"]),
    ("colon in a value", lambda t: edit(t, "title: Youth re-offending rate", "title: Youth: re-offending rate"),
     "yaml-syntax", "Youth:", None, ["the value of `title` holds `: `", "`title: 'Youth: re-offending rate'`"]),
    ("quote never closed", lambda t: edit(t, "title: Youth re-offending rate", "title: 'Youth re-offending rate"),
     "yaml-syntax", "'Youth", None, ["the quote (') opened here is never closed"]),
    ("list item key misaligned", lambda t: t + "milestones:\n  - period: 2014/15\n   value: 44\n", "yaml-syntax",
     "value: 44", None, ["`value:` on line 20 starts at column 4", "line it up with `period:` on line 19 (column 5)"]),
    # Issue 14: the messages name the fix.
    ("tolerance as a bare number", lambda t: edit(t, "tolerance: {absolute: 1.0}", "tolerance: 1"), "schema", "1",
     "tolerance:", ["`tolerance` must be a mapping with `absolute` (in the measure's unit) or `relative`",
                    "write `tolerance: {absolute: 1}`"]),
    ("baseline as a bare number", lambda t: edit(t, "baseline: {period: 2013/14, value: 48.3}", "baseline: 48.3"),
     "schema", "48.3", None, ["`baseline` must be a mapping of keys (such as `period:` and `value:`)",
                              "write `baseline: {period: ..., value: 48.3}`"]),
    ("thousands separator in a flow mapping", lambda t: edit(t, "value: 35}", "value: 8,450}"), "schema", "8,450", None,
     ["`target.value: 8,450`: the comma splits the number", "`value: 8` and a key `450`", "`value: 8450`"]),
    ("two thousands separators in a flow mapping", lambda t: edit(t, "value: 35}", "value: 1,234,567}"), "schema",
     "1,234,567", None, ["keys `234` and `567`", "`value: 1234567`"]),
    ("decimal comma in a flow mapping", lambda t: edit(t, "value: 35}", "value: 8,45}"), "schema", "8,45", None,
     ["a key `45`", "(a decimal point is `.`), such as `value: 8.45`"]),
    ("thousands separator in a block mapping", lambda t: edit(t, "target: {period: 2016/17, value: 35}",
                                                              "target:\n  period: 2016/17\n  value: 8,450"),
     "schema", "8,450", None, ["`target.value` must be a number, not `8,450`", "without the commas, `8450`"]),
    ("maintain: yes", lambda t: edit(t, "value: 35}", "maintain: yes}"), "schema", "yes", None,
     ["`target.maintain` can only be true", "`yes` is text", "write `maintain: true`"]),
    ("strict: no", lambda t: edit(t, "value: 35}", "value: 35, strict: no}"), "schema", "no}", None,
     ["`target.strict` must be true or false", "write `strict: false`"]),
    ("bad id with a valid file name", lambda t: edit(t, f"id: {STEM}", "id: Youth-Crime"), "schema", "Youth-Crime", None,
     ["try `youth-crime` and rename the file to youth-crime.yaml, or `youth-reoffending` as the file is named"]),
    ("accented id", lambda t: edit(t, f"id: {STEM}", "id: Réoffending Ünder 18s"), "schema", "Réoffending", None,
     ["try `reoffending-under-18s`"]),
    ("relative tolerance in percent", lambda t: edit(t, "tolerance: {absolute: 1.0}", "tolerance: {relative: 5}"),
     "relative-tolerance", "5}", "tolerance", ["a fraction of the expected value (0.05 for 5%)", "write `relative: 0.05`"]),
    ("relative tolerance of 100%", lambda t: edit(t, "tolerance: {absolute: 1.0}", "tolerance: {absolute: 1, relative: 1}"),
     "relative-tolerance", "1}", "tolerance", ["1 would let a reading 100% worse", "write `relative: 0.01`"]),
]


@pytest.mark.parametrize("case, breaking, rule, needle, within, fragments", BAD, ids=[case[0] for case in BAD])
def test_each_bad_input_is_an_error_at_its_line(tmp_path, case, breaking, rule, needle, within, fragments):
    text = breaking(good())
    path = write(tmp_path, f"{STEM}.yaml", text)
    line, column = where(text, needle, within)
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 1, result.output
    problems = [p for p in text_problems(result.output) if p["rule"] == rule and p["severity"] == "error"]
    assert problems, result.output
    problem = problems[0]
    assert problem["file"] == path.as_posix()
    assert (int(problem["line"]), int(problem["col"])) == (line, column), result.output
    for fragment in fragments:
        assert fragment in problem["message"], problem["message"]
    summary = result.output.splitlines()[-1]
    assert summary.startswith("1 file checked: ") and " 0 error(s)" not in summary


def test_a_bad_period_under_milestones_is_reported_once(tmp_path):
    text = _milestones("{period: 2014/15, value: 44}")(edit(good(), "period: 2013/14", "period: 2013-14"))
    path = write(tmp_path, f"{STEM}.yaml", text)
    checked = check_paths([path])
    assert [p.rule for p in checked.problems] == ["period-syntax"]
    assert checked.problems[0].line == where(text, "2013-14")[0]


def test_unknown_key_and_bad_period_are_both_reported(tmp_path):
    # the schema fault does not hide the well-formed parts' problems
    text = edit(edit(good(), "tolerance:", "tolerence:"), "period: 2013/14", "period: 2013-14")
    checked = check_paths([write(tmp_path, f"{STEM}.yaml", text)])
    assert {p.rule for p in checked.errors} == {"schema", "period-syntax"}
    lines = [p.line for p in checked.problems]
    assert lines == sorted(lines)


def test_id_must_match_the_file_name(tmp_path):
    text = good()
    path = write(tmp_path, "other-name.yaml", text)
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 1
    [problem] = text_problems(result.output)
    assert problem["rule"] == "id-matches-file"
    assert (int(problem["line"]), int(problem["col"])) == where(text, STEM, "id:")
    assert "other-name" in problem["message"] and STEM in problem["message"]


def test_duplicate_id_across_files_names_the_first(tmp_path):
    first = write(tmp_path, f"a/{STEM}.yaml", good())
    second = write(tmp_path, f"b/{STEM}.yaml", _milestones("{period: 2017/18, value: 30}")(good()))
    result = invoke("validate", tmp_path, "--format", "text")
    assert result.exit_code == 1
    problems = text_problems(result.output)
    unique = [p for p in problems if p["rule"] == "unique-id"]
    assert len(unique) == 1
    assert unique[0]["file"] == second.as_posix()
    id_line = where(good(), STEM, "id:")
    assert (int(unique[0]["line"]), int(unique[0]["col"])) == id_line
    assert f"{first.as_posix()}:{id_line[0]}" in unique[0]["message"]
    # the second file's problems are listed in line order
    lines = [int(p["line"]) for p in problems if p["file"] == second.as_posix()]
    assert lines == sorted(lines) and len(lines) == 2


def test_active_without_baseline_is_an_error_but_draft_is_a_warning(tmp_path):
    active = write(tmp_path, "active/youth-reoffending.yaml", _no_baseline(good()))
    draft_text = _no_baseline(edit(good(), "status: active", "status: draft"))
    draft = write(tmp_path, "draft/youth-reoffending.yaml", draft_text)
    assert invoke("validate", active).exit_code == 1
    result = invoke("validate", draft, "--format", "text")
    assert result.exit_code == 0
    [problem] = text_problems(result.output)
    assert problem["severity"] == "warning" and problem["rule"] == "status-completeness"
    assert "draft target without a baseline" in problem["message"]
    assert result.output.splitlines()[-1] == "1 file checked: 0 error(s), 1 warning(s)"
    # --strict: warnings fail too
    assert invoke("validate", draft, "--strict").exit_code == 1
    # a draft with a baseline but no level: direction-only, a warning
    no_level = edit(edit(good(), "status: active", "status: draft"), "value: 35}", "}")
    path = write(tmp_path, "no-level/youth-reoffending.yaml", no_level)
    checked = check_paths([path])
    assert [(p.severity, p.rule) for p in checked.problems] == [("warning", "status-completeness")]
    assert len(checked.targets) == 1  # warnings do not stop a target being built


@pytest.mark.parametrize(
    "content, rule, line, column, fragment",
    [
        ("", "empty-file", 1, 1, "the file is empty"),
        ("# just a comment\n\n", "empty-file", 1, 1, "the file is empty"),
        ("- id: a\n- id: b\n", "not-a-mapping", 1, 1, "holds a list"),
        ("just some words\n", "not-a-mapping", 1, 1, "holds the single value 'just some words'"),
        ("42\n", "not-a-mapping", 1, 1, "a mapping of keys"),
        (b"id: youth-reoffending\ntitle: caf\xe9\n", "encoding", 2, 11, "byte 0xe9 is not UTF-8"),
        ("id: x\n".encode("utf-16"), "encoding", 1, 1, "UTF-16"),
    ],
)
def test_files_that_are_not_specs(tmp_path, content, rule, line, column, fragment):
    path = write(tmp_path, f"{STEM}.yaml", content)
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 1
    [problem] = text_problems(result.output)
    assert (problem["rule"], int(problem["line"]), int(problem["col"])) == (rule, line, column)
    assert fragment in problem["message"]


def test_an_alias_bomb_is_refused_fast(tmp_path):
    bomb = "\n".join(
        f"{name}: &{name} [{','.join([f'*{previous}'] * 9) if previous else ','.join(['lol'] * 9)}]"
        for previous, name in zip([None, *"abcdefgh"], "abcdefghi")
    )
    path = write(tmp_path, f"{STEM}.yaml", bomb)
    result = invoke("validate", path, "--format", "json")
    assert result.exit_code == 1
    [problem] = json.loads(result.output)["problems"]
    assert (problem["rule"], problem["line"], problem["column"]) == ("anchor", 1, 4)


def test_deep_nesting_is_an_error_not_a_crash(tmp_path):
    path = write(tmp_path, f"{STEM}.yaml", "[" * 100_000)
    result = invoke("validate", path, "--format", "json")
    assert result.exit_code == 1
    [problem] = json.loads(result.output)["problems"]
    assert problem["rule"] in ("nesting", "yaml-syntax")


# --- output formats --------------------------------------------------------------------------------------

@pytest.fixture
def mixed(tmp_path) -> tuple[Path, Path, Path]:
    """A folder with one valid spec, one with an error and one with a warning only."""
    write(tmp_path, "ok.yaml", good("ok"))
    bad = write(tmp_path, "bad.yaml", edit(good("bad"), "tolerance:", "tolerence:"))
    warn = write(tmp_path, "warn.yaml", _no_baseline(edit(good("warn"), "status: active", "status: draft")))
    write(tmp_path, "README.md", "not a spec")
    write(tmp_path, ".hidden/ignored.yaml", "garbage: [")
    return tmp_path, bad, warn


def test_json_output_shape(mixed):
    folder, bad, warn = mixed
    result = invoke("validate", folder, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert set(report) == {"files_checked", "problems"}
    assert report["files_checked"] == 3
    for problem in report["problems"]:
        assert set(problem) == {"file", "line", "column", "severity", "rule", "message"}
        assert isinstance(problem["line"], int) and problem["line"] >= 1
        assert isinstance(problem["column"], int) and problem["column"] >= 1
    by_file = {p["file"]: p for p in report["problems"]}
    assert set(by_file) == {bad.as_posix(), warn.as_posix()}
    bad_text = bad.read_text()
    assert by_file[bad.as_posix()] == {
        "file": bad.as_posix(), "line": where(bad_text, "tolerence")[0], "column": 1, "severity": "error",
        "rule": "schema", "message": "unknown key `tolerence` at the top level: did you mean `tolerance`?",
    }
    assert by_file[warn.as_posix()]["severity"] == "warning"


def test_json_output_of_a_valid_tree(tmp_path):
    write(tmp_path, "ok.yaml", good("ok"))
    result = invoke("validate", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"files_checked": 1, "problems": []}


def test_github_output(mixed):
    folder, bad, warn = mixed
    result = invoke("validate", folder, "--format", "github")
    assert result.exit_code == 1
    commands = [m.groupdict() for line in result.output.splitlines() if (m := GITHUB_LINE.match(line))]
    assert len(commands) == 2
    error, warning = sorted(commands, key=lambda c: c["severity"])
    assert error == {"severity": "error", "file": bad.as_posix(), "line": str(where(bad.read_text(), "tolerence")[0]),
                     "col": "1", "message": "unknown key `tolerence` at the top level: did you mean `tolerance`?"}
    assert warning["severity"] == "warning" and warning["file"] == warn.as_posix()
    assert result.output.startswith("::")


def test_auto_format_picks_github_under_github_actions(mixed):
    folder, bad, _ = mixed
    under_actions = invoke("validate", folder, env={"GITHUB_ACTIONS": "true"})
    assert under_actions.output == invoke("validate", folder, "--format", "github").output
    assert f"::error file={bad.as_posix()},line=" in under_actions.output
    for env in ({}, {"GITHUB_ACTIONS": "false"}):
        plain = invoke("validate", folder, env=env)
        assert plain.output == invoke("validate", folder, "--format", "text").output
        assert "::error" not in plain.output
        assert f"{bad.as_posix()}:" in plain.output


def test_text_output_lists_every_problem_then_a_summary(mixed):
    folder, bad, warn = mixed
    result = invoke("validate", folder, "--format", "text")
    lines = result.output.splitlines()
    assert len(text_problems(result.output)) == len(lines) - 1 == 2
    assert lines[-1] == "3 files checked: 1 error(s), 1 warning(s)"


def test_strict_makes_warnings_fail(tmp_path):
    write(tmp_path, "warn.yaml", _no_baseline(edit(good("warn"), "status: active", "status: draft")))
    assert invoke("validate", tmp_path).exit_code == 0
    assert invoke("validate", tmp_path, "--strict").exit_code == 1
    write(tmp_path / "clean", "ok.yaml", good("ok"))
    assert invoke("validate", tmp_path / "clean", "--strict").exit_code == 0


def test_bad_format_is_a_usage_error(tmp_path):
    write(tmp_path, "ok.yaml", good("ok"))
    assert invoke("validate", tmp_path, "--format", "xml").exit_code == 2


def test_missing_path_is_exit_2_with_a_message(tmp_path):
    missing = tmp_path / "no-such-folder"
    result = invoke("validate", missing)
    assert result.exit_code == 2
    assert f"{missing}: error: no such file or folder" in result.stderr
    write(tmp_path, "ok.yaml", good("ok"))
    assert invoke("validate", tmp_path / "ok.yaml", missing).exit_code == 2
    with pytest.raises(UsageError):
        check_paths([missing])


def test_default_path_is_targets(tmp_path, monkeypatch):
    write(tmp_path, "targets/group/ok.yaml", good("ok"))
    monkeypatch.chdir(tmp_path)
    result = invoke("validate", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["files_checked"] == 1
    monkeypatch.chdir(tmp_path / "targets")
    assert invoke("validate").exit_code == 2  # no targets/ here


def test_relative_paths_stay_relative(tmp_path, monkeypatch):
    write(tmp_path, "specs/bad.yaml", edit(good("bad"), "unit: percent", "unit: percnt"))
    monkeypatch.chdir(tmp_path)
    result = invoke("validate", "specs", "--format", "text")
    assert result.output.startswith("specs/bad.yaml:11:9: error: unknown unit `percnt`")


# --- links, loops, long paths, permissions (issue 9, findings 7 and 13) ------------------------------------

UNPLACED_LINE = re.compile(r"^(?P<file>.+?): (?P<severity>error|warning): (?P<message>.+) \[(?P<rule>[a-z-]+)\]$")


def _unplaced_problems(output: str) -> list[dict[str, str]]:
    """Problems of the text format without a line and column (a file's or a link's)."""
    return [m.groupdict() for line in output.splitlines() if (m := UNPLACED_LINE.match(line))]


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output and "Errno" not in result.output


def test_a_loop_of_links_among_the_specs_is_named_not_a_crash(tmp_path):
    write(tmp_path, "specs/ok.yaml", good("ok"))
    (tmp_path / "specs" / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "specs" / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "specs" / "b.yaml").symlink_to("a.yaml")
    result = invoke("validate", tmp_path / "specs", "--format", "text")
    _no_traceback(result)
    assert result.exit_code == 1, result.output
    problems = {p["file"]: p for p in _unplaced_problems(result.output)}
    for name, to in (("loop.yaml", "loop.yaml"), ("a.yaml", "b.yaml"), ("b.yaml", "a.yaml")):
        problem = problems[(tmp_path / "specs" / name).as_posix()]
        assert problem["rule"] == "link"
        assert problem["message"].startswith(f"a loop of links: it points to `{to}`"), problem
        assert "fix the link or remove it" in problem["message"]
    assert result.output.splitlines()[-1] == "4 files checked: 3 error(s), 0 warning(s)"
    # given by name: a usage error
    direct = invoke("validate", tmp_path / "specs" / "loop.yaml")
    _no_traceback(direct)
    assert direct.exit_code == 2
    assert f"{(tmp_path / 'specs' / 'loop.yaml').as_posix()}: error: a loop of links" in direct.stderr


LONG_NAME = "x" * 300  # longer than a file name may be (255 bytes)
LONG_PATH = "/".join(["y" * 200] * 25)  # longer than a path may be (4,096 bytes)


@pytest.mark.parametrize("long", [LONG_NAME, LONG_PATH], ids=["name", "path"])
@pytest.mark.parametrize("command", [
    ["validate", "@"], ["validate", "ok.yaml", "@"], ["list", "--targets", "@"], ["evaluate", "r.csv", "--targets", "@"],
    ["show", "ok", "--targets", "@"], ["report", "r.csv", "--targets", "@"], ["diff", "HEAD", "--targets", "@"],
], ids=lambda c: c[0] + ("-targets" if "--targets" in c else ""))
def test_a_path_too_long_for_the_file_system_is_a_usage_error(tmp_path, monkeypatch, command, long):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "ok.yaml", good("ok"))
    result = invoke(*[long if arg == "@" else arg for arg in command])
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(long[:40] + "...")  # named, but cut short
    assert f"error: the path is too long for the file system ({len(long):,} bytes" in line
    assert "check the path, or give a shorter one [path]" in line
    assert len(line) < 300


def test_a_broken_link_is_named_with_where_it_points(tmp_path):
    write(tmp_path, "specs/ok.yaml", good("ok"))
    (tmp_path / "specs" / "gone.yaml").symlink_to("../moved/gone.yaml")
    (tmp_path / "specs" / "README.md").symlink_to("nowhere")  # not named as a spec: not one
    result = invoke("validate", tmp_path / "specs", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["files_checked"] == 2
    assert report["problems"] == [{
        "file": (tmp_path / "specs" / "gone.yaml").as_posix(), "line": None, "column": None, "severity": "error",
        "rule": "link", "message": "a broken link: it points to `../moved/gone.yaml`, which does not exist; "
                                   "fix the link or remove it"}]
    direct = invoke("validate", tmp_path / "specs" / "gone.yaml")
    assert direct.exit_code == 2
    assert "error: a broken link: it points to `../moved/gone.yaml`" in direct.stderr
    assert "device or pipe" not in direct.stderr


def test_links_to_outside_the_specs_folder_are_not_followed(tmp_path):
    secret = write(tmp_path, "home/secret.yaml", "password: hunter2\n")
    write(tmp_path, "elsewhere/other.yaml", good("other"))
    specs = tmp_path / "repo" / "specs"
    write(specs, "ok.yaml", good("ok"))
    (specs / "stolen.yaml").symlink_to(secret)
    (specs / "shared").symlink_to(tmp_path / "elsewhere")
    result = invoke("validate", specs, "--format", "text")
    assert result.exit_code == 1, result.output
    assert "hunter2" not in result.output and "password" not in result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"{(specs / 'shared').as_posix()}: error: a link to a folder outside the specs folder "
                        f"(`{(tmp_path / 'elsewhere').as_posix()}`): not followed, so the specs in it are not checked; "
                        "move them into the specs folder, or give that folder to the command instead, and remove the link [link]")
    assert lines[1].startswith(f"{(specs / 'stolen.yaml').as_posix()}: error: a link to a file outside the specs folder "
                               f"(`{secret.as_posix()}`): not followed, so the spec is not checked; copy it")
    assert lines[-1] == "3 files checked: 2 error(s), 0 warning(s)"
    # commands that need valid specs refuse them, saying why
    listed = invoke("list", "--targets", specs)
    assert listed.exit_code == 2 and "a link to a folder outside the specs folder" in listed.stderr
    # a link given by name is followed: the user named it
    assert invoke("validate", specs / "shared").exit_code == 0
    # the specs folder itself may be a link
    (tmp_path / "link-to-specs").symlink_to(specs)
    assert "not followed" in invoke("validate", tmp_path / "link-to-specs").output


def test_links_inside_the_specs_folder_are_followed_once(tmp_path):
    specs = tmp_path / "specs"
    write(specs, "group/ok.yaml", good("ok"))
    write(specs, ".drafts/draft.yaml", good("draft"))
    (specs / "alias.yaml").symlink_to("group/ok.yaml")  # the same spec: checked once, under its own name
    (specs / "again").symlink_to("group")  # the same folder: not walked twice
    (specs / "group" / "up").symlink_to("..")  # a loop back to the top: not walked again
    (specs / "drafts").symlink_to(".drafts")  # into a hidden folder: what it shows is checked
    result = invoke("validate", specs, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"files_checked": 2, "problems": []}
    checked = check_paths([specs])
    assert [t.file for t in checked.targets] == [(specs / "group" / "ok.yaml").as_posix(),
                                                 (specs / "drafts" / "draft.yaml").as_posix()]


def _unreadable(path: Path, monkeypatch) -> None:
    """`path` cannot be read, as for a user without permission: the system's own error, faked, since
    chmod does not stop root (the next test does it for real where it can)."""
    real_scandir, real_open = os.scandir, Path.open

    def scandir(where=".", *args, **kwargs):
        if Path(where) == path:
            raise PermissionError(13, "Permission denied", str(where))
        return real_scandir(where, *args, **kwargs)

    def open_(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "open", open_)


@pytest.mark.parametrize("what", ["file", "folder", "top folder"])
def test_a_spec_or_folder_without_read_permission_is_a_usage_error(tmp_path, monkeypatch, what):
    specs = tmp_path / "specs"
    write(specs, "ok.yaml", good("ok"))
    locked = {"file": write(specs, "sub/locked.yaml", good("locked")), "folder": specs / "sub", "top folder": specs}[what]
    if what == "folder":
        write(specs, "sub/locked.yaml", good("locked"))
    _unreadable(locked, monkeypatch)
    result = invoke("validate", specs)
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    opening = "cannot read the file" if what == "file" else "cannot open the folder"
    assert result.stderr == (f"{locked.as_posix()}: error: {opening}: permission denied: this user cannot read it; check "
                             "its permissions and those of the folders above it (`ls -ld`), or run as a user who can "
                             f"read the specs [{'io' if what == 'file' else 'path'}]\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads whatever the permissions say")
def test_a_spec_without_read_permission_for_real(tmp_path):
    path = write(tmp_path, "specs/locked.yaml", good("locked"))
    path.chmod(0)
    try:
        result = invoke("validate", tmp_path / "specs")
        assert result.exit_code == 2
        assert "permission denied" in result.stderr
        (tmp_path / "specs").chmod(0)
        result = invoke("validate", tmp_path / "specs")
        assert result.exit_code == 2
        assert "cannot open the folder: permission denied" in result.stderr
    finally:
        (tmp_path / "specs").chmod(0o755)
        path.chmod(0o644)


# --- limit-side: a limit on the worse side of the target (issue 9, finding 11) -----------------------------

LIMIT_CASES = [
    # (case, how to change the good spec (lower is better, 48.3 -> 35), the error's fragments or None if valid)
    ("limit below the target", "limit: 30", ["at or above the target (35)", "with a limit of 30 a reading at the target (35)",
                                              "set the limit to 35 or higher"]),
    ("limit at the target: any miss is a breach", "limit: 35", None),
    ("limit between target and baseline", "limit: 46", None),
    ("limit above the baseline", "limit: 60", None),
    ("below a milestone", "limit: 40\nmilestones:\n  - {period: 2014/15, value: 44}",
     ["at or above the target (35) and milestone 2014/15 (44)", "a reading at milestone 2014/15 (44)", "to 44 or higher"]),
    ("below a level worked out from the baseline", ("limit: 36", "value: 35}", "relative_change: -0.25}"),
     ["the target (36.225)", "set the limit to 36.225 or higher"]),
    ("maintain", ("limit: 40", "value: 35}", "maintain: true}"), ["the target (48.3)"]),
    ("direction-only: judged against the baseline", ("limit: 40", "value: 35}", "}"), ["at or above the baseline (48.3)"]),
    ("direction-only at the baseline", ("limit: 48.3", "value: 35}", "}"), None),
    ("higher is better: a floor above the target", ("limit: 50", "polarity: lower_is_better", "polarity: higher_is_better"),
     ["higher is better, so the limit must be at or below the target (35)", "set the limit to 35 or lower"]),
    ("higher is better: a floor below the target", ("limit: 20", "polarity: lower_is_better", "polarity: higher_is_better"), None),
]


@pytest.mark.parametrize("case, change, fragments", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_a_limit_lies_on_the_worse_side_of_the_target(tmp_path, case, change, fragments):
    extra, *replace = change if isinstance(change, tuple) else (change,)
    text = good() + extra + "\n"
    if replace:
        text = edit(text, *replace)
    path = write(tmp_path, f"{STEM}.yaml", text)
    result = invoke("validate", path, "--format", "text")
    if fragments is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    [problem] = [p for p in text_problems(result.output) if p["severity"] == "error"]  # (target-side may warn too)
    assert problem["rule"] == "limit-side"
    assert (int(problem["line"]), int(problem["col"])) == where(text, extra.split(":")[1].split()[0], "limit:")
    assert "a reading worse than the limit is a breach" in problem["message"]
    for fragment in fragments:
        assert fragment in problem["message"], problem["message"]


# --- target-side, percent-fraction: warnings a first-time user needed (issue 14) -----------------------

def _warnings(result) -> list[dict[str, str]]:
    return [p for p in text_problems(result.output) if p["severity"] == "warning"]


SIDE_CASES = [
    # (case, replacements in the good spec (lower is better, 48.3 -> 35), the warning's fragments or None)
    ("lower is better, target above the baseline", [("value: 35}", "value: 50}")],
     ["lower is better, and the target (50) is higher than the baseline (48.3): it is met by getting worse",
      "set `measure.polarity: higher_is_better`", "otherwise give a target lower than 48.3"]),
    ("higher is better, target below the baseline", [("polarity: lower_is_better", "polarity: higher_is_better")],
     ["higher is better, and the target (35) is lower than the baseline (48.3)", "`measure.polarity: lower_is_better`"]),
    ("a change the wrong way", [("value: 35}", "change: 5}")], ["the target (53.3, from `change: 5`)"]),
    ("a relative change the wrong way", [("value: 35}", "relative_change: 0.1}")], ["from `relative_change: 0.1`"]),
    ("an annual rate the wrong way", [("value: 35}", "annual_rate: 0.02}")], ["from `annual_rate: 0.02`"]),
    ("on the better side", [], None),
    ("equal to the baseline", [("value: 35}", "value: 48.3}")], None),
    ("maintain", [("value: 35}", "maintain: true}")], None),
    ("direction-only", [("value: 35}", "}")], None),
    ("higher is better, target above", [("polarity: lower_is_better", "polarity: higher_is_better"),
                                        ("value: 35}", "value: 60}")], None),
]


@pytest.mark.parametrize("case, changes, fragments", SIDE_CASES, ids=[c[0] for c in SIDE_CASES])
def test_a_target_met_by_getting_worse_is_a_warning(tmp_path, case, changes, fragments):
    text = good()
    for old, new in changes:
        text = edit(text, old, new)
    path = write(tmp_path, f"{STEM}.yaml", text)
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 0, result.output  # a warning: the spec is still valid
    warnings = [p for p in _warnings(result) if p["rule"] == "target-side"]
    if fragments is None:
        assert warnings == [], result.output
        return
    [warning] = warnings
    form = next(f for f in ("value", "change", "relative_change", "annual_rate") if f"{f}:" in text.split("target:")[1])
    assert (int(warning["line"]), int(warning["col"])) == where(text, text.split(f"{form}: ")[-1].split("}")[0], "target:")
    for fragment in fragments:
        assert fragment in warning["message"], warning["message"]
    assert invoke("validate", path, "--strict").exit_code == 1


FRACTION = (edit(edit(edit(good(), "value: 48.3}", "value: 0.441}"), "value: 35}", "value: 0.5}"),
                 "polarity: lower_is_better", "polarity: higher_is_better")
            + "milestones:\n  - {period: 2014/15, value: 0.46}\nlimit: 0.4\n")


def test_percent_figures_written_as_fractions_are_warned_at_each_line(tmp_path):
    path = write(tmp_path, f"{STEM}.yaml", FRACTION)
    result = invoke("validate", path, "--format", "text")
    assert result.exit_code == 0, result.output
    warnings = [p for p in _warnings(result) if p["rule"] == "percent-fraction"]
    expected = [("0.441", "baseline:", "0.441% looks like a fraction: if it means 44.1%, write 44.1"),
                ("0.5", "target:", "0.5% looks like a fraction: if it means 50%, write 50"),
                ("0.46", "2014/15", "0.46% looks like a fraction: if it means 46%, write 46"),
                ("0.4", "limit:", "0.4% looks like a fraction: if it means 40%, write 40")]
    assert len(warnings) == len(expected), result.output
    for warning, (needle, within, message) in zip(sorted(warnings, key=lambda w: int(w["line"])), expected):
        assert (int(warning["line"]), int(warning["col"])) == where(FRACTION, needle, within)
        assert warning["message"].startswith(message), warning["message"]


@pytest.mark.parametrize("change", [
    ("value: 0.5}", "value: 50}"),  # a figure above 1: whole percentages
    ("unit: percent", "unit: dimensionless"),  # not a percentage
    ("limit: 0.4", "limit: -0.1"),  # a negative figure is no share of anything
])
def test_percent_fraction_is_quiet_where_the_figures_are_not_fractions(tmp_path, change):
    path = write(tmp_path, f"{STEM}.yaml", edit(FRACTION, *change))
    assert [p for p in _warnings(invoke("validate", path)) if p["rule"] == "percent-fraction"] == []


def test_the_spec_and_the_readings_share_one_fraction_heuristic_and_its_words():
    # One test and one wording (engine.model.units) for a reading's note and a spec's warning.
    from engine.checks.rules import percent_fraction
    from engine.model import units
    from engine.verdicts import explain

    assert percent_fraction.looks_like_fraction is units.looks_like_fraction is explain.looks_like_fraction
    assert percent_fraction.fraction_note is units.fraction_note is explain.fraction_note


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1, exclude_min=True, exclude_max=True))
def test_a_fraction_note_names_the_percentage_it_would_be(value):
    from engine.model.units import fraction_note, looks_like_fraction

    assert looks_like_fraction(value)
    note = fraction_note(value)
    meant = float(note.rsplit("write ", 1)[1])
    assert math.isclose(meant, value * 100, rel_tol=1e-5)


# --- ids: every fix offered is itself a valid id (issue 14) --------------------------------------------------

def test_a_file_name_that_cannot_be_an_id_is_not_offered_as_one(tmp_path):
    path = write(tmp_path, "Upper Case.yaml", good("upper-case"))
    [problem] = text_problems(invoke("validate", path).output)
    assert problem["rule"] == "id-matches-file"
    assert problem["message"] == ("the id `upper-case` differs from the file name `Upper Case`: rename the file to "
                                  "upper-case.yaml (`Upper Case` cannot be an id: ids are lower-case letters, digits "
                                  "and hyphens)")


@pytest.mark.parametrize("name, written, fix", [
    ("Wrong-Name.yaml", "Wrong-Name", "try `wrong-name`, and rename the file to wrong-name.yaml to match"),
    ("wrong-name.yaml", "Wrong-Name", "try `wrong-name`"),
    ("Upper Case.yaml", "Upper Case", "try `upper-case`, and rename the file to upper-case.yaml to match"),
    ("other.yaml", "Wrong Name", "try `wrong-name` and rename the file to wrong-name.yaml, or `other` as the file is named"),
    ("other.yaml", "£££", "try `other`, as the file is named"),
])
def test_a_bad_id_gets_a_valid_id_and_a_matching_file_name(tmp_path, name, written, fix):
    path = write(tmp_path, name, edit(good(), f"id: {STEM}", f"id: {written}"))
    problems = text_problems(invoke("validate", path).output)
    assert [p["rule"] for p in problems] == ["schema"], problems
    assert problems[0]["message"].endswith(f"not `{written}`: {fix}"), problems[0]["message"]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=120) | st.sampled_from(["İstanbul", "ﬁsh", "Ｆｕｌｌ", "١٢٣", "ß", "a" * 79 + "-bc", "x" * 200]))
def test_a_suggested_id_is_always_a_valid_id(text):
    from jsonschema import Draft202012Validator

    from engine.checks.schema import is_valid_id, schema, suggest_id

    suggestion = suggest_id(text)
    if suggestion is None:
        assert not any(c.isascii() and c.isalnum() for c in text.lower())
        return
    assert is_valid_id(suggestion)
    assert Draft202012Validator(schema()["properties"]["id"]).is_valid(suggestion)


# --- patterns follow ECMA-262, as JSON Schema says (issue 9, finding 10) ---------------------------------

@pytest.mark.parametrize("pattern, text, matches", [
    ("^[a-z]+$", "evil", True),
    ("^[a-z]+$", "evil\n", False),  # Python's `$` alone would match before the final line break
    ("^(a|b)$", "a\n", False),
    ("^a$|^b$", "b\n", False),
    (r"^a\$$", "a$", True),  # an escaped dollar is a character
    ("^[$a]+$", "$a$", True),  # so is a dollar in a class
    ("^[a-z]+$", "line\nbreak", False),
])
def test_schema_patterns_anchor_at_the_very_end(pattern, text, matches):
    from engine.checks.schema import ecma_regex

    assert bool(re.search(ecma_regex(pattern), text)) is matches


def test_every_pattern_in_the_schema_goes_through_the_ecma_keyword():
    # `pattern` (and `propertyNames`, which uses it) is ECMA-anchored by engine.schema; jsonschema's
    # `patternProperties` and the `additionalProperties` beside it would use Python's re as is.
    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    used = set(keys(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))))
    assert "pattern" in used
    assert not used & {"patternProperties", "unevaluatedProperties"}, "extend engine.checks.schema._validator for them first"


@pytest.mark.parametrize("line, fragment", [
    ('  unit: "percent\\n"', "and `percent\\n` has one: write `unit: percent`"),
    ('  unit: "percent\\r"', "and `percent\\r` has one: write `unit: percent`"),
    ('  unit: "count\\n/year"', "and `count\\n/year` has one: write `unit: count/year`"),
    ('  frequency: "annual\\t"', "and `annual\\t` has one: write `frequency: annual`"),
    ('  polarity: "lower_is_better\\n"', "write `polarity: lower_is_better`"),
    ('  unit: "\\n"', "and `\\n` has one: remove it"),
])
def test_a_control_character_in_a_pattern_or_enum_field_is_named(tmp_path, line, fragment):
    key = line.split(":")[0]
    text = "\n".join(line if row.startswith(key + ":") else row for row in good().splitlines()) + "\n"
    path = write(tmp_path, f"{STEM}.yaml", text)
    result = invoke("validate", path, "--format", "json")
    assert result.exit_code == 1, result.output
    [problem] = json.loads(result.output)["problems"]
    assert problem["rule"] == "schema"
    assert "must not contain a line break or other control character" in problem["message"]
    assert fragment in problem["message"]
    assert "\n" not in problem["message"] and "\r" not in problem["message"]


# --- other commands --------------------------------------------------------------------------------------

def test_schema_command_prints_the_schema():
    result = invoke("schema")
    assert result.exit_code == 0
    printed = json.loads(result.output)
    assert printed == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_list_shows_the_targets(tmp_path):
    write(tmp_path, "alpha-one.yaml", edit(good("alpha-one"), "title: Youth re-offending rate", "title: First"))
    write(tmp_path, "sub/beta-two.yaml", _no_baseline(edit(good("beta-two"), "status: active", "status: draft")))
    result = invoke("list", "--targets", tmp_path)
    assert result.exit_code == 0
    for shown in ("alpha-one", "beta-two", "First", "draft", "active", "2 targets"):
        assert shown in result.output


def _first_column(output: str) -> list[str]:
    """The text of the table's first column, line by line (rows between the box's bars)."""
    return [line.split("│")[1].strip() for line in output.splitlines() if line.startswith("│")]


def test_list_at_80_columns_wraps_titles_by_words_and_keeps_the_id_column_narrow():
    # Issue 14: at 80 columns the id column took half the width and titles broke mid-word.
    from engine.run import load_targets

    targets = load_targets(SHIPPED)
    result = invoke("list", "--targets", SHIPPED, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(map(len, lines)) <= 80
    header = next(line for line in lines if line.startswith("┃"))
    assert header.index("┃", 1) <= 80 // 5 + 3  # the id column: a fifth of the width
    words = {word for line in lines for word in line.replace("│", " ").split()}
    for target in targets:
        assert set(target.title.split()) <= words, target.title  # every word of every title whole
    # Ids broken only after a hyphen: read down the column, each id is there, in order.
    column = "".join(_first_column(result.output))
    at = 0
    for target in targets:
        at = column.index(target.id, at) + len(target.id)
    assert "priority and lead left out to fit 80 columns" in result.output


def test_list_on_a_wide_terminal_shows_every_column_with_ids_whole():
    from engine.run import load_targets

    result = invoke("list", "--targets", SHIPPED, env={"COLUMNS": "200"})
    header = next(line for line in result.output.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.strip("┃").split("┃")] == ["id", "title", "priority", "lead", "baseline",
                                                                 "target", "status"]
    column = _first_column(result.output)
    assert all(target.id in column for target in load_targets(SHIPPED))  # each on one line


@pytest.mark.parametrize("text, width, lines", [
    ("asb-incidents-community-priorities", 16, ["asb-incidents-", "community-", "priorities"]),
    ("all-crime-rate", 16, ["all-crime-rate"]),
    ("a-verylongwordthatdoesnotfit-b", 10, ["a-", "verylongwordthatdoesnotfit-", "b"]),
    ("x", 3, ["x"]),
])
def test_ids_are_broken_only_after_hyphens(text, width, lines):
    from engine.reports.table import break_after_hyphens

    assert break_after_hyphens(text, width) == lines


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z0-9][a-z0-9-]{0,79}", fullmatch=True), st.integers(1, 40))
def test_breaking_an_id_loses_nothing_and_keeps_to_the_width_where_it_can(text, width):
    from engine.reports.table import break_after_hyphens

    lines = break_after_hyphens(text, width)
    assert "".join(lines) == text
    assert all(line.endswith("-") for line in lines[:-1])
    assert all(len(line) <= width or "-" not in line[:-1] for line in lines)


def test_list_refuses_invalid_specs(tmp_path):
    text = edit(good(), "tolerance:", "tolerence:")
    path = write(tmp_path, f"{STEM}.yaml", text)
    result = invoke("list", "--targets", tmp_path)
    assert result.exit_code == 2
    line, column = where(text, "tolerence")
    assert f"{path.as_posix()}:{line}:{column}: error: unknown key `tolerence`" in result.stderr
    assert invoke("list", "--targets", tmp_path / "missing").exit_code == 2


def test_help_everywhere():
    for args in (["--help"], ["validate", "--help"], ["schema", "--help"], ["list", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0
        assert "Usage" in result.output


# --- real processes -------------------------------------------------------------------------------------

def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_subprocess_validate_reports_and_exits_1(tmp_path):
    text = edit(good(), "value: 35}", "value: 48.3%}")
    write(tmp_path, f"{STEM}.yaml", text)
    run = _run([sys.executable, "-c", "import cli; cli.app()", "validate", f"{STEM}.yaml"], tmp_path)
    assert run.returncode == 1
    line, column = where(text, "48.3%")
    assert run.stdout.startswith(f"{STEM}.yaml:{line}:{column}: error: `target.value` must be a number")
    assert "Traceback" not in run.stdout + run.stderr


def test_subprocess_missing_path_exits_2(tmp_path):
    run = _run([sys.executable, "-c", "import cli; cli.app()", "validate", "nowhere"], tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("nowhere: error:")
    assert "Traceback" not in run.stderr


def test_installed_console_script_validates_the_shipped_specs(tmp_path):
    script = Path(sys.executable).with_name("targets")
    if not script.exists():
        pytest.skip("the `targets` console script is not installed next to this Python")
    run = _run([str(script), "validate", str(SHIPPED), "--format", "json"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["files_checked"] >= 20


# --- the shipped Safe City targets ---------------------------------------------------------------------

def test_shipped_specs_are_valid():
    checked = check_paths([SHIPPED])
    assert checked.errors == [], "\n".join(p.as_text() for p in checked.errors)
    assert checked.files_checked >= 20
    assert checked.areas is not None  # targets/areas.yaml: checked, and not a target
    assert len(checked.targets) == checked.files_checked - 1
    ids = [t.id for t in checked.targets]
    assert len(set(ids)) == len(ids)
    for target in checked.targets:
        assert Path(target.file).stem == target.id
    result = invoke("validate", SHIPPED)
    assert result.exit_code == 0


# --- build_target: what each form resolves to ------------------------------------------------------------

def built(text: str):
    doc = load_yaml(text.encode(), "spec.yaml")
    problems = check_document(doc, doc.data["id"])
    assert not [p for p in problems if p.severity == "error"], problems
    return build_target(doc.data, "spec.yaml")


def test_build_value_target():
    target = built(good())
    assert target.id == STEM and target.title == "Youth re-offending rate" and target.file == "spec.yaml"
    assert target.status == "active"
    assert (target.measure.unit, target.measure.polarity, target.measure.frequency) == ("percent", "lower_is_better", "annual")
    assert target.measure.lower_is_better
    assert target.baseline.period.label == "2013/14" and target.baseline.value == 48.3
    assert target.baseline.date.isoformat() == "2014-03-31"
    goal = target.goal
    assert (goal.period.label, goal.form, goal.amount, goal.value, goal.strict) == ("2016/17", "value", 35, 35, False)
    assert target.trajectory == "linear"
    assert (target.tolerance.absolute, target.tolerance.relative) == (1.0, 0.0)
    assert target.tolerance.at(40) == 1.0
    assert target.partners == ("YOS Management Board",)
    assert target.has_path and not target.is_direction_only


@pytest.mark.parametrize(
    "form, expected",
    [
        ("change: -5", 48.3 - 5),
        ("change: 2.5", 48.3 + 2.5),
        ("relative_change: -0.25", 48.3 * 0.75),
        ("relative_change: -1", 0.0),
        ("maintain: true", 48.3),
        ("value: 35", 35.0),
    ],
)
def test_build_resolves_each_form_from_the_baseline(form, expected):
    target = built(edit(good(), "value: 35}", f"{form}}}"))
    assert target.goal.form == form.split(":")[0]
    assert target.goal.value == pytest.approx(expected)
    assert target.trajectory == "linear"


def test_build_annual_rate_compounds_from_the_baseline():
    text = edit(edit(good(), "value: 48.3}", "value: 59.8}"), "value: 35}", "annual_rate: 0.1}")
    text = edit(text, "trajectory: linear\n", "")
    target = built(text)
    # "10% increase per year from 59.8%": three years, 2013/14 -> 2016/17
    assert target.goal.value == pytest.approx(59.8 * 1.1**3)
    assert target.goal.amount == 0.1
    assert target.trajectory == "compound"  # the default with an annual rate


def test_build_annual_rate_over_part_years_and_an_explicit_trajectory():
    text = edit(edit(good(), "{period: 2013/14, value: 48.3}", "{period: 2014-03, value: 59.8}"),
                "{period: 2016/17, value: 35}", "{period: 2015-09, annual_rate: 0.1}")
    target = built(text)  # trajectory: linear is kept as written
    assert target.trajectory == "linear"
    assert target.goal.value == pytest.approx(59.8 * 1.1**1.5)  # 18 months


def test_build_direction_only_and_no_target():
    direction = built(edit(good(), "value: 35}", "}"))
    assert direction.goal.form is None and direction.goal.value is None
    assert direction.is_direction_only and not direction.has_path
    no_target = built(edit(good(), "target: {period: 2016/17, value: 35}\n", ""))
    assert no_target.goal is None and no_target.is_direction_only


def test_build_optional_parts():
    text = edit(good(), "value: 35}", "value: 35, strict: true}") + (
        "milestones:\n  - {period: 2014/15, value: 44}\n  - {period: 2015/16, value: 40}\n"
        "limit: 60\n"
        "revisions:\n  - {date: 30/06/2015, change: 36 -> 35, reason: review, approved_by: Board}\n"
    )
    text = edit(edit(text, "status: active\n", ""), "tolerance: {absolute: 1.0}", "tolerance: {relative: 0.05}")
    target = built(text)
    assert target.status == "active"  # the default
    assert target.goal.strict
    assert [(m.period.label, m.value) for m in target.milestones] == [("2014/15", 44.0), ("2015/16", 40.0)]
    assert target.limit == 60.0
    [revision] = target.revisions
    assert (revision.date.kind, revision.date.label, revision.approved_by) == ("day", "2015-06-30", "Board")
    assert target.tolerance.at(40) == pytest.approx(2.0)


# --- robustness: nothing but reports, whatever the spec holds ------------------------------------------

SNIPPETS = ["&a ", "*a", "<<: ", "---\n", "- ", "[", "{", ": ", "é", "\x00", ".nan", "-.inf", "0", "-1", "1e999",
            "2014-15", "compound", "draft", "annual_rate: 5", "change: ", "maintain: ", "#", "'", "\n", "  "]


@st.composite
def mutated_specs(draw):
    text = good() + "milestones:\n  - {period: 2014/15, value: 44}\n"
    for _ in range(draw(st.integers(1, 3))):
        where_at = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["delete", "insert", "snippet", "duplicate-line"]))
        if action == "delete":
            text = text[:where_at] + text[where_at + 1:]
        elif action == "insert":
            text = text[:where_at] + draw(st.characters(codec="utf-8")) + text[where_at:]
        elif action == "snippet":
            text = text[:where_at] + draw(st.sampled_from(SNIPPETS)) + text[where_at:]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            text = "\n".join(lines)
    return text


def _check_text(text: str) -> None:
    try:
        doc = load_yaml(text.encode(), "spec.yaml")
    except LoadError:
        return
    if not isinstance(doc.data, dict):
        return
    problems = check_document(doc, STEM)
    for problem in problems:
        assert problem.severity in ("error", "warning")
        assert problem.line >= 1 and problem.column >= 1
        assert problem.rule and problem.message
    if not any(p.severity == "error" for p in problems):
        target = build_target(doc.data, "spec.yaml")
        if target.goal is not None and target.goal.value is not None:
            assert math.isfinite(target.goal.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_mutated_specs_give_reports_never_exceptions(text):
    _check_text(text)


BASE_DATA = load_yaml(good().encode(), "spec.yaml").data
FIELDS = [("baseline", "value"), ("baseline", "period"), ("target", "period"), ("target", "value"), ("target", "change"),
          ("target", "relative_change"), ("target", "annual_rate"), ("target", "maintain"), ("target", "strict"),
          ("trajectory",), ("status",), ("measure", "unit"), ("measure",), ("milestones",), ("tolerance",),
          ("tolerance", "relative"), ("limit",), ("revisions",), ("baseline",), ("target",), ("id",), ("partners",)]
PERIODS = ["2013/14", "2014/15", "2016/17", "2015 Q2", "2015-03", "2015-03-31", "31/03/2016", "1900", "2999", "2014-15"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**17), st.floats(), st.sampled_from(PERIODS), st.integers(1899, 3001),
    st.sampled_from(["percent", "count/year", "draft", "retired", "active", "compound", "step", "linear", ""]),
    st.text(max_size=8),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.lists(st.fixed_dictionaries({"period": st.sampled_from(PERIODS), "value": scalars}), max_size=3),
    st.dictionaries(st.sampled_from(["period", "value", "change", "relative_change", "annual_rate", "absolute",
                                     "relative", "date"]), scalars, max_size=3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FIELDS), st.one_of(st.just("delete"), values)), min_size=1, max_size=4))
def test_structurally_altered_specs_give_reports_never_exceptions(changes):
    data = copy.deepcopy(BASE_DATA)
    for path, value in changes:
        parent = data
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if value == "delete":
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(value)
    problems = check_document(Document("spec.yaml", data, {(): Mark(1, 1)}), STEM)
    if not any(p.severity == "error" for p in problems):
        target = build_target(data, "spec.yaml")
        if target.goal is not None and target.goal.value is not None:
            assert math.isfinite(target.goal.value)


def test_validate_a_folder_without_specs_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    import cli

    (tmp_path / "notes.txt").write_text("not a spec")
    result = CliRunner().invoke(cli.app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "no target specs" in result.output
    assert "Traceback" not in result.output


def test_quiet_shows_errors_only_and_counts_the_warnings(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    shipped = CliRunner().invoke(app, ["validate", str(ROOT / "targets"), "--quiet"])
    assert shipped.exit_code == 0
    full = CliRunner().invoke(app, ["validate", str(ROOT / "targets")])
    warnings = sum(": warning: " in line for line in full.stdout.splitlines())
    assert warnings > 0 and ": warning: " not in shipped.stdout
    assert f"0 error(s), {warnings} warning(s) (not shown: --quiet)" in shipped.stdout


@pytest.mark.parametrize("form", ["text", "json", "github"])
def test_validate_loads_no_evaluation_engine_units_registry_or_tables(form):
    # It runs as a pre-commit hook and must feel instant: readings, verdicts, pint and rich wait
    # for the commands that need them.
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['targets', 'validate', 'targets', '--format', %r]\n"
            "import cli\n"
            "try:\n    cli.app()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('engine.verdicts.evaluation', 'engine.sources.readings', 'numpy', 'polars', 'pint', 'rich', 'matplotlib')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy\n") % form
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- checking at scale (issue 10) ---------------------------------------------------------------------------

def test_an_id_used_twice_names_both_lines_though_specs_are_read_without_marks(tmp_path):
    write(tmp_path, "a/youth-reoffending.yaml", "# first\n\n" + good())
    write(tmp_path, "b/youth-reoffending.yaml", good())
    result = check_paths([tmp_path])
    [problem] = [p for p in result.problems if p.rule == "unique-id"]
    assert (problem.file.endswith("b/youth-reoffending.yaml"), problem.line, problem.column) == (True, 2, 5)
    assert problem.message.startswith(f"the id `{STEM}` is already used by ")
    assert f"a/youth-reoffending.yaml:4: give each target its own id" in problem.message


finite_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**400), 10**400), st.floats(),
              st.sampled_from([1e15, -1e15, 1e15 + 1, 10**15, 10**15 + 1, math.nan, math.inf]), st.text(max_size=3)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["value", "period", "date", "limit", "x"]), inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["limit", "baseline", "milestones", "period", "id"]), finite_values, max_size=4))
def test_finite_numbers_says_what_its_full_walk_says(data):
    from engine.checks.rules import finite_numbers

    assert list(finite_numbers.check(data, STEM)) == list(finite_numbers._walk(data, ()))


def test_validate_of_the_shipped_specs_imports_neither_pyyaml_nor_jsonschema_nor_pydantic():
    # Issue 10: the pre-commit hook starts in at most 150 ms of imports. The shipped specs are
    # plain YAML (read without PyYAML) and valid (checked without jsonschema); typer is pinned
    # below the version that coerces every option through pydantic.
    code = ("import sys; sys.argv = ['targets', 'validate', 'targets']\n"
            "import cli\n"
            "try:\n    cli.app()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "heavy = [m for m in ('yaml', 'jsonschema', 'pydantic', 'rich', 'pint', 'matplotlib') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- statistic-unit: a statistic its unit can carry (issue 11) --------------------------------------------

STATISTIC_CASES = [
    # (case, how to change the good spec (percent), the rule's message fragments, severity) or None if valid
    ("a proportion in percent", ("  unit: percent", "  unit: percent\n  statistic: proportion"), None),
    ("with significance", ("  unit: percent", "  unit: percent\n  statistic: proportion", "significance: {confidence: 99.8}"),
     None),
    ("a rate in percent", ("  unit: percent", "  unit: percent\n  statistic: rate"),
     ("error", ["a rate is measured in `per_100k` or `per_10k` or `per_1000`, not `percent`"])),
    ("a count in percent", ("  unit: percent", "  unit: percent\n  statistic: count"),
     ("error", ["a count is measured in `count`"])),
    ("significance alone", ("  unit: percent", "  unit: percent", "significance: {confidence: 95}"),
     ("warning", ["only readings that give their own interval"])),
    ("a rank in rank", ("  unit: percent", "  unit: rank\n  statistic: rank"), None),
    ("the unit rank alone", ("  unit: percent", "  unit: rank"), None),
    ("a rank in dimensionless, as written before the unit", ("  unit: percent", "  unit: dimensionless\n  statistic: rank"),
     ("warning", ["a rank is now measured in `rank`: write `unit: rank`", "still read and judged as one"])),
    ("a rank in count", ("  unit: percent", "  unit: count\n  statistic: rank"),
     ("error", ["a rank is measured in `rank`, not `count`"])),
    ("a proportion in rank", ("  unit: percent", "  unit: rank\n  statistic: proportion"),
     ("error", ["a proportion is measured in `percent` or `dimensionless`, not `rank`"])),
]


@pytest.mark.parametrize("case, change, expected", STATISTIC_CASES, ids=[c[0] for c in STATISTIC_CASES])
def test_a_statistic_fits_its_unit(tmp_path, case, change, expected):
    text = edit(good(), *change[:2]) + "".join(line + "\n" for line in change[2:])
    path = write(tmp_path, f"{STEM}.yaml", text)
    result = invoke("validate", path, "--format", "text")
    if expected is None:
        assert result.exit_code == 0, result.output
        assert "statistic-unit" not in result.output
        return
    severity, fragments = expected
    problems = [p for p in text_problems(result.output) if p["rule"] == "statistic-unit"]
    assert len(problems) == 1, result.output
    assert problems[0]["severity"] == severity
    assert result.exit_code == (1 if severity == "error" else 0), result.output
    for fragment in fragments:
        assert fragment in problems[0]["message"], problems[0]["message"]


def test_a_confidence_level_other_than_95_or_99_8_is_refused(tmp_path):
    text = edit(good(), "  unit: percent", "  unit: percent\n  statistic: proportion") + "significance: {confidence: 90}\n"
    result = invoke("validate", write(tmp_path, f"{STEM}.yaml", text), "--format", "text")
    assert result.exit_code == 1
    assert "significance" in result.output and "95" in result.output


# --- measure-range: min below max, and a rank (issue 13) --------------------------------------------------

RANGE_CASES = [
    ("a range", "  unit: percent\n  range: [0, 60]", None),
    ("a rank", "  unit: rank\n  statistic: rank", None),
    ("the wrong way round", "  unit: percent\n  range: [100, 0]",
     "the range's min (100) must be below its max (0): write [min, max], such as [0, 100]"),
    ("empty", "  unit: percent\n  range: [5, 5]", "the range's min and max are both 5"),
    ("a rank in percent", "  unit: percent\n  statistic: rank", None),  # statistic-unit's, not this rule's
]


@pytest.mark.parametrize("case, replacement, message", RANGE_CASES, ids=[c[0] for c in RANGE_CASES])
def test_a_measure_range_has_its_min_below_its_max(tmp_path, case, replacement, message):
    path = write(tmp_path, f"{STEM}.yaml", edit(good(), "  unit: percent", replacement))
    result = invoke("validate", path, "--format", "text")
    problems = [p for p in text_problems(result.output) if p["rule"] == "measure-range"]
    if message is None:
        assert problems == [], result.output
        if case == "a rank in percent":
            assert "a rank is measured in `rank`, not `percent`" in result.output
        else:
            assert result.exit_code == 0, result.output
        return
    assert len(problems) == 1 and problems[0]["severity"] == "error", result.output
    assert message in problems[0]["message"] and result.exit_code == 1
