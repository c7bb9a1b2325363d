"""engine/sources/yamlsafe.py: strict YAML that refuses what hand-edited files should not hold, fast."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model.problems import LoadError
from engine.sources.yamlsafe import MAX_BYTES, MAX_DEPTH, Mark, load_yaml

SPEC = """\
# yaml-language-server: $schema=../schema/target.schema.json
id: youth-reoffending
title: Youth re-offending rate
status: active
partners: [YOS Management Board, Police]
measure:
  description: Young offenders who re-offend, as a percentage of the cohort
  unit: percent
  polarity: lower_is_better
baseline: {period: 2013/14, value: 48.3}
target:
  period: 2016/17
  value: 35
milestones:
  - {period: 2014/15, value: 44}
  - period: 2015/16
    value: 40
tolerance: {absolute: 1.0}
"""


def refused(raw: bytes | str, rule: str | None = None) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_yaml(raw, "spec.yaml")
    problem = caught.value.problem
    assert problem.file == "spec.yaml"
    assert problem.severity == "error"
    if rule is not None:
        assert problem.rule == rule, problem
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_valid_spec_loads_as_plain_data():
    doc = load_yaml(SPEC.encode(), "spec.yaml")
    assert doc.file == "spec.yaml"
    assert doc.data["id"] == "youth-reoffending"
    assert doc.data["partners"] == ["YOS Management Board", "Police"]
    assert doc.data["baseline"] == {"period": "2013/14", "value": 48.3}
    assert doc.data["target"] == {"period": "2016/17", "value": 35}
    assert doc.data["milestones"][1] == {"period": "2015/16", "value": 40}
    assert list(doc.data) == ["id", "title", "status", "partners", "measure", "baseline", "target", "milestones", "tolerance"]


# --- duplicate keys -------------------------------------------------------------------------------------

def test_duplicate_top_level_key_names_the_first_line():
    text = "id: a\ntitle: x\nstatus: active\nid: b\n"
    error = refused(text.encode(), "duplicate-key")
    assert (error.problem.line, error.problem.column) == (4, 1)
    assert "`id` is given twice" in error.problem.message
    assert "first on line 1" in error.problem.message


def test_duplicate_nested_key_names_the_first_line():
    text = SPEC.replace("  value: 35\n", "  value: 35\n  value: 30\n")
    error = refused(text.encode(), "duplicate-key")
    first = line_of(text, "  value: 35")
    assert error.problem.line == first + 1
    assert error.problem.column == 3
    assert f"first on line {first}" in error.problem.message


def test_duplicate_key_in_a_flow_mapping():
    text = "baseline: {period: 2013/14, value: 1, value: 2}\n"
    error = refused(text.encode(), "duplicate-key")
    assert (error.problem.line, error.problem.column) == (1, text.rindex("value") + 1)


def test_same_key_in_different_mappings_is_fine():
    doc = load_yaml(b"a: {value: 1}\nb: {value: 2}\n", "spec.yaml")
    assert doc.data == {"a": {"value": 1}, "b": {"value": 2}}


def test_keys_differing_only_in_spelling_are_different_keys():
    # keys stay text as written: `1` and `01` are two keys, not a duplicate
    assert load_yaml(b"1: a\n01: b\n", "spec.yaml").data == {"1": "a", "01": "b"}


# --- anchors, aliases, merge keys, tags, documents ---------------------------------------------------------

def test_anchor_refused():
    error = refused(b"a: &x 1\nb: 2\n", "anchor")
    assert (error.problem.line, error.problem.column) == (1, 4)
    assert "&x" in error.problem.message


def test_alias_refused():
    error = refused(b"a: 1\nb: *x\n", "alias")
    assert (error.problem.line, error.problem.column) == (2, 4)


BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_fails_fast_at_the_first_anchor():
    assert len(BILLION_LAUGHS) == 342
    started = time.perf_counter()
    error = refused(BILLION_LAUGHS, "anchor")
    assert time.perf_counter() - started < 0.1
    assert (error.problem.line, error.problem.column) == (1, 4)


def test_merge_key_refused():
    text = b"base: {x: 1}\nother:\n  <<: {y: 2}\n  z: 3\n"
    error = refused(text, "merge-key")
    assert (error.problem.line, error.problem.column) == (3, 3)


def test_quoted_merge_key_is_an_ordinary_key():
    assert load_yaml(b"'<<': 1\n", "spec.yaml").data == {"<<": 1}


@pytest.mark.parametrize(
    "text",
    [
        b"a: !!python/object:os.system 'echo hi'\n",
        b"a: !!python/object/apply:os.system ['echo hi']\n",
        b"!!python/object:collections.OrderedDict {}\n",
        b"a: !!str 1\n",
        b"a: !!binary aGVsbG8=\n",
        b"a: !custom 1\n",
        b"a: ! 1\n",
        b"a: !!map {b: 1}\n",
        b"a: !!seq [1]\n",
        b"%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n",
    ],
)
def test_every_tag_refused(text):
    error = refused(text, "tag")
    assert "tags such as" in error.problem.message


def test_multiple_documents_refused():
    error = refused(b"a: 1\n---\nb: 2\n", "multiple-documents")
    assert (error.problem.line, error.problem.column) == (2, 1)


def test_one_document_with_explicit_markers_is_fine():
    assert load_yaml(b"---\na: 1\n...\n", "spec.yaml").data == {"a": 1}
    assert load_yaml(b"%YAML 1.2\n---\na: 1\n", "spec.yaml").data == {"a": 1}


def test_complex_keys_refused():
    refused(b"? [a, b]\n: 1\n", "complex-key")
    refused(b"{a: 1}: 2\n", "complex-key")


# --- size and depth: refused before they can hurt ----------------------------------------------------------

def _fast(raw: bytes | str, rules: tuple[str, ...], within: float = 0.5) -> LoadError:
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        load_yaml(raw, "spec.yaml")
    assert time.perf_counter() - started < within
    assert caught.value.problem.rule in rules, caught.value.problem
    return caught.value


def test_deep_flow_nesting_refused_quickly():
    _fast(b"[" * 100_000, ("nesting", "yaml-syntax"))
    _fast(b"{a: " * 100_000, ("nesting", "yaml-syntax"))
    _fast(b"- " * 100_000, ("nesting", "yaml-syntax"))


def test_deep_block_nesting_refused_quickly_at_the_depth_limit():
    text = "".join(" " * level + f"k{level}:\n" for level in range(1000))
    assert len(text.encode()) < MAX_BYTES
    error = _fast(text.encode(), ("nesting",))
    assert error.problem.line == MAX_DEPTH + 1  # the first mapping too deep
    assert f"{MAX_DEPTH} levels" in error.problem.message


def test_nesting_within_the_limit_is_fine():
    text = "".join(" " * level + f"k{level}:\n" for level in range(MAX_DEPTH - 1)) + " " * (MAX_DEPTH - 1) + "leaf: 1\n"
    data = load_yaml(text.encode(), "spec.yaml").data
    for level in range(MAX_DEPTH - 1):
        data = data[f"k{level}"]
    assert data == {"leaf": 1}


def test_oversized_file_refused_before_parsing():
    error = _fast(b"a: 1\n" + b"#" * MAX_BYTES, ("file-size",), within=0.1)
    assert error.problem.line is None
    assert "bytes" in error.problem.message
    _fast("a: 1\n" + "#" * MAX_BYTES, ("file-size",), within=0.1)


# --- encodings ------------------------------------------------------------------------------------------

def test_non_utf8_byte_reports_line_and_column():
    error = refused(b"id: x\ntitle: caf\xe9 au lait\n", "encoding")
    assert (error.problem.line, error.problem.column) == (2, 11)
    assert "0xe9" in error.problem.message
    assert "UTF-8" in error.problem.message


def test_utf16_refused_with_advice():
    for raw in ("a: 1\n".encode("utf-16"), "a: 1\n".encode("utf-16-be").join([b"\xfe\xff", b""])):
        error = refused(raw, "encoding")
        assert "UTF-16" in error.problem.message
        assert error.problem.line == 1


def test_nul_byte_refused_with_its_line():
    error = refused(b"a: 1\nb: 2\x00\n", "encoding")
    assert error.problem.line == 2
    assert "NUL" in error.problem.message


def test_utf8_bom_accepted():
    assert load_yaml(b"\xef\xbb\xbfid: x\n", "spec.yaml").data == {"id": "x"}
    assert load_yaml("\ufeffid: x\n", "spec.yaml").data == {"id": "x"}


def test_crlf_accepted_and_lines_counted():
    raw = SPEC.replace("\n", "\r\n").encode()
    doc = load_yaml(raw, "spec.yaml")
    assert doc.data == load_yaml(SPEC.encode(), "spec.yaml").data
    assert doc.marks[("target", "value")].line == line_of(SPEC, "  value: 35")


def test_non_ascii_text_kept():
    assert load_yaml("lead: Société — £5 ✓\n".encode(), "spec.yaml").data == {"lead": "Société — £5 ✓"}


def test_control_character_refused():
    error = refused(b"a: 1\nb: \x07\n", "yaml-syntax")
    assert error.problem.line == 2
    assert "U+0007" in error.problem.message


def test_lone_surrogate_in_text_refused():
    error = refused("a: 1\nb: \ud800\n", "encoding")
    assert (error.problem.line, error.problem.column) == (2, 4)


def test_syntax_error_reports_where():
    error = refused(b"a: 1\n  b: 2\n", "yaml-syntax")
    assert (error.problem.line, error.problem.column) == (2, 3)
    assert error.problem.message.startswith("YAML indentation: `b:` on line 2 is indented further than `a:`")
    error = refused(b"a: [1, 2\nb: 2\n", "yaml-syntax")
    assert error.problem.line == 1 and error.problem.message.startswith("YAML syntax:")
    error = refused(b"a: 1\nb: @x\n", "yaml-syntax")  # not one it knows: libyaml's words
    assert error.problem.line == 2 and "(check indentation, colons and quotes)" in error.problem.message


# Issue 14: indentation errors in plain words, at the line that is wrong (engine/sources/yamlwords.py).
INDENTATION = [
    # (case, text, line, column, fragments)
    ("key one space too far", "id: x\nmeasure:\n  description: d\n  unit: percent\n   polarity: lower\n", 5, 4,
     ["`polarity:` on line 5 is indented further than `unit:` on line 4 (column 3)", "line `polarity:` up with `unit:` (column 3)"]),
    ("key one space too little", "id: x\nmeasure:\n  description: d\n unit: percent\n  polarity: lower\n", 4, 2,
     ["`unit:` on line 4 starts at column 2, which lines up with nothing above it",
      "line it up with `description:` on line 3 (column 3), or, if it does not belong with it, with `measure:` on line 2 (column 1)"]),
    ("first key too deep", "id: x\nmeasure:\n    description: d\n  unit: percent\n", 4, 3,
     ["`unit:` on line 4 starts at column 3", "`description:` on line 3 (column 5)"]),
    ("top-level key indented", "id: x\n title: t\n", 2, 2,
     ["`title:` on line 2 is indented further than `id:` on line 1 (column 1)"]),
    ("keys under a value", "id: x\nbaseline: 1\n  period: 2013\n", 3, 3,
     ["`period:` on line 3", "take `1` off the `baseline:` line"]),
    ("list item key too little", "id: x\nmilestones:\n  - period: 1\n   value: 2\n", 4, 4,
     ["line it up with `period:` on line 3 (column 5)"]),
    ("list item key too far", "id: x\nmilestones:\n  - period: 1\n     value: 2\n", 4, 6,
     ["`value:` on line 4 is indented further than `period:` on line 3 (column 5)"]),
    ("list dash too far", "id: x\nm:\n  - {a: 1}\n   - {a: 2}\n", 4, 4,
     ["the `-` on line 4 starts at column 4, further in than the `-` on line 3 (column 3), which takes nothing more below it"]),
    ("list dash too little", "id: x\nm:\n  - {a: 1}\n - {a: 2}\n", 4, 2,
     ["the `-` on line 4 starts at column 2", "line it up with the `-` on line 3 (column 3)"]),
    ("second item key under its dash", "id: x\nm:\n  - a: 1\n    b: 2\n  - a: 3\n   b: 4\n", 6, 4,
     ["`b:` on line 6 starts at column 4", "`a:` on line 5 (column 5)"]),
    ("first line indented", "  id: x\ntitle: y\n", 1, 3, ["`id:` on line 1 is indented by 2 spaces", "remove the spaces"]),
    ("after a block scalar", "id: x\nnotes: |\n    text\n    more\n  title: y\n", None, None, []),
    ("colon in a value", "id: x\ntitle: a: b\n", 2, 8, ["the value of `title` holds `: `", "`title: 'a: b'`"]),
    ("quote left open", "id: x\ntitle: 'abc\nmeasure: m\n", 2, 8, ["the quote (') opened here is never closed"]),
    ("flow mapping left open", "id: x\nbaseline: {period: 1, value: 2\ntarget: 3\n", 2, 11,
     ["the `{` opened here is not closed with `}`"]),
    ("with CRLF line ends", "id: x\r\nmeasure:\r\n  description: d\r\n unit: percent\r\n", 4, 2, ["`unit:` on line 4"]),
]


@pytest.mark.parametrize("case, text, line, column, fragments", INDENTATION, ids=[c[0] for c in INDENTATION])
def test_indentation_errors_are_said_in_plain_words_at_the_wrong_line(case, text, line, column, fragments):
    error = refused(text, "yaml-syntax").problem
    if line is None:  # whatever it says, it says it without a traceback and inside the file
        assert 1 <= (error.line or 1) <= text.count("\n") + 1
        return
    assert (error.line, error.column) == (line, column), error
    for fragment in fragments:
        assert fragment in error.message, error.message
    _reads_alike(text)  # the same problem, read with marks or without


# --- YAML 1.1 traps --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "written, value",
    [
        ("no", "no"), ("No", "No"), ("NO", "NO"), ("on", "on"), ("off", "off"), ("Off", "Off"),
        ("yes", "yes"), ("y", "y"), ("n", "n"),
        ("true", True), ("True", True), ("false", False), ("FALSE", False),
        ("010", 10), ("0010", 10), ("-7", -7), ("+3", 3),
        ("0x10", "0x10"), ("0o10", "0o10"), ("0b11", "0b11"), ("1_000", "1_000"),
        ("1:30", "1:30"), ("190:20:30", "190:20:30"),
        ("2015-03-31", "2015-03-31"), ("2015-03-31 10:00:00", "2015-03-31 10:00:00"), ("2015-03", "2015-03"),
        ("2014/15", "2014/15"), ("31/03/2015", "31/03/2015"), ("2015", 2015),
        ("48.3", 48.3), ("1e3", 1000.0), (".5", 0.5), ("-.5e-3", -0.0005), ("1.", 1.0),
        ("~", None), ("null", None), ("", None),
        ("'no'", "no"), ('"010"', "010"), ("'2015'", "2015"), ("'true'", "true"), ("'.nan'", ".nan"),
        (".inf", math.inf), ("+.inf", math.inf), ("-.inf", -math.inf), (".Inf", math.inf),
        ("48.3%", "48.3%"), ("1,000", "1,000"),
    ],
)
def test_scalars_resolve_without_yaml_1_1_surprises(written, value):
    got = load_yaml(f"key: {written}\n".encode(), "spec.yaml").data["key"]
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize("written", [".nan", ".NaN", ".NAN"])
def test_nan_becomes_float_nan(written):
    got = load_yaml(f"key: {written}\n".encode(), "spec.yaml").data["key"]
    assert isinstance(got, float) and math.isnan(got)


def test_huge_integer_becomes_infinite_not_a_crash():
    # Python refuses int() of more than 4,300 digits; the checks refuse an infinite value with a message
    assert load_yaml(b"key: " + b"9" * 5000 + b"\n", "spec.yaml").data["key"] == math.inf


def test_keys_stay_text_as_written():
    doc = load_yaml(b"no: 1\non: 2\n2015: 3\ntrue: 4\n010: 5\n~: 6\n", "spec.yaml")
    assert doc.data == {"no": 1, "on": 2, "2015": 3, "true": 4, "010": 5, "~": 6}


def test_block_scalars_are_text():
    doc = load_yaml(b"notes: >-\n  one\n  two\naction: |\n  no\n", "spec.yaml")
    assert doc.data == {"notes": "one two", "action": "no\n"}


# --- where each node came from -----------------------------------------------------------------------------

def test_marks_of_values_and_keys_are_one_based():
    doc = load_yaml(SPEC.encode(), "spec.yaml")
    lines = SPEC.splitlines()

    def at(needle: str, within: str | None = None) -> Mark:
        number = line_of(SPEC, within or needle)
        return Mark(number, lines[number - 1].index(needle) + 1)

    assert doc.marks[("id",)] == at("youth-reoffending", "id: youth")
    assert doc.key_marks[("id",)] == at("id:", "id: youth")
    assert doc.marks[("measure", "unit")] == at("percent", "unit: percent")
    assert doc.key_marks[("measure", "unit")] == at("unit:", "unit: percent")
    assert doc.marks[("baseline", "value")] == at("48.3")
    assert doc.key_marks[("baseline", "value")] == at("value: 48.3")
    assert doc.marks[("target", "value")] == at("35", "  value: 35")
    assert doc.marks[("partners", 1)] == at("Police")
    assert doc.marks[("milestones", 0)] == at("{period: 2014/15")
    assert doc.marks[("milestones", 1, "value")] == at("40", "value: 40")


def test_mark_falls_back_to_the_nearest_ancestor():
    doc = load_yaml(SPEC.encode(), "spec.yaml")
    assert doc.mark(("baseline", "missing")) == doc.marks[("baseline",)]
    assert doc.mark(("nowhere", 3)) == doc.marks[()]
    assert doc.mark(("id",), key=True) == doc.key_marks[("id",)]
    assert doc.mark(("id",)) == doc.marks[("id",)]


def test_empty_and_comment_only_files_load_as_nothing():
    for raw in (b"", b"\n\n", b"# only a comment\n", b"---\n", b"\xef\xbb\xbf"):
        assert load_yaml(raw, "spec.yaml").data is None


# --- nothing but LoadError, whatever comes in -----------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_load_error(raw):
    try:
        load_yaml(raw, "spec.yaml")
    except LoadError as exc:
        assert exc.problem.file == "spec.yaml"
        assert exc.problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=100),
                 st.text(alphabet="ab:-[]{}&*!#|>'\"%@`,?\n \t0123456789.~<", max_size=200),
                 st.text(alphabet=st.characters(categories=("Cs", "Cc", "Zs", "Nd", "Ll")), max_size=30)))
def test_arbitrary_text_raises_only_load_error(text):
    for raw in (text, text.encode("utf-8", "surrogatepass")):
        try:
            load_yaml(raw, "spec.yaml")
        except LoadError as exc:
            assert exc.problem.message


SNIPPETS = ["&a ", "*a", "<<: ", "---\n", "!!str ", "- ", "[", "{", ": ", "\t", "é", "\x00", "\xa0", ".nan", "9" * 4400,
            "#", "'", '"', "|", ">", "?", "%", "@", "`", "\r\n", "\ufeff", "  "]


@st.composite
def mutated_specs(draw):
    text = SPEC
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "snippet", "duplicate-line", "delete-line"]))
        if action == "delete" and text:
            where = min(where, len(text) - 1)
            text = text[:where] + text[where + 1:]
        elif action == "insert":
            text = text[:where] + draw(st.characters()) + text[where:]
        elif action == "snippet":
            text = text[:where] + draw(st.sampled_from(SNIPPETS)) + text[where:]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            if action == "duplicate-line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            text = "\n".join(lines)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_mutated_specs_raise_only_load_error(text):
    try:
        doc = load_yaml(text.encode("utf-8", "surrogatepass"), "spec.yaml")
    except LoadError as exc:
        problem = exc.problem
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 2
        return
    assert doc.data is None or isinstance(doc.data, (dict, list, str, int, float, bool))


# --- hardening (see also tests/corpus) ---------------------------------------------------------------

@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"])
def test_yaml_1_1_line_breaks_are_ordinary_characters(character):
    # PyYAML ends lines at these; YAML 1.2 and editors do not: the text keeps them, the lines stay right.
    text = f"title: a{character}b\nquoted: 'c{character}d'\n{character}key: 1\nid: x\nid: y\n"
    error = refused(text.encode(), "duplicate-key")
    assert (error.problem.line, error.problem.column) == (5, 1)
    doc = load_yaml(text.rsplit("id: y\n", 1)[0].encode(), "spec.yaml")
    assert doc.data == {"title": f"a{character}b", "quoted": f"c{character}d", f"{character}key": 1, "id": "x"}
    assert doc.marks[("id",)] == Mark(4, 5)


def test_a_byte_order_mark_inside_the_file_is_refused_where_it_is():
    error = refused("id: x\r\ntitle: y\r\n\ufeffnotes: z\n".encode(), "invisible-character")
    assert (error.problem.line, error.problem.column) == (3, 1)
    assert load_yaml(b"\xef\xbb\xbf\xef\xbb\xbfid: x\n", "spec.yaml").data == {"id": "x"}  # saved twice with a BOM


def test_the_stand_ins_for_line_separators_are_refused_if_written():
    error = refused("a: 1\nb: x\ufdd1y\n".encode(), "invisible-character")
    assert (error.problem.line, error.problem.column) == (2, 5)


@pytest.mark.parametrize("raw, encoding", [
    ("id: x\n".encode("utf-16-le"), "UTF-16"), ("id: x\n".encode("utf-16-be"), "UTF-16"),
    ("id: caf\u20ac\n".encode("utf-16-le"), "UTF-16"), ("id: x\n".encode("utf-32"), "UTF-32"),
])
def test_utf_16_without_a_bom_and_utf_32_are_named(raw, encoding):
    error = refused(raw, "encoding")
    assert f"saved as {encoding}" in error.problem.message


def test_binary_with_nul_bytes_is_still_binary():
    error = refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "encoding")
    assert "binary" in error.problem.message


@pytest.mark.parametrize("digits", [309, 400, 4300])
def test_integers_no_float_can_hold_are_infinite(digits):
    # float() of such an int raises OverflowError; every consumer works in floats
    assert load_yaml(f"a: {'9' * digits}\nb: -{'9' * digits}\n".encode(), "spec.yaml").data == {"a": math.inf, "b": -math.inf}
    assert load_yaml(f"a: {'9' * 308}\n".encode(), "spec.yaml").data["a"] == int("9" * 308)


@pytest.mark.parametrize("text, number", [("48.3", 48.3), (" 7 ", 7), ("-1e3", -1000.0), (".nan", None), ("nan", None),
                                          ("1_000", None), ("0x10", None), ("true", None), ("", None), ("١٢", None)])
def test_plain_number_is_what_an_unquoted_scalar_would_load_as(text, number):
    from engine.sources.yamlsafe import plain_number

    got = plain_number(text)
    if text == ".nan":
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == number


def test_binary_mostly_zeros_is_not_taken_for_utf_16():
    # the start of an Excel 97 (.xls) file, as when one is renamed .csv: zeros, but not text
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900") + bytes(200)
    error = refused(ole, "encoding")
    assert "binary" in error.problem.message


@pytest.mark.parametrize("text", ["id: x\nmeasure:\n\tdescription: d\n", "id: x\n\tmeasure: d\n"])
def test_a_tab_used_to_indent_is_named(text):
    with pytest.raises(LoadError) as caught:
        load_yaml(text, "t.yaml")
    assert "tab character" in caught.value.problem.message and "spaces" in caught.value.problem.message


# --- the fast paths read what the strict reader reads (issue 10) -----------------------------------------
#
# load_yaml(..., marks=False), which check_paths uses, reads plain YAML in Python (plainyaml) or
# libyaml's events without marks (_plain_data), and gives up to the strict reader at anything
# else. Each must read a text to the same data as the strict reader, or give up: never accept
# what the strict reader refuses, never read a value differently. And the marks worked out later
# are the strict reader's own.

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def _same(a, b) -> bool:
    """Equal data, of the same types all the way down (1 is not 1.0 or true), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _reads_alike(raw: bytes | str) -> None:
    from engine.sources import plainyaml
    from engine.sources.yamlsafe import _HIDE, _build_strict, _plain_data

    try:
        strict = load_yaml(raw, "spec.yaml")
    except LoadError as exc:
        with pytest.raises(LoadError) as caught:
            load_yaml(raw, "spec.yaml", marks=False)
        assert caught.value.problem == exc.problem
        return
    fast = load_yaml(raw, "spec.yaml", marks=False)
    assert _same(fast.data, strict.data), (fast.data, strict.data)
    assert fast.mark(()) == strict.mark(())
    assert fast.marks == strict.marks and fast.key_marks == strict.key_marks
    # Each fast reader on its own: the same data, or it gives up.
    text = raw.decode("utf-8", "surrogatepass").lstrip("\ufeff") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    if any(c in text for c in "\x85\u2028\u2029"):
        text = text.translate(_HIDE)
        restore = True
    else:
        restore = False
    reference = _build_strict(text, "spec.yaml", restore=restore)
    try:
        data, root = _plain_data(text, restore)
    except Exception:  # noqa: BLE001 - giving up is always allowed
        pass
    else:
        assert _same(data, reference.data) and root == reference.mark(())
    if not restore:
        try:
            data, line = plainyaml.read_plain(text)
        except plainyaml.NotPlain:
            pass
        else:
            assert _same(data, reference.data), (data, reference.data)
            assert Mark(line, 1) == reference.mark(())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_the_fast_paths_read_mutated_specs_as_the_strict_reader_does(text):
    _reads_alike(text.encode("utf-8", "surrogatepass"))


