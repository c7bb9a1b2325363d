"""Tables for people at a terminal (rich). NO_COLOR is honoured by rich itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TextIO

from engine.model.readings import QUALIFIERS, ReadingsBatch
from engine.model.safetext import visible
from engine.model.spec import Target
from engine.reports.base import LISTED, Reporter
from engine.verdicts.evaluation import Evaluation
from engine.verdicts.explain import display_decimals, shown_decimals
from engine.verdicts.statuses import RAG, STATUS_WORDS
from engine.verdicts.wording import describe_goal, describe_point, with_unit

# RAG: green on track, amber at risk, red off track, grey when there is nothing to judge.
STYLE = {"green": "green", "amber": "yellow", "red": "red", "grey": "grey50"}  # the terminal's colours for each group




def _console(out: TextIO | None = None):
    from rich.console import Console

    # User text reaches rich only as Text (never markup: `[/]` in a title would raise, and
    # `[link=...]` make a live link); highlighting off, so no colour is read into it either.
    return Console(highlight=False, file=out)


def _text(text: str, style: str = ""):  # -> rich.text.Text
    """User text for the terminal: escapes for control characters (ESC would reach the terminal), no markup."""
    from rich.text import Text

    return Text(visible(text), style=style)


def print_target_list(targets: Sequence[Target]) -> None:
    from rich.table import Table

    table = Table(title=_text(f"{len(targets)} targets"))
    # Ids whole, never broken across lines: they are what people copy into `targets show`.
    table.add_column("id", no_wrap=True)
    for column in ("title", "priority", "lead", "baseline", "target", "status"):
        table.add_column(column, overflow="fold")
    for t in targets:
        table.add_row(*map(_text, (t.id, t.title, t.priority or "", t.lead or "",
                                   describe_point(t.baseline, t.measure.unit) if t.baseline else "-",
                                   describe_goal(t), t.status)))
    _console().print(table)


def print_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = _console(out)
    as_of = f" as of {evaluation.as_of:%d %b %Y}" if evaluation.as_of else ""
    table = Table(title=_text(f"{len(evaluation.results)} targets{as_of}"), show_lines=True)
    for column in ("target", "status", "latest", "expected", "why"):
        table.add_column(column, overflow="fold")
    for r in evaluation.results:
        status = Text(STATUS_WORDS[r.status], style=STYLE[RAG[r.status]])
        if r.breach:
            status.append("\nBREACH", style="bold red")
        if r.stale:
            status.append("\nstale", style="italic")
        if r.provisional:
            status.append("\nprovisional", style="italic")
        latest = r.latest
        unit = r.target.measure.unit
        decimals = display_decimals(r.target)
        name = _text(r.target.title)
        name.append("\n")
        name.append(_text(r.target.id, "dim"))
        table.add_row(
            name,
            status,
            _text(f"{with_unit(latest.value, unit, decimals=shown_decimals(latest.value, decimals))} ({latest.period.label}"
                  f"{''.join(', ' + QUALIFIERS[q] for q in latest.qualifiers)})" if latest else "-"),
            _text(with_unit(latest.expected, unit, decimals=decimals) if latest and latest.expected is not None else "-"),
            _text(r.explanation),
        )
    console.print(table)
    later = evaluation.after_as_of
    used = f"{batch.count() - later} readings used, {later} after the as-of date (left out)" if later else f"{batch.count()} readings"
    console.print(_text(f"{used}, {len(batch.suppressed)} suppressed, "
                        f"{len(batch.superseded)} superseded, {len(batch.rejected)} rejected"
                        + (f", {len(batch.not_used)} not used (other breakdowns or areas)" if batch.not_used else "")))
    if batch.rejected:
        rejected = Table(title=_text("Rejected rows"), title_style="bold red")
        rejected.add_column("where")
        rejected.add_column("reason", overflow="fold")
        for x in batch.rejected[:LISTED]:
            rejected.add_row(_text(x.where), _text(x.reason))
        if len(batch.rejected) > LISTED:  # a terminal is no place for a million rows
            rejected.add_row(_text("..."), _text(f"and {len(batch.rejected) - LISTED} more: `--format csv` or `json` lists every one"))
        console.print(rejected)


def print_profile(target: Target, rows: Sequence[tuple[str, date, float | None, str, str]]) -> None:
    """rows: (period label, date, expected, reading text, status word)."""
    from rich.table import Table

    unit = target.measure.unit
    decimals = display_decimals(target)
    table = Table(title=_text(f"{target.title} ({target.id})"), caption=_text(describe_goal(target)))
    for column in ("period", "date", "expected", "reading", "status"):
        table.add_column(column)
    for label, on, expected, reading, status in rows:
        table.add_row(*map(_text, (label, on.isoformat(),
                                   "-" if expected is None else with_unit(expected, unit, decimals=decimals),
                                   reading, status)))
    console = _console()
    console.print(table)
    if not rows:
        # Say why the table is empty rather than leave staff guessing.
        why = "it is a draft without a baseline yet" if target.status == "draft" else "it has no baseline"
        console.print(_text(f"No profile to show: {why}, so there is no trajectory. Readings, when given, are listed "
                            "with their status."))


class TableReporter(Reporter):
    """Tables for people at a terminal."""

    name = "table"

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, explain: str = "readings") -> None:
        print_evaluation(evaluation, batch, out)


REPORTER = TableReporter()
