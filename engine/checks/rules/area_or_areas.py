"""A target is for one area (`area:`) or evaluated separately for each of many (`areas:`), not both.

```yaml
area: E06000045              # one area: Southampton
# or
areas: msg-southampton       # each area of the group, one evaluation each
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "area-or-areas"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if "area" in data and "areas" in data:
        yield Finding(("areas",),
                      "`area` and `areas` are both given: `area` is the one area the target is for, `areas` makes "
                      "it a target for each of many areas; keep one (put the area in the `areas` list if it "
                      "should be one of them)", at_key=True)
