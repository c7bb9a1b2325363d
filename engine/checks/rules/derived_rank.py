"""A derived rank is a place in a league table: `unit: rank` and `polarity: lower_is_better`.

The rank is worked out as 1 for the best area of the group by the other target's polarity (the
lowest crime rate, the highest recycling rate), so first place is always 1, and a lower rank is
always better, whichever way the other target runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "derived-rank"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    measure = data["measure"]
    if measure.get("derived") != "rank":
        return
    if measure["unit"] != "rank":
        yield Finding(("measure", "unit"),
                      f"a derived rank is a place in a league table (1 is first), not `{measure['unit']}`: "
                      "write `unit: rank`")
    if measure["polarity"] != "lower_is_better":
        yield Finding(("measure", "polarity"),
                      "a derived rank is 1 for the best area of the group, whichever way the ranked target runs, "
                      "so a lower rank is always better: write `polarity: lower_is_better`")
