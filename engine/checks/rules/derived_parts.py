"""A derived measure says what it is worked out from: `derived`, `of` and `among` go together.

```yaml
measure:
  derived: rank              # the reading is a place in a league table, worked out
  of: all-crime-rate         # from this target's readings
  among: msg-southampton     # ranked among this group of areas.yaml
```

`derived` without `of` or `among` cannot be worked out; `of` or `among` without `derived` would be
ignored, so each is an error, at its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "derived-parts"

WHAT = {"of": "`of` (the id of the target whose readings are ranked, as `of: all-crime-rate`)",
        "among": "`among` (the group of areas.yaml to rank among, as `among: msg-southampton`)"}


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    measure = data["measure"]
    if "derived" in measure:
        missing = [key for key in ("of", "among") if key not in measure]
        if missing:
            yield Finding(("measure", "derived"),
                          f"a derived {measure['derived']} needs " + " and ".join(WHAT[k] for k in missing)
                          + " under `measure`: add " + ("it" if len(missing) == 1 else "them"), at_key=True)
        return
    for key in ("of", "among"):
        if key in measure:
            yield Finding(("measure", key),
                          f"`{key}` is for a measure worked out from another target's readings: add `derived: rank` "
                          f"under `measure` (with `of` and `among`), or remove `{key}`", at_key=True)
