"""The HTML report: one self-contained page for the people who own the targets.

No network requests: the CSS is inline and the charts are inline SVG. Every string that comes
from a spec or a readings file is escaped. Readable without colour: each colour chip sits
beside its status word, and each chart has a title, a description and its numbers in a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape as _escape
from typing import Any

from engine.verdicts.evaluation import Evaluation, TargetResult
from engine.model.readings import ReadingsBatch
from engine.model.spec import Target
from engine.verdicts.explain import compare_line, ordinal, titled, trend_words
from engine.verdicts.statuses import ALL_STATUSES, RAG, STATUS_WORDS, Status
from engine.verdicts.wording import describe_goal, describe_point
from engine.model.safetext import visible
from engine.reports.base import row_counts
from engine.reports.chart import RAG_COLOURS, ChartSeries, chart_series

NO_PRIORITY = "No priority given"


def escape(text: str) -> str:
    """Text for the page: control characters shown as escapes (and so every lone surrogate of a
    name that is not UTF-8, which could not be written at all), then HTML's own escaping."""
    return _escape(visible(text))

BREACH_WORDS = {"limit": "Breach: worse than the limit", "missed": "Breach: target missed"}

CSS = """
:root { --ink: #1d1d1f; --muted: #5b5b60; --rule: #d9d9de; --paper: #ffffff; --tint: #f5f6f8;
        --green: %(green)s; --amber: %(amber)s; --red: %(red)s; --grey: %(grey)s; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--paper); color: var(--ink);
       font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; line-height: 1.2; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.12rem; margin: 0; line-height: 1.3; }
p { margin: .4rem 0; }
.lede { color: var(--muted); margin: 0 0 1rem; }
code { font: .85em ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
table { border-collapse: collapse; width: 100%%; margin: .6rem 0; font-size: .93rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #b0b0b5; }
tfoot td, tfoot th { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: 0; }
.status { display: inline-flex; align-items: center; gap: .4em; font-weight: 700; white-space: nowrap; }
.chip { display: inline-block; width: .95em; height: .95em; border-radius: .2em; flex: none;
        border: 1px solid rgba(0,0,0,.25); }
.rag-green .chip, .chip.rag-green { background: var(--green); }
.rag-amber .chip, .chip.rag-amber { background: var(--amber); }
.rag-red .chip, .chip.rag-red { background: var(--red); }
.rag-grey .chip, .chip.rag-grey { background: var(--grey); }
.flag { display: inline-block; margin-left: .5rem; padding: .05rem .45rem; border-radius: .25rem; font-size: .85rem;
        font-weight: 700; border: 1.5px solid currentColor; }
.flag.breach { color: var(--red); }
.flag.stale, .flag.draft { color: var(--muted); }
.trend { display: inline-block; margin-left: .5rem; font-size: .85rem; color: var(--muted); }
.key { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-size: .9rem; color: var(--muted); margin: .4rem 0 1rem; }
.key .status { font-weight: 400; color: var(--ink); }
article { border: 1px solid var(--rule); border-left: .45rem solid var(--grey); border-radius: .3rem;
          padding: .8rem 1rem .6rem; margin: 0 0 1rem; break-inside: avoid; page-break-inside: avoid; }
article.rag-green { border-left-color: var(--green); }
article.rag-amber { border-left-color: var(--amber); }
article.rag-red { border-left-color: var(--red); }
.head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .3rem 1rem; align-items: baseline; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .05rem .8rem; margin: .5rem 0; font-size: .92rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.why { background: var(--tint); padding: .45rem .65rem; border-radius: .25rem; }
p.compare { margin: .5rem 0 0; font-size: .92rem; }
figure.compare figcaption p.compare { margin: 0; color: var(--ink); }
figure { margin: .6rem 0 0; }
svg.chart { display: block; width: 100%%; height: auto; }
svg.chart * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { font-size: .86rem; color: var(--muted); margin-top: .2rem; }
details { margin: .3rem 0; font-size: .9rem; }
summary { cursor: pointer; color: var(--muted); }
.scroll { overflow-x: auto; }
table.counts thead .status { flex-direction: column; gap: .15em; white-space: normal; text-align: center; }
table.counts th[scope="row"] { min-width: 11rem; }
.lost { border-left: .3rem solid var(--red); padding-left: .7rem; }
a { color: inherit; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) { main { padding: 1rem .6rem; } .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: .3rem; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  details > summary { display: none; }
  a { text-decoration: none; }
}
""" % RAG_COLOURS


