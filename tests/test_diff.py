"""`targets diff`: the pure comparison (engine.diff.compare), reading specs at a git ref (engine.diff.gitread),
the four output formats and the command itself in scratch git repositories."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_document
from engine.diff.compare import ABSENT, SpecVersion, compare, first_new_revision, raw_changes, shown
from engine.diff.gitread import GitError, locate, resolve_commit
from engine.reports import diff_formats
from engine.model.areas import Areas, resolved
from engine.model.spec import build_target
from engine.sources.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "targets"
FILE = "targets/youth-reoffending.yaml"

SPEC = """\
id: youth-reoffending
title: Youth re-offending rate
status: active
source: Safe City Partnership Strategy 2014-17
measure:
  description: Young offenders who re-offend, as a percentage of the cohort
  unit: percent
  polarity: lower_is_better
  frequency: annual
baseline: {period: 2013/14, value: 48.3}
target: {period: 2016/17, value: 35}
trajectory: linear
milestones:
  - {period: 2014/15, value: 44}
  - {period: 2015/16, value: 40}
tolerance: {absolute: 1.0}
"""

REVISION = """\
revisions:
  - date: 2015-06-01
    change: target 35 -> 30
    reason: National definition of the cohort changed
    approved_by: Safe City Partnership board
"""

SECOND_REVISION = """\
  - date: 2016-01-15
    change: milestone 2015/16 40 -> 38
    reason: Funding for the triage scheme confirmed
    approved_by: Safe City Partnership board
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the spec"
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def version(text: str, file: str = FILE) -> SpecVersion:
    """A spec as the shell would hand it over: raw data, marks, and the model when it is valid."""
    doc = load_yaml(text, file)
    errors = [p for p in check_document(doc, Path(file).stem) if p.severity == "error"]
    target = None if errors else build_target(doc.data, file)
    return SpecVersion(file, doc.data, target, doc.marks, doc.key_marks)


def diff(old: str | list[str], new: str | list[str]):
    olds = [old] if isinstance(old, str) else old
    news = [new] if isinstance(new, str) else new
    return compare([version(t) if isinstance(t, str) else t for t in olds],
                   [version(t) if isinstance(t, str) else t for t in news], base="HEAD")


def one_change(result):
    (target,) = result.targets
    return target


# --- the goalpost rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, field, was, now", [
    ("baseline: {period: 2013/14, value: 48.3}", "baseline: {period: 2013/14, value: 46.1}", "baseline.value", "48.3", "46.1"),
    ("baseline: {period: 2013/14, value: 48.3}", "baseline: {period: 2012/13, value: 48.3}", "baseline.period", "2013/14", "2012/13"),
    ("target: {period: 2016/17, value: 35}", "target: {period: 2016/17, value: 40}", "target.value", "35", "40"),
    ("target: {period: 2016/17, value: 35}", "target: {period: 2017/18, value: 35}", "target.period", "2016/17", "2017/18"),
    ("target: {period: 2016/17, value: 35}", "target: {period: 2016/17, value: 35, strict: true}", "target.strict", "(none)", "true"),
    ("trajectory: linear", "trajectory: step", "trajectory", "linear", "step"),
    ("  - {period: 2015/16, value: 40}", "  - {period: 2015/16, value: 38}", "milestones[2].value", "40", "38"),
    ("  - {period: 2014/15, value: 44}", "  - {period: 2014/15 Q3, value: 44}", "milestones[1].period", "2014/15", "2014/15 Q3"),
])
def test_changing_a_goalpost_of_an_active_target_is_an_error_naming_the_target_field_and_values(old, new, field, was, now):
    changed = edit(SPEC, old, new)
    result = diff(SPEC, changed)
    target = one_change(result)
    assert result.failed and result.errors == 1
    (error,) = target.moved_goalposts
    assert error.field == field and error.severity == "error" and error.goalpost
    assert error.message.startswith(f"youth-reoffending: {field}")
    assert f"from {was} to {now}" in error.message or f"added: {now}" in error.message
    assert "`revisions`" in error.message
    # The line is that of the changed field in the working-tree file.
    assert error.line == line_of(changed, new.strip())


def test_changing_the_target_form_moves_the_goalpost_even_to_the_same_level():
    # change: -13.3 from 48.3 is 35 too, but the form is a different promise: both fields are listed.
    result = diff(SPEC, edit(SPEC, "value: 35}", "change: -13.3}"))
    fields = {c.field: c for c in one_change(result).moved_goalposts}
    assert set(fields) == {"target.change", "target.value"}
    assert fields["target.value"].kind == "removed" and fields["target.change"].kind == "added"


def test_adding_or_removing_a_milestone_moves_the_goalposts():
    fewer = edit(SPEC, "  - {period: 2015/16, value: 40}\n", "")
    (error,) = one_change(diff(SPEC, fewer)).moved_goalposts
    assert error.field == "milestones[2]" and error.kind == "removed" and error.new is ABSENT
    assert "{period: 2015/16, value: 40}" in error.message


def test_removing_the_target_block_moves_the_goalpost():
    result = diff(SPEC, edit(SPEC, "target: {period: 2016/17, value: 35}\n", ""))
    (error,) = one_change(result).moved_goalposts
    assert error.field == "target" and error.kind == "removed"


def test_a_new_revisions_entry_makes_the_move_a_recorded_change():
    moved = edit(SPEC, "value: 35}", "value: 30}")
    result = diff(SPEC, moved + REVISION)
    target = one_change(result)
    assert not result.failed and target.severity == "notice" and target.revision == 1
    value = next(c for c in target.changes if c.field == "target.value")
    assert value.goalpost and value.severity == "notice"
    assert value.message == "youth-reoffending: target.value changed from 35 to 30, recorded in revisions[1]"


def test_the_new_entry_must_be_new_entries_at_the_base_are_kept():
    base = SPEC + REVISION
    moved = edit(base, "value: 40}", "value: 38}")
    assert diff(base, moved).failed  # the old entry does not cover a new move
    assert not diff(base, moved + SECOND_REVISION).failed
    assert one_change(diff(base, moved + SECOND_REVISION)).revision == 2
    # Rewriting the old entry into the new one keeps the count but loses the record: still a move.
    rewritten = edit(moved, "change: target 35 -> 30", "change: milestone 2015/16 40 -> 38")
    result = diff(base, rewritten)
    target = one_change(result)
    assert result.failed
    # ... and rewriting the record is itself an error: a deleted entry could be pasted back later.
    assert [c.severity for c in target.changes if c.field.startswith("revisions")] == ["error"]
    # A new entry put first is still a new entry (every base entry kept).
    first = edit(moved, "revisions:\n", "revisions:\n" + SECOND_REVISION)
    assert one_change(diff(base, first)).revision == 1 and not diff(base, first).failed


