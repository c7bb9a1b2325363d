"""A target lies on the better side of its baseline: a target met by getting worse is a warning.

The polarity says which way is better. With lower is better, a target above the baseline
(baseline 44.1, target 50) is met by getting worse, and every reading that gets worse is on
track; with higher is better, the same goes for a target below the baseline. Nearly always the
polarity is the wrong way round (a recycling rate is higher is better), or the figure is wrong.
The target level is the one its form gives (`value`, or `change`, `relative_change` or
`annual_rate` counted from the baseline). A level equal to the baseline is not worse (that is
`maintain`), and a direction-only target has no level to judge. It is a warning, not an error:
a target that allows some worsening ("no more than 50, from 44.1, while demand grows") is a
real if rare promise.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding, shown_number, target_level
from engine.model.spec import target_form

NAME = "target-side"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if "baseline" not in data or "target" not in data:
        return
    form = target_form(data["target"])
    if form is None or form == "maintain":
        return
    level = target_level(data)
    baseline = float(data["baseline"]["value"])
    if level is None or not (math.isfinite(level) and math.isfinite(baseline)):
        return  # compound-positive or finite-numbers reports it
    polarity = data["measure"]["polarity"]
    if polarity not in ("lower_is_better", "higher_is_better"):
        return  # the schema reports it: no side to judge by
    lower = polarity == "lower_is_better"
    # Figures as written, or a level worked out from them: exact comparison (a relative form of
    # zero gives the baseline itself, so no rounding can make an equal level look worse).
    if not (level > baseline if lower else level < baseline):
        return
    better, worse = ("lower", "higher") if lower else ("higher", "lower")
    other = "higher_is_better" if lower else "lower_is_better"
    written = shown_number(level) if form == "value" else f"{shown_number(level)}, from `{form}: {data['target'][form]}`"
    yield Finding(
        ("target", form),
        f"{better} is better, and the target ({written}) is {worse} than the baseline ({shown_number(baseline)}): "
        f"it is met by getting worse. If {worse} is better, set `measure.polarity: {other}`; otherwise give a "
        f"target {better} than {shown_number(baseline)}",
        "warning",
    )
