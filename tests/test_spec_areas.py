"""The spec side of areas and comparator groups (issue 12): the schema's new fields, the rules one
spec is checked by, and the checks across the tree and against areas.yaml."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checks.checker import check_paths
from engine.checks.references import TARGET_ID
from engine.model.areas import GROUP_NAME, is_gss_code
from engine.model.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema" / "target.schema.json").read_text(encoding="utf-8"))

AREAS = """\
areas:
  E06000045: Southampton
  E06000044: Portsmouth
  W06000015: Cardiff
  E06000023: Bristol
  E92000001: England
groups:
  msg-southampton: [E06000045, E06000044, W06000015]
  south-coast: [E06000044, E06000023]
"""

# The ranked target: Southampton, compared with its most similar group and with England.
CRIME_RATE = """\
id: all-crime-rate
title: All crime rate
measure:
  description: All recorded crime per 1,000 residents
  unit: per_1000
  polarity: lower_is_better
baseline: {period: 2013/14, value: 80}
area: E06000045
comparators: msg-southampton
benchmark: E92000001
"""

# Its place in the group, worked out from its readings.
POSITION = """\
id: msg-position
title: All-crime position in the most similar group
measure:
  description: Southampton's place in its group by the all-crime rate (1 is the lowest)
  derived: rank
  of: all-crime-rate
  among: msg-southampton
  unit: rank
  polarity: lower_is_better
baseline: {period: 2013/14, value: 12}
area: E06000045
"""

# One spec for many areas.
MANY = """\
id: recycling
title: Household waste recycled
measure:
  description: Household waste sent for reuse, recycling or composting
  unit: percent
  polarity: higher_is_better
baseline: {period: 2013/14, value: 40}
areas: [portsmouth, E06000023]
comparators: south-coast
benchmark: group_median
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the spec"
    return text.replace(old, new, 1)


def tree(tmp_path: Path, specs: dict[str, str], areas: str | None = AREAS) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir()
    if areas is not None:
        (folder / "areas.yaml").write_text(areas, encoding="utf-8")
    for name, text in specs.items():
        path = folder / "crime" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the spec")


def only(problems: list[Problem], rule: str) -> Problem:
    found = [p for p in problems if p.rule == rule]
    assert len(found) == 1, [p.as_text() for p in problems]
    return found[0]


# --- a good tree ------------------------------------------------------------------------------------


def test_a_tree_with_comparators_a_benchmark_a_rank_and_many_areas_is_valid(tmp_path):
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION, "recycling": MANY})])
    assert checked.problems == [], [p.as_text() for p in checked.problems]
    targets = {t.id: t for t in checked.targets}
    rate = targets["all-crime-rate"]
    assert (rate.area, rate.comparators, rate.benchmark, rate.areas) == ("E06000045", "msg-southampton", "E92000001", ())
    rank = targets["msg-position"].measure
    assert (rank.unit, rank.derived.kind, rank.derived.of, rank.derived.among) == ("rank", "rank", "all-crime-rate",
                                                                                     "msg-southampton")
    # `areas:` is handed back as codes: names (any case) looked up in areas.yaml.
    assert targets["recycling"].areas == ("E06000044", "E06000023")
    assert targets["recycling"].benchmark == "group_median"


def test_areas_naming_a_group_is_handed_back_as_its_members(tmp_path):
    text = edit(MANY, "areas: [portsmouth, E06000023]", "areas: msg-southampton")
    [target] = check_paths([tree(tmp_path, {"recycling": edit(text, "comparators: south-coast", "comparators: msg-southampton")})]).targets
    assert (target.areas, target.areas_group) == (("E06000045", "E06000044", "W06000015"), "msg-southampton")


def test_the_rank_of_a_target_that_lists_the_group_as_its_areas_is_valid(tmp_path):
    rate = edit(edit(CRIME_RATE, "area: E06000045\ncomparators: msg-southampton\n", "areas: msg-southampton\n"),
                "benchmark: E92000001\n", "")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": rate, "msg-position": POSITION})])
    assert checked.problems == [], [p.as_text() for p in checked.problems]


def test_area_alone_needs_no_areas_file(tmp_path):
    text = edit(edit(CRIME_RATE, "comparators: msg-southampton\n", ""), "benchmark: E92000001\n", "")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text}, areas=None)])
    assert checked.problems == [] and checked.targets[0].area == "E06000045"