def test_revisions_are_matched_by_content_so_a_new_entry_at_the_top_edits_nothing():
    base = SPEC + REVISION
    moved = edit(base, "value: 40}", "value: 38}")
    first = edit(moved, "revisions:\n", "revisions:\n" + SECOND_REVISION)
    target = one_change(diff(base, first))
    listed = [(c.field, c.kind) for c in target.changes]
    assert listed == [("milestones[2].value", "changed"), ("revisions[1]", "added")]
    assert target.changes[1].line == line_of(first, "date: 2016-01-15")
    # An entry edited is listed field by field, at its own place, however the list was reordered.
    edited = edit(first, "reason: National definition of the cohort changed", "reason: A new definition")
    target = one_change(diff(base, edited))
    listed = [(c.field, c.kind, c.severity) for c in target.changes if c.field.startswith("revisions")]
    assert listed == [("revisions[1]", "added", "error"), ("revisions[2].reason", "changed", "error")]  # the record rewritten
    # An entry deleted is named by its place at the base, at the line of the list.
    deleted = edit(moved, REVISION, "revisions:\n" + SECOND_REVISION)
    changes = {c.field: c for c in one_change(diff(base + SECOND_REVISION, deleted)).changes}
    assert changes["revisions[1]"].kind == "removed" and changes["revisions[1]"].line == line_of(deleted, "revisions:")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([{"a": 1}, {"a": 2}, {"b": 1}, {"a": 1, "b": 2}]), max_size=4),
       st.lists(st.sampled_from([{"a": 1}, {"a": 2}, {"b": 1}, {"a": 1, "b": 2}]), max_size=4), st.randoms())
def test_revisions_in_another_order_are_no_change(old, added, random):
    new = list(old)
    random.shuffle(new)
    assert list(raw_changes({"revisions": old}, {"revisions": new})) == []
    # Entries added anywhere are additions, at their places, and nothing else.
    for entry in added:
        new.insert(random.randint(0, len(new)), entry)
    changes = list(raw_changes({"revisions": old}, {"revisions": new}))
    assert all(old_value is ABSENT for _, old_value, _ in changes)
    assert sorted((new[path[1]] == value) for path, _, value in changes) == [True] * len(added)


@pytest.mark.parametrize("old, new, expected", [
    ([], [{"a": 1}], 1),
    ([{"a": 1}], [{"a": 1}], None),
    ([{"a": 1}], [{"a": 1}, {"b": 2}], 2),
    ([{"a": 1}], [{"b": 2}, {"a": 1}], 1),
    ([{"a": 1}], [{"a": 2}, {"b": 2}], None),
    ([{"a": 1}, {"a": 1}], [{"a": 1}, {"b": 2}], None),  # one of two equal entries dropped
    (ABSENT, ABSENT, None),
    ("not a list", [{"a": 1}], 1),
])
def test_first_new_revision(old, new, expected):
    assert first_new_revision(old, new) == expected


def test_writing_the_same_goalpost_another_way_is_listed_but_not_a_move():
    same = SPEC
    for old, new in [("period: 2013/14", "period: 2013/2014"), ("value: 35}", "value: 35.0}"),
                     ("value: 35.0}", "value: 35.0, strict: false}"), ("trajectory: linear\n", "")]:
        same = edit(same, old, new)
    result = diff(SPEC, same)
    target = one_change(result)
    assert not result.failed
    assert {c.field for c in target.changes} == {"baseline.period", "target.strict", "trajectory"}  # 35 == 35.0
    assert all(c.severity == "notice" and not c.goalpost for c in target.changes)
    assert all("the same, written differently" in c.message for c in target.changes)


def test_other_fields_are_listed_but_fine():
    changed = SPEC
    for old, new in [("title: Youth re-offending rate", "title: Youth reoffending rate"),
                     ("source: Safe City Partnership Strategy 2014-17\n", "")]:
        changed = edit(changed, old, new)
    changed += "notes: added a note\n"
    result = diff(SPEC, changed)
    target = one_change(result)
    assert not result.failed and target.severity == "notice"
    got = {c.field: (c.kind, shown(c.old), shown(c.new)) for c in target.changes}
    assert got == {
        "title": ("changed", "Youth re-offending rate", "Youth reoffending rate"),
        "source": ("removed", "Safe City Partnership Strategy 2014-17", "(none)"),
        "notes": ("added", "(none)", "added a note"),
    }
    title = next(c for c in target.changes if c.field == "title")
    assert title.message == "youth-reoffending: title: Youth re-offending rate -> Youth reoffending rate"
    assert title.line == line_of(changed, "title:")


@pytest.mark.parametrize("base_status, new_status, fails", [
    ("active", "active", True),
    ("active", "draft", True),  # in force at the base: turning it to draft does not lift the guard (and needs a revision)
    ("active", "retired", True),
    ("draft", "draft", False),  # a draft being finished
    ("draft", "active", False),
    ("retired", "retired", False),
    ("retired", "active", True),  # brought back: needs a revisions entry
])
def test_only_targets_active_at_the_base_are_guarded(base_status, new_status, fails):
    old = edit(SPEC, "status: active", f"status: {base_status}")
    new = edit(edit(SPEC, "status: active", f"status: {new_status}"), "value: 35}", "value: 40}")
    result = diff(old, new)
    assert result.failed is fails
    assert one_change(result).guarded is (base_status == "active")


def test_the_default_status_is_active_and_guarded():
    old = edit(SPEC, "status: active\n", "")
    assert diff(old, edit(old, "value: 35}", "value: 40}")).failed


def test_an_active_target_turned_draft_needs_a_revisions_entry():
    # Otherwise: demote in one change, move the goalposts as a draft in the next, reactivate in a
    # third, and no single change would be caught.
    result = diff(SPEC, edit(SPEC, "status: active", "status: draft"))
    (status,) = one_change(result).changes
    assert result.failed and status.severity == "error"
    assert "from active to draft" in status.message and "`revisions`" in status.message
    recorded = diff(SPEC, edit(SPEC, "status: active", "status: draft") + REVISION)
    assert not recorded.failed
    assert "recorded in revisions[1]" in next(c for c in one_change(recorded).changes if c.field == "status").message


def test_an_active_target_retired_is_only_noted():
    result = diff(SPEC, edit(SPEC, "status: active", "status: retired"))
    (status,) = one_change(result).changes
    assert not result.failed and status.severity == "notice" and "still guarded" in status.message


@pytest.mark.parametrize("new_status", ["active", "draft"])
def test_bringing_a_target_out_of_retirement_needs_a_revisions_entry(new_status):
    retired = edit(SPEC, "status: active", "status: retired")
    back = edit(SPEC, "status: active", f"status: {new_status}")
    assert diff(retired, back).failed
    assert not diff(retired, back + REVISION).failed


@pytest.mark.parametrize("old, new, field", [
    ("polarity: lower_is_better", "polarity: higher_is_better", "measure.polarity"),
    ("unit: percent", "unit: per_1000", "measure.unit"),
    ("tolerance: {absolute: 1.0}", "tolerance: {absolute: 1.0}\nlimit: 50", "limit"),
    ("tolerance: {absolute: 1.0}", "tolerance: {absolute: 100}", "tolerance.absolute"),
])
def test_polarity_unit_limit_and_tolerance_are_goalposts(old, new, field):
    base = SPEC if field != "limit" else edit(SPEC, "tolerance: {absolute: 1.0}", "tolerance: {absolute: 1.0}\nlimit: 60")
    changed = edit(base, old if field != "limit" else "limit: 60", new if field != "limit" else "limit: 90")
    result = diff(base, changed)
    assert result.failed and [c.field for c in one_change(result).changes if c.severity == "error"] == [field]
    assert not diff(base, changed + REVISION).failed


