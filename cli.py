"""The `targets` command line: the imperative shell around the engine.

Exit codes (README, CLI reference): 0 success; 1 the check or evaluation found what it
looks for (invalid specs, a status named in --fail-on); 2 usage or I/O errors,
invalid specs for a command that needs valid ones, rejected readings.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Optional, TypeVar

import typer

from engine.model.problems import Problem, TargetsError
from engine.model.safetext import visible

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
        except MemoryError:
            # Every readings file is read before any is judged, so --as-of cannot help here.
            sys.stderr.write("targets: error: ran out of memory. Readings take some 200 bytes each (CSV or a JSON "
                             "list; YAML far more): evaluate fewer at a time, by splitting the readings files and "
                             "running targets on each part, or give it a machine with more memory [memory]\n")
            raise typer.Exit(EXIT_USAGE) from None
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


# Shared by evaluate and report, so the two read and judge readings the same way.
ReadingsArgument = Annotated[list[Path], typer.Argument(metavar="READINGS", help="Readings files: .csv (or .txt), .json, .yaml, or a workbook (.xlsx, .xlsm, .xls, .ods; `book.xlsx:Sheet name` for a sheet other than the first); `-` reads CSV from standard input.", show_default=False)]
SheetOption = Annotated[Optional[str], typer.Option("--sheet", help="The sheet of each workbook to read (default: its first visible sheet; `book.xlsx:Sheet name` names one for one workbook).", show_default=False)]
AsOfOption = Annotated[Optional[str], typer.Option("--as-of", help="Ignore readings after this date (any period: its last day). Default: the latest reading's date.")]
AllowRejectedOption = Annotated[bool, typer.Option("--allow-rejected", help="Rejected rows are listed but do not make the exit code 2.")]


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@app.command()
@user_errors
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Spec files or folders. Default: targets")] = None,
    format: Annotated[ProblemFormat, typer.Option("--format", "-f", help="text, json, github (workflow commands) or auto (github under GitHub Actions, else text).")] = ProblemFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Show errors only; warnings are counted in the summary (text and github formats).")] = False,
) -> None:
    """Check target specs against the schema and the semantic rules.

    Exit 0 when valid (warnings allowed), 1 when errors were found (or warnings, with --strict),
    2 on usage or I/O errors.
    """
    from engine.checks.checker import check_paths
    from engine.reports.base import reporter  # text, json, github: each light, no evaluation engine, no pint

    result = check_paths(paths or [Path("targets")])
    chosen = format.value
    if chosen == "auto":
        chosen = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    reporter(chosen).problems(result.problems, result.files_checked, sys.stdout, quiet=quiet)
    sys.stdout.flush()
    failed = result.errors or (strict and result.warnings)
    raise typer.Exit(EXIT_FOUND if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a target spec (Draft 2020-12)."""
    from engine.checks.schema import schema_text

    _write(schema_text())


def load_valid_targets(targets_path: Path):  # -> list[Target]
    """Specs for commands that need them valid: any error is reported and ends the command with exit 2."""
    return load_valid_specs(targets_path).targets


def load_valid_specs(targets_path: Path):  # -> CheckResult: the targets, and the areas file's areas and groups
    """Specs for commands that need them valid: any error is reported and ends the command with exit 2."""
    from engine import run
    from engine.reports import text

    try:
        specs = run.load_specs(targets_path)
    except run.InvalidSpecs as exc:
        sys.stderr.write(text.problems(exc.result.errors, exc.result.files_checked))
        sys.stderr.write(f"fix the specs first (`targets validate {visible(str(targets_path))}`)\n")
        raise typer.Exit(EXIT_USAGE) from None
    # The specs live until the command ends: frozen, the garbage collector stops walking them again
    # each time it runs while readings are read and judged (some 0.4 s of 6 at 10,000 specs and a
    # million readings, benchmarks/bench_peers.py).
    gc.freeze()
    return specs


@app.command("list")
@user_errors
def list_targets(targets: TargetsOption = Path("targets")) -> None:
    """Show the targets as a table: id, title, priority, lead, baseline, target, status."""
    from engine.reports import table

    table.print_target_list(load_valid_targets(targets))


