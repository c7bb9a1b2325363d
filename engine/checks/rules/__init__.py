"""Semantic rules: what the JSON Schema cannot say. One module per rule.

A rule is pure: it takes the checked data of one spec (and the file's stem)
and yields Findings that point at a path in the data; the checker turns a
path into a file:line:col. Rules run only on data that passed the schema,
except `finite-numbers`, which needs no particular shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.model.problems import Severity

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    path: Path
    message: str
    severity: Severity = "error"
    at_key: bool = False  # point at the key rather than its value


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[dict[str, Any], str], Iterable[Finding]]
    needs_schema_valid: bool = True


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    from engine.checks.rules import (area_or_areas, benchmark_other, compound, derived_area, derived_parts,
                                     derived_rank, derived_self, draft, finite_numbers, group_median, id_matches_file,
                                     limit_side, measure_range, needs_area, percent_fraction, period_syntax,
                                     relative_tolerance, statistic_unit, target_form, target_side, window)

    return tuple(
        Rule(module.NAME, module.check, getattr(module, "NEEDS_SCHEMA_VALID", True))
        for module in (finite_numbers, id_matches_file, period_syntax, target_form, window, compound, limit_side,
                       target_side, relative_tolerance, percent_fraction, statistic_unit, measure_range, draft,
                       area_or_areas, needs_area, group_median, benchmark_other, derived_parts, derived_rank,
                       derived_area, derived_self)
    )


# --- helpers the rules share (not rules themselves) ----------------------------------------------

def shown_number(value: float) -> str:
    """A spec's figure in a message: 80 not 80.0; a level worked out from the baseline
    (36.224999999999994) to ten digits."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.10g}"


def target_level(data: dict[str, Any]) -> float | None:
    """The level the target's form gives (counted from the baseline where it is relative), or None:
    no target level, or one that cannot be worked out (another rule reports why)."""
    from engine.model.periods import PeriodError, parse_period
    from engine.model.spec import Point, resolve_target_value, target_form

    block = data.get("target")
    if block is None:
        return None
    form = target_form(block)
    if form is None:
        return None
    if form == "value":
        return float(block["value"])
    if "baseline" not in data:
        return None  # target-form reports a relative form without a baseline
    try:
        baseline = Point(parse_period(data["baseline"]["period"]), float(data["baseline"]["value"]))
        period = parse_period(block["period"])
        amount = None if form == "maintain" else float(block[form])
        return resolve_target_value(form, amount, baseline, period)
    except (PeriodError, OverflowError):
        return None  # period-syntax or compound-positive reports it