# Pieces of spec-like YAML: the forms plainyaml reads, and the near misses it must give up on.
_PLAIN_WORDS = ["Police", "percent", "2013/14", "48.3", "-5", "35", "1e3", ".nan", "-.inf", "~", "null", "true", "no",
                "0x10", "1_000", "2015", "http://x.y", "a#b", "it's", "é £", "x,y", "Safe City, Partnership",
                'say "hi"', "a  b", "9" * 400, "+1", "-.5", "(a)", "a-b", "£5", "x"]
_ODD_WORDS = ["-", "- x", "a: b", "a:", "a #b", "'q'", '"d"', "[a]", "{a: b}", "&a x", "*a", "!!str x", "%x", "@x",
              "`x", "? x", ": x", ",x", ">", "|", "<<", "a ", "", "#x", "x\ty", "\u00e9"]
_KEYS = ["id", "title", "value", "period", "measure", "2015", "a-b", "_x", "no", "unit", "notes", "lead", "change",
         "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"]
_ODD_KEYS = ["<<", "a b", "'q'", "-x", "x"]


@st.composite
def _scalar_text(draw, flow: bool = False) -> str:
    word = draw(st.one_of(st.sampled_from(_PLAIN_WORDS), st.sampled_from(_PLAIN_WORDS), st.sampled_from(_PLAIN_WORDS),
                          st.sampled_from(_ODD_WORDS)))
    style = draw(st.sampled_from(["plain", "plain", "plain", "single", "double", "comment"]))
    if style == "single":
        return "'" + word.replace("'", draw(st.sampled_from(["''", "'"]))) + "'"
    if style == "double":
        return '"' + word.replace('"', draw(st.sampled_from(['\\"', '"']))) + '"'
    if style == "comment" and not flow:
        return word + draw(st.sampled_from([" # note", "# note", "  #", " #x: y"]))
    return word


