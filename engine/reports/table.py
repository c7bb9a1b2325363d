"""Tables for people at a terminal (rich). NO_COLOR is honoured by rich itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TextIO

from engine.model.readings import QUALIFIERS, ReadingsBatch
from engine.model.safetext import visible
from engine.model.spec import Target
from engine.reports.base import LISTED, Reporter, RowCounts, row_counts
from engine.verdicts.evaluation import Evaluation, Verdict
from engine.verdicts.explain import (BY_VALUE_NOTE, benchmark_short, display_decimals, rank_short, titled, trend_words,
                                     with_interval)
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


def print_target_list(targets: Sequence[Target], out: TextIO | None = None) -> None:
    """The targets as a table, as wide as the terminal allows without breaking a word.

    Where the full table (id, title, priority, lead, baseline, target, status) fits without breaking
    words, ids are whole on one line. On a narrower terminal (80 columns) priority and lead are left
    out (the caption says so), the id column is kept narrow by breaking ids after a hyphen (never
    inside a word), and the title, wrapped by words, takes the room, with the baseline and target
    on a line below it.
    """
    from rich.measure import Measurement

    console = _console(out)
    full = _full_list(targets)
    # Measured without the terminal's limit (which a measurement is clipped to): the least width
    # at which no word is broken.
    if Measurement.get(console, console.options.update_width(1_000_000), full).minimum <= console.width:
        console.print(full)
    else:
        console.print(_narrow_list(targets, console.width))


def _baseline_and_target(t: Target) -> tuple[str, str]:
    return (describe_point(t.baseline, t.measure.unit) if t.baseline else "-", describe_goal(t))


def _full_list(targets: Sequence[Target]):  # -> rich.table.Table
    from rich.table import Table

    table = Table(title=_text(f"{len(targets)} targets"))
    # Ids whole, never broken across lines: they are what people copy into `targets show`.
    table.add_column("id", no_wrap=True)
    for column in ("title", "priority", "lead", "baseline", "target", "status"):
        table.add_column(column, overflow="fold")
    for t in targets:
        table.add_row(*map(_text, (t.id, t.title, t.priority or "", t.lead or "", *_baseline_and_target(t), t.status)))
    return table


# The narrow list's id column: a fifth of the terminal, at least 12 and at most 24 characters.
_ID_SHARE, _ID_LEAST, _ID_MOST = 5, 12, 24


def _narrow_list(targets: Sequence[Target], width: int):  # -> rich.table.Table
    from rich.table import Table
    from rich.text import Text

    id_width = min(max((len(t.id) for t in targets), default=2), max(_ID_LEAST, min(_ID_MOST, width // _ID_SHARE)))
    table = Table(title=_text(f"{len(targets)} targets"),
                  caption=_text(f"priority and lead left out to fit {width} columns: widen the terminal to see them"))
    table.add_column("id", width=id_width, overflow="fold")
    table.add_column("title (baseline -> target)", ratio=1)
    table.add_column("status", no_wrap=True)
    for t in targets:
        baseline, target = _baseline_and_target(t)
        title = _text(t.title)
        title.append("\n")
        title.append(_text(f"{baseline} -> {target}" if t.baseline else target, "dim"))
        # Each piece made safe on its own: the line breaks between them are ours, not the user's.
        name = Text("\n").join(_text(piece) for piece in break_after_hyphens(t.id, id_width))
        table.add_row(name, title, _text(t.status))
    return table


def break_after_hyphens(text: str, width: int) -> list[str]:
    """Text as lines of at most `width` characters, broken only after a hyphen (an id's words kept
    whole; a word longer than the width is left for the terminal to fold)."""
    lines: list[str] = []
    line = ""
    for word in text.replace("-", "-\n").split("\n"):
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += word
    lines.append(line)
    return lines




def _title_text(title: str, width: int | None):  # -> rich.text.Text
    """A title for a column `width` wide: a word longer than that broken after its hyphens
    (`Alcohol-` / `specific`), not folded mid-word by the terminal (`Alcohol-spe` / `cific`)."""
    from rich.text import Text

    if not width:
        return _text(title)
    text = Text()
    for k, word in enumerate(title.split(" ")):
        if k:
            text.append(" ")
        if len(word) > width and "-" in word:
            # Each piece made safe on its own: the line breaks between them are ours.
            text.append(Text("\n").join(_text(piece) for piece in break_after_hyphens(word, width)))
        else:
            text.append(_text(word))
    return text


def print_evaluation(evaluation: Evaluation, batch: ReadingsBatch, out: TextIO | None = None) -> None:
    """The evaluation as a table, one row per target (per area for a target of several areas).

    When any target is compared with its group or a benchmark (issue 12), a `rank` and a
    `benchmark` column say how its latest reading stands. Where the table with them does not fit
    the terminal without breaking words (80 columns), they go under the latest reading instead, and
    the caption says so."""
    from rich.measure import Measurement

    console = _console(out)
    results = evaluation.results
    latests = [r.latest for r in results]
    compared = any(v is not None and v.standing is not None for v in latests)
    table = _evaluation_table(evaluation, latests, compared)
    # Measured without the terminal's limit, as the list is: the least width that breaks no word.
    if Measurement.get(console, console.options.update_width(1_000_000), table).minimum > console.width:
        table = _evaluation_table(evaluation, latests, compared, narrow=console.width)
    console.print(table)
    notes = []
    if any(v is not None and v.interval is not None for v in latests):
        notes.append("[a–b]: the reading's confidence interval, at the level its target asks (95% or 99.8%); "
                     "trend: the latest 5 readings, as OHID Fingertips marks a recent trend")
    if any(v is not None and v.standing is not None and v.standing.comparison is not None
           and v.standing.basis != "interval" for v in latests):
        notes.append(BY_VALUE_NOTE)
    for note in notes:
        console.print(_text(note))
    console.print(_text(_footer(row_counts(evaluation, batch), batch)))
    if batch.rejected:
        from rich.table import Table

        rejected = Table(title=_text("Rejected rows"), title_style="bold red")
        rejected.add_column("where")
        rejected.add_column("reason", overflow="fold")
        for x in batch.rejected[:LISTED]:
            rejected.add_row(_text(x.where), _text(x.reason))
        if len(batch.rejected) > LISTED:  # a terminal is no place for a million rows
            rejected.add_row(_text("..."), _text(f"and {len(batch.rejected) - LISTED} more: `--format csv` or `json` lists every one"))
        console.print(rejected)


def _footer(counts: RowCounts, batch: ReadingsBatch) -> str:
    """What became of every row read: `12 readings used, 30 comparator readings, ...`."""
    if counts.later or counts.comparators:
        used = f"{counts.used} readings used"
    else:
        used = f"{counts.used} readings"
    if counts.later:
        used += f", {counts.later} after the as-of date (left out)"
    if counts.comparators:
        used += f", {counts.comparators} comparator readings (other areas, to compare with)"
    if counts.derived:
        used += f", {counts.derived} worked out (derived ranks)"
    return (f"{used}, {len(batch.suppressed)} suppressed, {len(batch.superseded)} superseded, "
            f"{len(batch.rejected)} rejected"
            + (f", {len(batch.not_used)} not used (other breakdowns or areas)" if batch.not_used else ""))


# The narrow evaluation's target column: a seventh of the terminal (11 of 80), at least 8: the other
# five columns need the rest more than the list's do (a word such as `calculated` in each).
_NARROW_TARGET_SHARE, _NARROW_TARGET_LEAST = 7, 8


def _evaluation_table(evaluation: Evaluation, latests: Sequence[Verdict | None], compared: bool, *,
                      narrow: int = 0):  # -> rich.table.Table
    """The table; narrow: the terminal's width, when the table does not fit it without breaking
    words. Then, as in the list, the target column is as wide as its longest word (a seventh of the
    terminal at most) with ids broken only after a hyphen, and the rank and benchmark (when
    compared) go under the latest reading, the caption saying so."""
    from rich.table import Table
    from rich.text import Text

    as_of = f" as of {evaluation.as_of:%d %b %Y}, {evaluation.as_of_source}" if evaluation.as_of else ""
    caption = None
    if compared and narrow:
        caption = _text(f"rank and benchmark shown under the latest reading to fit {narrow} columns: "
                        "widen the terminal to see them in columns of their own")
    table = Table(title=_text(f"{len(evaluation.results)} targets{as_of}"), caption=caption, show_lines=True)
    columns = ["target", "status", "latest [interval]", "expected", "trend", "why"]
    if compared and not narrow:
        columns[4:4] = ["rank", "benchmark"]
    names_of = [r.judged.areas.names if r.judged.areas is not None else None for r in evaluation.results]
    titles = [titled(r.target, names) for r, names in zip(evaluation.results, names_of)]
    target_width = None
    if narrow:
        words = [len(w) for t in titles for w in t.split()] + [len(piece) for r in evaluation.results
                                                              for piece in r.target.id.replace("-", "- ").split()]
        target_width = min(max(words, default=2), max(_NARROW_TARGET_LEAST, min(_ID_MOST, narrow // _NARROW_TARGET_SHARE)))
    rows = []
    for r, latest, names, title in zip(evaluation.results, latests, names_of, titles):
        status = Text(STATUS_WORDS[r.status], style=STYLE[RAG[r.status]])
        if r.breach:
            status.append("\nBREACH", style="bold red")
        if r.stale:
            status.append("\nstale", style="italic")
        if r.provisional:
            status.append("\nprovisional", style="italic")
        unit = r.target.measure.unit
        shown = expected = "-"
        rank = benchmark = ""
        if latest is not None:  # at the digits of its sentence in the `why` column
            words = r.judged.words(r.index)
            places = words.reading_decimals(latest.value, latest.status, latest.shortfall, latest.tolerance,
                                            latest.breach_reason)
            marks = "".join(", " + QUALIFIERS[q] for q in latest.qualifiers)  # `(2014/15, provisional)`
            value = with_interval(with_unit(latest.value, unit, decimals=places), latest.interval, places)
            shown = f"{value} ({latest.period.label}{marks})"
            if latest.expected is not None:
                expected = with_unit(latest.expected, unit, decimals=words.expected_decimals(
                    latest.expected, latest.value, latest.status, latest.shortfall, latest.tolerance))
            rank, benchmark = rank_short(latest.standing), benchmark_short(words, latest.standing, names)
        name = _title_text(title, target_width)
        name.append("\n")
        if target_width:  # each piece made safe on its own: the line breaks between them are ours
            name.append(Text("\n").join(_text(piece, "dim") for piece in break_after_hyphens(r.target.id, target_width)))
        else:
            name.append(_text(r.target.id, "dim"))
        trend, why_not = trend_words(r.trend) if r.count else ("-", "")
        trend_cell = _text(trend)
        if why_not:
            trend_cell.append("\n")
            trend_cell.append(_text(why_not, "dim"))
        latest_cell = _text(shown)
        cells = [name, status, latest_cell, _text(expected), trend_cell, _text(r.explanation)]
        if compared and not narrow:
            cells[4:4] = [_text(rank or "-"), _text(benchmark or "-")]
        elif compared:
            for line in (rank and f"rank {rank}", benchmark):
                if line:
                    latest_cell.append("\n")
                    latest_cell.append(_text(line))
        rows.append(cells)
    latest_width = None
    if narrow:
        # The latest reading's column as wide as its longest word, so that no word of it is broken
        # when the columns are squeezed to fit (`[42.9–69.4` on one line and `]` on the next): rich
        # narrows every column that may wrap alike, and the prose of `why` wraps best.
        latest_width = max(len(word) for text in [columns[2], *(cells[2].plain for cells in rows)] for word in text.split())
    for k, column in enumerate(columns):
        # Text: `[interval]` is words, not markup.
        table.add_column(_text(column), overflow="fold",
                         width=target_width if k == 0 else latest_width if k == 2 else None)
    for cells in rows:
        table.add_row(*cells)
    return table


def _expected_places(expected: float, unit: str, decimals: int) -> int:
    """A rank's expected place between two whole places is shown with a decimal (3.3 on the way
    from 4th to 2nd, not 3: the reading of 3rd would look exactly on the path)."""
    if unit == "rank" and decimals == 0 and abs(expected - round(expected)) > 1e-9:
        return 1
    return decimals


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
                                   "-" if expected is None else with_unit(expected, unit,
                                                                          decimals=_expected_places(expected, unit, decimals)),
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