@dataclass(frozen=True)
class ReportInputs:
    """What the page says about where its numbers came from."""

    title: str
    readings_files: tuple[str, ...]
    as_of_given: bool  # --as-of was given (else the as-of date is the latest reading's)


def status_html(status: Status) -> str:
    """A colour chip beside the status word: the word carries the meaning, the colour helps."""
    return (f'<span class="status rag-{RAG[status]}"><span class="chip" aria-hidden="true"></span>'
            f"{escape(STATUS_WORDS[status])}</span>")


def priority_of(result: TargetResult) -> str:
    return result.target.priority or NO_PRIORITY


def by_priority(results: Sequence[TargetResult]) -> dict[str, list[TargetResult]]:
    """Results grouped by priority, priorities in the order they first appear."""
    groups: dict[str, list[TargetResult]] = {}
    for result in results:
        groups.setdefault(priority_of(result), []).append(result)
    return groups


def _anchor(prefix: str, text: str) -> str:
    """An id from any text, one to one: lower-case ASCII letters, digits and `-` kept, anything else
    written as `_` and its code point (so `a-b`, `a--b` and `a-b-` stay three anchors)."""
    return prefix + "".join(c if c in _ANCHOR_SAFE else f"_{ord(c):x}_" for c in text)


_ANCHOR_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _priority_anchor(groups: Mapping[str, object], priority: str) -> str:
    """By position: priorities that differ only in case or punctuation, or are not in ASCII, stay apart."""
    return f"priority-{list(groups).index(priority) + 1}"


def _cell(count: int) -> str:
    return '<td class="n zero">0</td>' if count == 0 else f'<td class="n">{count}</td>'


