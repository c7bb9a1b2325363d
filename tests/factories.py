"""Small builders shared by the tests: a target from a few fields, a reading from a period label."""

from __future__ import annotations

from engine.periods import parse_period
from engine.readings import Reading
from engine.spec import Target, build_target


def make_target(tid: str = "t", *, unit: str = "percent", polarity: str = "lower_is_better",
                frequency: str = "annual", baseline: tuple[str, float] | None = ("2013/14", 48.3),
                goal: tuple[str, float] | None = ("2016/17", 35), **extra: object) -> Target:
    """The youth re-offending shape by default: 48.3% (2013/14) to 35% (2016/17), lower is better."""
    data: dict[str, object] = {
        "id": tid,
        "title": extra.pop("title", tid.upper()),
        "measure": {"description": "d", "unit": unit, "polarity": polarity, "frequency": frequency},
    }
    if baseline:
        data["baseline"] = {"period": baseline[0], "value": baseline[1]}
    if goal:
        data["target"] = {"period": goal[0], "value": goal[1]}
    data.update(extra)
    return build_target(data)


def reading(target: str, period: str, value: float, line: int = 2) -> Reading:
    return Reading(target, parse_period(period), float(value), "r.csv", line)