class Explain(str, Enum):
    readings = "readings"
    targets = "targets"


class EvaluationFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


def _parse_as_of(text: str | None):  # -> date | None
    """--as-of takes any period; its last day is the as-of date (2016/17 -> 31 Mar 2017)."""
    if text is None:
        return None
    from engine.model.periods import PeriodError, parse_period

    try:
        return parse_period(text).end
    except PeriodError as exc:
        raise _fail(Problem("--as-of", None, None, "error", "usage", str(exc))) from None


FAIL_ON_EXTRA = ("breach", "stale")


def _parse_fail_on(text: str | None) -> set[str]:
    from engine.verdicts.statuses import ALL_STATUSES

    if not text:
        return set()
    # As the reports write them (`off track`) or as the JSON does (`off_track`).
    chosen = {"_".join(part.strip().lower().replace("-", " ").split()) for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(ALL_STATUSES) - set(FAIL_ON_EXTRA))
    if unknown:
        import difflib

        allowed = ", ".join(ALL_STATUSES + FAIL_ON_EXTRA)
        hints = [f"`{u}`" + (f" (did you mean `{close[0]}`?)" if (close := difflib.get_close_matches(
            u, ALL_STATUSES + FAIL_ON_EXTRA, n=1)) else "") for u in unknown]
        raise _fail(Problem("--fail-on", None, None, "error", "usage",
                            f"unknown status {', '.join(hints)}: choose from {allowed}"))
    return chosen


def read_and_evaluate(paths: list[Path], target_list, as_of, sheet: str | None = None, areas=None):  # -> (ReadingsBatch, Evaluation)
    """Read the readings files and evaluate every target (the benchmark times exactly this).
    areas: the areas file's areas and groups (engine.model.areas.Areas), if the specs have one."""
    from engine import run

    # The cyclic garbage collector is paused while reading and evaluating, as while checking specs:
    # what is built holds no cycles, and a spec of 317 areas is 317 results, so at 1,000 such
    # specs it would walk 317,000 results again and again (1.3 s of 45, benchmarks/bench_areas.py).
    # They live until the command ends: frozen, the collector leaves them alone while the report
    # is written. Memory is freed by reference counting as usual.
    paused = gc.isenabled()
    gc.disable()
    try:
        batch = run.read_readings(paths, target_list, sheet=sheet, areas=areas)
        _warn(batch)
        evaluation = run.evaluate(target_list, batch, as_of, areas=areas)
    finally:
        if paused:
            gc.enable()
    gc.freeze()
    return batch, evaluation


def _warn(batch) -> None:  # batch: ReadingsBatch
    """Warnings about whole readings files (one read as Windows-1252), on stderr whatever the format."""
    for problem in batch.warnings:
        sys.stderr.write(problem.as_text() + "\n")