def test_the_shipped_specs_stay_valid():
    checked = check_paths([ROOT / "targets"])
    assert checked.errors == []
    assert not any(p.rule in ("areas-file", "known-group", "known-area", "rank-of") for p in checked.problems)


# --- the schema -------------------------------------------------------------------------------------

SCHEMA_CASES = [
    # (what, the edit to CRIME_RATE, the line's needle, message fragments)
    ("a group name with capitals", ("comparators: msg-southampton", "comparators: MSG Southampton"),
     "comparators:", ["`comparators` must be the name of a group in areas.yaml", "did you mean `msg-southampton`?"]),
    ("a benchmark by name", ("benchmark: E92000001", "benchmark: England"), "benchmark:",
     ["`benchmark` takes a GSS code (or `group_median`), not a name: `England` is E92000001 in areas.yaml: "
      "write `benchmark: E92000001`"]),
    ("a benchmark in lower case", ("benchmark: E92000001", "benchmark: e92000001"), "benchmark:",
     ["write `benchmark: E92000001`"]),
    ("group median spaced", ("benchmark: E92000001", "benchmark: group median"), "benchmark:",
     ["write `benchmark: group_median`"]),
    ("an area in lower case", ("area: E06000045", "area: e06000045"), "area:", ["write `area: E06000045`"]),
    ("an area by name", ("area: E06000045", "area: Southampton"), "area:",
     ["`area` takes a GSS code, not a name: `Southampton` is E06000045 in areas.yaml: write `area: E06000045`"]),
    ("an empty areas list", ("area: E06000045", "areas: []"), "areas:", ["`areas` is an empty list"]),
    ("an area listed twice", ("area: E06000045", "areas: [Portsmouth, Bristol, Portsmouth]"), "areas:",
     ["`areas` lists `Portsmouth` twice (items 1 and 3): list each once"]),
    ("an unknown derivation", ("  unit: per_1000", "  unit: per_1000\n  derived: median"), "derived:",
     ["`measure.derived` must be one of rank"]),
    ("of not an id", ("  unit: per_1000", "  unit: per_1000\n  of: All crime"), "of:",
     ["`measure.of` must be the id of another target, not `All crime`: try `all-crime`"]),
    ("a rank per year", ("  unit: per_1000", "  unit: rank/year"), "unit:", ["unknown unit `rank/year`"]),
]


@pytest.mark.parametrize("what, change, needle, fragments", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_each_field_refused_by_the_schema_is_said_in_words_at_its_line(tmp_path, what, change, needle, fragments):
    text = edit(CRIME_RATE, *change)
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text})])
    problem = only(checked.problems, "schema")
    assert problem.line == line_of(text, needle), problem.as_text()
    for fragment in fragments:
        assert fragment in problem.message, problem.message
    assert checked.targets == []


# What areas.yaml knows says more than the schema can: the code of a name, a near name, that a code
# is an area and not a group (AREAS: msg-southampton holds Southampton, Portsmouth and Cardiff).
KNOWN_CASES = [
    ("a code for a group", CRIME_RATE, ("comparators: msg-southampton", "comparators: E06000044"), "comparators:",
     "`comparators` takes a group of areas.yaml, and E06000044 (Portsmouth) is one of its areas, not a group: its "
     "groups are `msg-southampton` and `south-coast` (Portsmouth is in `msg-southampton` and `south-coast`)"),
    ("a name for a group", POSITION, ("among: msg-southampton", "among: Cardiff"), "among:",
     "`among` takes a group of areas.yaml, and `Cardiff` (W06000015) is one of its areas, not a group: its groups "
     "are `msg-southampton` and `south-coast` (Cardiff is in `msg-southampton`)"),
    ("one area for areas", MANY, ("areas: [portsmouth, E06000023]", "areas: Portsmouth"), "areas:",
     "`areas` takes a group of areas.yaml or a list of areas, and `Portsmouth` (E06000044) is one area: for a "
     "target of one area write `area: E06000044`; for several, list them (`areas: [E06000044, ...]`) or name a "
     "group (its groups are `msg-southampton` and `south-coast`)"),
    ("a group near one", CRIME_RATE, ("comparators: msg-southampton", "comparators: South Coast"), "comparators:",
     "`comparators` must be the name of a group in areas.yaml (lower-case letters, digits and hyphens), not "
     "`South Coast`: did you mean `south-coast`?"),
    ("a group near none", CRIME_RATE, ("comparators: msg-southampton", "comparators: Nearest Neighbours"),
     "comparators:", "`comparators` must be the name of a group in areas.yaml (lower-case letters, digits and "
     "hyphens), not `Nearest Neighbours`; its groups are `msg-southampton` and `south-coast`"),
    ("an area by name in any case", CRIME_RATE, ("area: E06000045", "area: southampton"), "area:",
     "`area` takes a GSS code, not a name: `southampton` is E06000045 in areas.yaml: write `area: E06000045`"),
    ("a benchmark near a name", CRIME_RATE, ("benchmark: E92000001", "benchmark: Englnd"), "benchmark:",
     "`benchmark` takes a GSS code (or `group_median`), not `Englnd`, which is not an area of areas.yaml either: "
     "did you mean England (E92000001)? write `benchmark: E92000001`"),
    ("a benchmark that is a group", CRIME_RATE, ("benchmark: E92000001", "benchmark: south-coast"), "benchmark:",
     "`benchmark` takes a GSS code (or `group_median`), and `south-coast` is a group of areas.yaml: for the group's "
     "median write `benchmark: group_median` with `comparators: south-coast`"),
    ("an area that is a group", CRIME_RATE, ("area: E06000045", "area: south-coast"), "area:",
     "`area` takes a GSS code, and `south-coast` is a group of areas.yaml: for one spec for each of its areas write "
     "`areas: south-coast`"),
]


