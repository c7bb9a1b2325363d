"""Every period and date in a spec must parse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.model.periods import PeriodError, parse_period
from engine.checks.rules import Finding, Path

NAME = "period-syntax"


def period_paths(data: dict[str, Any]) -> Iterator[Path]:
    if "baseline" in data:
        yield ("baseline", "period")
    if "target" in data:
        yield ("target", "period")
    for index in range(len(data.get("milestones", []))):
        yield ("milestones", index, "period")
    for index in range(len(data.get("revisions", []))):
        yield ("revisions", index, "date")


def lookup(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    for path in period_paths(data):
        try:
            period = parse_period(lookup(data, path))
        except PeriodError as exc:
            yield Finding(path, str(exc))
            continue
        if path[0] == "revisions" and period.kind != "day":
            yield Finding(path, f"a revision's date is a day, such as 2015-06-30, not `{period.label}`")