@app.command()
@user_errors
def evaluate(
    readings: ReadingsArgument,
    targets: TargetsOption = Path("targets"),
    as_of: AsOfOption = None,
    format: Annotated[Optional[EvaluationFormat], typer.Option("--format", "-f", help="table (default on a terminal), json (default otherwise), csv, markdown, or xlsx (a workbook: needs -o).", show_default=False)] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Exit 1 when any target's status is one of these (comma-separated; also `breach`, `stale`).")] = None,
    allow_rejected: AllowRejectedOption = False,
    explain: Annotated[Optional[Explain], typer.Option("--explain", help="json: a sentence for every reading (readings, the default) or for each target's latest reading only (targets: a smaller, faster report).")] = None,
    sheet: SheetOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of standard output; needed for xlsx.", show_default=False)] = None,
    excel: Annotated[bool, typer.Option("--excel", help="With --format csv: UTF-8 with a byte order mark, so that Excel opens it right (£, –, names with accents).")] = False,
) -> None:
    """Evaluate readings against every target's trajectory: status, breach and why.

    Exit 0 evaluated; 1 a target's status is in --fail-on; 2 invalid specs, an unreadable
    readings file, or rejected rows (unless --allow-rejected).
    """
    as_of_date = _parse_as_of(as_of)
    failing = _parse_fail_on(fail_on)
    to_file = output is not None and str(output) != "-"
    if format is EvaluationFormat.xlsx and not to_file:
        raise _fail(Problem("--format", None, None, "error", "usage",
                            "xlsx is a binary format: give the file to write with -o (such as -o board.xlsx)"))
    if excel and format is not EvaluationFormat.csv:
        raise _fail(Problem("--excel", None, None, "error", "usage",
                            "--excel is for a CSV report: add --format csv (an xlsx workbook opens in Excel as it is)"))
    if to_file:
        from engine.reports.outputs import check_output

        check_output(output, readings, "the report")  # said before the readings are read, not after
    specs = load_valid_specs(targets)
    target_list = specs.targets
    batch, result = read_and_evaluate(readings, target_list, as_of_date, sheet, specs.areas)
    chosen = (format.value if format else None) or ("table" if sys.stdout.isatty() and not to_file else "json")
    from engine.reports.base import reporter

    style = (explain or Explain.readings).value
    if to_file:
        import io

        from engine.reports.outputs import write_output

        if chosen == "xlsx":
            from engine.reports.xlsx_report import workbook

            data: str | bytes = workbook(result, batch)
        else:
            buffer = io.StringIO()
            _write_evaluation(chosen, result, batch, buffer, style, excel)
            data = buffer.getvalue()
        # Specs are inputs too: a report must not replace one.
        write_output(output, data, [*readings, *(Path(t.file) for t in target_list)], "the report")
        from engine.sources.specs import display_path

        from engine.reports.base import row_counts

        # The readings judged (a derived rank's too), not every row read: other areas' readings
        # are said apart, as the reports' footers say them.
        counts = row_counts(result, batch)
        compared = f", {counts.comparators} of other areas compared with" if counts.comparators else ""
        sys.stderr.write(f"wrote {visible(display_path(output))}: {len(result.results)} targets, "
                         f"{counts.used + counts.derived} readings{compared}\n")
    else:
        # Streamed (json, csv): a million readings' report need not be held in memory as well.
        if excel:  # UTF-8 whatever the terminal's or the locale's encoding: the mark says UTF-8
            import io

            sys.stdout.flush()
            out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            try:
                _write_evaluation(chosen, result, batch, out, style, excel)
                out.flush()
            finally:
                out.detach()  # leave sys.stdout's own buffer open
        else:
            reporter(chosen).evaluation(result, batch, sys.stdout, explain=style)
        sys.stdout.flush()
    if batch.rejected and not allow_rejected:
        sys.stderr.write(f"{len(batch.rejected)} row(s) rejected (listed in the report); "
                         "fix them, or pass --allow-rejected to accept the rest\n")
        raise typer.Exit(EXIT_USAGE)
    hit = [r for r in result.results
           if r.status in failing or ("breach" in failing and r.breach) or ("stale" in failing and r.stale)]
    if hit:
        # Say which, whatever the format: the report on stdout may be JSON for another tool.
        shown = ", ".join(f"{r.target.id} ({r.status}{', breach' if r.breach else ''}{', stale' if r.stale else ''})"
                          for r in hit[:10])
        more = f" and {len(hit) - 10} more" if len(hit) > 10 else ""
        sys.stderr.write(visible(f"--fail-on: {len(hit)} target(s): {shown}{more}") + "\n")
    raise typer.Exit(EXIT_FOUND if hit else EXIT_OK)


def _write_evaluation(chosen: str, result: Any, batch: Any, out: Any, style: str, excel: bool) -> None:
    if excel:
        from engine.reports.csv_report import write_evaluation

        write_evaluation(result, batch, out, excel=True)
    else:
        from engine.reports.base import reporter

        reporter(chosen).evaluation(result, batch, out, explain=style)


class Every(str, Enum):
    year = "year"
    quarter = "quarter"
    month = "month"