def _counts_table(groups: dict[str, list[TargetResult]]) -> str:
    everything = [r for group in groups.values() for r in group]
    present = [s for s in ALL_STATUSES if any(r.status == s for r in everything)]
    head = "".join(f'<th scope="col" class="n">{status_html(s)}</th>' for s in present)
    rows = []
    for priority, group in groups.items():
        counts = Counter(r.status for r in group)
        cells = "".join(_cell(counts[s]) for s in present)
        rows.append(f'<tr><th scope="row"><a href="#{_priority_anchor(groups, priority)}">{escape(priority)}</a></th>'
                    f"{cells}{_cell(len(group))}{_cell(sum(r.breach for r in group))}{_cell(sum(r.stale for r in group))}</tr>")
    totals = Counter(r.status for r in everything)
    foot = ("<tr><th scope=\"row\">All priorities</th>" + "".join(_cell(totals[s]) for s in present)
            + f"{_cell(len(everything))}{_cell(sum(r.breach for r in everything))}{_cell(sum(r.stale for r in everything))}</tr>")
    return ('<div class="scroll"><table class="counts"><caption class="visually-hidden">Targets by priority and status</caption>'
            f'<thead><tr><th scope="col">Priority</th>{head}<th scope="col" class="n">Targets</th>'
            '<th scope="col" class="n">In breach</th><th scope="col" class="n">Stale</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody><tfoot>{foot}</tfoot></table></div>")


def _key() -> str:
    examples = {"green": ("on_track", "achieved", "improving"), "amber": ("at_risk", "no_change"),
                "red": ("off_track", "missed", "worsening"), "grey": ("no_data", "not_started", "unassessed")}
    items = []
    for rag, statuses in examples.items():
        words = ", ".join(STATUS_WORDS[s] for s in statuses)  # type: ignore[index]
        items.append(f'<span class="status rag-{rag}"><span class="chip" aria-hidden="true"></span>{escape(words)}</span>')
    return '<p class="key" aria-label="Colour key">Colour key: ' + "".join(items) + "</p>"


def _rows_accounted(batch: ReadingsBatch, evaluation: Evaluation) -> str:
    """Every row of the readings files, so nothing is lost from the report."""
    counts = row_counts(evaluation, batch)
    later, used = counts.later, counts.used
    after = f"{later} dated after the as-of date (left out), " if later else ""
    if counts.comparators:
        after += f"{counts.comparators} comparator reading{'s' if counts.comparators != 1 else ''} (other areas, to compare with), "
    if counts.derived:
        after += f"{counts.derived} worked out (derived ranks), "
    text = (f"<p>{used} reading{'s' if used != 1 else ''} used; {after}{len(batch.suppressed)} suppressed, "
            f"{len(batch.superseded)} superseded, {len(batch.rejected)} rejected"
            f"{f', {len(batch.not_used)} not used (other breakdowns or areas)' if batch.not_used else ''}.</p>")
    if batch.rejected:
        text += ('<div class="lost"><p><strong>Rejected rows are not in this report.</strong> '
                 "Fix them in the readings file and run the report again.</p>"
                 + _table(("Where", "Why"), ((_where(x.file, x.line, x.column), escape(x.reason)) for x in batch.rejected[:LISTED]))
                 + _more(batch.rejected)
                 + "</div>")
    if batch.suppressed:
        text += (f"<details><summary>{len(batch.suppressed)} suppressed value(s)</summary>"
                 + _table(("Target", "Period", "Symbol", "Where"),
                          ((escape(x.target), escape(x.period), f"<code>{escape(x.symbol or 'empty')}</code>",
                            _where(x.file, x.line, x.column)) for x in batch.suppressed[:LISTED]))
                 + _more(batch.suppressed) + "</details>")
    if batch.not_used:
        text += (f"<details><summary>{len(batch.not_used)} row(s) not used</summary>"
                 + _table(("Where", "Why"), ((_where(x.file, x.line, x.column), escape(x.reason))
                                             for x in batch.not_used[:LISTED]))
                 + _more(batch.not_used) + "</details>")
    if batch.superseded:
        text += (f"<details><summary>{len(batch.superseded)} superseded row(s)</summary>"
                 + _table(("Target", "Period", "Row", "Replaced by"),
                          ((escape(x.target), escape(x.period), _where(x.file, x.line), _where(x.by_file, x.by_line))
                           for x in batch.superseded[:LISTED]))
                 + _more(batch.superseded) + "</details>")
    return text


def _data_table(series: ChartSeries) -> str:
    if not series.readings:
        return ""
    has_expected = any(r.expected is not None for r in series.readings)
    has_interval = any(r.interval_shown for r in series.readings)
    has_note = any(r.note for r in series.readings)
    has_source = any(r.source for r in series.readings)
    head = ('<th scope="col">Period</th><th scope="col" class="n">Reading</th>'
            + ('<th scope="col" class="n">Interval</th>' if has_interval else "")
            + ('<th scope="col" class="n">Expected</th>' if has_expected else "")
            + '<th scope="col">Status</th>'
            + ('<th scope="col">Note</th>' if has_note else "")
            + ('<th scope="col">Source</th>' if has_source else ""))
    rows = []
    for r in series.readings:
        rows.append(
            f'<tr><th scope="row">{escape(r.period)}</th><td class="n">{escape(r.shown)}</td>'
            + (f'<td class="n">{escape(r.interval_shown)}</td>' if has_interval else "")
            + (f'<td class="n">{escape(r.expected_shown)}</td>' if has_expected else "")
            + f"<td>{status_html(r.status)}{' <strong>breach</strong>' if r.breach else ''}</td>"
            + (f"<td>{escape(r.note or '')}</td>" if has_note else "")
            + (f"<td>{escape(r.source or '')}</td>" if has_source else "")
            + "</tr>")
    return (f"<details><summary>Readings in this chart ({len(series.readings)})</summary>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></details>")


def _target_section(result: TargetResult, draw: Callable[[ChartSeries, str], str] | None) -> str:
    target = result.target
    names = result.judged.areas.names if result.judged.areas is not None else None
    # A target of several areas has a card for each: its anchor names the area too (`@` cannot be in
    # an id; GSS codes are one capital and digits, so lower case keeps them apart).
    anchor = _anchor("target-", target.id + (f"@{target.area.lower()}" if target.areas and target.area else ""))
    flags = ""
    if result.breach:
        flags += f'<span class="flag breach">{escape(BREACH_WORDS.get(result.breach_reason or "", "Breach"))}</span>'
    if result.stale:
        flags += '<span class="flag stale">Stale: no recent reading</span>'
    if target.status != "active":
        flags += f'<span class="flag draft">{escape(target.status.capitalize())} spec</span>'
    facts = [("Lead", target.lead or "not given")]
    if target.partners:
        facts.append(("Partners", ", ".join(target.partners)))
    facts.append(("Measure", target.measure.description))
    if target.baseline is not None:
        facts.append(("Baseline", describe_point(target.baseline, target.measure.unit)))
    facts.append(("Target", describe_goal(target)))
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    parts = [
        f'<article id="{anchor}" class="rag-{RAG[result.status]}" aria-labelledby="{anchor}-h">',
        f'<div class="head"><h3 id="{anchor}-h">{escape(titled(target, names))}</h3><code>{escape(target.id)}</code></div>',
        f"<p>{status_html(result.status)}{flags}{_trend_html(result)}</p>",
        f'<dl class="facts">{facts_html}</dl>',
        f'<p class="why">{escape(_sentence(result.explanation))}</p>',
    ]
    series = chart_series(result)
    if series is not None and draw is not None:
        parts.append(f"<figure>{draw(series, 'chart-' + anchor.removeprefix('target-'))}"
                     f"<figcaption>{escape(series.summary)}</figcaption>{_data_table(series)}</figure>")
    parts.append(_comparison(result, draw, "group-" + anchor.removeprefix("target-"), names))
    parts.append("</article>")
    return "".join(parts)


def _comparison(result: TargetResult, draw: Callable[[Any, str], str] | None, chart_id: str,
                names: Mapping[str, str] | None) -> str:
    """How the area compares with its group (issue 12): the dot plot of the group's values in the
    latest periods, with how we compare in words under it; the words alone for a target with a
    benchmark and no group (or when charts are left out). Empty for a target compared with nothing."""
    from engine.reports.dotplot import group_series

    series = group_series(result)
    if series is not None:
        line = series.line
    else:
        latest = result.latest
        standing = latest.standing if latest is not None else None
        if standing is None:
            return ""
        line = compare_line(result.judged.words(result.index), standing, result.judged.standings.groups[result.index],
                            names, latest.period.label)  # type: ignore[union-attr]
    said = f'<p class="compare">{escape(line)}</p>' if line else ""
    if series is None or draw is None:
        return said
    return (f'<figure class="compare">{draw(series, chart_id)}<figcaption>{said}</figcaption>'
            f"{_group_table(series)}</figure>")


def _group_table(series) -> str:  # series: dotplot.GroupSeries
    """The dot plot's numbers: each period's areas, best first, the own area and the benchmark marked."""
    rows = []
    for strip in reversed(series.strips):  # the latest first, as the plot's top strip
        for m in strip.members:
            place = f" ({ordinal(strip.rank)} of {strip.of})" if m.own and strip.rank else ""
            name = f"<strong>{escape(m.name)}</strong>{escape(place)}" if m.own else escape(m.name)
            rows.append(f'<tr><th scope="row">{escape(strip.period)}</th><td>{name}</td>'
                        f'<td class="n">{escape(m.shown)}</td></tr>')
        if strip.benchmark is not None and series.benchmark:
            rows.append(f'<tr><th scope="row">{escape(strip.period)}</th><td>{escape(series.benchmark)} (benchmark)</td>'
                        f'<td class="n">{escape(strip.benchmark_shown)}</td></tr>')
    count = sum(len(s.members) for s in series.strips)
    return (f"<details><summary>Areas in this chart ({count} readings)</summary><table><thead><tr>"
            '<th scope="col">Period</th><th scope="col">Area</th><th scope="col" class="n">Reading</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></details>")


def _trend_html(result: TargetResult) -> str:
    """The recent trend on the card, in words; why it cannot be calculated as its tooltip."""
    if not result.count:
        return ""
    trend, why_not = trend_words(result.trend)
    if not trend:
        return ""
    title = f' title="{escape(why_not)}"' if why_not else ""
    return f'<span class="trend"{title}>Trend: {escape(trend)}{escape(f" ({why_not})") if why_not else ""}</span>'


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _long_date(on: date) -> str:
    return f"{on.day} {on:%B %Y}"


def render(evaluation: Evaluation, batch: ReadingsBatch, inputs: ReportInputs,
           draw: Callable[[ChartSeries, str], str] | None) -> str:
    """The whole page. draw(series, chart_id) gives a chart's inline <svg>; None leaves charts out."""
    groups = by_priority(evaluation.results)
    if evaluation.as_of is None:
        position = "No readings: every target has no data yet."
    else:
        how = evaluation.as_of_source or ("the date given" if inputs.as_of_given else "the date of the latest reading")
        position = f"Position as of <strong>{_long_date(evaluation.as_of)}</strong> ({escape(how)})."
    files = ", ".join(f"<code>{escape(f)}</code>" for f in inputs.readings_files) or "none"
    n = len(evaluation.results)
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(inputs.title)}</title>",
        f"<style>{CSS}</style>",
        "</head><body><main>",
        f"<header><h1>{escape(inputs.title)}</h1>",
        f'<p class="lede">{position} {n} target{"s" if n != 1 else ""}; readings from {files}.</p></header>',
        '<section aria-labelledby="summary-h"><h2 id="summary-h">Summary by priority</h2>',
        _key(),
        _counts_table(groups) if groups else "<p>No targets.</p>",
        _rows_accounted(batch, evaluation),
        "</section>",
    ]
    for priority, group in groups.items():
        anchor = _priority_anchor(groups, priority)
        out.append(f'<section id="{anchor}" aria-labelledby="{anchor}-h"><h2 id="{anchor}-h">{escape(priority)}</h2>')
        out.extend(_target_section(result, draw) for result in group)
        out.append("</section>")
    out.append("</main></body></html>\n")
    return "\n".join(out)