def _key_text():
    return st.one_of(st.sampled_from(_KEYS), st.sampled_from(_KEYS), st.sampled_from(_KEYS), st.sampled_from(_ODD_KEYS))


@st.composite
def _flow_text(draw, nested: int = 0) -> str:
    # Now and then a flow collection inside another (milestones: [{period: 2014/15, value: 40}]).
    item = st.one_of(_scalar_text(flow=True), _scalar_text(flow=True), _flow_text(nested + 1)) if nested < 2 else \
        _scalar_text(flow=True)
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(_key_text(), item), max_size=3))
        inner = draw(st.sampled_from([", ", ",", " , "])).join(f"{k}: {v}" for k, v in pairs)
        opening, closing = "{", "}"
    else:
        inner = draw(st.sampled_from([", ", ","])).join(draw(st.lists(item, max_size=3)))
        opening, closing = "[", "]"
    pad = draw(st.sampled_from(["", " "]))
    after = ["", "", "", " # c", "#c", " x", ",", " "] if not nested else ["", "", "", " ", "x", " #c"]
    return opening + pad + inner + pad + closing + draw(st.sampled_from(after))


@st.composite
def _block_text(draw, indent: int) -> str:
    header = draw(st.sampled_from([">-", ">-", ">", "|-", "|", ">2", ">+", "|+", ">- # c"]))
    body = []
    for _ in range(draw(st.integers(0, 4))):
        extra = draw(st.sampled_from([0, 0, 0, 0, 0, 1, 2, -1]))
        line = draw(st.sampled_from(["text line", "text line", "# not a comment", "key: like a key", "- like a list",
                                     "", "trailing ", "a  b", "{x}", "it's 5%"]))
        body.append(" " * max(indent + 2 + extra, 0) + line if line else draw(st.sampled_from(["", "  ", " " * (indent + 2)])))
    return header + "\n" + "\n".join(body)