@pytest.mark.parametrize("what, spec, change, needle, message", KNOWN_CASES, ids=[c[0] for c in KNOWN_CASES])
def test_a_group_or_area_the_schema_refuses_is_said_with_what_areas_yaml_knows(tmp_path, what, spec, change, needle,
                                                                             message):
    text = edit(spec, *change)
    name = re.search(r"^id: (\S+)", text, re.M).group(1)
    others = {"all-crime-rate": CRIME_RATE} if name != "all-crime-rate" else {}
    checked = check_paths([tree(tmp_path, {**others, name: text})])
    problem = only(checked.problems, "schema")
    assert problem.file.endswith(f"{name}.yaml") and problem.line == line_of(text, needle), problem.as_text()
    assert problem.message == message


def test_without_areas_yaml_a_code_for_a_group_is_said_to_be_a_code(tmp_path):
    text = edit(CRIME_RATE, "comparators: msg-southampton", "comparators: E06000044")
    spec = tree(tmp_path, {"all-crime-rate": text}) / "crime" / "all-crime-rate.yaml"
    problem = only(check_paths([spec]).problems, "schema")
    assert problem.message == ("`comparators` must be the name of a group in areas.yaml (as `msg-southampton`), not "
                               "`E06000044`, which is a GSS code, an area's")


def test_without_areas_yaml_a_name_for_a_code_gets_the_schemas_words(tmp_path):
    # Named alone, without areas.yaml (or beside a broken one), nothing is known of Southampton.
    text = edit(CRIME_RATE, "area: E06000045", "area: Southampton")
    folder = tree(tmp_path, {"all-crime-rate": text})
    problem = only(check_paths([folder / "crime" / "all-crime-rate.yaml"]).problems, "schema")
    assert problem.message.startswith("`area` must be a GSS code, not `Southampton`; a GSS code is a letter")
    (folder / "areas.yaml").write_text(AREAS + "  empty: []\n", encoding="utf-8")
    problem = only(check_paths([folder]).problems, "schema")
    assert problem.message.startswith("`area` must be a GSS code, not `Southampton`; a GSS code is a letter")


def _schema_pattern(*path: str) -> str:
    node = SCHEMA
    for part in path:
        node = node["properties"][part]
    return node["pattern"]


@settings(max_examples=300)
@given(st.one_of(st.text(alphabet="abcz09-_ AZ", max_size=70), st.sampled_from(["a", "a-", "-a", "m" * 64, "m" * 65])))
def test_the_group_patterns_of_the_schema_are_areas_yaml_group_names(text):
    # A group the schema takes is one areas.yaml can hold, and the other way round.
    expected = GROUP_NAME.match(text) is not None
    areas_schema = json.loads((ROOT / "schema" / "areas.schema.json").read_text(encoding="utf-8"))
    patterns = [_schema_pattern(*path) for path in (("comparators",), ("areas",), ("measure", "among"))]
    assert set(patterns) == {areas_schema["properties"]["groups"]["propertyNames"]["pattern"]}
    assert (re.fullmatch(patterns[0].strip("^$"), text) is not None) == expected, text


