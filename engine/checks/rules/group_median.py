"""`benchmark: group_median` needs `comparators`: the median is the comparators group's.

```yaml
area: E06000045
comparators: msg-southampton
benchmark: group_median      # the median of the group's readings, each period
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding
from engine.model.areas import GROUP_MEDIAN

NAME = "group-median"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if data.get("benchmark") == GROUP_MEDIAN and "comparators" not in data:
        yield Finding(("benchmark",),
                      "`benchmark: group_median` is the median of the comparators group, and there is no "
                      "`comparators`: add `comparators:` with a group of areas.yaml, or give the benchmark "
                      "as an area's GSS code (as E92000001 for England)")