@st.composite
def _mapping_text(draw, indent: int = 0, depth: int = 0) -> str:
    lines = []
    keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=5, unique=True))
    if draw(st.integers(0, 5)) == 0:  # now and then an odd key, or one given twice
        keys[draw(st.integers(0, len(keys) - 1))] = draw(st.sampled_from(_ODD_KEYS + keys))
    for key in keys:
        pad = " " * (indent + draw(st.sampled_from([0, 0, 0, 0, 0, 0, 0, 1, -1])))
        kind = draw(st.sampled_from(["scalar", "scalar", "flow", "block", "empty", "nested", "list", "comment"]))
        if kind == "comment":
            lines.append(" " * draw(st.integers(0, indent + 4)) + "# a comment")
            continue
        colon = draw(st.sampled_from([": ", ": ", ": ", ": ", ":  ", ":"]))
        if kind == "scalar":
            lines.append(f"{pad}{key}{colon}{draw(_scalar_text())}")
        elif kind == "flow":
            lines.append(f"{pad}{key}{colon}{draw(_flow_text())}")
        elif kind == "block":
            lines.append(f"{pad}{key}{colon}{draw(_block_text(indent))}")
        elif kind == "empty" or depth >= 2:
            lines.append(f"{pad}{key}:")
        elif kind == "nested":
            lines.append(f"{pad}{key}:")
            lines.append(draw(_mapping_text(indent + draw(st.sampled_from([2, 4, 1])), depth + 1)))
        else:
            lines.append(f"{pad}{key}:")
            step = draw(st.sampled_from([0, 2, 2, 4]))
            for _ in range(draw(st.integers(1, 3))):
                if draw(st.booleans()):
                    lines.append(" " * (indent + step) + "- " + draw(st.one_of(_scalar_text(), _flow_text())))
                else:
                    item = draw(_mapping_text(indent + step + 2, depth + 1))
                    lines.append(" " * (indent + step) + "- " + item[indent + step + 2:])
    return "\n".join(lines)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mapping_text(), st.sampled_from(["\n", "", "\n\n", "\n# end\n", "\n  \n"]),
       st.sampled_from(["", "# top\n", "---\n", "\n"]))