@app.command()
@user_errors
def show(
    target_id: Annotated[str, typer.Argument(metavar="ID", help="The target's id.")],
    targets: TargetsOption = Path("targets"),
    every: Annotated[Every, typer.Option("--every", help="Profile step: year, quarter or month.")] = Every.year,
    readings: Annotated[Optional[list[Path]], typer.Option("--readings", "-r", help="A readings file to show against the profile (repeat -r for more; `-` reads CSV from standard input).")] = None,
    allow_rejected: AllowRejectedOption = False,
    sheet: SheetOption = None,
    area: Annotated[Optional[str], typer.Option("--area", metavar="<code|name>", help="For a target of several areas (`areas:`): the one whose readings are shown, by GSS code or name (default: the first).")] = None,
) -> None:
    """Show a target's trajectory profile: expected value each period, with readings and statuses.

    Exit 0 shown; 2 invalid specs, an unknown id, an area not the target's, an unreadable readings
    file, or rejected rows (listed on stderr; unless --allow-rejected).
    """
    from engine import run
    from engine.reports import table
    from engine.verdicts.profile import profile_rows

    specs = load_valid_specs(targets)
    target_list = specs.targets
    by_id = {t.id: t for t in target_list}
    if target_id not in by_id:
        import difflib

        close = difflib.get_close_matches(target_id, list(by_id), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else "; `targets list` shows the ids"
        raise _fail(Problem(str(targets), None, None, "error", "usage", f"no target `{target_id}`{hint}"))
    target = by_id[target_id]
    mine = _shown_area(target, area, specs.areas, targets)
    # Only this target's rows are read: a rejected row of another target is that target's problem
    # (`targets evaluate` reports it). A row that names no target, or an unknown id that may be
    # this one misspelt, is read, and rejected rows are listed, never dropped.
    # A derived rank has no rows of its own: the rows of the target it ranks are read, and its
    # readings worked out from them, as `targets evaluate` does.
    derived = target.measure.derived
    source_id = derived.of if derived is not None and derived.of in by_id else target_id
    only = (target_id, source_id) if source_id != target_id else target_id  # a row given for the rank is rejected
    batch = run.read_readings(readings, target_list, sheet=sheet, only=only, areas=specs.areas) if readings else None
    if batch is not None:
        _warn(batch)
        if source_id != target_id:
            from engine.verdicts.derived import with_ranks

            batch, _ = with_ranks([target, by_id[source_id]], batch, specs.areas)
    own = batch.readings.get(target_id, []) if batch else []
    # Issue 12: a target's rows for other areas (its comparators, its benchmark) are not its own;
    # a target of several areas is shown for one of them (`targets evaluate` judges each).
    if mine is not None:
        own = [r for r in own if r.area in (None, mine)]
        if len(target.areas) > 1:
            shown = specs.areas.labelled(mine) if specs.areas is not None else mine
            how = "" if area is not None else ", the first; --area names another"
            sys.stderr.write(visible(f"{target_id} is for {len(target.areas)} areas: shown for {shown}{how}") + "\n")
    table.print_profile(target, profile_rows(target, own, every.value))
    if batch and batch.rejected:
        for row in batch.rejected:
            sys.stderr.write(visible(f"{row.where}: rejected: {row.reason}") + "\n")
        if not allow_rejected:
            raise typer.Exit(EXIT_USAGE)


def _shown_area(target, given: str | None, areas, where: Path) -> str | None:  # Target, Areas | None
    """The area `targets show` shows a target for: --area (one of the target's own areas, by code or
    name), else its `area`, else the first of its `areas`; None for a target of no area."""
    own = tuple(target.areas) or ((target.area,) if target.area else ())
    if given is None:
        return own[0] if own else None
    if not own:
        raise _fail(Problem(str(where), None, None, "error", "usage",
                            f"`{target.id}` is not for an area (it has no `area` or `areas`): leave out --area"))
    code = areas.code(given) if areas is not None else None
    code = code or given.strip().upper()
    if code in own:
        return code
    listed = ", ".join(areas.labelled(c) if areas is not None else c for c in own[:8]) + (f" and {len(own) - 8} more" if len(own) > 8 else "")
    raise _fail(Problem(str(where), None, None, "error", "usage",
                        f"`{given}` is not one of the areas of `{target.id}`: {listed}"))


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    markdown = "markdown"


@app.command()
@user_errors
def diff(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The git ref to compare with: a branch, tag or commit (HEAD, origin/main, HEAD~1).", show_default=False)],
    targets: TargetsOption = Path("targets"),
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text, json, github (workflow commands) or markdown.")] = DiffFormat.text,
) -> None:
    """Compare the specs at git ref BASE with the working tree: added, removed and changed targets, field by field.

    A moved goalpost fails: changing the baseline, target, trajectory, milestones, limit,
    tolerance, polarity or unit, or the area, areas, comparators, benchmark or derived rank
    (derived, of, among), of a target that was active at BASE without adding a new entry to
    its `revisions`; demoting it to draft, or making a retired target (or one that was in force
    before) active again, without one; editing or deleting an old entry; removing a target that
    was active at BASE (retire it first); adding one under an id used before, without its record. Exit 0 no goalpost problems; 1 goalpost problems;
    2 invalid specs in the working tree, git errors (not a repository, unknown ref), usage errors.
    """
    from engine.diff.compare import compare
    from engine.diff.gitread import base_versions, ids_used_before, locate, resolve_commit, working_versions
    from engine.reports.base import reporter

    location = locate(targets)
    commit = resolve_commit(location, base)
    specs = load_valid_specs(targets)
    from_root = format is DiffFormat.github  # GitHub places annotations by paths from the repository's top
    old, problems = base_versions(location, commit, base, from_root=from_root)
    new = working_versions(location, specs.targets, from_root=from_root, areas=specs.areas)
    at_base = {version.id for version in old}
    used_before = ids_used_before(location, commit, [v.id for v in new if v.id not in at_base])
    result = compare(old, new, base=base, base_commit=commit, problems=problems, used_before=used_before)
    reporter(format.value).diff(result, sys.stdout)
    sys.stdout.flush()
    raise typer.Exit(EXIT_FOUND if result.failed else EXIT_OK)


@app.command()
@user_errors
def report(
    readings: ReadingsArgument,
    targets: TargetsOption = Path("targets"),
    as_of: AsOfOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write; `-` writes the page to standard output.")] = Path("report.html"),
    title: Annotated[Optional[str], typer.Option("--title", help="The page heading. Default: the targets' common source, e.g. `Safe City Partnership Strategy 2014-17: targets report`.", show_default=False)] = None,
    allow_rejected: AllowRejectedOption = False,
    sheet: SheetOption = None,
) -> None:
    """Write a self-contained HTML report for the people who own the targets.

    Status counts by priority, then each target with its status, explanation and a chart of the
    readings against the trajectory. Exit 0 written; 2 invalid specs, an unreadable readings
    file, an unwritable output path, or rejected rows (unless --allow-rejected; the report is
    still written, listing them).
    """
    from engine.sources.specs import display_path
    from engine.reports.outputs import check_output, write_output
    from engine.sources.readings import source_name
    from engine.reports import html

    to_stdout = str(output) == "-"
    if not to_stdout:
        check_output(output, readings, "the report")  # said before the charts are drawn, not after
    as_of_date = _parse_as_of(as_of)
    specs = load_valid_specs(targets)
    target_list = specs.targets
    batch, result = read_and_evaluate(readings, target_list, as_of_date, sheet, specs.areas)
    inputs = html.ReportInputs(title or html.default_title(target_list),
                               tuple(source_name(p) for p in readings), as_of is not None)
    page = html.render(result, batch, inputs, html.draw_chart)  # matplotlib is imported here, not before
    if to_stdout:
        _write(page)
    else:
        # Specs are inputs too: a report must not replace one.
        write_output(output, page, [*readings, *(Path(t.file) for t in target_list)], "the report")
        charts = page.count('<svg class="chart"')
        sys.stderr.write(f"wrote {display_path(output)}: {len(result.results)} targets, {charts} charts\n")
    if batch.rejected and not allow_rejected:
        sys.stderr.write(f"{len(batch.rejected)} row(s) rejected (listed in the report); "
                         "fix them, or pass --allow-rejected to accept the rest\n")
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_OK)


def main() -> None:  # pragma: no cover - `python cli.py`
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
