"""Plain text: `file:line:col: severity: message [rule]`, one problem a line, as compilers and linters print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from engine.model.problems import Problem
from engine.reports.base import Reporter


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


class TextReporter(Reporter):
    """Plain text: one problem a line, one change a line (diff)."""

    name = "text"

    def problems(self, items: Sequence[Problem], files_checked: int, out: TextIO, *, quiet: bool = False) -> None:
        out.write(problems(items, files_checked, quiet=quiet))

    def diff(self, result, out: TextIO) -> None:  # result: DiffResult
        from engine.reports import diff_formats

        out.write(diff_formats.text(result))


REPORTER = TextReporter()
