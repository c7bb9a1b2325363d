"""Small builders shared by the tests: a target from a few fields, a reading from a period label."""

from __future__ import annotations

from engine.model.periods import parse_period
from engine.model.readings import Reading
from engine.model.spec import Target, build_target


def make_target(tid: str = "t", *, unit: str = "percent", polarity: str = "lower_is_better",
                frequency: str = "annual", baseline: tuple[str, float] | None = ("2013/14", 48.3),
                goal: tuple[str, float | None] | None = ("2016/17", 35), goal_extra: dict | None = None,
                **extra: object) -> Target:
    """The youth re-offending shape by default: 48.3% (2013/14) to 35% (2016/17), lower is better.

    goal: (period, level), the level None for a target with only a date; goal_extra is added to the
    `target:` block (strict, another form); other keyword arguments are top-level fields, left out
    when None (tolerance=None is no tolerance).
    """
    data: dict[str, object] = {
        "id": tid,
        "title": extra.pop("title", tid.upper()),
        "measure": {"description": "d", "unit": unit, "polarity": polarity, "frequency": frequency},
    }
    if baseline:
        data["baseline"] = {"period": baseline[0], "value": baseline[1]}
    if goal:
        block: dict[str, object] = {"period": goal[0]}
        if goal[1] is not None:
            block["value"] = goal[1]
        block.update(goal_extra or {})
        data["target"] = block
    data.update({key: value for key, value in extra.items() if value is not None})
    return build_target(data)


def reading(target: str, period: str, value: float, line: int = 2) -> Reading:
    return Reading(target, parse_period(period), float(value), "r.csv", line)
