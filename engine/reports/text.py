"""Plain text: `file:line:col: severity: message [rule]`, one problem a line, as compilers and linters print."""

from __future__ import annotations

from collections.abc import Sequence

from engine.model.problems import Problem


def problems(items: Sequence[Problem], files_checked: int, *, quiet: bool = False) -> str:
    """quiet: errors only, with the warnings counted in the summary line (a pre-commit hook's view)."""
    lines = [p.as_text() for p in items if not quiet or p.severity == "error"]
    errors = sum(p.severity == "error" for p in items)
    warnings = len(items) - errors
    noun = "file" if files_checked == 1 else "files"
    if not items:
        lines.append(f"{files_checked} {noun} checked: all valid")
    else:
        hidden = " (not shown: --quiet)" if quiet and warnings else ""
        lines.append(f"{files_checked} {noun} checked: {errors} error(s), {warnings} warning(s){hidden}")
    return "\n".join(lines) + "\n"