@settings(max_examples=300)
@given(st.one_of(st.text(alphabet="EKNSWe0129_groupmedian", max_size=12), st.sampled_from(["group_median", "E92000001"])))
def test_the_benchmark_pattern_is_a_gss_code_or_group_median(text):
    matches = re.fullmatch(_schema_pattern("benchmark").strip("^$"), text) is not None
    assert matches == (is_gss_code(text) or text == "group_median")


@settings(max_examples=300)
@given(st.text(alphabet="az09-A_", max_size=82))
def test_the_of_pattern_is_the_id_pattern(text):
    id_rule = SCHEMA["properties"]["id"]
    of_rule = SCHEMA["properties"]["measure"]["properties"]["of"]
    assert (of_rule["pattern"], of_rule["maxLength"]) == (id_rule["pattern"], id_rule["maxLength"])
    takes = re.fullmatch(id_rule["pattern"].strip("^$"), text) is not None and len(text) <= id_rule["maxLength"]
    assert (TARGET_ID.match(text) is not None) == takes


# --- the rules of one spec --------------------------------------------------------------------------

RULE_CASES = [
    # (what, spec, edits, rule, the line's needle, severity, message fragments)
    ("derived without of and among", POSITION, [("  of: all-crime-rate\n  among: msg-southampton\n", "")],
     "derived-parts", "derived:", "error", ["needs `of`", "and `among`", "add them"]),
    ("derived without among", POSITION, [("  among: msg-southampton\n", "")],
     "derived-parts", "derived:", "error", ["needs `among` (the group of areas.yaml", "add it"]),
    ("of without derived", CRIME_RATE, [("  unit: per_1000", "  unit: per_1000\n  of: assaults")],
     "derived-parts", "of:", "error", ["add `derived: rank`", "or remove `of`"]),
    ("among without derived", CRIME_RATE, [("  unit: per_1000", "  unit: per_1000\n  among: south-coast")],
     "derived-parts", "among:", "error", ["or remove `among`"]),
    ("a derived rank in dimensionless", POSITION, [("unit: rank", "unit: dimensionless")],
     "derived-rank", "unit:", "error", ["a derived rank is a place in a league table (1 is first), not "
                                        "`dimensionless`: write `unit: rank`"]),
    ("a derived rank higher is better", POSITION, [("polarity: lower_is_better", "polarity: higher_is_better")],
     "derived-rank", "polarity:", "error", ["a lower rank is always better: write `polarity: lower_is_better`"]),
    ("a derived rank without area", POSITION, [("area: E06000045\n", "")],
     "derived-area", "derived:", "error", ["add `area:` with its GSS code"]),
    ("a derived rank for many areas", POSITION, [("area: E06000045", "areas: msg-southampton")],
     "derived-area", "areas:", "error", ["give it as `area:`", "one spec for each area"]),
    ("a rank of itself", POSITION, [("of: all-crime-rate", "of: msg-position")],
     "derived-self", "of:", "error", ["`of: msg-position` is this target itself"]),
    ("group median without comparators", CRIME_RATE, [("comparators: msg-southampton\n", ""),
                                                      ("benchmark: E92000001", "benchmark: group_median")],
     "group-median", "benchmark:", "error", ["there is no `comparators`: add `comparators:`"]),
    ("area and areas", CRIME_RATE, [("area: E06000045", "area: E06000045\nareas: south-coast")],
     "area-or-areas", "areas:", "error", ["`area` and `areas` are both given", "keep one"]),
    ("comparators without an area", CRIME_RATE, [("area: E06000045\n", ""), ("benchmark: E92000001\n", "")],
     "needs-area", "comparators:", "error", ["`comparators` compares the target's area with others",
                                             "add `area:`", "or `areas:`"]),
    ("a benchmark without an area", CRIME_RATE, [("area: E06000045\n", ""), ("comparators: msg-southampton\n", "")],
     "needs-area", "benchmark:", "error", ["`benchmark` compares the target's area with others"]),
    ("the benchmark is the area", CRIME_RATE, [("benchmark: E92000001", "benchmark: E06000045")],
     "benchmark-other", "benchmark:", "error", ["the benchmark E06000045 is the target's own area"]),
    ("the benchmark among the areas", MANY, [("benchmark: group_median", "benchmark: E06000023")],
     "benchmark-other", "benchmark:", "warning", ["also among `areas` (item 2)"]),
]


