"""A target's id is its file name: `youth-reoffending` lives in youth-reoffending.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding

NAME = "id-matches-file"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if stem and data["id"] != stem:
        yield Finding(
            ("id",),
            f"the id `{data['id']}` differs from the file name `{stem}`: "
            f"rename the file to {data['id']}.yaml or set `id: {stem}`",
        )
