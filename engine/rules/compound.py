"""Compound paths and annual rates multiply: their values must be positive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import Finding

NAME = "compound-positive"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    block = data.get("target", {})
    annual = "annual_rate" in block
    compound = data.get("trajectory", "compound" if annual else "linear") == "compound"
    if not (annual or compound):
        return
    why = "an `annual_rate`" if annual else "a compound trajectory"
    points = [(("baseline", "value"), data["baseline"]["value"])] if "baseline" in data else []
    if compound:
        points += [(("milestones", i, "value"), m["value"]) for i, m in enumerate(data.get("milestones", []))]
        if "value" in block:
            points.append((("target", "value"), block["value"]))
    for path, value in points:
        if value <= 0:
            yield Finding(
                path,
                f"{why} grows at a constant rate, so this value must be above zero (it is {value}): "
                "use `trajectory: linear` instead",
            )