def test_a_copy_of_an_existing_revisions_entry_is_not_a_new_one():
    base = SPEC + REVISION
    moved = edit(base, "value: 35}", "value: 45}")
    copied = moved + REVISION.split("\n", 1)[1]  # the same entry again
    result = diff(base, copied)
    assert result.failed
    assert first_new_revision(load_yaml(base, FILE).data["revisions"], load_yaml(copied, FILE).data["revisions"]) is None


def test_removing_an_active_target_is_an_error_unless_retired_first():
    other = version(edit(SPEC, "youth-reoffending", "youth-custody"), "targets/youth-custody.yaml")
    result = diff(SPEC, [other])
    removed = next(t for t in result.targets if t.kind == "removed")
    assert result.failed and result.errors == 1
    assert removed.id == "youth-reoffending" and removed.old_file == FILE and removed.line is None
    assert "retired" in removed.message and "active at HEAD" in removed.message
    for status in ("retired", "draft"):
        quiet = diff(edit(SPEC, "status: active", f"status: {status}"), [other])
        assert not quiet.failed
        assert next(t for t in quiet.targets if t.kind == "removed").severity == "notice"


def test_a_moved_file_is_matched_by_id_not_added_and_removed():
    moved = version(SPEC, "targets/youth-crime/youth-reoffending.yaml")
    result = compare([version(SPEC)], [moved], base="HEAD")
    target = one_change(result)
    assert target.kind == "changed" and target.moved and target.changes == ()
    assert (target.old_file, target.new_file) == (FILE, "targets/youth-crime/youth-reoffending.yaml")
    assert not result.of_kind("added") and not result.of_kind("removed") and not result.failed
    # A moved file with a moved goalpost is still caught.
    edited = version(edit(SPEC, "value: 35}", "value: 40}"), "targets/youth-crime/youth-reoffending.yaml")
    assert compare([version(SPEC)], [edited], base="HEAD").failed


def test_an_added_target_is_a_notice():
    other = edit(SPEC, "youth-reoffending", "youth-custody")
    result = compare([version(SPEC)], [version(SPEC), version(other, "targets/youth-custody.yaml")], base="HEAD")
    (added,) = result.targets
    assert added.kind == "added" and added.id == "youth-custody" and added.old_file is None
    assert added.line == line_of(other, "id:") and not result.failed and result.unchanged == 1


def test_an_invalid_base_spec_is_compared_on_its_written_fields():
    broken = edit(SPEC, "trajectory: linear", "trajectory: curvy")  # fails the schema: no model at the base
    old = version(broken)
    assert old.target is None and old.status == "active"
    assert diff([old], edit(SPEC, "trajectory: linear", "trajectory: step")).failed
    # Written differently counts as a change when there is no model to say it is the same.
    respelled = edit(broken, "period: 2013/14", "period: 2013/2014")
    assert diff([old], respelled.replace("curvy", "linear")).failed
    # An unreadable status counts as active: the safe side.
    odd = version(edit(broken, "status: active", "status: paused"))
    assert odd.status == "active"


def test_duplicate_ids_at_the_base_are_reported_and_the_first_compared():
    twin = version(SPEC, "targets/other/youth-reoffending.yaml")
    result = compare([version(SPEC), twin], [version(SPEC)], base="HEAD")
    assert result.targets == () and result.unchanged == 1
    (problem,) = result.problems
    assert problem.severity == "warning" and "also used by targets/youth-reoffending.yaml" in problem.message


@pytest.mark.parametrize("value, text", [
    (ABSENT, "(none)"), (None, "null"), (True, "true"), (35, "35"), (48.3, "48.3"), ("35", '"35"'),
    ("true", '"true"'), ("2013/14", "2013/14"), ("two\nlines", '"two\\nlines"'), (" padded", '" padded"'),
    ({"period": "2013/14", "value": 48.3}, "{period: 2013/14, value: 48.3}"), (["a", 1], "[a, 1]"),
    (float("nan"), ".nan"), ("x" * 100, "x" * 77 + "..."),
])
def test_values_are_shown_as_written(value, text):
    assert shown(value) == text


# --- areas and comparator groups (issue 12) ----------------------------------------------------------

AREAS = Areas.of(
    {"E06000045": "Southampton", "E06000044": "Portsmouth", "E08000009": "Trafford", "E92000001": "England"},
    {"msg-southampton": ("E06000045", "E06000044", "E08000009"), "friendly": ("E06000045", "E06000044"),
     "msg-same": ("E08000009", "E06000045", "E06000044")})  # msg-southampton's members in another order

COMPARED = SPEC + "area: E06000045\ncomparators: msg-southampton\nbenchmark: group_median\n"
MANY = SPEC + "areas: [Southampton, Portsmouth]\n"
GROUP = SPEC + "areas: msg-southampton\n"
RANK_FILE = "targets/msg-position.yaml"
RANK = """\
id: msg-position
title: Position within the most similar group
status: active
measure:
  description: Southampton's rank for the youth re-offending rate within its group
  derived: rank
  of: youth-reoffending
  among: msg-southampton
  unit: rank
  polarity: lower_is_better
  frequency: annual
area: E06000045
baseline: {period: 2013/14, value: 12}
"""


def side(text: str, areas: Areas | None = AREAS, file: str = FILE) -> SpecVersion:
    """A spec with its side's areas.yaml, its `areas:` resolved to codes as `targets validate` hands it on."""
    plain = version(text, file)
    assert plain.target is not None, "the spec should be valid"
    return SpecVersion(plain.file, plain.data, resolved(plain.target, areas), plain.marks, plain.key_marks, areas)


def areas_diff(old: str, new: str, *, old_areas: Areas | None = AREAS, new_areas: Areas | None = AREAS,
               file: str = FILE):
    return compare([side(old, old_areas, file)], [side(new, new_areas, file)], base="HEAD")


AREA_MOVES = [
    (COMPARED, "area: E06000045", "area: E06000044", "area", "from E06000045 to E06000044"),
    (COMPARED, "comparators: msg-southampton", "comparators: friendly", "comparators", "from msg-southampton to friendly"),
    (COMPARED, "benchmark: group_median", "benchmark: E92000001", "benchmark", "from group_median to E92000001"),
    (COMPARED, "benchmark: group_median\n", "", "benchmark", "benchmark removed (was group_median)"),
    (SPEC, "tolerance: {absolute: 1.0}\n", "tolerance: {absolute: 1.0}\narea: E06000045\n", "area", "area added: E06000045"),
    (MANY, "[Southampton, Portsmouth]", "[Southampton, Trafford]", "areas[2]", "from Portsmouth to Trafford"),
    (MANY, "[Southampton, Portsmouth]", "[Southampton]", "areas[2]", "areas[2] removed (was Portsmouth)"),
    (GROUP, "areas: msg-southampton", "areas: friendly", "areas", "from msg-southampton to friendly"),
    (RANK, "among: msg-southampton", "among: friendly", "measure.among", "from msg-southampton to friendly"),
    (RANK, "of: youth-reoffending", "of: youth-custody", "measure.of", "from youth-reoffending to youth-custody"),
]