@pytest.mark.parametrize("what, spec, edits, rule, needle, severity, fragments", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_each_rule_of_one_spec_at_its_line(tmp_path, what, spec, edits, rule, needle, severity, fragments):
    text = spec
    for old, new in edits:
        text = edit(text, old, new)
    name = re.search(r"^id: (\S+)", text, re.M).group(1)
    others = {"all-crime-rate": CRIME_RATE} if name != "all-crime-rate" else {}
    checked = check_paths([tree(tmp_path, {**others, name: text})])
    problem = only(checked.problems, rule)
    assert problem.file.endswith(f"{name}.yaml") and problem.severity == severity
    assert problem.line == line_of(text, needle), problem.as_text()
    for fragment in fragments:
        assert fragment in problem.message, problem.message
    assert (name in {t.id for t in checked.targets}) == (severity == "warning")


# --- across the tree and against areas.yaml ---------------------------------------------------------


def test_a_group_not_in_areas_yaml_gets_a_did_you_mean(tmp_path):
    text = edit(CRIME_RATE, "comparators: msg-southampton", "comparators: msg-southhampton")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text})])
    problem = only(checked.problems, "known-group")
    assert problem.line == line_of(text, "comparators:") and problem.column == 1
    assert problem.message == ("`comparators: msg-southhampton`: there is no group `msg-southhampton` in areas.yaml: "
                               "did you mean `msg-southampton`?")
    assert checked.targets == []  # an error across the tree leaves the target out, as one of its own does


def test_a_group_far_from_any_is_answered_with_the_groups_there_are(tmp_path):
    text = edit(POSITION, "among: msg-southampton", "among: nearest-neighbours")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": text})])
    problem = only(checked.problems, "known-group")
    assert problem.line == line_of(text, "among:")
    assert "its groups are `msg-southampton` and `south-coast`; or add `nearest-neighbours` under `groups:`" in problem.message


def test_a_group_named_in_areas_when_areas_yaml_has_no_groups(tmp_path):
    text = edit(MANY, "areas: [portsmouth, E06000023]", "areas: south-coast")
    checked = check_paths([tree(tmp_path, {"recycling": text}, areas="areas:\n  E06000044: Portsmouth\n")])
    problems = [p for p in checked.problems if p.rule == "known-group"]
    assert [p.line for p in problems] == [line_of(text, "areas:"), line_of(text, "comparators:")]
    assert "it has no groups: add `south-coast` under `groups:`" in problems[0].message


@pytest.mark.parametrize("old, new, needle, fragments", [
    ("area: E06000045", "area: E06000046", "area:",
     ["`area: E06000046` is not an area of areas.yaml: did you mean E06000045 (Southampton)? add it under `areas:`"]),
    ("benchmark: E92000001", "benchmark: E92000002", "benchmark:",
     ["`benchmark: E92000002` is not an area of areas.yaml: did you mean E92000001 (England)?"]),
])
def test_an_area_or_benchmark_code_not_in_areas_yaml(tmp_path, old, new, needle, fragments):
    text = edit(CRIME_RATE, old, new)
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text})])
    problem = only(checked.problems, "known-area")
    assert problem.line == line_of(text, needle)
    for fragment in fragments:
        assert fragment in problem.message


def test_each_unknown_or_repeated_entry_of_areas_is_named_at_its_column(tmp_path):
    text = edit(MANY, "areas: [portsmouth, E06000023]", "areas: [Portsmouth, Cardif, E06000044, Bristol]")
    checked = check_paths([tree(tmp_path, {"recycling": text})])
    row = line_of(text, "areas:")
    assert [(p.rule, p.line, p.column) for p in checked.problems] == [
        ("known-area", row, text.splitlines()[row - 1].index("Cardif") + 1),
        ("area-once", row, text.splitlines()[row - 1].index("E06000044") + 1)]
    unknown, twice = checked.problems
    assert "`Cardif` in `areas` is not an area of areas.yaml: did you mean W06000015 (Cardiff)?" in unknown.message
    assert ("`E06000044` in `areas` is E06000044 (Portsmouth), already listed as item 1 (`Portsmouth`): list each "
            "area once") in twice.message


