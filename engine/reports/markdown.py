"""Markdown: a summary for a pull-request comment or a CI step summary."""

from __future__ import annotations

from collections import Counter

from typing import TextIO

from engine.model.readings import ReadingsBatch
from engine.model.safetext import markdown_cell, markdown_code
from engine.reports.base import LISTED, Reporter
from engine.verdicts.evaluation import Evaluation
from engine.verdicts.statuses import ALL_STATUSES, STATUS_WORDS




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
    lines += ["", "| Target | Status | Explanation |", "| --- | --- | --- |"]
    for r in evaluation.results:
        flags = (" · **breach**" if r.breach else "") + (" · stale" if r.stale else "") + (" · provisional" if r.provisional else "")
        lines.append(f"| {_cell(r.target.title)} (`{markdown_code(r.target.id)}`) | {STATUS_WORDS[r.status]}{flags} | {_cell(r.explanation)} |")
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
