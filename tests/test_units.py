"""engine/model/units.py: the field's units on one pint registry; percent never mixes with rates."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.units import (
    ALIASES,
    BASE_UNITS,
    KNOWN_UNITS,
    UnitError,
    canonical_unit,
    conversion_factor,
    difference_word,
    is_known_unit,
    unit_symbol,
)

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "target.schema.json"


@pytest.mark.parametrize(
    "source, target, factor",
    [
        ("per_10k", "per_100k", 10),  # 1 in 10,000 is 10 in 100,000
        ("per_1000", "per_100k", 100),
        ("per_1000", "per_10k", 10),
        ("per_100k", "per_10k", 0.1),
        ("count/quarter", "count/year", 4),  # 5 a quarter is 20 a year
        ("count/month", "count/year", 12),
        ("count/year", "count/quarter", 0.25),
        ("count/week", "count/year", 365.25 / 7),
        ("count/day", "count/week", 7),
        ("per_10k/quarter", "per_100k/year", 40),
        ("percent", "proportion", 0.01),
        ("proportion", "percent", 100),
        ("%", "percent", 1),
        ("pct", "percent", 1),
        ("per 100,000", "per_10k", 0.1),
        ("GBP/month", "GBP/year", 12),
        ("dimensionless/quarter", "dimensionless/year", 4),
        ("rank", "rank", 1),
        ("position", "rank", 1),
    ],
)
def test_conversion_factors(source, target, factor):
    assert conversion_factor(source, target) == pytest.approx(factor)


@pytest.mark.parametrize(
    "source, target",
    [
        ("percent", "per_100k"),
        ("%", "per_100k"),
        ("per_100k", "percent"),
        ("percent", "per_1000"),
        ("percent", "count"),
        ("percent", "dimensionless"),
        ("proportion", "per_10k"),
        ("percent/year", "per_100k/year"),
        ("count", "count/year"),
        ("count", "per_100k"),
        ("GBP", "count"),
        ("dimensionless", "count"),
        ("rank", "dimensionless"),  # a place in a league table is not a ratio
        ("rank", "count"),
        ("percent", "rank"),
    ],
)
def test_units_that_measure_different_things_never_convert(source, target):
    with pytest.raises(UnitError, match="cannot be converted"):
        conversion_factor(source, target)


@pytest.mark.parametrize(
    "alias, canonical",
    [("%", "percent"), ("per cent", "percent"), ("per 100k", "per_100k"), ("£", "GBP"), ("gbp", "GBP"),
     ("number", "count"), ("position", "rank"), ("Rank", "rank"), ("count per year", "count/year"), ("  percent ", "percent")],
)
def test_aliases(alias, canonical):
    assert canonical_unit(alias) == canonical


@pytest.mark.parametrize(
    "written, nearest",
    [("percnt", "percent"), ("per100k", "per_100k"), ("cont", "count"), ("count/yr", "count/year"),
     ("Percnt", "percent"), ("PERCNT", "percent"), ("GPB", "GBP"), ("per_100Kk", "per_100k")],
)
def test_unknown_unit_names_the_nearest_known_one(written, nearest):
    with pytest.raises(UnitError) as caught:
        canonical_unit(written)
    message = str(caught.value)
    assert f"unknown unit `{written}`" in message
    assert f"did you mean `{nearest}`?" in message


def test_unknown_unit_with_nothing_near_lists_the_known_units():
    with pytest.raises(UnitError) as caught:
        canonical_unit("furlongs")
    message = str(caught.value)
    assert "did you mean" not in message
    assert "unknown unit `furlongs`." in message  # a sentence, not run into the next one
    for unit in BASE_UNITS:
        assert unit in message


def test_known_units_are_themselves_and_nothing_else_is():
    for unit in KNOWN_UNITS:
        assert is_known_unit(unit)
        assert canonical_unit(unit) == unit
    assert not is_known_unit("%")  # an alias, accepted in readings, not a spec's unit
    assert not is_known_unit("count/decade")
    assert is_known_unit("rank") and not is_known_unit("rank/year")  # no place in a league table per year


def test_the_schema_accepts_exactly_the_known_units():
    pattern = json.loads(SCHEMA.read_text())["properties"]["measure"]["properties"]["unit"]["pattern"]
    for unit in KNOWN_UNITS:
        assert re.search(pattern, unit), unit
    bases = ["percent", "count", "per_100k", "per_10k", "per_1000", "dimensionless", "GBP", "rank"]
    times = ["", "/year", "/quarter", "/month", "/week", "/day"]
    schema_accepts = {b + t for b, t in itertools.product(bases, times) if re.search(pattern, b + t)}
    assert schema_accepts == set(KNOWN_UNITS)  # a unit the schema passes can be converted later
    for unknown in ("%", "percnt", "count/yr", "Percent", "per_100k/decade", "count/year/year", "rank/year", "ranks"):
        assert not re.search(pattern, unknown), unknown


def test_every_alias_names_a_known_unit():
    for alias, unit in ALIASES.items():
        assert unit in KNOWN_UNITS
        assert canonical_unit(alias) == unit


def _dimension(unit: str) -> tuple[str, bool]:
    base, _, per = canonical_unit(unit).partition("/")
    group = {"per_100k": "rate", "per_10k": "rate", "per_1000": "rate", "proportion": "percent"}.get(base, base)
    return group, bool(per)


unit_names = st.sampled_from(KNOWN_UNITS + tuple(ALIASES) + ("proportion",))


@settings(max_examples=200, deadline=None)
@given(unit_names, unit_names)
def test_conversion_only_within_a_dimension_and_it_inverts(a, b):
    if _dimension(a) != _dimension(b):
        with pytest.raises(UnitError):
            conversion_factor(a, b)
        return
    there, back = conversion_factor(a, b), conversion_factor(b, a)
    assert there > 0
    assert there * back == pytest.approx(1)


@settings(max_examples=100, deadline=None)
@given(unit_names, unit_names, unit_names)
def test_conversions_compose(a, b, c):
    if not _dimension(a) == _dimension(b) == _dimension(c):
        return
    assert conversion_factor(a, b) * conversion_factor(b, c) == pytest.approx(conversion_factor(a, c))


def test_symbols_and_difference_words():
    assert unit_symbol("percent") == ("", "%")
    assert unit_symbol("GBP") == ("£", "")
    assert unit_symbol("per_100k") == ("", " per 100,000")
    assert unit_symbol("count/year") == ("", " a year")
    assert unit_symbol("rank") == ("", "")  # 3, not "3 rank"
    assert difference_word("percent") == "points"
    assert difference_word("percent/year") == "points"
    assert difference_word("per_100k") == ""


@pytest.mark.parametrize("written, canonical", [("Percent", "percent"), ("PERCENT", "percent"),
                                                 ("per_100K", "per_100k"), ("GBP/Year", "GBP/year"),
                                                 ("Per 100,000", "per_100k")])
def test_readings_units_are_read_regardless_of_case(written, canonical):
    assert canonical_unit(written) == canonical


def test_the_unit_pattern_is_the_known_units():
    from engine.model.units import UNIT_PATTERN

    for unit in KNOWN_UNITS:
        assert UNIT_PATTERN.fullmatch(unit), unit
    for unknown in ("rank/year", "ranks", "count/decade", "%"):
        assert not UNIT_PATTERN.fullmatch(unknown), unknown


def test_an_unknown_unit_near_rank_suggests_it():
    with pytest.raises(UnitError, match="did you mean `rank`"):
        canonical_unit("rnak")


@pytest.mark.parametrize("unit, statistic", [("rank", "other"), ("rank", "rank"), ("dimensionless", "rank")])
def test_a_rank_is_at_least_1_by_its_unit_or_its_statistic(unit, statistic):
    from engine.model.plausible import bounds, outside
    from engine.model.spec import Measure

    within = bounds(Measure("place", unit, "lower_is_better", statistic=statistic))
    assert (within.low, within.high) == (1.0, None)
    assert outside(0, within) == "below 1" and outside(1, within) is None and outside(15, within) is None


def test_dimensionless_alone_has_no_bounds():
    from engine.model.plausible import bounds
    from engine.model.spec import Measure

    assert bounds(Measure("ratio", "dimensionless", "lower_is_better")) is None
