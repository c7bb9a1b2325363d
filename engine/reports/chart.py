"""One target's chart for the HTML report: readings against the trajectory.

Two halves: `chart_series` is pure data preparation (what is plotted, in the target's unit);
`draw_svg` draws it with matplotlib as an SVG fragment ready to inline in a page. matplotlib
is imported inside `draw_svg` only, so nothing else in the CLI pays for it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from engine.verdicts.evaluation import TargetResult
from engine.verdicts.paths import Trajectory, trajectory_for
from engine.model.periods import add_months, month_end_of
from engine.model.safetext import visible
from engine.model.spec import Target
from engine.verdicts.explain import display_decimals, shown_decimals
from engine.verdicts.statuses import RAG, STATUS_WORDS, Status
from engine.model.units import is_percent, unit_symbol
from engine.verdicts.wording import describe_goal, with_unit

# Solid colours that read on white and on paper; shapes differ too (RAG_MARKERS), so a chart
# still reads in greyscale or for someone who cannot tell red from green.
RAG_COLOURS: dict[str, str] = {"green": "#1e7b34", "amber": "#e69b00", "red": "#c0271c", "grey": "#7a7a7a"}
RAG_MARKERS: dict[str, str] = {"green": "o", "amber": "^", "red": "s", "grey": "X"}

PATH_COLOUR = "#1f3a5f"
BAND_COLOUR = "#f3c766"
LIMIT_COLOUR = "#a1140b"
# More readings than this and the value labels would overlap: the data table still has them all.
MAX_LABELLED_READINGS = 12


def status_colour(status: Status) -> str:
    return RAG_COLOURS[RAG[status]]


@dataclass(frozen=True)
class PlottedReading:
    period: str
    date: date
    value: float
    shown: str  # the value as people read it: `45.1%`, `812.0 per 100,000`
    short: str  # on the chart, where the axis names the unit: `45.1%`, `812.0`
    expected: float | None
    expected_shown: str
    status: Status
    breach: bool
    note: str | None
    source: str | None


@dataclass(frozen=True)
class PathMark:
    """A point the trajectory is drawn through: the baseline, a milestone or the target."""

    kind: str  # baseline, milestone, target
    period: str
    date: date
    value: float
    short: str


@dataclass(frozen=True)
class ChartSeries:
    target_id: str
    title: str
    unit: str
    unit_label: str  # for the y axis: `percent (lower is better)`
    path_kind: str | None  # linear, compound, step; None without a trajectory
    path: tuple[tuple[date, float], ...]  # expected value at month ends, baseline to target date
    held: tuple[tuple[date, float], ...]  # the target level after the target date, out to the last reading
    band: tuple[tuple[date, float, float], ...]  # (date, low, high): the at-risk band, or no change about the baseline
    band_label: str | None
    baseline_level: float | None  # direction-only targets: the level readings are compared with
    marks: tuple[PathMark, ...]
    readings: tuple[PlottedReading, ...]
    limit: float | None
    limit_shown: str | None
    target_date: date | None
    target_period: str | None
    summary: str  # the chart in one paragraph: its text alternative


def month_ends(start: date, end: date) -> list[date]:
    """start, every month end after it up to end, and end itself."""
    dates = [start]
    current = month_end_of(start)
    while current <= end:
        if current != dates[-1]:
            dates.append(current)
        current = month_end_of(add_months(current, 1))
    if dates[-1] != end:
        dates.append(end)
    return dates


def short_value(value: float, unit: str, decimals: int | None) -> str:
    """A value without the words of its unit (the axis has them), keeping `%` and `£`."""
    prefix, suffix = unit_symbol(unit)
    shown = with_unit(value, "dimensionless", decimals=decimals)
    return f"{prefix}{shown}{'%' if suffix.startswith('%') else ''}"


def unit_label(target: Target) -> str:
    base, _, per = target.measure.unit.partition("/")
    words = {"percent": "percent", "per_100k": "per 100,000", "per_10k": "per 10,000", "per_1000": "per 1,000",
             "count": "number", "dimensionless": "value", "GBP": "£"}.get(base, base)
    if per:
        words += f" a {per}"
    better = "lower" if target.measure.lower_is_better else "higher"
    return f"{words} ({better} is better)"


def _worse_side(expected: float, tolerance: float, lower_is_better: bool) -> tuple[float, float]:
    """The band where a reading is at risk: within tolerance, on the wrong side of the path."""
    return (expected, expected + tolerance) if lower_is_better else (expected - tolerance, expected)


def _path(target: Target, trajectory: Trajectory) -> tuple[tuple[tuple[date, float], ...], tuple[tuple[date, float, float], ...]]:
    dates = sorted(set(month_ends(trajectory.start, trajectory.end)) | {p.date for p in trajectory.points})
    path: list[tuple[date, float]] = []
    band: list[tuple[date, float, float]] = []
    for on in dates:
        expected = trajectory.expected(on)
        assert expected is not None  # every date is on or after the start
        path.append((on, expected))
        tolerance = target.tolerance.at(expected)
        band.append((on, *_worse_side(expected, tolerance, target.measure.lower_is_better)))
    has_band = any(high > low for _, low, high in band)
    return tuple(path), tuple(band) if has_band else ()


def chart_series(result: TargetResult) -> ChartSeries | None:
    """What to plot for one target; None when there is neither a reading nor a trajectory."""
    target = result.target
    trajectory = trajectory_for(target)
    if not result.readings and trajectory is None:
        return None
    unit = target.measure.unit
    decimals = display_decimals(target)

    def shown(value: float, exact: bool = False) -> str:
        return with_unit(value, unit, decimals=None if exact else shown_decimals(value, decimals))

    def short(value: float, exact: bool = False) -> str:
        return short_value(value, unit, None if exact else shown_decimals(value, decimals))

    readings = tuple(
        PlottedReading(
            period=v.period.label, date=v.date, value=v.value, shown=shown(v.value), short=short(v.value),
            expected=v.expected, expected_shown="" if v.expected is None else with_unit(v.expected, unit, decimals=decimals),
            status=v.status, breach=v.breach, note=r.note, source=r.source,
        )
        for v, r in zip(result.verdicts, result.readings, strict=True)
    )
    last_reading = max((r.date for r in readings), default=None)

    path: tuple[tuple[date, float], ...] = ()
    held: tuple[tuple[date, float], ...] = ()
    band: tuple[tuple[date, float, float], ...] = ()
    band_label = None
    marks: list[PathMark] = []
    baseline_level = None
    if trajectory is not None:
        path, band = _path(target, trajectory)
        band_label = "at risk: worse than the path, within tolerance" if band else None
        if last_reading is not None and last_reading > trajectory.end:
            held = ((trajectory.end, path[-1][1]), (last_reading, path[-1][1]))
        kinds = ["baseline"] + ["milestone"] * (len(trajectory.points) - 2) + ["target"]
        # The target level as written, or rounded as the spec writes numbers when it is computed (79.594% -> 79.6%).
        marks = [PathMark(kind, p.period.label, p.date, p.value,
                          short(p.value if kind != "target" else round(p.value, decimals), exact=True))
                 for kind, p in zip(kinds, trajectory.points, strict=True)]
    elif target.baseline is not None:
        # Direction-only: readings are compared with the baseline; within tolerance of it is no change.
        b = target.baseline
        baseline_level = b.value
        marks = [PathMark("baseline", b.period.label, b.date, b.value, short(b.value, exact=True))]
        tolerance = target.tolerance.at(b.value)
        end = max(last_reading or b.date, b.date)
        if tolerance > 0:
            band = ((b.date, b.value - tolerance, b.value + tolerance), (end, b.value - tolerance, b.value + tolerance))
            band_label = "no change: within tolerance of the baseline"
    goal = target.goal
    target_date = goal.period.end if goal is not None else None
    return ChartSeries(
        target_id=target.id, title=target.title, unit=unit, unit_label=unit_label(target),
        path_kind=trajectory.kind if trajectory is not None else None,
        path=path, held=held, band=band, band_label=band_label, baseline_level=baseline_level,
        marks=tuple(marks), readings=readings,
        limit=target.limit, limit_shown=None if target.limit is None else shown(target.limit, exact=True),
        target_date=target_date, target_period=goal.period.label if goal is not None else None,
        summary=_summary(target, trajectory, readings),
    )


def _summary(target: Target, trajectory: Trajectory | None, readings: Sequence[PlottedReading]) -> str:
    """The chart in words, for people who cannot see it (and for anyone who prefers numbers)."""
    unit = target.measure.unit
    parts = []
    if trajectory is not None:
        first, *middle, last = trajectory.points
        text = (f"The {trajectory.kind} trajectory runs from the baseline of {with_unit(first.value, unit)} "
                f"in {first.period.label}")
        for point in middle:
            text += f" through the milestone of {with_unit(point.value, unit)} in {point.period.label}"
        parts.append(text + f" to the target of {describe_goal(target)}.")
    elif target.baseline is not None:
        parts.append(f"No target level: readings are compared with the baseline of "
                     f"{with_unit(target.baseline.value, unit)} in {target.baseline.period.label} "
                     f"({'lower' if target.measure.lower_is_better else 'higher'} is better).")
    if target.tolerance.absolute or target.tolerance.relative:
        parts.append("The shaded band is the tolerance.")
    if target.limit is not None:
        parts.append(f"The limit is {with_unit(target.limit, unit)}.")
    if readings:
        listed = "; ".join(
            f"{r.period} {r.shown}, {STATUS_WORDS[r.status]}{' (breach)' if r.breach else ''}" for r in readings
        )
        count = f"{len(readings)} reading{'s' if len(readings) != 1 else ''}"
        parts.append(f"{count}: {listed}.")
    else:
        parts.append("No readings yet.")
    return " ".join(parts)


# --- drawing (imperative: matplotlib) -----------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def draw_svg(series: ChartSeries, *, chart_id: str) -> str:
    """The chart as an <svg> element for inlining in HTML: no XML prolog, no external references,
    ids prefixed with chart_id (unique in the page), a <title> and <desc>, and width following its box."""
    import io

    import matplotlib
    from matplotlib.figure import Figure  # a bare Figure: no pyplot, no global figure manager

    settings = {
        "svg.fonttype": "none",  # text stays text: smaller, selectable, read by screen readers
        "svg.hashsalt": series.target_id,  # deterministic ids, different for each chart
        "text.parse_math": False,  # a `$` in a label is a pound or dollar, never mathtext
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(8, 3.6), layout="constrained")
        _draw(figure, series)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _inline(buffer.getvalue(), series, chart_id)


def _draw(figure, series: ChartSeries) -> None:  # figure: matplotlib.figure.Figure
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    axes = figure.add_subplot()
    handles: list = []
    if series.band:
        dates, low, high = zip(*series.band)
        handles.append(axes.fill_between(dates, low, high, color=BAND_COLOUR, alpha=0.55, linewidth=0,
                                         step="post" if series.path_kind == "step" else None,
                                         label=series.band_label or "tolerance"))
    if series.path:
        dates, values = zip(*series.path)
        (line,) = axes.plot(dates, values, color=PATH_COLOUR, linewidth=2,
                            drawstyle="steps-post" if series.path_kind == "step" else "default",
                            label=f"trajectory ({series.path_kind})")
        handles.append(line)
    if series.held:
        dates, values = zip(*series.held)
        axes.plot(dates, values, color=PATH_COLOUR, linewidth=1.5, linestyle=(0, (2, 2)))
    if series.baseline_level is not None:
        start = series.marks[0].date  # the baseline
        end = max([start] + [r.date for r in series.readings])
        (line,) = axes.plot([start, end], [series.baseline_level] * 2, color=PATH_COLOUR, linewidth=1.5,
                            linestyle=(0, (5, 3)), label="baseline level")
        handles.append(line)
    for mark in series.marks:
        marker = {"baseline": "o", "milestone": "D", "target": "*"}[mark.kind]
        axes.plot([mark.date], [mark.value], marker=marker, markersize=11 if mark.kind == "target" else 7,
                  markerfacecolor="white", markeredgecolor=PATH_COLOUR, markeredgewidth=1.5, linestyle="none", zorder=4)
        below = mark.kind == "target"
        axes.annotate(f"{mark.kind} {mark.short}", (mark.date, mark.value), textcoords="offset points",
                      xytext=(-4, -15) if below else (6, 7), ha="right" if below else "left", fontsize=8, color=PATH_COLOUR)
    if any(m.kind == "milestone" for m in series.marks):
        handles.append(Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor=PATH_COLOUR,
                              linestyle="none", label="milestone"))
    if series.limit is not None:
        handles.append(axes.axhline(series.limit, color=LIMIT_COLOUR, linewidth=1.5, linestyle=(0, (6, 3)),
                                    label=f"limit {series.limit_shown}"))
    if series.target_date is not None:
        handles.append(axes.axvline(series.target_date, color="#555555", linewidth=1.2, linestyle=":",
                                    label=f"target date ({series.target_period})"))
    seen: dict[str, None] = {}
    for reading in series.readings:
        rag = RAG[reading.status]
        seen.setdefault(reading.status, None)
        axes.plot([reading.date], [reading.value], marker=RAG_MARKERS[rag], markersize=9,
                  markerfacecolor=RAG_COLOURS[rag], markeredgecolor="white" if not reading.breach else "black",
                  markeredgewidth=1.2, linestyle="none", zorder=5)
    if len(series.readings) <= MAX_LABELLED_READINGS:
        for reading in series.readings:
            axes.annotate(reading.short, (reading.date, reading.value), textcoords="offset points", xytext=(7, 4),
                          fontsize=8.5, fontweight="bold", color="#222222", zorder=6)
    if len(series.readings) > 1:
        dates = [r.date for r in series.readings]
        axes.plot(dates, [r.value for r in series.readings], color="#999999", linewidth=0.8, zorder=3)
    for status in seen:
        rag = RAG[status]
        handles.append(Line2D([], [], marker=RAG_MARKERS[rag], markersize=8, markerfacecolor=RAG_COLOURS[rag],
                              markeredgecolor="white", linestyle="none", label=f"reading: {STATUS_WORDS[status]}"))

    _frame(axes, series)
    ticks = period_ticks(series)
    if ticks:  # the periods themselves (2014/15), not calendar years a financial year straddles
        axes.set_xticks([d for d, _ in ticks], [label for _, label in ticks])
    else:
        axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes.xaxis.get_major_locator(), show_offset=False))
    percent = is_percent(series.unit)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}{'%' if percent else ''}"))
    axes.set_ylabel(series.unit_label, fontsize=9)
    axes.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    axes.set_axisbelow(True)
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4), frameon=False, fontsize=8.5)


MAX_PERIOD_TICKS = 10


def period_ticks(series: ChartSeries) -> list[tuple[date, str]]:
    """x-axis ticks at the period ends plotted (baseline, milestones, readings, target), labelled with
    the periods; ticks too close to the one before are left out. Empty when there are too many
    periods to label (monthly readings): the axis then shows calendar dates."""
    labels: dict[date, str] = {}
    for mark in series.marks:
        labels.setdefault(mark.date, mark.period)
    for reading in series.readings:
        labels.setdefault(reading.date, reading.period)
    if series.target_date is not None and series.target_period is not None:
        labels.setdefault(series.target_date, series.target_period)
    if len(labels) > MAX_PERIOD_TICKS:
        return []
    dates = sorted(labels)
    span = (dates[-1] - dates[0]).days or 1
    kept: list[tuple[date, str]] = []
    for on in dates:
        # Room for half of each label: about 1.1% of the axis width per character at this figure size.
        if kept and (on - kept[-1][0]).days < span * 0.011 * (len(kept[-1][1]) + len(labels[on])) / 2:
            continue
        kept.append((on, labels[on]))
    return kept


def _frame(axes, series: ChartSeries) -> None:
    """Axis limits that show every plotted thing with some room, including the labels above points."""
    dates = [d for d, _ in series.path] + [m.date for m in series.marks] + [r.date for r in series.readings]
    if series.target_date is not None:
        dates.append(series.target_date)
    first, last = min(dates), max(dates)
    margin = max(timedelta(days=45), (last - first) * 0.06)
    axes.set_xlim(first - margin, last + margin)
    values = ([v for _, v in series.path] + [m.value for m in series.marks] + [r.value for r in series.readings]
              + [x for _, low, high in series.band for x in (low, high)])
    if series.limit is not None:
        values.append(series.limit)
    low, high = min(values), max(values)
    span = high - low or max(abs(high) * 0.1, 1.0)
    axes.set_ylim(low - span * 0.18, high + span * 0.22)


def _inline(svg: str, series: ChartSeries, chart_id: str) -> str:
    """matplotlib's SVG document made into an element for an HTML page."""
    start = svg.index("<svg")
    svg = svg[start:]  # no XML prolog or DOCTYPE (an HTML parser needs neither)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)  # RDF with URLs: nothing a reader needs
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)  # a global `*` rule; the page's CSS has it
    # Inlined SVGs share the page's id space: matplotlib's ids (axes_1, clip paths) must not collide.
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{chart_id}-{m.group(1)}"', svg)
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    assert view_box is not None, "matplotlib writes a viewBox"
    title = f"Chart: {series.title}, readings against the trajectory" if series.path else f"Chart: {series.title}, readings"
    opening = (f'<svg class="chart" viewBox="{view_box.group(1)}" role="img" '
               f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">'
               f'<title id="{chart_id}-title">{html.escape(visible(title))}</title>'
               f'<desc id="{chart_id}-desc">{html.escape(visible(series.summary))}</desc>')
    return _SVG_OPEN.sub(lambda _: opening, svg, count=1).strip()
