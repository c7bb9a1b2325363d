"""JSON, the contract for other tools (docs/json-output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..problems import Problem


def problems(items: Sequence[Problem], files_checked: int) -> str:
    return json.dumps({"files_checked": files_checked, "problems": [p.as_dict() for p in items]}, indent=2) + "\n"
