"""The library API: load specs, read readings, evaluate. What the CLI does, for code.

    from engine import run
    targets = run.load_targets("targets")                 # InvalidSpecs if any spec has an error
    batch = run.read_readings(["readings.csv"], targets)  # every row accounted: batch.rejected ...
    evaluation = run.evaluate(targets, batch)             # evaluation.results: status, breach, why

Errors are raised, typed (engine.model.problems.TargetsError and its kinds, each carrying a
Problem that names the file, the line and the fix); nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from engine.checks.checker import CheckResult, check_paths
from engine.model.areas import Areas
from engine.model.problems import Problem, TargetsError
from engine.model.readings import ReadingsBatch
from engine.model.spec import Target


class InvalidSpecs(TargetsError):
    """Specs with errors, for a use that needs them valid. `result` has every problem found."""

    def __init__(self, result: CheckResult, where: str):
        first = result.errors[0]
        super().__init__(Problem(first.file, first.line, first.column, "error", first.rule,
                                 f"{len(result.errors)} error(s) in the specs under {where}; the first: {first.message}"))
        self.result = result


def check(paths: Iterable[str | Path]) -> CheckResult:
    """Every spec under the paths checked: problems (errors and warnings) and the valid targets."""
    return check_paths([Path(p) for p in paths])


def load_targets(path: str | Path) -> list[Target]:
    """The targets of a folder (or file) of specs; InvalidSpecs when any has an error."""
    return load_specs(path).targets


def load_specs(path: str | Path) -> CheckResult:
    """The specs of a folder (or file): `.targets`, and `.areas` (areas.yaml's areas and groups, or
    None without one) for read_readings and evaluate; InvalidSpecs when any has an error."""
    result = check_paths([Path(path)])
    if result.errors:
        raise InvalidSpecs(result, str(path))
    return result


def read_readings(paths: Iterable[str | Path], targets: Sequence[Target], *, sheet: str | None = None,
                  only: str | tuple[str, ...] | None = None, areas: Areas | None = None) -> ReadingsBatch:
    """The readings files, in order (a later row wins over an earlier one for the same target and
    period), read with each target's unit. A path of `-` is standard input (CSV). A workbook is
    read from its first visible sheet, or `sheet`, or the sheet its path names (`book.xlsx:KPIs`).
    only: the rows of this target id alone (other targets' rows are not read, so their problems
    are not reported). areas: the specs' areas file (load_specs(...).areas): readings' areas are
    matched against it, by code or by name."""
    from dataclasses import replace

    from engine.sources.readings import options_of, read_readings as read, units_of

    return read(paths, units_of(targets), replace(options_of(targets, areas), only=only), sheet=sheet)


def evaluate(targets: Sequence[Target], batch: ReadingsBatch, as_of: date | None = None, *,
             areas: Areas | None = None):  # -> Evaluation
    """Every target judged against its readings (as of the latest reading's date, unless given).
    areas: the specs' areas file, for comparators, benchmarks, targets of several areas and
    derived ranks (a target of several areas has one result per area)."""
    from engine.verdicts.evaluation import evaluate as run

    return run(targets, batch, as_of, areas)
