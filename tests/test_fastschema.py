"""engine/checks/fastschema.py: the schema compiled to plain Python must call valid exactly what jsonschema does.

check_schema trusts the compiled function when it says valid and asks jsonschema otherwise; so it
must never say valid where jsonschema finds an error. These tests hold the two equal (in both
directions, so that the fast path is also taken where it can be) on generated and mutated specs.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.checks import schema as schema_module
from engine.checks.fastschema import compile_schema
from engine.sources.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema" / "target.schema.json").read_text(encoding="utf-8"))
FAST = schema_module._fast_valid()
SLOW = schema_module._validator()

BASE = {
    "id": "youth-reoffending", "title": "Youth re-offending rate", "status": "active", "priority": "Reduce youth crime",
    "action": "Work with the board", "lead": "YOS", "partners": ["YOS Management Board", "Police"],
    "source": "Strategy 2014-17", "notes": "As worded.",
    # Schema-valid, though the semantic rules would refuse some together (area and areas, a derived percent).
    "area": "E06000045", "comparators": "msg-southampton", "benchmark": "E92000001",
    "areas": ["E06000045", "Portsmouth"],
    "measure": {"description": "Young offenders who re-offend", "unit": "percent", "polarity": "lower_is_better",
                "frequency": "annual", "statistic": "proportion", "range": [0, 100],
                "derived": "rank", "of": "all-crime-rate", "among": "msg-southampton"},
    "significance": {"confidence": 95},
    "baseline": {"period": "2013/14", "value": 48.3},
    "target": {"period": "2016/17", "value": 35, "strict": False},
    "trajectory": "linear",
    "milestones": [{"period": "2014/15", "value": 44}, {"period": 2015, "value": 40.0}],
    "limit": 60, "tolerance": {"absolute": 1.0, "relative": 0.05},
    "revisions": [{"date": "2015-06-30", "change": "35 -> 36", "reason": "New data", "approved_by": "Board"}],
}

# Every path in BASE, and a few more the schema knows of, where a change can be made.
FIELDS = [(), ("id",), ("title",), ("status",), ("priority",), ("action",), ("lead",), ("partners",), ("partners", 0),
          ("source",), ("notes",), ("measure",), ("measure", "description"), ("measure", "unit"),
          ("measure", "polarity"), ("measure", "frequency"), ("measure", "statistic"),
          ("measure", "range"), ("measure", "range", 0), ("measure", "range", 1),
          ("significance",), ("significance", "confidence"), ("baseline",), ("baseline", "period"),
          ("baseline", "value"), ("target",), ("target", "period"), ("target", "value"), ("target", "change"),
          ("target", "relative_change"), ("target", "annual_rate"), ("target", "maintain"), ("target", "strict"),
          ("trajectory",), ("milestones",), ("milestones", 0), ("milestones", 1, "period"), ("milestones", 1, "value"),
          ("limit",), ("tolerance",), ("tolerance", "absolute"), ("tolerance", "relative"), ("revisions",),
          ("revisions", 0), ("revisions", 0, "date"), ("revisions", 0, "change"), ("revisions", 0, "approved_by"),
          ("unknown",), ("measure", "unknown"), ("target", "unknown"), ("baseline", "unknown"),
          ("area",), ("comparators",), ("benchmark",), ("areas",), ("areas", 0), ("areas", 1), ("measure", "derived"),
          ("measure", "of"), ("measure", "among")]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.integers(-(10**20), 10**20),
    st.sampled_from([2015, 2015.0, 2015.5, -1, -1.0, -1.5, 0, 0.0, -0.0, 1e308, -1e-300, 95, 95.0, 99.8, 99.80000000000001,
                     "95", "rate", "proportion", "other"]),
    st.floats(), st.sampled_from([math.nan, math.inf, -math.inf]),
    st.sampled_from(["", "x", "active", "draft", "retired", "Active", "linear", "compound", "step", "annual",
                     "quarterly", "monthly", "yearly", "percent", "count/year", "per_100k", "GBP/day", "percent\n",
                     "lower_is_better", "higher_is_better", "youth-reoffending", "Youth", "a" * 80, "a" * 81,
                     "t" * 200, "t" * 201, "-x", "x-", "9lives", "evil\n", "2013/14", "2015-06-30", "\u00e9",
                     "msg-southampton", "Msg-Southampton", "group_median", "E06000045", "E0600004", "e06000045",
                     "Portsmouth", "rank", "m" * 64, "m" * 65]),
    st.text(max_size=5),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["period", "value", "change", "absolute", "relative", "date", "reason",
                                         "approved_by", "description", "unit", "polarity", "confidence", "statistic", "range",
                                         "x"]),
                        inner, max_size=4),
    ),
    max_leaves=6,
)


def _jsonschema_valid(data) -> bool:
    return next(iter(SLOW.iter_errors(data)), None) is None


def _agree(data) -> None:
    assert FAST(data) is _jsonschema_valid(data), data


def _apply(data, path, value):
    parent = data
    for part in path[:-1]:
        if isinstance(parent, dict) and part in parent:
            parent = parent[part]
        elif isinstance(parent, list) and isinstance(part, int) and part < len(parent):
            parent = parent[part]
        else:
            return data
    if not path:
        return copy.deepcopy(value)
    last = path[-1]
    if isinstance(parent, dict):
        if value == "<delete>":
            parent.pop(last, None)
        else:
            parent[last] = copy.deepcopy(value)
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        if value == "<delete>":
            del parent[last]
        else:
            parent[last] = copy.deepcopy(value)
    return data


def test_the_shipped_schema_compiles():
    assert FAST is not None, "the schema uses a keyword fastschema does not know: every spec goes to jsonschema"


def test_the_base_spec_is_valid_both_ways():
    assert FAST(BASE) and _jsonschema_valid(BASE)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FIELDS), st.one_of(st.just("<delete>"), VALUES)), min_size=1, max_size=4))
def test_compiled_and_jsonschema_agree_on_altered_specs(changes):
    data = copy.deepcopy(BASE)
    for path, value in changes:
        data = _apply(data, path, value)
    _agree(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_compiled_and_jsonschema_agree_on_anything(data):
    _agree(data)


def test_compiled_and_jsonschema_agree_on_the_corpus_and_the_shipped_specs():
    from engine.model.problems import LoadError

    files = sorted((ROOT / "tests" / "corpus" / "specs").iterdir()) + sorted((ROOT / "targets").rglob("*.yaml"))
    for path in files:
        try:
            data = load_yaml(path.read_bytes(), path.name).data
        except LoadError:
            continue
        _agree(data)


@pytest.mark.parametrize("change, valid", [
    ((("target", "relative_change"), math.nan), True),  # jsonschema's `minimum` lets NaN through (finite-numbers does not)
    ((("baseline", "period"), 2015.0), True),  # an integer, to JSON Schema
    ((("baseline", "period"), 2015.5), False),
    ((("baseline", "value"), True), False),  # true is not a number
    ((("target", "maintain"), 1), False),  # nor is 1 true
    ((("target", "maintain"), True), True),
    ((("target", "annual_rate"), -1), False),
    ((("target", "relative_change"), -1), True),
    ((("id",), "evil\n"), False),  # the pattern is ECMA-anchored: `$` is the very end
    ((("measure", "unit"), "percent\n"), False),
    ((("tolerance",), {}), False),
    ((("status",), "Active"), False),
    ((("significance", "confidence"), 95.0), True),  # numbers of the same value are equal
    ((("significance", "confidence"), 99.8), True),
    ((("significance", "confidence"), "95"), False),
    ((("significance", "confidence"), True), False),
    ((("significance", "confidence"), 90), False),
    ((("measure", "statistic"), "ratio"), False),
    ((("measure", "statistic"), "rank"), True),
    ((("measure", "range"), [0, 1e6]), True),
    ((("measure", "range"), [0.5, 1]), True),
    ((("measure", "range"), [100, 0]), True),  # the measure-range rule's to refuse, not the schema's
    ((("measure", "range"), [0]), False),  # minItems
    ((("measure", "range"), [0, 1, 2]), False),  # maxItems
    ((("measure", "range"), []), False),
    ((("measure", "range"), [0, "100"]), False),
    ((("measure", "range"), [0, True]), False),
    ((("measure", "range"), {"min": 0}), False),
    ((("measure", "range"), 100), False),
    # Issue 14: what a first-time user wrote; the messages come from jsonschema's errors either way.
    ((("tolerance",), 1), False),
    ((("tolerance", "relative"), 5), True),  # a rule's to refuse, not the schema's
    ((("target", "450"), None), False),  # `value: 8,450` inside {...}
    ((("target", "maintain"), "yes"), False),
    ((("target", "strict"), "no"), False),
    ((("id",), "Wrong-Name"), False),
    ((("baseline",), 44.1), False),
    # Issue 12: areas and comparator groups.
    ((("comparators",), "msg-southampton"), True),
    ((("comparators",), "msg-"), False),  # a group name ends with a letter or digit
    ((("comparators",), "Msg Southampton"), False),
    ((("comparators",), "m" * 64), True),
    ((("comparators",), "m" * 65), False),
    ((("benchmark",), "group_median"), True),
    ((("benchmark",), "E92000001"), True),
    ((("benchmark",), "England"), False),
    ((("benchmark",), "group_median\n"), False),
    ((("areas",), "msg-southampton"), True),
    ((("areas",), "Msg"), False),
    ((("areas",), ["Portsmouth", "E06000045"]), True),
    ((("areas",), ["Portsmouth", "Portsmouth"]), False),  # uniqueItems
    ((("areas",), ["Portsmouth", "portsmouth"]), True),  # the same area, but that is the checker's to say
    ((("areas",), []), False),
    ((("areas",), [""]), False),
    ((("areas",), [45]), False),
    ((("areas",), {"E06000045": "Southampton"}), False),
    ((("measure", "derived"), "rank"), True),
    ((("measure", "derived"), "median"), False),
    ((("measure", "of"), "all-crime-rate"), True),
    ((("measure", "of"), "All crime"), False),
    ((("measure", "among"), "msg-southampton"), True),
    ((("measure", "among"), ["msg-southampton"]), False),
    ((("measure", "unit"), "rank"), True),
    ((("measure", "unit"), "rank/year"), False),
])
def test_compiled_semantics_follow_jsonschema(change, valid):
    data = _apply(copy.deepcopy(BASE), *change)
    assert FAST(data) is valid
    assert _jsonschema_valid(data) is valid


@pytest.mark.parametrize("extra", [
    {"patternProperties": {"^x": {}}}, {"format": "date"}, {"allOf": [{}]}, {"if": {}}, {"multipleOf": 2},
    {"properties": {"id": {"$ref": "https://elsewhere/schema.json"}}}, {"enum": [[1], 2]},
])
def test_a_schema_with_a_keyword_it_does_not_know_is_not_compiled(extra):
    changed = copy.deepcopy(SCHEMA)
    for key, value in extra.items():
        if key == "properties":
            changed["properties"]["id"] = value["id"]
        else:
            changed[key] = value
    assert compile_schema(changed, lambda pattern: (lambda text: None)) is None


def test_check_schema_skips_jsonschema_for_valid_specs(monkeypatch):
    calls = []
    real = schema_module._validator

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(schema_module, "_validator", counting)
    assert list(schema_module.check_schema(copy.deepcopy(BASE))) == []
    assert calls == []
    broken = _apply(copy.deepcopy(BASE), ("tolerance",), {})
    assert [f.message for f in schema_module.check_schema(broken)]
    assert calls == [1]


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from([0.0, 1.0, -0.0, 1.5, math.nan, math.inf]),
              st.sampled_from(["", "a", "b", "1", "true"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)),
    max_leaves=8,
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(JSON_VALUES, max_size=5))
def test_unique_items_compiled_follows_jsonschema(items):
    # `uniqueItems` on any values: equal is as jsonschema says (1 is 1.0, not true; [1] is [1.0]).
    from jsonschema import Draft202012Validator

    schema = {"type": "array", "uniqueItems": True}
    fast = compile_schema(schema, lambda pattern: (lambda text: None))
    slow = Draft202012Validator(schema).is_valid(items)
    if fast(items):
        assert slow, items  # never valid where jsonschema finds an error
    elif not _has_nan(items) and not any(isinstance(i, (list, dict)) for i in items):
        # And the same, but for NaN, and for lists of lists or objects, where jsonschema's `uniq`
        # (it sorts, then compares neighbours) can keep equal items apart: it found
        # [[0, false, [0]], [false, false, [false]], [0, false, [0]]] unique. There the fast check
        # says "not valid", so jsonschema runs and its answer stands: slower, never more lenient.
        assert not slow, items


def _has_nan(value) -> bool:
    if isinstance(value, float):
        return value != value
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    return False


@pytest.mark.parametrize("items, unique", [
    ([1, 1.0], False), ([1, True], True), ([0, False], True), ([True, True], False), (["1", 1], True),
    ([[1], [1.0]], False), ([[True], [1]], True), ([{"a": 1}, {"a": 1.0}], False), ([{"a": 1}, {"b": 1}], True),
    (["a", "a"], False), (["a", "A"], True), ([], True), ([None, None], False),
])
def test_unique_items_examples(items, unique):
    fast = compile_schema({"uniqueItems": True}, lambda pattern: (lambda text: None))
    assert fast(items) is unique
    assert compile_schema({"uniqueItems": False}, lambda pattern: (lambda text: None))(items) is True