def test_an_area_outside_its_comparators_group_is_a_warning(tmp_path):
    text = edit(CRIME_RATE, "comparators: msg-southampton", "comparators: south-coast")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text})])
    problem = only(checked.problems, "area-in-group")
    assert problem.severity == "warning" and problem.line == line_of(text, "comparators:")
    assert problem.message == ("the target's area, E06000045 (Southampton), is not in the group `south-coast` (2 areas): "
                               "it is compared, and ranked, among the group and itself, 3 in all; if it belongs in the "
                               "group, add it there in areas.yaml")
    assert [t.id for t in checked.targets] == ["all-crime-rate"]  # a warning: still a target


def test_areas_outside_the_comparators_group_are_a_warning(tmp_path):
    text = edit(MANY, "areas: [portsmouth, E06000023]", "areas: [Portsmouth, Bristol, Cardiff, Southampton]")
    checked = check_paths([tree(tmp_path, {"recycling": text})])
    problem = only(checked.problems, "area-in-group")
    assert problem.severity == "warning" and problem.line == line_of(text, "comparators:")
    assert problem.message.startswith("2 of the target's areas, W06000015 (Cardiff) and E06000045 (Southampton), are "
                                      "not in the group `south-coast` (2 areas): each is compared, and ranked, among "
                                      "the group and itself, 3 in all")
    group = edit(text, "areas: [Portsmouth, Bristol, Cardiff, Southampton]", "areas: msg-southampton")
    (tmp_path / "other").mkdir()
    problem = only(check_paths([tree(tmp_path / "other", {"recycling": group})]).problems, "area-in-group")
    assert problem.message.startswith("2 of the target's areas, E06000045 (Southampton) and W06000015 (Cardiff), are")


def test_a_ranked_area_outside_its_among_group_is_a_warning(tmp_path):
    areas = AREAS.replace("  msg-southampton: [E06000045, E06000044, W06000015]",
                          "  msg-southampton: [E06000044, W06000015]")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION}, areas=areas)])
    warnings = sorted((Path(p.file).stem, p.line) for p in checked.problems if p.rule == "area-in-group")
    assert warnings == [("all-crime-rate", line_of(CRIME_RATE, "comparators:")), ("msg-position", line_of(POSITION, "among:"))]
    assert "it is ranked among the group and itself, 3 in all" in next(
        p.message for p in checked.problems if p.file.endswith("msg-position.yaml"))
    assert checked.errors == []  # the ranked target keeps Southampton's readings: its own area


def test_without_areas_yaml_each_use_of_it_says_to_add_one(tmp_path):
    text = CRIME_RATE
    folder = tree(tmp_path, {"all-crime-rate": text}, areas=None)
    checked = check_paths([folder])
    problems = [p for p in checked.problems if p.rule == "areas-file"]
    assert [p.line for p in problems] == [line_of(text, "comparators:"), line_of(text, "benchmark:")]
    assert all(p.severity == "error" for p in problems)
    assert f"and the specs folder has no areas.yaml: add {folder.as_posix()}/areas.yaml, naming the group's areas by GSS " \
           "code, and the group `" in problems[0].message
    assert "`benchmark: E92000001` names an area of areas.yaml" in problems[1].message
    assert "naming E92000001 with its name" in problems[1].message


def test_without_areas_yaml_a_rank_and_a_list_of_areas_say_to_add_one(tmp_path):
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION, "recycling": MANY},
                                areas=None)])
    said = sorted((Path(p.file).stem, p.line) for p in checked.problems if p.rule == "areas-file")
    assert ("msg-position", line_of(POSITION, "among:")) in said
    assert ("recycling", line_of(MANY, "areas:")) in said
    # The rank's target is matched by the group's name: it has `comparators: msg-southampton`.
    assert not any(p.rule == "rank-of" for p in checked.problems)


def test_a_broken_areas_file_is_reported_once_not_at_every_spec(tmp_path):
    broken = AREAS + "  empty: []\n"
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "recycling": MANY}, areas=broken)])
    assert {p.rule for p in checked.errors} == {"areas"}


def test_specs_named_one_by_one_are_not_faulted_for_what_was_not_given(tmp_path):
    # `targets validate one.yaml`: the rest of the tree (areas.yaml, the ranked target) was not read.
    folder = tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION})
    position = folder / "crime" / "msg-position.yaml"
    assert check_paths([position]).problems == []
    # Given beside them, areas.yaml is used.
    text = edit(POSITION, "among: msg-southampton", "among: msg-soton")
    position.write_text(text, encoding="utf-8")
    checked = check_paths([position, folder / "areas.yaml"])
    assert [p.rule for p in checked.problems] == ["known-group"]


