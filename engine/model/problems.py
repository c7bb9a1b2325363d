"""Problems a user can cause, and the project's own exception type.

Every message a user sees is a Problem: it names the file, the line and
column (1-based) where known, and says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.model.safetext import visible

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    severity: Severity
    rule: str
    message: str

    def location(self) -> str:
        parts = [visible(self.file)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_text(self) -> str:
        # One line whatever the message quotes: no user text can start a line of its own.
        return f"{self.location()}: {self.severity}: {visible(self.message)} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


class TargetsError(Exception):
    """Base of every error the project raises on purpose for bad user input."""

    def __init__(self, problem: Problem):
        super().__init__(problem.as_text())
        self.problem = problem


class LoadError(TargetsError):
    """A file could not be read as a spec or readings file."""
