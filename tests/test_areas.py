"""areas.yaml: the areas and comparator groups at the root of the specs folder (issue 12)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checks.areas import check_areas
from engine.checks.checker import check_paths
from engine.model.areas import Areas, is_gss_code
from engine.sources.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "targets"
SCHEMA = json.loads((ROOT / "schema" / "areas.schema.json").read_text(encoding="utf-8"))
SEED = ROOT.parent / "shared" / "seed" / "safe-city-strategy-2014-17.txt"


def check(text: str):
    return check_areas(load_yaml(text, "areas.yaml"))


def schema_valid(text: str) -> bool:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMA).is_valid(load_yaml(text, "areas.yaml").data)


GOOD = """\
areas:
  E06000045: Southampton
  E06000044: Portsmouth
  W06000015: Cardiff
groups:
  south: [E06000045, E06000044]
"""


def test_a_good_file_gives_the_areas_and_groups():
    problems, areas = check(GOOD)
    assert problems == []
    assert areas.name("E06000045") == "Southampton"
    assert areas.members("south") == ("E06000045", "E06000044")
    assert list(areas.names) == ["E06000045", "E06000044", "W06000015"]  # the file's order
    assert areas.code("portsmouth") == "E06000044" and areas.code("w06000015") == "W06000015"
    assert areas.code("Portsmouth ") == "E06000044" and areas.code("Pompey") is None


def test_the_areas_are_read_only():
    _, areas = check(GOOD)
    with pytest.raises(TypeError):
        areas.names["E06000001"] = "Hartlepool"  # type: ignore[index]


BAD = {
    "a code not in GSS form": ("areas:\n  E6000044: Portsmouth\n", 2, "`E6000044` is not a GSS code"),
    "a lower-case code": ("areas:\n  e06000044: Portsmouth\n", 2, "is not a GSS code"),
    "a number for a code": ("areas:\n  123456789: Portsmouth\n", 2, "is not a GSS code"),
    "a member not among the areas": (
        "areas:\n  E06000045: Southampton\ngroups:\n  g: [E06000045, E06000046]\n", 4,
        "E06000046 in the group `g` is not among `areas`: did you mean E06000045 (Southampton)?"),
    "a member twice": ("areas:\n  E06000045: Southampton\ngroups:\n  g:\n    - E06000045\n    - E06000045\n", 6,
                       "listed twice"),
    "a duplicate name": ("areas:\n  E06000045: Southampton\n  E06000044: SOUTHAMPTON\n", 3,
                         "already given to E06000045 (line 2)"),
    "a duplicate name, spaced": ("areas:\n  E07000241: Welwyn Hatfield\n  E07000104: Welwyn  hatfield\n", 3,
                                 "already given to E07000241"),
    "an empty name": ("areas:\n  E06000045: ''\n", 2, "should be text"),
    "a name that is a number": ("areas:\n  E06000045: 12\n", 2, "should be text"),
    "no areas": ("groups:\n  g: [E06000045]\n", 1, "`areas` is needed"),
    "an unknown key": ("areas:\n  E06000045: Southampton\ngroup:\n  g: [E06000045]\n", 3, "did you mean `groups`?"),
    "a bad group name": ("areas:\n  E06000045: Southampton\ngroups:\n  My Group: [E06000045]\n", 4, "group name"),
    "an empty group": ("areas:\n  E06000045: Southampton\ngroups:\n  g: []\n", 4, "should list its members"),
    "groups as a list": ("areas:\n  E06000045: Southampton\ngroups: [E06000045]\n", 3, "should be a mapping"),
    "not a mapping": ("- E06000045\n", 1, "an areas file is a mapping"),
    # A name goes into every report: a line break, tab or ESC in it is refused at its line, escaped.
    "a line break in a name": ('areas:\n  E06000044: Portsmouth\n  E06000045: "South\\nampton"\n', 3,
                               "the name of E06000045, `South\\nampton`, has a line break, tab or other control "
                               "character: write it on one line, in plain text"),
    "a block scalar name": ("areas:\n  E06000045: |\n    Southampton\n", 2, "`Southampton\\n`, has a line break"),
    "a tab in a name": ('areas:\n  E06000045: "South\\tampton"\n', 2, "`South\\tampton`, has a line break, tab"),
    "an escape in a name": ('areas:\n  E06000045: "\\e[31mSouthampton"\n', 2, "`\\x1b[31mSouthampton`, has a"),
    "a line separator in a name": ('areas:\n  E06000045: "South\\u2028ampton"\n', 2, "`South\\u2028ampton`, has"),
}


@pytest.mark.parametrize("name", BAD)
def test_each_mistake_is_named_at_its_line(name):
    text, line, words = BAD[name]
    problems, areas = check(text)
    assert areas is None
    assert problems and problems[0].line == line, [p.as_text() for p in problems]
    assert words in problems[0].message
    assert problems[0].file == "areas.yaml" and problems[0].severity == "error"


@pytest.mark.parametrize("text", [GOOD] + [BAD[name][0] for name in BAD if "duplicate" not in name and "twice" not in name
                                            and "not among" not in name])
def test_the_schema_and_the_checks_agree(text):
    # What a schema can say (the shape), it says as the checks do; duplicates and membership are the
    # checks' alone.
    problems, _ = check(text)
    assert schema_valid(text) == (not problems)


@settings(max_examples=300)
@given(st.characters(exclude_categories=("Cs",)))
def test_the_schema_refuses_in_a_name_what_the_checks_do(char):
    # The schema's `not` pattern and safetext's (engine/model/safetext.py) name the same characters.
    doc = load_yaml("areas:\n  E06000045: x\n", "areas.yaml")
    doc.data["areas"]["E06000045"] = f"South{char}ampton"
    from jsonschema import Draft202012Validator

    problems, _ = check_areas(doc)
    assert Draft202012Validator(SCHEMA).is_valid(doc.data) == (not problems), repr(char)


def test_hostile_text_in_a_message_is_escaped():
    problems, _ = check("areas:\n  \"E0600\\e[31m0045\": x\n")
    assert problems and "\x1b" not in problems[0].as_text()


@settings(max_examples=200)
@given(st.text(min_size=0, max_size=12))
def test_the_gss_code_rule_matches_the_schema_pattern(text):
    pattern = SCHEMA["properties"]["areas"]["propertyNames"]["pattern"]
    assert is_gss_code(text) == (re.fullmatch(pattern.strip("^$"), text) is not None)


# The specs folder ---------------------------------------------------------------------------------


def test_the_shipped_file_holds_the_seed_group_of_15(tmp_path):
    checked = check_paths([SHIPPED])
    assert checked.errors == []
    areas = checked.areas
    assert isinstance(areas, Areas)
    group = areas.members("msg-southampton")
    assert len(group) == 15 and areas.name(group[0]) == "Southampton"
    names = {areas.name(code) for code in group}
    if SEED.exists():  # the strategy's own list: "ONS comparison group: Trafford, Coventry, ..."
        listed = re.search(r"ONS comparison group: (.*)\.", SEED.read_text(encoding="utf-8")).group(1)
        # The strategy writes "Welwyn and Hatfield"; the ONS's name is "Welwyn Hatfield".
        seed = {n.strip().replace("Welwyn and Hatfield", "Welwyn Hatfield") for n in listed.split(",")}
        assert names == seed | {"Southampton"}
    assert all(t.file and not t.file.endswith("areas.yaml") for t in checked.targets)


def test_areas_yaml_is_not_a_spec_and_a_nested_one_is_said_to_be_in_the_wrong_place(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(SHIPPED / "crime-and-asb", specs / "crime-and-asb")
    for named in ("all-crime-rate.yaml", "msg-position-all-crime.yaml"):  # they name the shipped group
        (specs / "crime-and-asb" / named).unlink()
    (specs / "areas.yaml").write_text(GOOD, encoding="utf-8")
    checked = check_paths([specs])
    assert checked.errors == [] and checked.areas is not None
    assert checked.files_checked == len(checked.targets) + 1
    # Deeper down, an areas file is not read, and is not taken for a (broken) target spec either:
    # one problem, at the file, says where it goes (not five schema errors).
    for name in ("areas.yaml", "areas.yml"):
        nested = specs / "crime-and-asb" / name
        nested.write_text(GOOD, encoding="utf-8")
        checked = check_paths([specs])
        assert [(p.file, p.line, p.rule) for p in checked.errors] == [(nested.as_posix(), None, "areas-file")]
        assert checked.errors[0].message == (
            f"an areas file is read only at the root of the specs folder ({specs.as_posix()}/areas.yaml): this one, "
            "in a subfolder, is not read; move its areas and groups there, or, if it is a target spec, give it "
            "another id and file name")
        assert checked.areas.names == check(GOOD)[1].names  # the root's, as before
        nested.unlink()


def test_a_broken_areas_file_fails_validate_with_its_line(tmp_path):
    (tmp_path / "areas.yaml").write_text("areas:\n  E06000045: Southampton\ngroups:\n  g: [E09999999]\n", encoding="utf-8")
    checked = check_paths([tmp_path])
    assert checked.areas is None
    assert [(Path(p.file).name, p.line, p.rule) for p in checked.errors] == [("areas.yaml", 4, "areas")]


def test_an_areas_file_named_on_its_own_is_checked_as_one(tmp_path):
    (tmp_path / "areas.yaml").write_text(GOOD, encoding="utf-8")
    checked = check_paths([tmp_path / "areas.yaml"])
    assert checked.errors == [] and checked.targets == [] and checked.areas is not None


def test_an_areas_file_with_bad_yaml_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "areas.yaml").write_text("areas:\n  E06000045: Southampton\n  E06000045: Portsmouth\n", encoding="utf-8")
    checked = check_paths([tmp_path])
    assert checked.areas is None and len(checked.errors) == 1 and checked.errors[0].line == 3


def test_targets_diff_leaves_the_areas_file_out(tmp_path, monkeypatch):
    import subprocess

    from typer.testing import CliRunner

    import cli

    def git(*args):
        subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
                        *args], cwd=repo, capture_output=True, text=True, check=True)

    repo = tmp_path / "repo"
    shutil.copytree(SHIPPED / "youth-crime", repo / "targets" / "youth-crime")
    shutil.copy(SHIPPED / "areas.yaml", repo / "targets" / "areas.yaml")
    git("init", "-q", ".")
    git("add", ".")
    git("commit", "-q", "-m", "specs")
    (repo / "targets" / "areas.yaml").write_text(GOOD, encoding="utf-8")  # changed: still not a target
    git("add", ".")
    git("commit", "-q", "-m", "areas")
    # One deeper down at the base is not a target that was removed either (the working tree has
    # none: there it would be an error).
    (repo / "targets" / "youth-crime" / "areas.yaml").write_text(GOOD, encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "a nested areas file")
    (repo / "targets" / "youth-crime" / "areas.yaml").unlink()
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli.app, ["diff", "HEAD"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "areas" not in result.output