# The rank's target ------------------------------------------------------------------------------------


def test_a_rank_of_an_unknown_target_gets_a_did_you_mean(tmp_path):
    text = edit(POSITION, "of: all-crime-rate", "of: all-crime-rates")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": text})])
    problem = only(checked.problems, "rank-of")
    assert problem.line == line_of(text, "of:") and problem.column == 3
    assert problem.message == ("`of: all-crime-rates`: there is no target with that id among the specs: did you mean "
                               "`all-crime-rate`? give the id of the target whose readings are ranked")
    assert [t.id for t in checked.targets] == ["all-crime-rate"]


def test_a_rank_of_a_rank_is_refused(tmp_path):
    other = edit(edit(POSITION, "id: msg-position", "id: other-position"), "of: all-crime-rate", "of: all-crime-rate")
    text = edit(POSITION, "of: all-crime-rate", "of: other-position")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": text, "other-position": other})])
    problem = only(checked.problems, "rank-of")
    assert problem.file.endswith("msg-position.yaml")
    assert re.search(r"`of: other-position` \(.*crime/other-position\.yaml:1\) is itself a derived rank", problem.message)


@pytest.mark.parametrize("rate_edits, fix", [
    # (how the ranked target is changed, the fix the rank's problem names)
    ([("comparators: msg-southampton\n", "")], "add `comparators: msg-southampton` to it"),
    ([("comparators: msg-southampton", "comparators: south-coast")], "make its comparators the group (`comparators: msg-southampton`)"),
    ([("area: E06000045\ncomparators: msg-southampton\nbenchmark: E92000001\n", "")],
     "add `area: E06000045` and `comparators: msg-southampton` to it"),
    ([("area: E06000045\ncomparators: msg-southampton\nbenchmark: E92000001\n", "areas: [Southampton, Portsmouth]\n")],
     "make its `areas` the group (`areas: msg-southampton`)"),
])
def test_a_rank_needs_its_target_to_keep_the_groups_readings(tmp_path, rate_edits, fix):
    rate = CRIME_RATE
    for old, new in rate_edits:
        rate = edit(rate, old, new)
    checked = check_paths([tree(tmp_path, {"all-crime-rate": rate, "msg-position": POSITION})])
    problem = only(checked.problems, "rank-of")
    assert problem.file.endswith("msg-position.yaml") and problem.line == line_of(POSITION, "of:")
    assert re.search(r"`of: all-crime-rate` \(.*crime/all-crime-rate\.yaml:1\) keeps no readings for \d of the 3 areas "
                     "to rank, ", problem.message), problem.message
    assert problem.message.endswith(fix)


def test_a_rank_names_the_areas_its_target_has_no_readings_for(tmp_path):
    rate = edit(CRIME_RATE, "comparators: msg-southampton", "comparators: south-coast")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": rate, "msg-position": POSITION})])
    problem = only(checked.problems, "rank-of")
    assert "keeps no readings for 1 of the 3 areas to rank, W06000015 (Cardiff): " in problem.message


# Order, escaping, speed --------------------------------------------------------------------------------


def test_each_files_problems_stay_together_in_line_order(tmp_path):
    rate = edit(edit(CRIME_RATE, "comparators: msg-southampton", "comparators: msg-soton"),
                "baseline: {period: 2013/14, value: 80}", "baseline: {period: 2013-14, value: 80}")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": rate, "recycling": edit(MANY, "portsmouth", "portsmuth")})])
    files = [Path(p.file).stem for p in checked.problems]
    assert files == sorted(files)
    assert [p.rule for p in checked.problems] == ["period-syntax", "known-group", "known-area"]


def test_hostile_text_in_an_areas_entry_is_escaped(tmp_path):
    text = edit(MANY, "areas: [portsmouth, E06000023]", 'areas: [Portsmouth, "\\e[31mBristol\\u2028"]')
    checked = check_paths([tree(tmp_path, {"recycling": text})])
    problem = only(checked.problems, "known-area")
    assert "\x1b" not in problem.as_text() and "\u2028" not in problem.as_text()
    assert "\\x1b[31mBristol\\u2028" in problem.message