@pytest.mark.parametrize("spec, old, new, field, said", AREA_MOVES, ids=[f"{m[3]}-{n}" for n, m in enumerate(AREA_MOVES)])
def test_changing_whose_readings_or_what_they_are_judged_against_is_a_moved_goalpost(spec, old, new, field, said):
    file = RANK_FILE if spec is RANK else FILE
    changed = edit(spec, old, new)
    result = areas_diff(spec, changed, file=file)
    assert result.failed and result.errors == 1
    (error,) = one_change(result).moved_goalposts
    assert error.field == field and error.goalpost
    assert said in error.message and "without a new entry in `revisions`" in error.message
    assert f"goalposts moved ({field})" in one_change(result).message
    # The same change with a new revisions entry is recorded, not an error.
    recorded = areas_diff(spec, changed + REVISION, file=file)
    assert not recorded.failed
    assert "recorded in revisions[1]" in next(c for c in one_change(recorded).changes if c.field == field).message
    # A draft at the base may change freely.
    draft = edit(spec, "status: active", "status: draft")
    assert not areas_diff(draft, edit(draft, old, new), file=file).failed


def test_dropping_a_derived_rank_moves_each_of_its_parts():
    plain = edit(RANK, "  derived: rank\n  of: youth-reoffending\n  among: msg-southampton\n", "")
    result = areas_diff(RANK, plain, file=RANK_FILE)
    assert [c.field for c in one_change(result).moved_goalposts] == ["measure.derived", "measure.of", "measure.among"]
    assert not areas_diff(RANK, plain + REVISION, file=RANK_FILE).failed


@pytest.mark.parametrize("spec, old, new", [
    (MANY, "[Southampton, Portsmouth]", "[E06000045, Portsmouth]"),  # a name as its code
    (MANY, "[Southampton, Portsmouth]", "[southampton, e06000044]"),  # any case, as areas.yaml matches them
    (MANY, "[Southampton, Portsmouth]", "[Portsmouth, Southampton]"),  # the order does not count
    (MANY, "areas: [Southampton, Portsmouth]", "areas: friendly"),  # a group of the same areas
    (GROUP, "areas: msg-southampton", "areas: [Trafford, E06000045, Portsmouth]"),  # the group's members listed
    (COMPARED, "comparators: msg-southampton", "comparators: msg-same"),  # another group, the same members
    (RANK, "among: msg-southampton", "among: msg-same"),
])
def test_naming_the_same_areas_another_way_is_listed_but_not_a_move(spec, old, new):
    file = RANK_FILE if spec is RANK else FILE
    result = areas_diff(spec, edit(spec, old, new), file=file)
    assert not result.failed
    changes = one_change(result).changes
    assert changes and all(c.severity == "notice" and not c.goalpost for c in changes)
    assert all("the same, written differently" in c.message for c in changes)


def test_each_side_is_read_with_its_own_areas_file():
    # The group renamed in areas.yaml and in the spec in one change: the same areas.
    renamed = Areas.of(AREAS.names, {"msg-soton": AREAS.members("msg-southampton")})
    moved = edit(COMPARED, "comparators: msg-southampton", "comparators: msg-soton")
    assert not areas_diff(COMPARED, moved, new_areas=renamed).failed
    # Renamed, and a member dropped at the same time: not the same areas.
    smaller = Areas.of(AREAS.names, {"msg-soton": AREAS.members("friendly")})
    result = areas_diff(COMPARED, moved, new_areas=smaller)
    assert result.failed and [c.field for c in one_change(result).moved_goalposts] == ["comparators"]


def test_without_an_areas_file_names_are_compared_as_written():
    # No areas.yaml to say that Southampton is E06000045: the rewrite counts as a change ...
    as_code = edit(MANY, "[Southampton, Portsmouth]", "[E06000045, Portsmouth]")
    result = areas_diff(MANY, as_code, old_areas=None, new_areas=None)
    assert result.failed and [c.field for c in one_change(result).moved_goalposts] == ["areas[1]"]
    # ... as it does when only one side has one (its areas.yaml was not valid at the base).
    assert areas_diff(MANY, as_code, old_areas=None).failed
    # Case and spacing are matched as any areas.yaml would match them.
    for old, new in [("[Southampton, Portsmouth]", "[southampton,  Portsmouth]"),
                     ("[Southampton, Portsmouth]", "[Portsmouth, Southampton]")]:
        assert not areas_diff(MANY, edit(MANY, old, new), old_areas=None, new_areas=None).failed
    codes = SPEC + "areas: [E06000045, E06000044]\n"
    assert not areas_diff(codes, edit(codes, "E06000044]", "e06000044]"), old_areas=None, new_areas=None).failed
    # A group unknown on a side is compared by its name.
    swapped = edit(GROUP, "areas: msg-southampton", "areas: msg-same")
    assert areas_diff(GROUP, swapped, old_areas=None, new_areas=None).failed
    assert not areas_diff(GROUP, swapped).failed


# --- properties ----------------------------------------------------------------------------------

IDS = ["a", "b", "c", "d", "e"]


@st.composite
def spec_data(draw, target_id: str) -> dict:
    data = {
        "id": target_id,
        "title": draw(st.text(min_size=1, max_size=12)),
        "status": draw(st.sampled_from(["active", "draft", "retired"])),
        "measure": {"description": "d", "unit": "percent", "polarity": draw(st.sampled_from(["lower_is_better", "higher_is_better"]))},
        "baseline": {"period": draw(st.sampled_from(["2013/14", "2013/2014", "2012/13"])),
                     "value": draw(st.integers(1, 100) | st.floats(1, 100, allow_nan=False))},
    }
    if draw(st.booleans()):
        data["target"] = {"period": "2016/17", "value": draw(st.integers(1, 100))}
    if draw(st.booleans()):
        data["trajectory"] = draw(st.sampled_from(["linear", "step"]))
    return data


@st.composite
def spec_sets(draw) -> list[SpecVersion]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=5))
    return [SpecVersion(f"t/{i}.yaml", data, build_target(data)) for i in ids for data in [draw(spec_data(i))]]


@settings(max_examples=60, deadline=None)
@given(spec_sets())
def test_a_set_of_specs_compared_with_itself_has_no_changes(specs):
    result = compare(specs, specs)
    assert result.targets == () and result.unchanged == len(specs) and not result.failed


@settings(max_examples=60, deadline=None)
@given(spec_sets(), spec_sets())
def test_added_and_removed_swap_when_the_sides_swap(old, new):
    forward, backward = compare(old, new), compare(new, old)
    ids = lambda result, kind: {t.id for t in result.of_kind(kind)}  # noqa: E731
    assert ids(forward, "added") == ids(backward, "removed") == {s.id for s in new} - {s.id for s in old}
    assert ids(forward, "removed") == ids(backward, "added")
    assert ids(forward, "changed") == ids(backward, "changed")
    assert forward.unchanged == backward.unchanged
    for target in forward.of_kind("changed"):
        for change in target.changes:
            assert change.old != change.new


