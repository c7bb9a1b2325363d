"""A target says its level in exactly one way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.model.spec import TARGET_FORMS
from engine.checks.rules import Finding

NAME = "target-form"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    block = data.get("target")
    if block is None:
        return
    forms = [f for f in TARGET_FORMS if f in block]
    if len(forms) > 1:
        listed = " and ".join(f"`{f}`" for f in forms)
        yield Finding(
            ("target", forms[1]),
            f"the target gives both {listed}: keep exactly one way of saying the level",
            at_key=True,
        )
    needs_baseline = [f for f in forms if f != "value"]
    if needs_baseline and "baseline" not in data:
        yield Finding(
            ("target", needs_baseline[0]),
            f"`{needs_baseline[0]}` is counted from the baseline, and there is no `baseline`: add one, "
            "or give the level as `value`",
            at_key=True,
        )
    if block.get("strict") and not forms:
        yield Finding(("target", "strict"), "`strict` needs a level to beat: add `value` (or another form), or remove `strict`", at_key=True)