def default_title(targets: Sequence[Target]) -> str:
    """`<source>: targets report` when every target comes from one strategy, else `Targets report`."""
    sources = {t.source for t in targets}
    if len(sources) == 1 and None not in sources:
        return f"{sources.pop()}: targets report"
    return "Targets report"


def draw_chart(series: Any, chart_id: str) -> str:
    """The matplotlib drawing, imported only when a report is written: a target's trajectory chart
    (a ChartSeries), or the dot plot of its comparators group (a dotplot.GroupSeries)."""
    if isinstance(series, ChartSeries):
        from engine.reports.chart import draw_svg

        return draw_svg(series, chart_id=chart_id)
    from engine.reports.dotplot import draw_group_svg

    return draw_group_svg(series, chart_id=chart_id)


LISTED = 1000  # rows listed one by one in each list of the page; the CSV report lists them all


def _more(rows: Sequence[object]) -> str:
    if len(rows) <= LISTED:
        return ""
    return f"<p>... and {len(rows) - LISTED:,} more: <code>targets evaluate --format csv</code> lists every one.</p>"


def _where(file: str, line: int, column: str | None = None) -> str:
    return f"<code>{escape(file)}:{line}{':' + escape(column) if column else ''}</code>"


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of already-escaped cells under plain headings."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
