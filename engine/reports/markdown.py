"""Markdown: a summary for a pull-request comment or a CI step summary."""

from __future__ import annotations

from collections import Counter

from typing import TextIO

from engine.model.readings import ReadingsBatch
from engine.model.safetext import markdown_cell, markdown_code
from engine.reports.base import LISTED, Reporter, row_counts
from engine.model.readings import QUALIFIERS
from engine.verdicts.evaluation import Evaluation, TargetResult, Verdict
from engine.verdicts.explain import BY_VALUE_MARK, BY_VALUE_NOTE, benchmark_short, rank_short, titled, trend_words, with_interval
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
    latests = [r.latest for r in evaluation.results]
    # Issue 12: a rank and a benchmark column when any target is compared with its group or a benchmark.
    compared = any(v is not None and v.standing is not None for v in latests)
    if compared:
        lines += ["", "| Target | Status | Latest [interval] | Rank | Benchmark | Trend | Explanation |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
    else:
        lines += ["", "| Target | Status | Latest [interval] | Trend | Explanation |", "| --- | --- | --- | --- | --- |"]
    intervals = by_value = False
    for r, v in zip(evaluation.results, latests):
        flags = (" · **breach**" if r.breach else "") + (" · stale" if r.stale else "") + (" · provisional" if r.provisional else "")
        latest, has_interval = _latest(r, v)
        intervals = intervals or has_interval
        trend, why_not = trend_words(r.trend) if r.count else ("-", "")
        trend = f"{trend} ({why_not})" if why_not else trend
        names = r.judged.areas.names if r.judged.areas is not None else None
        standing = ""
        if compared:
            words = r.judged.words(r.index)
            rank = rank_short(v.standing) if v is not None else ""
            benchmark = benchmark_short(words, v.standing, names) if v is not None else ""
            by_value = by_value or benchmark.endswith(BY_VALUE_MARK)
            standing = f"| {_cell(rank or '-')} | {_cell(benchmark or '-')} "
        lines.append(f"| {_cell(titled(r.target, names))} (`{markdown_code(r.target.id)}`) | {STATUS_WORDS[r.status]}{flags} "
                     f"| {_cell(latest)} {standing}| {_cell(trend)} | {_cell(r.explanation)} |")
    if intervals:
        lines += ["", "\\[a–b\\]: the reading's confidence interval, at the level its target asks (95% or 99.8%). "
                      "Trend: over the latest 5 readings, as OHID Fingertips marks a recent trend."]
    if by_value:
        lines += ["", _cell(BY_VALUE_NOTE) + "."]
    if batch.rejected:
        lines += ["", f"### {len(batch.rejected)} rejected row(s)", ""]
        lines += [f"- `{markdown_code(x.where)}`: {_cell(x.reason)}" for x in batch.rejected[:LISTED]]
        if len(batch.rejected) > LISTED:  # a step summary holds 1 MB at most; the JSON and CSV list them all
            lines.append(f"- ... and {len(batch.rejected) - LISTED} more (`--format csv` or `json` lists every one)")
    counts = row_counts(evaluation, batch)
    if counts.later:
        lines += ["", f"{counts.later} reading(s) dated after the as-of date left out."]
    if counts.comparators or counts.derived:
        said = [f"{counts.used} reading(s) used"]
        if counts.comparators:
            said.append(f"{counts.comparators} comparator reading(s) (other areas, to compare with, not judged)")
        if counts.derived:
            said.append(f"{counts.derived} worked out (derived ranks)")
        lines += ["", ", ".join(said) + "."]
    if batch.not_used:
        lines += ["", f"{len(batch.not_used)} row(s) not used (other breakdowns, areas or indicators)."]
    if batch.suppressed or batch.superseded:
        lines += ["", f"{len(batch.suppressed)} suppressed value(s), {len(batch.superseded)} superseded row(s)."]
    return "\n".join(lines) + "\n"


def _latest(result: TargetResult, v: Verdict | None) -> tuple[str, bool]:
    """The latest reading (v) at its sentence's digits, its interval beside it: `92.1% [90.3–93.6] (2015)`."""
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
