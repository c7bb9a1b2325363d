"""The `targets` command line: the imperative shell around the engine.

Exit codes (docs/cli.md): 0 success; 1 the check or evaluation found what it
looks for (invalid specs, a status named in --fail-on); 2 usage or I/O errors,
invalid specs for a command that needs valid ones, rejected readings.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Optional, TypeVar

import typer

from engine.problems import Problem, TargetsError

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2

app = typer.Typer(
    help="Validate target specs and evaluate readings against their trajectories.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., object])


def _fail(problem: Problem) -> typer.Exit:
    sys.stderr.write(problem.as_text() + "\n")
    return typer.Exit(EXIT_USAGE)


def user_errors(command: F) -> F:
    """Every error a user can cause ends as a message and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except TargetsError as exc:
            raise _fail(exc.problem) from None
        except BrokenPipeError:  # `targets list | head`
            sys.stderr.close()
            raise typer.Exit(EXIT_OK) from None

    return wrapper  # type: ignore[return-value]


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    auto = "auto"


TargetsOption = Annotated[
    Path, typer.Option("--targets", "-t", help="Folder (or file) of target specs.", show_default=True)
]


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@app.command()
@user_errors
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Spec files or folders. Default: targets")] = None,
    format: Annotated[ProblemFormat, typer.Option("--format", "-f", help="text, json, github (workflow commands) or auto (github under GitHub Actions, else text).")] = ProblemFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check target specs against the schema and the semantic rules.

    Exit 0 when valid, 1 when problems were found, 2 on usage or I/O errors.
    """
    from engine.checker import check_paths
    from engine.reports import github, json_report, text

    result = check_paths(paths or [Path("targets")])
    chosen = format.value
    if chosen == "auto":
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    renderer = {"text": text.problems, "json": json_report.problems, "github": github.problems}[chosen]
    _write(renderer(result.problems, result.files_checked))
    failed = result.errors or (strict and result.warnings)
    raise typer.Exit(EXIT_FOUND if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a target spec (Draft 2020-12)."""
    from engine.schema import schema_text

    _write(schema_text())


def load_valid_targets(targets_path: Path):  # -> list[Target]
    """Specs for commands that need them valid: any error is reported and ends the command with exit 2."""
    from engine.checker import check_paths
    from engine.reports import text

    result = check_paths([targets_path])
    if result.errors:
        sys.stderr.write(text.problems(result.errors, result.files_checked))
        sys.stderr.write(f"fix the specs first (`targets validate {targets_path}`)\n")
        raise typer.Exit(EXIT_USAGE)
    return result.targets


@app.command("list")
@user_errors
def list_targets(targets: TargetsOption = Path("targets")) -> None:
    """Show the targets as a table: id, title, priority, lead, baseline, target, status."""
    from engine.reports import table

    table.print_target_list(load_valid_targets(targets))


def main() -> None:  # pragma: no cover - `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