@settings(max_examples=60, deadline=None)
@given(spec_sets(), spec_sets())
def test_only_goalposts_of_targets_active_at_the_base_fail(old, new):
    """Errors come only from goalposts of targets active at the base, or from a status change that
    would unguard them later (active to draft, out of retirement)."""
    result = compare(old, new)
    old_status = {s.id: s.status for s in old}
    new_status = {s.id: s.status for s in new}
    for target in result.targets:
        for change in target.changes:
            if change.severity != "error":
                continue
            if change.path == ("status",):
                assert (old_status[target.id], new_status[target.id]) in (("active", "draft"), ("retired", "active"),
                                                                          ("retired", "draft"), ("draft", "active"))
            else:
                assert old_status[target.id] == "active"
                assert change.path[0] in ("baseline", "target", "trajectory", "milestones", "limit", "tolerance",
                                          "revisions") or \
                    change.path[:2] in (("measure", "polarity"), ("measure", "unit"))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(JSONISH, JSONISH)
def test_raw_changes_are_empty_for_the_same_data_and_swap_with_the_sides(a, b):
    assert list(raw_changes(a, a)) == []
    forward = {path: (old, new) for path, old, new in raw_changes(a, b)}
    backward = {path: (old, new) for path, old, new in raw_changes(b, a)}
    assert forward.keys() == backward.keys()
    for path, (old, new) in forward.items():
        assert old is backward[path][1] and new is backward[path][0]  # the very values each side holds
        assert old is not new


# --- the output formats ----------------------------------------------------------------------------

def sample_result():
    moved = edit(SPEC, "value: 35}", "value: 40}")
    other = edit(SPEC, "youth-reoffending", "youth-custody")
    return compare([version(SPEC), version(other, "targets/youth-custody.yaml")],
                   [version(moved), version(edit(SPEC, "youth-reoffending", "new-one"), "targets/new-one.yaml")],
                   base="origin/main", base_commit="0" * 40)


def test_text_lists_one_line_per_change_then_a_summary():
    out = diff_formats.text(sample_result()).splitlines()
    target_line = line_of(SPEC, "target:")
    assert out[0] == (f"{FILE}:{target_line}: error: youth-reoffending: target.value changed from 35 to 40 on a target "
                      "that was active at origin/main without a new entry in `revisions`: add one saying what changed, "
                      "why and who approved it [moved-goalpost]")
    assert out[1] == "targets/new-one.yaml:1: new-one: added (active)"
    assert out[2].startswith("targets/youth-custody.yaml: error: youth-custody: removed, but it was active at origin/main")
    assert out[-1] == ("since origin/main: 1 changed, 1 added, 1 removed, 0 unchanged; 2 goalpost problems "
                       "(moved goalposts, removed active targets or old ids brought back)")


def test_json_shape():
    document = json.loads(diff_formats.as_json(sample_result()))
    assert document["base"] == "origin/main" and document["base_commit"] == "0" * 40
    assert document["summary"] == {"changed": 1, "added": 1, "removed": 1, "unchanged": 0, "errors": 2, "warnings": 0}
    changed, added, removed = document["targets"]
    assert (changed["id"], changed["change"], changed["guarded"], changed["severity"]) == ("youth-reoffending", "changed", True, "error")
    (value,) = changed["fields"]
    assert value == {"field": "target.value", "path": ["target", "value"], "kind": "changed", "old": 35, "new": 40,
                     "goalpost": True, "severity": "error", "message": value["message"],
                     "line": line_of(SPEC, "target:"), "column": SPEC.splitlines()[line_of(SPEC, "target:") - 1].index("value") + 1,
                     "via": None}
    assert (added["change"], added["old_file"], added["new_file"], added["fields"]) == ("added", None, "targets/new-one.yaml", [])
    assert (removed["change"], removed["new_file"], removed["line"], removed["severity"]) == ("removed", None, None, "error")
    assert document["problems"] == []


