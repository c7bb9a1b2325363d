"""Time runs forward: the target comes after the baseline, milestones fall between them in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.model.periods import Period, PeriodError, parse_period
from engine.checks.rules import Finding

NAME = "time-window"


def _period(raw: Any) -> Period | None:
    try:
        return parse_period(raw)
    except PeriodError:
        return None  # period-syntax reports it


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    baseline = _period(data["baseline"]["period"]) if "baseline" in data else None
    target = _period(data["target"]["period"]) if "target" in data else None
    if baseline and target and target.end <= baseline.end:
        yield Finding(
            ("target", "period"),
            f"the target period {target.label} (ends {target.end:%d %b %Y}) must end after the baseline "
            f"period {baseline.label} (ends {baseline.end:%d %b %Y})",
        )
        return
    if ("baseline" in data and baseline is None) or ("target" in data and target is None):
        return  # a period that does not parse: period-syntax reports it, and the milestones cannot be placed
    previous = baseline
    for index, milestone in enumerate(data.get("milestones", [])):
        period = _period(milestone["period"])
        if period is None:
            continue
        path = ("milestones", index, "period")
        if baseline is None:
            yield Finding(path, "milestones need a baseline to start from: add `baseline`")
            return
        if target is None:
            yield Finding(path, "milestones need a target to lead to: add `target`")
            return
        if not baseline.end < period.end < target.end:
            yield Finding(
                path,
                f"milestone {period.label} must fall strictly between the baseline ({baseline.label}) "
                f"and the target ({target.label})",
            )
        elif previous is not None and period.end <= previous.end:
            yield Finding(path, f"milestone {period.label} must come after {previous.label}: list milestones in time order")
        previous = period