def test_the_fast_paths_read_generated_yaml_as_the_strict_reader_does(body, end, start):
    _reads_alike(start + body + end)


def test_the_fast_paths_read_the_corpus_and_the_shipped_specs_as_the_strict_reader_does():
    files = sorted((ROOT / "tests" / "corpus" / "specs").iterdir()) + sorted((ROOT / "targets").rglob("*.yaml"))
    assert len(files) > 80
    for path in files:
        _reads_alike(path.read_bytes())


def test_the_plain_reader_reads_the_shipped_specs():
    # They are what specs look like: reading them must not fall back to the slower readers.
    from engine.sources import plainyaml
    from engine.sources.yamlsafe import decode

    for path in sorted((ROOT / "targets").rglob("*.yaml")):
        data, line = plainyaml.read_plain(decode(path.read_bytes(), path.name))
        if path == ROOT / "targets" / "areas.yaml":  # the areas file, not a spec: plain YAML too
            assert len(data["groups"]["msg-southampton"]) == 15
            continue
        assert data["id"] == path.stem and line >= 1


def test_marks_are_worked_out_only_when_asked_for():
    doc = load_yaml(SPEC.encode(), "spec.yaml", marks=False)
    assert doc._source is not None
    assert doc.mark(()) == Mark(2, 1)  # the document's own mark is known without them
    assert doc._source is not None
    assert doc.mark(("baseline", "value")) == load_yaml(SPEC.encode(), "spec.yaml").marks[("baseline", "value")]
    assert doc._source is None
    kept = load_yaml(SPEC.encode(), "spec.yaml", marks=False).without_data()
    assert kept.data is None and kept.mark(("id",)) == Mark(2, 5)