GITHUB_LINE = re.compile(r"^::(?P<kind>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def test_github_commands_escape_paths_and_messages():
    old = edit(SPEC, "title: Youth re-offending rate", "title: 50% done")
    new = edit(edit(SPEC, "title: Youth re-offending rate", 'title: "100%, done: yes"'), "value: 35}", "value: 40}")
    file = "targets/a,b:c/youth-reoffending.yaml"
    result = compare([version(old, file)], [version(new, file)], base="HEAD")
    lines = diff_formats.github(result).splitlines()
    commands = [GITHUB_LINE.match(line) for line in lines[:-1]]
    assert all(commands), lines
    by_kind = {m["kind"]: m for m in commands}
    assert set(by_kind) == {"error", "notice"}
    error = by_kind["error"]
    assert error["props"] == (f"file=targets/a%2Cb%3Ac/youth-reoffending.yaml,line={line_of(new, 'target:')},"
                              f"col={new.splitlines()[line_of(new, 'target:') - 1].index('value') + 1},"
                              "title=targets diff%3A moved goalpost")
    assert "from 35 to 40" in error["message"]
    # In the message only %, CR and LF are escaped; `:` and `,` stay.
    assert by_kind["notice"]["message"] == "youth-reoffending: title: 50%25 done -> 100%25, done: yes"
    assert lines[-1].startswith("since HEAD: 1 changed")


def test_github_message_newlines_are_escaped():
    old = edit(SPEC, "title: Youth re-offending rate", "title: one")
    # A base with a newline reaches the text: no line of it may start a workflow command of its own.
    result = compare([version(old)], [version(SPEC)], base="HEAD\n::error::injected")
    out = diff_formats.github(result)
    assert all(line.startswith(("::notice ", "::warning ", "::error ")) or line.startswith("since")
               for line in out.splitlines())
    assert out.splitlines()[-1] == "since HEAD\\n::error::injected: 1 changed, 0 added, 0 removed, 0 unchanged"
    moved = compare([version(SPEC)], [version(edit(SPEC, "value: 35}", "value: 40}"))], base="a\nb")
    command = diff_formats.github(moved).splitlines()[0]
    assert command.startswith("::error ") and "active at a\\nb without" in command


def test_markdown_for_a_pull_request():
    out = diff_formats.markdown(sample_result())
    assert out.startswith("## Target changes since `origin/main`\n")
    assert "**2 goalpost problem(s)**" in out
    assert "| `youth-reoffending` | changed | `target.value` | `35` | `40` | **moved goalpost** |" in out
    assert "| `youth-custody` | removed | | `targets/youth-custody.yaml` | | **error**: it was active |" in out
    assert "| `new-one` | added |" in out


# --- the command, in scratch git repositories --------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
                           *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the shipped youth-crime specs, committed."""
    root = tmp_path / "repo"
    shutil.copytree(SHIPPED / "youth-crime", root / "targets" / "youth-crime")
    git(tmp_path, "init", "-q", str(root))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "specs")
    return root


def run(*args: object):
    result = CliRunner().invoke(cli.app, ["diff", *map(str, args)], env={"NO_COLOR": "1"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


YOUTH = Path("targets/youth-crime/youth-reoffending.yaml")


def test_done_when_a_changed_value_fails_and_a_revisions_entry_makes_it_pass(repo, monkeypatch):
    monkeypatch.chdir(repo)
    text = YOUTH.read_text()
    moved = edit(text, "target: {period: 2016/17, value: 35}", "target: {period: 2016/17, value: 30}")
    YOUTH.write_text(moved)
    result = run("HEAD")
    assert result.exit_code == 1, result.output
    error = next(line for line in result.output.splitlines() if "error" in line)
    assert error.startswith(f"{YOUTH.as_posix()}:{line_of(moved, 'target:')}: error: youth-reoffending: ")
    assert "target.value changed from 35 to 30" in error
    YOUTH.write_text(moved + REVISION)
    result = run("HEAD")
    assert result.exit_code == 0, result.output
    assert "youth-reoffending: target.value changed from 35 to 30, recorded in revisions[1]" in result.output


def test_retire_remove_and_add_back_is_caught_at_the_adding(repo, monkeypatch):
    """Three quiet changes otherwise: retire (fine), remove the retired file (fine), add it back with
    new goalposts (an addition). An old id must come back with its `revisions` record."""
    monkeypatch.chdir(repo)
    original = YOUTH.read_text()
    YOUTH.write_text(edit(original, "status: active", "status: retired"))
    assert run("HEAD").exit_code == 0
    git(repo, "commit", "-qam", "retire")
    git(repo, "rm", "-q", str(YOUTH))
    assert run("HEAD").exit_code == 0
    git(repo, "commit", "-qm", "remove")
    moved = edit(original, "target: {period: 2016/17, value: 35}", "target: {period: 2016/17, value: 45}")
    YOUTH.write_text(moved)
    result = run("HEAD")
    assert result.exit_code == 1
    # The commit named is the last that had the file (the retiring one), not the one that removed it,
    # with the `git show` that shows it there.
    last = git(repo, "log", "-1", "--format=%h", "HEAD~1").strip()
    shown_there = f"{last}:{YOUTH.as_posix()}"
    assert (f"youth-reoffending: added, but a target with this id was here before (last in commit {last}: "
            f"`git show {shown_there}`)") in result.output
    assert "status: retired" in git(repo, "show", shown_there)
    YOUTH.write_text(moved + REVISION)  # back with its record
    assert run("HEAD").exit_code == 0
    fresh = Path("targets/youth-crime/youth-reoffending-2017.yaml")
    YOUTH.unlink()
    fresh.write_text(edit(moved, "id: youth-reoffending", "id: youth-reoffending-2017"))
    assert run("HEAD").exit_code == 0  # a new id is a new target


def test_an_old_id_names_the_commit_that_last_had_it_however_it_went(repo, monkeypatch):
    """Removed in a commit that changed other files too, or moved to another folder first: the commit
    named still has the file, where the message says."""
    monkeypatch.chdir(repo)
    original = YOUTH.read_text()
    YOUTH.write_text(edit(original, "status: active", "status: retired"))
    git(repo, "commit", "-qam", "retire")
    moved = Path("targets/retired/youth-reoffending.yaml")
    moved.parent.mkdir()
    git(repo, "mv", str(YOUTH), str(moved))
    git(repo, "commit", "-qm", "move")
    kept = git(repo, "log", "-1", "--format=%h").strip()
    git(repo, "rm", "-q", str(moved))
    Path("targets/README.md").write_text("retired targets are removed\n")
    git(repo, "add", "targets/README.md")
    git(repo, "commit", "-qm", "remove and note")
    YOUTH.write_text(original)
    result = run("HEAD")
    assert result.exit_code == 1
    assert f"(last in commit {kept}: `git show {kept}:{moved.as_posix()}`)" in result.output
    assert "id: youth-reoffending" in git(repo, "show", f"{kept}:{moved.as_posix()}")


def test_a_bare_old_id_is_an_error_in_every_format():
    result = compare([], [version(SPEC)], base="HEAD", used_before={"youth-reoffending": "abc1234:targets/youth-reoffending.yaml"})
    assert result.failed and result.errors == 1
    assert "::error file=targets/youth-reoffending.yaml,line=1,title=targets diff%3A reused-id::" in diff_formats.github(result)
    assert "[reused-id]" in diff_formats.text(result)
    assert "old id brought back" in diff_formats.markdown(result)
    assert not compare([], [version(SPEC + REVISION)], base="HEAD", used_before={"youth-reoffending": "abc1234:targets/youth-reoffending.yaml"}).failed
    assert not compare([], [version(SPEC)], base="HEAD").failed


def test_no_changes_since_head(repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run("HEAD")
    assert result.exit_code == 0
    assert result.output == "since HEAD: 0 changed, 0 added, 0 removed, 4 unchanged\n"


def test_the_whole_shipped_tree_with_a_move_and_a_retirement(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(SHIPPED, root / "targets")
    git(tmp_path, "init", "-q", str(root))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "specs")
    monkeypatch.chdir(root)
    # A file moved to another folder, and an active target retired: both fine.
    git(root, "mv", "targets/youth-crime/youth-custody.yaml", "targets/crime-and-asb/youth-custody.yaml")
    tmv = root / "targets/youth-crime/first-time-entrants.yaml"
    tmv.write_text(edit(tmv.read_text(), "status: active", "status: retired"))
    result = run("HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["summary"]["changed"] == 2 and document["summary"]["added"] == document["summary"]["removed"] == 0
    git(root, "commit", "-q", "-am", "retire first-time-entrants")
    # Removing it once retired is fine; removing an active one is not.
    tmv.unlink()
    assert run("HEAD").exit_code == 0
    (root / "targets/youth-crime/youth-reoffending.yaml").unlink()
    result = run("HEAD")
    assert result.exit_code == 1
    assert "targets/youth-crime/youth-reoffending.yaml: error: youth-reoffending: removed, but it was active at HEAD" in result.output


def test_runs_from_a_subfolder_and_with_targets_elsewhere(repo, tmp_path, monkeypatch):
    (repo / YOUTH).write_text(edit((repo / YOUTH).read_text(), "value: 48.3", "value: 47.0"))
    monkeypatch.chdir(repo / "targets" / "youth-crime")
    result = run("HEAD", "--targets", ".")
    assert result.exit_code == 1
    assert result.output.startswith("youth-reoffending.yaml:")
    assert "baseline.value changed from 48.3 to 47.0" in result.output
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    result = run("HEAD", "--targets", repo / "targets")
    assert result.exit_code == 1
    assert result.output.startswith(f"{(repo / YOUTH).as_posix()}:")
    # GitHub annotations name the file from the repository's top, wherever the command runs.
    result = run("HEAD", "--targets", repo / "targets", "--format", "github")
    assert result.output.startswith(f"::error file={YOUTH.as_posix()},line=")


def test_a_single_spec_file_as_targets(repo, monkeypatch):
    monkeypatch.chdir(repo)
    assert run("HEAD", "--targets", YOUTH).exit_code == 0
    (repo / YOUTH).write_text(edit((repo / YOUTH).read_text(), "trajectory: linear", "trajectory: step"))
    result = run("HEAD", "--targets", YOUTH)
    assert result.exit_code == 1 and "trajectory changed from linear to step" in result.output


def test_added_untracked_specs_and_a_folder_new_since_the_base(repo, monkeypatch):
    monkeypatch.chdir(repo)
    new = repo / "targets" / "extra" / "new-one.yaml"
    new.parent.mkdir()
    new.write_text(edit((repo / YOUTH).read_text(), "id: youth-reoffending", "id: new-one"))
    result = run("HEAD")
    assert result.exit_code == 0
    assert "targets/extra/new-one.yaml:2: new-one: added (active)" in result.output
    result = run("HEAD", "--targets", "targets/extra")  # not there at all at the base
    assert result.exit_code == 0 and "1 added" in result.output


def test_not_a_repository_is_exit_2_with_a_message(tmp_path, monkeypatch):
    shutil.copytree(SHIPPED / "youth-crime", tmp_path / "targets")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # never find a repository above
    result = run("HEAD")
    assert result.exit_code == 2
    assert "targets: error: not inside a git repository" in result.output
    assert result.output.rstrip().endswith("[git]")


def test_unknown_ref_is_exit_2_with_a_message(repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = run("no-such-branch")
    assert result.exit_code == 2
    assert "no-such-branch: error: unknown git ref `no-such-branch`" in result.output
    assert "fetch" in result.output  # the shallow-clone hint


def test_a_repository_without_commits_has_no_head(tmp_path, monkeypatch):
    shutil.copytree(SHIPPED / "youth-crime", tmp_path / "targets")
    git(tmp_path, "init", "-q", ".")
    monkeypatch.chdir(tmp_path)
    result = run("HEAD")
    assert result.exit_code == 2 and "unknown git ref `HEAD`" in result.output


def test_an_option_like_ref_is_refused(repo):
    with pytest.raises(GitError) as caught:
        resolve_commit(locate(repo / "targets"), "--output=/tmp/x")
    assert "is not a git ref" in caught.value.problem.message


def test_git_missing_is_exit_2_with_a_message(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run("HEAD")
    assert result.exit_code == 2 and "git is not installed" in result.output


def test_invalid_working_tree_specs_are_exit_2_fix_them_first(repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / YOUTH).write_text(edit((repo / YOUTH).read_text(), "trajectory: linear", "trajectory: curvy"))
    result = run("HEAD")
    assert result.exit_code == 2
    assert "youth-reoffending.yaml:" in result.output and "fix the specs first" in result.output


def test_an_invalid_spec_at_the_base_is_compared_as_far_as_possible(repo, monkeypatch):
    monkeypatch.chdir(repo)
    good = (repo / YOUTH).read_text()
    (repo / YOUTH).write_text(edit(good, "trajectory: linear", "trajectory: curvy"))
    unreadable = repo / "targets" / "youth-crime" / "youth-custody.yaml"
    custody = unreadable.read_text()
    unreadable.write_text("id: [unclosed\n")
    git(repo, "commit", "-q", "-am", "broken specs")
    (repo / YOUTH).write_text(good)
    unreadable.write_text(custody)
    result = run("HEAD")
    assert result.exit_code == 1, result.output  # trajectory curvy -> linear: compared on the written fields
    assert "youth-custody.yaml: warning: at HEAD: cannot be read" in result.output
    assert "youth-reoffending.yaml: warning: at HEAD: the spec was not valid" in result.output
    assert "trajectory changed from curvy to linear" in result.output
    assert "youth-custody: added" in result.output


def test_markdown_and_json_from_the_command(repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / YOUTH).write_text(edit((repo / YOUTH).read_text(), "value: 35}", "value: 30}"))
    result = run("HEAD", "--format", "markdown")
    assert result.exit_code == 1 and "| `youth-reoffending` | changed | `target.value` | `35` | `30` | **moved goalpost** |" in result.output
    document = json.loads(run("HEAD", "-f", "json").output)
    head = git(repo, "rev-parse", "HEAD").strip()
    assert document["base_commit"] == head and document["summary"]["errors"] == 1


def test_diff_is_in_the_help_and_the_readme():
    out = CliRunner().invoke(cli.app, ["diff", "--help"], env={"NO_COLOR": "1", "COLUMNS": "200"}).output
    assert "BASE" in out and "--targets" in out and "--format" in out
    readme = (ROOT / "README.md").read_text()
    assert "targets diff BASE" in readme


def test_a_draft_that_was_in_force_before_needs_a_revisions_entry_to_be_active_again():
    draft_again = edit(SPEC, "status: active", "status: draft") + REVISION
    moved_as_draft = edit(draft_again, "value: 35}", "value: 45}")
    assert not diff(draft_again, moved_as_draft).failed  # a draft may change freely...
    back = edit(moved_as_draft, "status: draft", "status: active")
    result = diff(moved_as_draft, back)
    assert result.failed and "in force before" in result.targets[0].changes[0].message
    assert not diff(moved_as_draft, back + SECOND_REVISION).failed
    # A first activation (no revisions yet) is no alarm.
    first = edit(SPEC, "status: active", "status: draft")
    assert not diff(first, SPEC).failed


def test_deleting_a_revisions_entry_of_an_active_target_is_an_error():
    base = SPEC + REVISION
    assert diff(base, SPEC).failed


RANKED = Path("targets/crime-and-asb/msg-position-all-crime.yaml")
RATE = Path("targets/crime-and-asb/all-crime-rate.yaml")
AREAS_FILE = Path("targets/areas.yaml")


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A git repository holding a copy of the whole shipped tree, its areas.yaml with it, committed."""
    root = tmp_path / "repo"
    shutil.copytree(SHIPPED, root / "targets")
    git(tmp_path, "init", "-q", str(root))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "specs")
    return root


