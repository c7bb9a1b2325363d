"""The `benchmark` is another area than the target's own: an area compared with itself is always similar.

`benchmark: E06000045` beside `area: E06000045` is an error. Beside `areas:` that lists the
benchmark's code it is a warning: that one area is compared with itself, the others with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "benchmark-other"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    benchmark = data.get("benchmark")
    if benchmark is None:
        return
    if data.get("area") == benchmark:
        yield Finding(("benchmark",),
                      f"the benchmark {benchmark} is the target's own area: give another area's GSS code, or "
                      "`group_median` with `comparators`")
    areas = data.get("areas")
    if isinstance(areas, list) and benchmark in areas:
        yield Finding(("benchmark",),
                      f"the benchmark {benchmark} is also among `areas` (item {areas.index(benchmark) + 1}): that "
                      "area is compared with itself; remove it from `areas`, or choose another benchmark",
                      severity="warning")
