"""A limit lies on the worse side of the target: meeting the target must never be a breach.

A `limit` is the line a reading must not cross: a reading worse than it is a breach, whatever
the trajectory says. So it belongs on the worse side of the levels the target promises:

- lower is better: the limit is at or above the target level and every milestone;
- higher is better: the limit is at or below them.

A limit on the better side (lower is better, target 80, `limit: 50`) would make a reading that
meets the target a breach. A limit equal to the target level is allowed: any miss is then a
breach. The target level is the one its form gives (`value`, or `change`, `relative_change`,
`annual_rate` or `maintain` counted from the baseline). Where there is no target level (a
direction-only target, or no `target`), readings are judged against the baseline, so the limit
is compared with the baseline (and any milestones) instead. With a target level the baseline is
not compared: a limit tighter than the starting level ("never again above 46", from 48.3 down to
35) is a breach from the start, which is what such a limit says.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.model.safetext import visible
from engine.checks.rules import Finding, shown_number, target_level

NAME = "limit-side"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if "limit" not in data:
        return
    limit = float(data["limit"])
    lower = data["measure"]["polarity"] == "lower_is_better"
    level = target_level(data)
    # The levels a reading must be able to meet without being a breach, as (name, value).
    levels: list[tuple[str, float]] = []
    if level is not None:
        levels.append(("the target", level))
    elif "baseline" in data:
        levels.append(("the baseline", float(data["baseline"]["value"])))
    levels += [(f"milestone {visible(str(m['period']))}", float(m["value"])) for m in data.get("milestones", [])]
    if not math.isfinite(limit) or not all(math.isfinite(value) for _, value in levels):
        return  # finite-numbers reports it
    beaten = [(name, value) for name, value in levels if (limit < value if lower else limit > value)]
    if not beaten:
        return
    bound = max(value for _, value in levels) if lower else min(value for _, value in levels)
    side, more = ("above", "higher") if lower else ("below", "lower")
    # The level the limit is judged by first (the target, else the baseline), and the milestones it beats.
    named = levels[:1] + [entry for entry in beaten if entry != levels[0]][:3]
    required = " and ".join(f"{name} ({shown_number(value)})" for name, value in named)
    first_name, first_value = beaten[0]
    yield Finding(
        ("limit",),
        f"{'lower' if lower else 'higher'} is better, so the limit must be at or {side} {required}: a reading "
        f"worse than the limit is a breach, and with a limit of {shown_number(limit)} a reading at {first_name} "
        f"({shown_number(first_value)}) would be one; set the limit to {shown_number(bound)} or {more}, or remove it",
    )
