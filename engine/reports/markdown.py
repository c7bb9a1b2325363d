"""Markdown: a summary for a pull-request comment or a CI step summary."""

from __future__ import annotations

from collections import Counter

from typing import TextIO

from engine.model.readings import ReadingsBatch
from engine.model.safetext import markdown_cell, markdown_code
from engine.reports.base import LISTED, Reporter
from engine.model.readings import QUALIFIERS
from engine.verdicts.evaluation import Evaluation, TargetResult
from engine.verdicts.explain import trend_words, with_interval
from engine.verdicts.statuses import ALL_STATUSES, STATUS_WORDS
from engine.verdicts.wording import with_unit




# Every cell of user text (titles, explanations, file names, reasons) is one line of inert text:
# a CR in a title must not end the row and start a heading or an HTML comment that hides the rest.
_cell = markdown_cell


def evaluation(evaluation: Evaluation, batch: ReadingsBatch) -> str:
    counts = Counter(r.status for r in evaluation.results)
    as_of = f" as of {evaluation.as_of:%d %B %Y}" if evaluation.as_of else ""
    lines = [f"## Targets{as_of}", ""]
    if evaluation.as_of:
        lines += [f"As of {evaluation.as_of:%d %B %Y}, {_cell(evaluation.as_of_source)}.", ""]
    lines.append(", ".join(f"**{counts[s]}** {STATUS_WORDS[s]}" for s in ALL_STATUSES if counts[s]) or "No targets.")
    breaches = sum(r.breach for r in evaluation.results)
    stale = sum(r.stale for r in evaluation.results)
    if breaches or stale:
        lines.append(f"\n{breaches} in breach, {stale} stale.")
    lines += ["", "| Target | Status | Latest [interval] | Trend | Explanation |", "| --- | --- | --- | --- | --- |"]
    intervals = False
    for r in evaluation.results:
        flags = (" · **breach**" if r.breach else "") + (" · stale" if r.stale else "") + (" · provisional" if r.provisional else "")
        latest, has_interval = _latest(r)
        intervals = intervals or has_interval
        trend, why_not = trend_words(r.trend) if r.count else ("-", "")
        trend = f"{trend} ({why_not})" if why_not else trend
        lines.append(f"| {_cell(r.target.title)} (`{markdown_code(r.target.id)}`) | {STATUS_WORDS[r.status]}{flags} "
                     f"| {_cell(latest)} | {_cell(trend)} | {_cell(r.explanation)} |")
    if intervals:
        lines += ["", "\\[a–b\\]: the reading's confidence interval, at the level its target asks (95% or 99.8%). "
                      "Trend: over the latest 5 readings, as OHID Fingertips marks a recent trend."]
    if batch.rejected:
        lines += ["", f"### {len(batch.rejected)} rejected row(s)", ""]
        lines += [f"- `{markdown_code(x.where)}`: {_cell(x.reason)}" for x in batch.rejected[:LISTED]]
        if len(batch.rejected) > LISTED:  # a step summary holds 1 MB at most; the JSON and CSV list them all
            lines.append(f"- ... and {len(batch.rejected) - LISTED} more (`--format csv` or `json` lists every one)")
    if evaluation.after_as_of:
        lines += ["", f"{evaluation.after_as_of} reading(s) dated after the as-of date left out."]
    if batch.not_used:
        lines += ["", f"{len(batch.not_used)} row(s) not used (other breakdowns, areas or indicators)."]
    if batch.suppressed or batch.superseded:
        lines += ["", f"{len(batch.suppressed)} suppressed value(s), {len(batch.superseded)} superseded row(s)."]
    return "\n".join(lines) + "\n"


def _latest(result: TargetResult) -> tuple[str, bool]:
    """The latest reading at its sentence's digits, its interval beside it: `92.1% [90.3–93.6] (2015)`."""
    v = result.latest
    if v is None:
        return "-", False
    places = result.judged.words(result.index).reading_decimals(v.value, v.status, v.shortfall, v.tolerance,
                                                               v.breach_reason)
    marks = "".join(", " + QUALIFIERS[q] for q in v.qualifiers)
    shown = with_interval(with_unit(v.value, result.target.measure.unit, decimals=places), v.interval, places)
    return f"{shown} ({v.period.label}{marks})", v.interval is not None


_evaluation = evaluation  # the method below takes the name for its argument


class MarkdownReporter(Reporter):
    """Markdown for a pull-request comment or a CI step summary."""

    name = "markdown"

    def evaluation(self, evaluation: Evaluation, batch: ReadingsBatch, out: TextIO, *, explain: str = "readings") -> None:
        out.write(_evaluation(evaluation, batch))

    def diff(self, result, out: TextIO) -> None:  # result: DiffResult
        from engine.reports import diff_formats

        out.write(diff_formats.markdown(result))


REPORTER = MarkdownReporter()
