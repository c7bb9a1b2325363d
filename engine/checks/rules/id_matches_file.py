"""A target's id is its file name: `youth-reoffending` lives in youth-reoffending.yaml.

The fix offered is always a valid one: where the file name could not be an id (`Upper Case.yaml`:
ids are lower-case letters, digits and hyphens), only renaming the file is suggested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.checks.rules import Finding
from engine.checks.schema import is_valid_id

NAME = "id-matches-file"


def check(data: dict[str, Any], stem: str) -> Iterator[Finding]:
    if stem and data["id"] != stem:
        if is_valid_id(stem):
            fix = f"rename the file to {data['id']}.yaml or set `id: {stem}`"
        else:
            fix = (f"rename the file to {data['id']}.yaml (`{stem}` cannot be an id: ids are lower-case letters, "
                   "digits and hyphens)")
        yield Finding(("id",), f"the id `{data['id']}` differs from the file name `{stem}`: {fix}")
