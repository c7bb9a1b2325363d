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
    from engine.checks.rules import (compound, draft, finite_numbers, id_matches_file, limit_side, period_syntax,
                                     statistic_unit, target_form, window)

    return tuple(
        Rule(module.NAME, module.check, getattr(module, "NEEDS_SCHEMA_VALID", True))
        for module in (finite_numbers, id_matches_file, period_syntax, target_form, window, compound, limit_side,
                       statistic_unit, draft)
    )
