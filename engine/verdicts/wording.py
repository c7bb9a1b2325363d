"""Numbers and targets in plain English, shared by every human-readable format."""

from __future__ import annotations

from engine.model.spec import Point, Target
from engine.model.units import unit_symbol


def _unsigned_zero(text: str) -> str:
    """`-0`, `-0.0` (a negative zero, or a tiny negative rounded away) are shown as zero."""
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


_FIXED = tuple(f",.{d}f" for d in range(10))  # format specs, made once: this runs for every reading


def fixed(value: float, decimals: int) -> str:
    """value with this many decimals and thousands separators; never a negative zero."""
    text = format(value, _FIXED[decimals])
    return _unsigned_zero(text) if text[0] == "-" else text


def number(value: float) -> str:
    """A readable number: thousands separators, at most a few decimals, no trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"  # int(-0.0) is 0
    return _unsigned_zero(f"{value:,.3f}".rstrip("0").rstrip("."))


def with_unit(value: float, unit: str, *, decimals: int | None = None) -> str:
    prefix, suffix = unit_symbol(unit)
    shown = fixed(value, decimals) if decimals is not None else number(value)
    return f"{prefix}{shown}{suffix}"


def describe_point(point: Point, unit: str) -> str:
    return f"{with_unit(point.value, unit)} ({point.period.label})"


def describe_goal(target: Target) -> str:
    goal = target.goal
    unit = target.measure.unit
    better = "lower" if target.measure.lower_is_better else "higher"
    if goal is None:
        return f"{better} is better (no target level)"
    if goal.form is None:
        return f"{better} by {goal.period.label} (no target level)"
    if goal.value is None:
        return f"{with_unit(goal.amount or 0, unit)} by {goal.period.label}"
    qualifier = ("under " if target.measure.lower_is_better else "over ") if goal.strict else ""
    level = f"{qualifier}{with_unit(round(goal.value, 6), unit)} by {goal.period.label}"
    if goal.form == "maintain":
        return f"maintain {level}"
    if goal.form == "annual_rate":
        return f"{level} ({number(goal.amount * 100)}% a year)"  # type: ignore[operator]
    return level


def on_axis(value: float, unit: str, *, decimals: int | None = None) -> str:
    """A value as a chart labels it, where the axis names the unit: `45.1%`, `£1,250`, `812.0` (not
    `812.0 per 100,000`); the same digits as `with_unit` gives."""
    prefix, suffix = unit_symbol(unit)
    shown = fixed(value, decimals) if decimals is not None else number(value)
    return f"{prefix}{shown}{'%' if suffix.startswith('%') else ''}"
