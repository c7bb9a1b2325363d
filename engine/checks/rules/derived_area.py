"""A derived rank is the rank of one area, the target's own: it needs `area:`, and not `areas:`.

The rank of `area: E06000045` among `msg-southampton` is Southampton's place in the group. With
no `area` there is no area to give the place of; `areas:` (one target for each of many areas)
is not for a rank: write one spec per area whose place is a target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "derived-area"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    measure = data["measure"]
    if "derived" not in measure:
        return
    if "areas" in data:
        yield Finding(("areas",),
                      "a derived rank is the place of one area, the target's own: give it as `area:` (a GSS code) "
                      "instead of `areas`, with one spec for each area whose place is a target", at_key=True)
    elif "area" not in data:
        yield Finding(("measure", "derived"),
                      "a derived rank is the place of the target's own area in the group: add `area:` with its GSS "
                      "code (as `area: E06000045`)", at_key=True)