def rename_the_group(to: str) -> None:
    """msg-southampton renamed in areas.yaml and in the specs that name it: the same 15 areas."""
    AREAS_FILE.write_text(edit(AREAS_FILE.read_text(), "  msg-southampton:", f"  {to}:"))
    RANKED.write_text(edit(RANKED.read_text(), "among: msg-southampton", f"among: {to}"))
    RATE.write_text(edit(RATE.read_text(), "comparators: msg-southampton", f"comparators: {to}"))


def test_a_rank_among_a_friendlier_group_is_a_moved_goalpost(shipped, monkeypatch):
    monkeypatch.chdir(shipped)
    AREAS_FILE.write_text(AREAS_FILE.read_text() + "  friendly: [E06000045, E06000044]\n")
    ranked = RANKED.read_text()
    RANKED.write_text(edit(ranked, "among: msg-southampton", "among: friendly"))
    result = run("HEAD")
    assert result.exit_code == 1, result.output
    assert (f"{RANKED.as_posix()}:{line_of(ranked, 'among:')}: error: msg-position-all-crime: measure.among changed "
            "from msg-southampton to friendly on a target that was active at HEAD without a new entry in `revisions`"
            in result.output)
    RANKED.write_text(edit(ranked, "among: msg-southampton", "among: friendly") + SECOND_REVISION)
    assert run("HEAD").exit_code == 0