def test_validate_of_a_tree_with_areas_imports_nothing_heavy(tmp_path):
    folder = tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION, "recycling": MANY})
    code = ("import sys; sys.argv = ['targets', 'validate', %r]\n"
            "import cli\n"
            "try:\n    cli.app()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "heavy = [m for m in ('numpy', 'polars', 'pint', 'yaml', 'jsonschema', 'engine.sources.readings')"
            " if m in sys.modules]\n"
            "assert not heavy, heavy\n") % str(folder)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout


def test_every_rule_is_in_the_spec_format_docs():
    from engine.checks.rules import all_rules

    docs = (ROOT / "docs" / "spec-format.md").read_text(encoding="utf-8")
    across = ["areas-file", "known-group", "known-area", "area-once", "rank-of", "area-in-group", "group-of-one"]
    for name in [rule.name for rule in all_rules()] + across:
        assert f"| `{name}` |" in docs, name


def test_a_tree_that_validates_evaluates_with_its_ranks(tmp_path):
    # The two sides of issue 12 together: what validate lets through, evaluate works out.
    from engine import run

    folder = tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": POSITION})
    readings = tmp_path / "r.csv"
    readings.write_text("target,period,value,area\nall-crime-rate,2014/15,61,Southampton\n"
                        "all-crime-rate,2014/15,50,Portsmouth\nall-crime-rate,2014/15,70,Cardiff\n"
                        "all-crime-rate,2014/15,55,England\n", encoding="utf-8")
    specs = run.load_specs(folder)
    batch = run.read_readings([readings], specs.targets, areas=specs.areas)
    assert batch.rejected == [] and batch.not_used == []
    evaluation = run.evaluate(specs.targets, batch, areas=specs.areas)
    results = {r.target.id: r for r in evaluation.results}
    (rank,) = results["msg-position"].verdicts
    assert rank.value == 2.0 and rank.status == "improving"  # 2nd of 3, from 12th
    assert "2 in 2014/15 against the baseline of 12" in rank.explanation


def test_a_rank_among_an_unknown_group_is_told_only_that_the_group_is_unknown(tmp_path):
    # Not also to give its target `comparators: msg-soton`, a group that does not exist either.
    text = edit(POSITION, "among: msg-southampton", "among: msg-soton")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": CRIME_RATE, "msg-position": text})])
    assert [p.rule for p in checked.problems] == ["known-group"], [p.as_text() for p in checked.problems]
    assert "did you mean `msg-southampton`?" in checked.problems[0].message


@pytest.mark.parametrize("spec, change, needle, never", [
    (CRIME_RATE, ("benchmark: E92000001", "benchmark: group_median"), "comparators:",
     "so its readings are never ranked, and never compared with the group median (`benchmark: group_median`)"),
    (CRIME_RATE, ("benchmark: E92000001\n", ""), "comparators:", "so its readings are never ranked;"),
    (POSITION, ("among: msg-southampton", "among: solo"), "among:",
     "so the rank is never worked out: the target has no readings"),
])
def test_a_group_of_the_targets_own_area_alone_is_a_warning(tmp_path, spec, change, needle, never):
    # A reading is ranked only when another area has a reading that period: in a group of one, never.
    areas = AREAS + "  solo: [E06000045]\n"
    text = edit(spec, *change)
    if spec is CRIME_RATE:
        text = edit(text, "comparators: msg-southampton", "comparators: solo")
    name = re.search(r"^id: (\S+)", text, re.M).group(1)
    others = {"all-crime-rate": CRIME_RATE} if name != "all-crime-rate" else {}
    checked = check_paths([tree(tmp_path, {**others, name: text}, areas=areas)])
    problem = only(checked.problems, "group-of-one")
    assert problem.severity == "warning" and problem.line == line_of(text, needle)
    assert problem.file.endswith(f"{name}.yaml")
    assert problem.message.startswith("the group `solo` has one area, E06000045 (Southampton), the target's own: a "
                                      "reading is compared only with other areas' readings that period, ")
    assert never in problem.message
    assert problem.message.endswith("add the group's other areas to it in areas.yaml, or name a larger group")
    assert name in {t.id for t in checked.targets}  # a warning: still a target


def test_a_group_of_one_other_area_is_not_alone(tmp_path):
    # Southampton is compared with Portsmouth (the group and itself: area-in-group says so).
    areas = AREAS + "  pompey: [E06000044]\n"
    text = edit(edit(CRIME_RATE, "comparators: msg-southampton", "comparators: pompey"),
                "benchmark: E92000001", "benchmark: group_median")
    checked = check_paths([tree(tmp_path, {"all-crime-rate": text}, areas=areas)])
    assert [p.rule for p in checked.problems] == ["area-in-group"]
