"""A derived rank ranks another target's readings: `of` is not the target's own id.

A rank of itself would have no readings to start from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "derived-self"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    measure = data["measure"]
    if "derived" in measure and measure.get("of") == data["id"]:
        yield Finding(("measure", "of"),
                      f"`of: {data['id']}` is this target itself: a rank is worked out from another target's "
                      "readings; give the id of the target whose readings are ranked (as `of: all-crime-rate`)")
