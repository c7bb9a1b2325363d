"""How an area compares with its comparators group, drawn for the HTML report (issue 12).

A dot plot as OHID Fingertips draws its comparisons: one horizontal strip per period (the latest
5 at most, the latest on top), one dot per member area with a value that period, the target's own
area filled and named, the benchmark a labelled vertical tick. Two halves, as chart.py: `group_series`
is pure data preparation (from the standings the evaluation worked out: the reporter never ranks
anything itself); `draw_group_svg` draws it with matplotlib, imported inside the drawing functions only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.model.safetext import visible
from engine.reports.chart import DPI, PATH_COLOUR, _legend, _SVG_OPEN, unit_label
from engine.verdicts.evaluation import TargetResult
from engine.verdicts.explain import area_words, benchmark_label, compare_line, display_decimals, ordinal, titled
from engine.verdicts.wording import on_axis, with_unit

MAX_PERIODS = 5  # the latest periods drawn: more strips would crowd the card
OTHER_COLOUR = "#6b6b70"  # the other members: hollow grey dots
BENCHMARK_COLOUR = "#a1140b"  # the benchmark's tick, in the limit's dark red (a line, not a status)


@dataclass(frozen=True)
class Member:
    """One area of the group with a value that period."""

    area: str  # its code
    name: str  # as areas.yaml names it (user text), or the code
    value: float
    shown: str  # `85.0 per 1,000`, for the table and the description
    short: str  # `85.0`, where the axis names the unit
    own: bool  # the target's own area


@dataclass(frozen=True)
class Strip:
    """One period: its members best first, the own area's rank, and the benchmark's value."""

    period: str
    members: tuple[Member, ...]
    rank: int | None
    of: int | None
    benchmark: float | None
    benchmark_shown: str  # with its unit, or ""
    benchmark_short: str  # `70.0`, or ""


@dataclass(frozen=True)
class GroupSeries:
    target_id: str
    title: str  # the target's title, with its area when it is one of several
    unit: str
    unit_label: str  # the x axis: `per 1,000 (lower is better)`
    group: str  # the comparators group's name
    own: str  # the own area's name
    benchmark: str  # the benchmark's name (`England`, `the group median`), or "" without one
    strips: tuple[Strip, ...]  # oldest first, the latest MAX_PERIODS periods with a group
    summary: str  # the chart in words: its text alternative
    line: str  # how we compare, from the latest reading's standing (explain.compare_line)


def group_series(result: TargetResult) -> GroupSeries | None:
    """What to draw for one target's comparisons; None when it has no comparators group or no
    period in which another member has a value."""
    judged = result.judged
    group = judged.standings.groups[result.index]
    if group is None or not result.count:
        return None
    target = result.target
    unit = target.measure.unit
    names: Mapping[str, str] | None = judged.areas.names if judged.areas is not None else None
    decimals = display_decimals(target)
    batch = judged.batch
    strips: list[Strip] = []
    benchmark = ""
    for i in range(result.start, result.stop):
        rows = judged.standings.group_rows(i)
        if not len(rows):
            continue
        own_row = int(judged.rows[i])
        standing = judged.standing(i)
        members = []
        for row in rows.tolist():
            area, value = batch.areas[batch.area[row]], float(batch.value[row])
            members.append(Member(area, visible(area_words(area, names)), value,
                                  with_unit(value, unit, decimals=decimals), on_axis(value, unit, decimals=decimals),
                                  row == own_row))
        bench = standing.benchmark_value if standing is not None else None
        if standing is not None and standing.benchmark_area is not None:
            benchmark = visible(benchmark_label(standing, names))
        period = batch.periods[batch.period[own_row]].label
        strips.append(Strip(period, tuple(members), standing.rank if standing else None, standing.of if standing else None,
                            bench, "" if bench is None else with_unit(bench, unit, decimals=decimals),
                            "" if bench is None else on_axis(bench, unit, decimals=decimals)))
    if not strips:
        return None
    strips = strips[-MAX_PERIODS:]
    own = visible(area_words(target.area, names)) if target.area else next(
        m.name for m in strips[-1].members if m.own)
    title = visible(titled(target, names))
    latest = result.latest
    line = ""
    if latest is not None and latest.standing is not None:
        line = compare_line(judged.words(result.index), latest.standing, group, names, latest.period.label)
    return GroupSeries(target.id, title, unit, unit_label(target), group, own, benchmark if any(
        s.benchmark is not None for s in strips) else "", tuple(strips), _summary(target.measure.lower_is_better,
                                                                                  group, own, benchmark, strips), line)


def _summary(lower_is_better: bool, group: str, own: str, benchmark: str, strips: list[Strip]) -> str:
    """The dot plot in words, for people who cannot see it."""
    better = "lower" if lower_is_better else "higher"
    count = f"the latest {len(strips)} periods" if len(strips) > 1 else "the latest period"
    parts = [f"{own} among the areas of the group {group} in {count} ({better} is better), best first."]
    for s in strips:
        listed = ", ".join(f"{m.name} {m.shown}" + (f" ({ordinal(s.rank)} of {s.of})" if m.own and s.rank else "")
                           for m in s.members)
        bench = f"; {benchmark} (benchmark) {s.benchmark_shown}" if s.benchmark is not None and benchmark else ""
        parts.append(f"{s.period}: {listed}{bench}.")
    return " ".join(parts)


# --- drawing (imperative: matplotlib) -----------------------------------------------------------

WIDTH = 8.0  # inches, as the trajectory chart
STRIP_HEIGHT = 0.62  # inches a period's strip takes
MARGIN_HEIGHT = 1.25  # inches for the x axis, its label and the legend
OWN_SIZE = 10
OTHER_SIZE = 7
LABEL_FONT = 8.5
TIE_STEP = 0.13  # how far apart, up and down the strip, dots of equal value are drawn
LABEL_RISE = 0.2  # strips are 1 apart: labels sit this far above (the own area) or below (the benchmark)


@dataclass(frozen=True)
class DrawnGroup:
    """A dot plot drawn and laid out (for tests and for draw_group_svg)."""

    figure: Any
    axes: Any
    legend: Any | None
    dots: tuple[tuple[str, str], ...]  # (gid, what the dot is: `Portsmouth 80.0`), one per member a period
    labels: tuple[Any, ...]  # the own area's and the benchmark's labels


def group_figure(series: GroupSeries) -> DrawnGroup:
    import matplotlib

    with matplotlib.rc_context(_SETTINGS | {"svg.hashsalt": "group-" + series.target_id}):
        return _draw(series)


def draw_group_svg(series: GroupSeries, *, chart_id: str) -> str:
    """The dot plot as an <svg> element for inlining: a <title> and <desc>, ids prefixed with
    chart_id, and each dot a group with its own <title> (the area and its value, shown on hover)."""
    import io

    import matplotlib

    with matplotlib.rc_context(_SETTINGS | {"svg.hashsalt": "group-" + series.target_id}):
        drawn = _draw(series)
        buffer = io.StringIO()
        drawn.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _inline(buffer.getvalue(), series, drawn.dots, chart_id)


_SETTINGS = {
    "svg.fonttype": "none",  # text stays text: read by screen readers
    "text.parse_math": False,  # a `$` in an area's name is a dollar, never mathtext
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
}


def _draw(series: GroupSeries) -> DrawnGroup:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    from engine.model.units import is_percent

    n = len(series.strips)
    figure = Figure(figsize=(WIDTH, MARGIN_HEIGHT + STRIP_HEIGHT * n), dpi=DPI, layout="constrained")
    renderer = FigureCanvasAgg(figure).get_renderer()
    axes = figure.add_subplot()
    dots: list[tuple[str, str]] = []
    values: list[float] = []
    for y, strip in enumerate(series.strips):
        axes.axhline(y, color="#e3e3e3", linewidth=0.8, zorder=1)
        lifts = _lifts(strip.members)
        for k, m in enumerate(strip.members):
            gid = f"dot-{y}-{k}"
            (dot,) = axes.plot([m.value], [y + lifts[m]], marker="o", linestyle="none", zorder=4 if m.own else 3,
                               markersize=OWN_SIZE if m.own else OTHER_SIZE,
                               markerfacecolor=PATH_COLOUR if m.own else "white",
                               markeredgecolor=PATH_COLOUR if m.own else OTHER_COLOUR, markeredgewidth=1.3)
            dot.set_gid(gid)
            dots.append((gid, f"{m.name} {m.shown}, {strip.period}" + (" (this area)" if m.own else "")))
            values.append(m.value)
        if strip.benchmark is not None:
            axes.plot([strip.benchmark] * 2, [y - 0.32, y + 0.32], color=BENCHMARK_COLOUR, linewidth=2, zorder=2)
            values.append(strip.benchmark)
    low, high = min(values), max(values)
    span = high - low or max(abs(high) * 0.1, 1.0)
    axes.set_xlim(low - span * 0.08, high + span * 0.08)
    axes.set_ylim(-0.7, n - 0.3)
    axes.set_yticks(range(n), [s.period + (f"\n{ordinal(s.rank)} of {s.of}" if s.rank else "") for s in series.strips])
    axes.tick_params(axis="y", length=0)
    percent = is_percent(series.unit)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}{'%' if percent else ''}"))
    axes.set_xlabel(series.unit_label, fontsize=9)
    handles = [Line2D([], [], marker="o", markersize=OWN_SIZE * 0.8, markerfacecolor=PATH_COLOUR,
                      markeredgecolor=PATH_COLOUR, linestyle="none", label=f"{series.own} (this area)"),
               Line2D([], [], marker="o", markersize=OTHER_SIZE, markerfacecolor="white", markeredgecolor=OTHER_COLOUR,
                      linestyle="none", label=f"the other areas of the group {series.group}")]
    if series.benchmark:
        handles.append(Line2D([], [], marker="|", markersize=12, markeredgewidth=2, color=BENCHMARK_COLOUR,
                              linestyle="none", label=f"benchmark: {series.benchmark}"))
    legend = _legend(figure, handles, renderer)
    figure.get_layout_engine().execute(figure)
    labels = []
    for y, strip in enumerate(series.strips):
        own = next((m for m in strip.members if m.own), None)
        if own is not None:
            labels.append(_label(axes, f"{series.own} {own.short}", own.value, y + LABEL_RISE, "bottom", PATH_COLOUR))
        if strip.benchmark is not None and series.benchmark:
            labels.append(_label(axes, f"{series.benchmark} {strip.benchmark_short}", strip.benchmark, y - LABEL_RISE,
                                 "top", BENCHMARK_COLOUR))
    figure.set_layout_engine("none")  # laid out: keep the labels where they were placed
    return DrawnGroup(figure, axes, legend, tuple(dots), tuple(labels))


def _lifts(members: tuple[Member, ...]) -> dict[Member, float]:
    """How far up (or down) the strip each dot is drawn: areas of equal value side by side, not one
    dot hiding another; the own area on the strip's line, where its label expects it."""
    seen: dict[float, int] = {}
    lifts: dict[Member, float] = {}
    for m in sorted(members, key=lambda m: not m.own):
        ties = seen[m.value] = seen.get(m.value, -1) + 1
        lifts[m] = TIE_STEP * ((ties + 1) // 2) * (1 if ties % 2 else -1)
    return lifts


def _label(axes, text: str, x: float, y: float, va: str, colour: str) -> Any:
    """A label beside a point, kept inside the plot: from its left end near the right edge, from its
    right end near the left edge, centred elsewhere."""
    low, high = axes.get_xlim()
    where = (x - low) / (high - low)
    ha = "right" if where > 0.75 else "left" if where < 0.25 else "center"
    label = axes.text(x, y, text, ha=ha, va=va, fontsize=LABEL_FONT, color=colour, zorder=6,
                      bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    label.set_in_layout(False)
    return label


def _inline(svg: str, series: GroupSeries, dots: tuple[tuple[str, str], ...], chart_id: str) -> str:
    """matplotlib's SVG document made into an element for the page (as chart._inline), each dot's
    group given a <title> naming its area and value."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    what = dict(dots)

    def titled_dot(match: re.Match[str]) -> str:
        opening, gid = match.group(0), match.group(1)
        return f"{opening}<title>{html.escape(visible(what[gid]))}</title>" if gid in what else opening

    svg = re.sub(r'<g id="([^"]+)"[^>]*>', titled_dot, svg)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{chart_id}-{m.group(1)}"', svg)
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    assert view_box is not None, "matplotlib writes a viewBox"
    title = f"Chart: {series.title}, {series.own} among the group {series.group}"
    opening = (f'<svg class="chart dotplot" viewBox="{view_box.group(1)}" role="img" '
               f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">'
               f'<title id="{chart_id}-title">{html.escape(visible(title))}</title>'
               f'<desc id="{chart_id}-desc">{html.escape(visible(series.summary))}</desc>')
    return _SVG_OPEN.sub(lambda _: opening, svg, count=1).strip()

