"""Units of this field, on one cached pint registry.

The registry is built from our own short definitions rather than pint's
default file: loading the default takes hundreds of milliseconds, and in it
`percent` is dimensionless, so 5 percent would silently convert to a rate
per population. Here percent (of a proportion), rates per population,
counts, money and plain numbers are different dimensions, so mixing them
is an error, never a silent conversion.

A rank (a place in a league table: 1 is first) is a dimension of its own too: a rank is not a
count or a ratio, so 3 places never converts to anything else. It has no per-time form.

Checking a spec's unit needs no pint at all (a name lookup); pint is imported
only to convert a reading's unit, once per distinct pair of units.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

BASE_UNITS = ("percent", "count", "per_100k", "per_10k", "per_1000", "dimensionless", "GBP", "rank")
TIME_UNITS = ("year", "quarter", "month", "week", "day")
TIMELESS_UNITS = ("rank",)  # a place in a league table is not had per year
# The unit names a spec may use: the base units and their per-time forms (count/year), the same
# set as the schema's `measure.unit` pattern accepts.
KNOWN_UNITS = BASE_UNITS + tuple(f"{b}/{t}" for b in BASE_UNITS if b not in TIMELESS_UNITS for t in TIME_UNITS)

# Other spellings accepted in a readings file's `unit` column.
ALIASES = {
    "%": "percent",
    "pct": "percent",
    "per cent": "percent",
    "per_100000": "per_100k",
    "per 100,000": "per_100k",
    "per 100k": "per_100k",
    "per_10000": "per_10k",
    "per 10,000": "per_10k",
    "per 10k": "per_10k",
    "per 1,000": "per_1000",
    "per 1000": "per_1000",
    "number": "count",
    "£": "GBP",
    "gbp": "GBP",
    "ratio": "dimensionless",
    "position": "rank",
    "place": "rank",
}

UNIT_PATTERN = re.compile(
    "((" + "|".join(b for b in BASE_UNITS if b not in TIMELESS_UNITS) + ")(/(" + "|".join(TIME_UNITS) + "))?|"
    + "|".join(TIMELESS_UNITS) + ")"
)

_KNOWN_LOWER = {name.lower(): name for name in KNOWN_UNITS + ("proportion",)}

_DEFINITIONS = (
    "proportion = [proportion]",
    "percent = 0.01 * proportion",
    "count = [count]",
    "per_100k = [population_rate]",
    "per_10k = 10 * per_100k",
    "per_1000 = 100 * per_100k",
    "GBP = [currency]",
    "rank = [rank]",
    "day = [time]",
    "week = 7 * day",
    "year = 365.25 * day",
    "quarter = year / 4",
    "month = year / 12",
)


class UnitError(ValueError):
    """An unknown unit, or two units that cannot be converted."""


def canonical_unit(text: str) -> str:
    """The unit's canonical name, or UnitError naming the nearest known one."""
    name = " ".join(text.split())
    if name in KNOWN_UNITS or name == "proportion":
        return name
    lowered = name.lower()  # readings are written by people: `Percent`, `Per 100,000`
    alias = ALIASES.get(name) or ALIASES.get(lowered) or _KNOWN_LOWER.get(lowered)
    if alias:
        return alias
    per = lowered.replace(" per ", "/").replace(" / ", "/")
    if per in _KNOWN_LOWER:
        return _KNOWN_LOWER[per]
    raise UnitError(unknown_unit_message(text))


def unknown_unit_message(text: str) -> str:
    # Compared in lower case, so `PERCENT` or `gbp/year` still finds its unit.
    names = {name.lower(): ALIASES.get(name, name) for name in KNOWN_UNITS + tuple(ALIASES)}
    nearest = difflib.get_close_matches(str(text).lower(), list(names), n=1, cutoff=0.5)
    hint = f"; did you mean `{names[nearest[0]]}`?" if nearest else "."
    return (
        f"unknown unit `{text}`{hint} Known units: {', '.join(BASE_UNITS)}, "
        "and per-time forms such as count/year"
    )


def is_known_unit(text: str) -> bool:
    return text in KNOWN_UNITS


@lru_cache(maxsize=1)
def registry():  # -> pint.UnitRegistry; imported lazily: validation never needs pint
    import pint

    units = pint.UnitRegistry(None)
    for definition in _DEFINITIONS:
        units.define(definition)
    return units


@lru_cache(maxsize=256)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in from_unit by this to get it in to_unit (our units have no offsets)."""
    source, target = canonical_unit(from_unit), canonical_unit(to_unit)
    if source == target:
        return 1.0
    import pint

    units = registry()
    try:
        return float(units.Quantity(1.0, source).to(target).magnitude)
    except pint.DimensionalityError:
        raise UnitError(f"`{from_unit}` cannot be converted to `{to_unit}`: they measure different things") from None


@lru_cache(maxsize=256)
def unit_symbol(unit: str) -> tuple[str, str]:
    """(prefix, suffix) for writing a value in plain English: 44.0%, £1,200, 460 per 100,000."""
    base, _, per = unit.partition("/")
    suffix = {
        "percent": "%",
        "per_100k": " per 100,000",
        "per_10k": " per 10,000",
        "per_1000": " per 1,000",
        "count": "",
        "dimensionless": "",
        "GBP": "",
        "rank": "",
    }.get(base, f" {base}")
    if per:
        suffix += f" a {per}"
    return ("£" if base == "GBP" else "", suffix)


def base_unit(unit: str) -> str:
    """The unit without its time: `percent` of `percent/year`, `count` of `count/year`."""
    return unit.split("/")[0]


def is_percent(unit: str) -> bool:
    return base_unit(unit) == "percent"


# A percentage written as a fraction (a spreadsheet's 44.1% exported or typed as 0.441): the
# figure is between 0 and 1. Where that is suspicious is for the caller to say (a reading under 1%
# against a spec of whole percentages; a spec whose every figure is at most 1).
def looks_like_fraction(value: float) -> bool:
    """A percent figure that could be a fraction of one (0.441 for 44.1%)."""
    return 0 < value < 1


def fraction_note(value: float) -> str:
    """What to say of a percent figure that looks like a fraction, and the fix."""
    return f"{value:g}% looks like a fraction: if it means {value * 100:g}%, write {value * 100:g}"


def difference_word(unit: str) -> str:
    """How a difference is named: percent differences are percentage points."""
    return "points" if is_percent(unit) else ""


# What a proportion's or rate's numerator / denominator is multiplied by to be in the measure's unit
# (issue 11): a percent x 100, a fraction x 1, a rate per 100,000 x 100,000.
STATISTIC_SCALE = {"percent": 100.0, "dimensionless": 1.0, "per_100k": 100_000.0, "per_10k": 10_000.0,
                   "per_1000": 1_000.0}


def from_counts(statistic: str, unit: str, numerator: float, denominator: float | None) -> float | None:
    """The value a numerator and denominator give for a measure's statistic, in its unit (None: they
    give none: `other`, a missing or zero denominator, a unit the statistic does not fit)."""
    if statistic == "count":
        return numerator
    scale = STATISTIC_SCALE.get(base_unit(unit))
    if statistic not in ("proportion", "rate") or scale is None or not denominator:
        return None
    return numerator / denominator * scale