def test_a_duplicate_key_read_without_marks_still_names_the_first_line():
    with pytest.raises(LoadError) as caught:
        load_yaml(SPEC + "id: again\n", "spec.yaml", marks=False)
    assert caught.value.problem.rule == "duplicate-key"
    assert caught.value.problem.message.startswith("`id` is given twice (first on line 2)")


@pytest.mark.parametrize("text", [
    "9" * 1100 + "title: x\nid: y\n",  # libyaml takes a key without `?` only within 1,024 characters
    "id: x\nnotes: >-\n  a\n\n  b\n",  # a blank line inside a folded scalar is a line break
    "id: x\nnotes: >-\n  a\n   b\n",  # a more-indented line is kept as it is
    "id: x\nnotes: |\n  a\n  b",  # no line break at the end of the file: none at the end of the text
    "id: x\ntitle: a\n  b\n",  # a plain scalar over two lines
    "id: x\npartners:\n- a\n- b\nlead: c\n",  # a list as indented as its key
    "id: x\nm:\n  - p: 1\n    v: 2\n  - {p: 3, v: 4}\n",
    "id: 'it''s'\ntitle: \"say \\\"hi\\\"\"\n",
    # Issue 14: errors said in plain words, the same whichever reader met them first.
    "id: x\nmeasure:\n  description: d\n  unit: percent\n   polarity: lower\n",
    "id: x\nmeasure:\n  description: d\n unit: percent\n",
    "id: x\nbaseline: 1\n  period: 2013\n",
    "  id: x\ntitle: y\n",
    "id: x\ntitle: a: b\n",
    "id: x\nbaseline: {period: 1, value: 8,450}\n",
])
def test_the_fast_paths_read_the_near_misses_as_the_strict_reader_does(text):
    _reads_alike(text)


def test_spaces_beyond_a_block_scalar_after_a_blank_line_are_more_of_it():
    # Found by the fast-path property test: "  " after a scalar indented by one is a space of it.
    for raw in ("id: >-\n text line\n\n  \n", "id: >-\n text line\n\n \n", "id: |\n  a\n\n   \nx: 1\n"):
        _reads_alike(raw)
    assert load_yaml("id: >-\n text line\n\n  \n", "spec.yaml", marks=False).data == {"id": "text line\n\n "}