def test_a_group_renamed_with_its_members_kept_is_not_a_move(shipped, monkeypatch):
    monkeypatch.chdir(shipped)
    rename_the_group("msg-soton")
    result = run("HEAD")
    # The base's areas.yaml is read through git: msg-southampton there has the areas msg-soton has here.
    assert result.exit_code == 0, result.output
    assert "msg-position-all-crime: measure.among: msg-southampton -> msg-soton (the same, written differently)" in result.output
    # One spec file given: no areas.yaml is read on either side, so the names are compared as written.
    result = run("HEAD", "--targets", RANKED)
    assert result.exit_code == 1 and "measure.among changed from msg-southampton to msg-soton" in result.output


def test_an_areas_file_not_valid_at_the_base_leaves_groups_compared_as_written(shipped, monkeypatch):
    monkeypatch.chdir(shipped)
    good = AREAS_FILE.read_text()
    AREAS_FILE.write_text(edit(good, "  E06000045: Southampton", "  E0600004: Southampton"))
    git(shipped, "commit", "-q", "-am", "a broken areas file")
    AREAS_FILE.write_text(good)
    rename_the_group("msg-soton")
    result = run("HEAD")
    assert result.exit_code == 1, result.output
    assert "targets/areas.yaml: warning: at HEAD: the areas file was not valid (" in result.output
    assert "compared as written (a name rewritten as its code counts as a change)" in result.output
    assert "measure.among changed from msg-southampton to msg-soton" in result.output


# --- a group's members changed in areas.yaml, the spec untouched ---------------------------------

SMALLER = Areas.of(AREAS.names, {**AREAS.groups, "msg-southampton": ("E06000045", "E06000044")})
WIDER = Areas.of({**AREAS.names, "E06000043": "Brighton and Hove"},
                 {**AREAS.groups, "msg-southampton": ("E06000045", "E06000044", "E08000009", "E06000043")})


@pytest.mark.parametrize("spec, field", [(COMPARED, "comparators"), (GROUP, "areas"), (RANK, "measure.among")])
def test_a_group_whose_members_change_in_the_areas_file_moves_the_goalposts_of_targets_naming_it(spec, field):
    file = RANK_FILE if spec is RANK else FILE
    result = areas_diff(spec, spec, new_areas=SMALLER, file=file)
    assert result.failed and result.errors == 1
    (error,) = one_change(result).moved_goalposts
    assert error.field == field and error.goalpost
    assert "the group `msg-southampton` changed in areas.yaml (Trafford (E08000009) left)" in error.message
    assert "without a new entry in `revisions`" in error.message
    assert error.old == ["E06000045", "E06000044", "E08000009"] and error.new == ["E06000045", "E06000044"]
    assert error.line is not None  # the spec's line naming the group
    # Both ways at once, named from the side each area is on.
    (both,) = one_change(areas_diff(spec, spec, old_areas=SMALLER, new_areas=WIDER, file=file)).moved_goalposts
    assert "(Trafford (E08000009) left)" not in both.message
    assert "Brighton and Hove (E06000043) joined" in both.message
    # Recorded with a new revisions entry; a draft's is a notice.
    recorded = one_change(areas_diff(spec, spec + REVISION, new_areas=SMALLER, file=file))
    assert not recorded.moved_goalposts
    assert any("recorded in revisions[1]" in c.message and c.field == field for c in recorded.changes)
    draft = edit(spec, "status: active", "status: draft")
    assert not areas_diff(draft, draft, new_areas=SMALLER, file=file).failed


def test_a_group_reordered_or_another_group_changed_in_the_areas_file_is_no_change():
    reordered = Areas.of(AREAS.names, {**AREAS.groups, "msg-southampton": ("E08000009", "E06000044", "E06000045")})
    assert areas_diff(COMPARED, COMPARED, new_areas=reordered).targets == ()
    other = Areas.of(AREAS.names, {**AREAS.groups, "friendly": ("E06000045",)})
    assert areas_diff(COMPARED, COMPARED, new_areas=other).targets == ()
    # Without an areas file on a side, nothing to compare the members with.
    assert areas_diff(COMPARED, COMPARED, old_areas=None, new_areas=SMALLER).targets == ()


def test_a_group_renamed_with_its_members_changed_is_one_move_not_two():
    renamed = Areas.of(AREAS.names, {"msg-soton": ("E06000045", "E06000044")})
    moved = edit(COMPARED, "comparators: msg-southampton", "comparators: msg-soton")
    result = areas_diff(COMPARED, moved, new_areas=renamed)
    assert [c.field for c in one_change(result).moved_goalposts] == ["comparators"]


def test_a_spec_not_valid_at_the_base_is_still_checked_for_its_group_changing():
    broken = version(COMPARED + "bogus: 1\n")
    assert broken.target is None
    old = SpecVersion(broken.file, broken.data, None, broken.marks, broken.key_marks, AREAS)
    result = compare([old], [side(COMPARED, SMALLER)], base="HEAD")
    assert result.failed
    assert [c.field for c in one_change(result).moved_goalposts] == ["comparators"]


def test_an_area_name_given_to_another_code_in_the_areas_file_moves_the_areas_of_a_list():
    # `areas: [Southampton, Portsmouth]` untouched; areas.yaml now calls E08000009 Portsmouth.
    names = dict(AREAS.names)
    names["E06000044"], names["E08000009"] = "Trafford", "Portsmouth"
    swapped = Areas.of(names, AREAS.groups)
    result = areas_diff(MANY, MANY, new_areas=swapped)
    (error,) = one_change(result).moved_goalposts
    assert error.field == "areas" and error.via == "areas.yaml"
    assert ("areas: the areas it names changed in areas.yaml (Portsmouth (E08000009) joined; Portsmouth "
            "(E06000044) left), which changes the areas this target, active at HEAD, is judged for") in error.message


def test_a_change_through_the_areas_file_in_json_markdown_and_the_spec_order():
    from engine.reports.diff_formats import as_json, markdown, text

    spec = COMPARED + "notes: a note\n"
    result = areas_diff(spec, edit(spec, "notes: a note", "notes: another"), new_areas=WIDER)
    target = one_change(result)
    assert [c.field for c in target.changes] == ["comparators", "notes"]  # by line, as the spec has them
    (field, _) = json.loads(as_json(result))["targets"][0]["fields"]
    assert field["via"] == "areas.yaml" and field["path"] == ["comparators"]
    assert field["old"] == ["E06000045", "E06000044", "E08000009"]
    assert field["new"] == ["E06000045", "E06000044", "E08000009", "E06000043"]
    assert "compared with, without a new entry" in field["message"]
    table = markdown(result)
    assert "| `3 areas` | `4 areas`; joined: `E06000043` (areas.yaml) | **moved goalpost** |" in table
    lines = text(result).splitlines()
    assert lines[0].startswith(f"{FILE}:{line_of(spec, 'comparators:')}: error: youth-reoffending: comparators:")
    # A draft's change is a notice, and the target's line says what changed though its spec did not.
    draft = edit(COMPARED, "status: active", "status: draft")
    said = one_change(areas_diff(draft, draft, new_areas=SMALLER))
    assert said.message == ("youth-reoffending: the group `msg-southampton` changed in areas.yaml "
                            "(Trafford (E08000009) left)")
    assert markdown(areas_diff(draft, draft, new_areas=SMALLER)).count("left: `E08000009`") == 1
