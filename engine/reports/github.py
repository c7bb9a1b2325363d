"""GitHub Actions workflow commands, so problems show on the lines of a pull request.

Escaping follows the runner's rules (actions/toolkit, command.ts): in the message
`%`, CR and LF are percent-encoded; in property values also `:` and `,`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from engine.model.problems import Problem
from engine.model.safetext import visible
from engine.reports.base import Reporter


def escape_data(text: str) -> str:
    # Control characters are first shown as escapes (safetext.visible): a message is one line,
    # and no ESC sequence colours or rewrites the log. The runner's own escaping follows.
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, file: str | None, line: int | None, column: int | None, title: str | None,
                     message: str) -> str:
    """One workflow command (`::error file=...,line=...::message`), every part escaped: the one
    place annotations are built (validate and diff)."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
            if column is not None:
                props.append(f"col={column}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def command(problem: Problem, title: str | None = None) -> str:
    return workflow_command(problem.severity, problem.file, problem.line, problem.column, title, problem.message)


def problems(items: Sequence[Problem], files_checked: int, *, quiet: bool = False) -> str:
    lines = [command(p, title=f"targets: {p.rule}") for p in items if not quiet or p.severity == "error"]
    errors = sum(p.severity == "error" for p in items)
    hidden = " (not shown: --quiet)" if quiet and len(items) > errors else ""
    lines.append(f"{files_checked} files checked: {errors} error(s), {len(items) - errors} warning(s){hidden}")
    return "\n".join(lines) + "\n"


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: annotations on the lines of a pull request."""

    name = "github"

    def problems(self, items: Sequence[Problem], files_checked: int, out: TextIO, *, quiet: bool = False) -> None:
        out.write(problems(items, files_checked, quiet=quiet))

    def diff(self, result, out: TextIO) -> None:  # result: DiffResult
        from engine.reports import diff_formats

        out.write(diff_formats.github(result))


REPORTER = GithubReporter()
