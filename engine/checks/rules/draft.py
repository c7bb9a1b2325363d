"""What each status requires: an active target needs a baseline; a draft may be unfinished (a warning)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.model.spec import TARGET_FORMS
from engine.checks.rules import Finding

NAME = "status-completeness"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    status = data.get("status", "active")
    has_level = any(f in data.get("target", {}) for f in TARGET_FORMS)
    if "baseline" not in data:
        if status == "draft":
            yield Finding((), "draft target without a baseline: it cannot be evaluated until one is added", "warning")
        else:
            article = "an" if status[:1] in "aeiou" else "a"
            yield Finding(
                (),
                f"{article} {status} target needs a `baseline` (period and value) to be measured against: "
                "add it, or set `status: draft` while the figure is not known",
            )
    elif status == "draft" and not has_level:
        yield Finding((), "draft target without a target level: it is evaluated as direction-only until one is added", "warning")
