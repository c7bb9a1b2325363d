"""One target's chart for the HTML report: readings against the trajectory.

Two halves: `chart_series` is pure data preparation (what is plotted, in the target's unit);
`draw_svg` draws it with matplotlib as an SVG fragment ready to inline in a page. matplotlib
is imported inside the drawing functions only, so nothing else in the CLI pays for it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.verdicts.evaluation import TargetResult
from engine.verdicts.paths import Trajectory, trajectory_for
from engine.model.periods import Period, add_months, month_end_of
from engine.model.safetext import visible
from engine.model.spec import Target
from engine.verdicts.explain import display_decimals, interval_range, titled
from engine.verdicts.statuses import RAG, STATUS_WORDS, Status
from engine.model.units import is_percent
from engine.verdicts.wording import describe_goal, on_axis, with_unit

# Solid colours that read on white and on paper; shapes differ too (RAG_MARKERS), so a chart
# still reads in greyscale or for someone who cannot tell red from green.
RAG_COLOURS: dict[str, str] = {"green": "#1e7b34", "amber": "#e69b00", "red": "#c0271c", "grey": "#7a7a7a"}
RAG_MARKERS: dict[str, str] = {"green": "o", "amber": "^", "red": "s", "grey": "X"}

PATH_COLOUR = "#1f3a5f"
BAND_COLOUR = "#f3c766"
LIMIT_COLOUR = "#a1140b"
INTERVAL_COLOUR = "#444444"
PROJECTION_COLOUR = "#6a3d9a"  # purple: apart from the path's blue and the statuses' colours
# More readings than this and only the latest is labelled (the others would crowd it): the data
# table under the chart has them all.
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
    joined: bool  # the line comes to it from the reading before: no period is missing between them
    lower: float | None = None  # its confidence interval, drawn as a whisker; None: it has none
    upper: float | None = None
    interval_shown: str = ""  # `90.3–93.6 (95%)`, at the reading's digits


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
    # Where the pace since the baseline leads (engine/stats/projection.py): from the latest reading
    # to the target date, drawn dashed; empty when there is no projected value to draw.
    projection: tuple[tuple[date, float], ...] = ()
    projection_short: str = ""  # its value on the chart: `projected 38.1%`


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


def unit_label(target: Target) -> str:
    base, _, per = target.measure.unit.partition("/")
    words = {"percent": "percent", "per_100k": "per 100,000", "per_10k": "per 10,000", "per_1000": "per 1,000",
             "count": "number", "dimensionless": "value", "GBP": "£"}.get(base, base)
    if per:
        words += f" a {per}"
    better = "lower" if target.measure.lower_is_better else "higher"
    if base == RANK:
        words += ", 1 at the top"  # a league table's way up: the axis is turned over (_frame)
    return f"{words} ({better} is better)"


RANK = "rank"  # the unit whose axis runs from 1 at the top, in whole numbers


def _worse_side(expected: float, tolerance: float, lower_is_better: bool) -> tuple[float, float]:
    """The band where a reading is at risk: within tolerance, on the wrong side of the path."""
    return (expected, expected + tolerance) if lower_is_better else (expected - tolerance, expected)


def _path(target: Target, trajectory: Trajectory) -> tuple[tuple[tuple[date, float], ...], tuple[tuple[date, float, float], ...]]:
    drawn = set(month_ends(trajectory.start, trajectory.end)) | {p.date for p in trajectory.points}
    if trajectory.kind == "step":  # it changes level where each point's period begins
        drawn |= {date.fromordinal(d) for d in trajectory.starts}
    dates = sorted(drawn)
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
    # The sentences' own wording decides how finely a reading is shown, so that a chart's label,
    # the table under it and the sentence above it give the same digits.
    words = result.judged.words(result.index)

    plotted: list[PlottedReading] = []
    before: Period | None = None
    for v, r in zip(result.verdicts, result.readings, strict=True):
        places = words.reading_decimals(v.value, v.status, v.shortfall, v.tolerance, v.breach_reason)
        iv = v.interval
        plotted.append(PlottedReading(
            period=v.period.label, date=v.date, value=v.value, shown=with_unit(v.value, unit, decimals=places),
            short=on_axis(v.value, unit, decimals=places),
            expected=v.expected, expected_shown="" if v.expected is None else with_unit(
                v.expected, unit, decimals=words.expected_decimals(v.expected, v.value, v.status, v.shortfall, v.tolerance)),
            status=v.status, breach=v.breach, note=r.note, source=r.source,
            joined=before is not None and follows_on(before, v.period, target.measure.frequency),
            lower=None if iv is None else iv.lower, upper=None if iv is None else iv.upper,
            interval_shown="" if iv is None else f"{interval_range(iv, places)} ({iv.confidence:g}%)",
        ))
        before = v.period
    readings = tuple(plotted)
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
                          on_axis(p.value if kind != "target" else round(p.value, decimals), unit))
                 for kind, p in zip(kinds, trajectory.points, strict=True)]
    elif target.baseline is not None:
        # Direction-only: readings are compared with the baseline; within tolerance of it is no change.
        b = target.baseline
        baseline_level = b.value
        marks = [PathMark("baseline", b.period.label, b.date, b.value, on_axis(b.value, unit))]
        tolerance = target.tolerance.at(b.value)
        end = max(last_reading or b.date, b.date)
        if tolerance > 0:
            band = ((b.date, b.value - tolerance, b.value + tolerance), (end, b.value - tolerance, b.value + tolerance))
            band_label = "no change: within tolerance of the baseline"
    goal = target.goal
    target_date = goal.period.end if goal is not None else None
    projection: tuple[tuple[date, float], ...] = ()
    projection_short = ""
    ahead = result.projection
    if (ahead is not None and ahead.value is not None and target_date is not None and readings
            and readings[-1].date < target_date):
        projection = ((readings[-1].date, readings[-1].value), (target_date, ahead.value))
        projection_short = "projected " + on_axis(ahead.value, unit, decimals=decimals)
    names = result.judged.areas.names if result.judged.areas is not None else None
    return ChartSeries(
        target_id=target.id, title=titled(target, names), unit=unit, unit_label=unit_label(target),
        path_kind=trajectory.kind if trajectory is not None else None,
        path=path, held=held, band=band, band_label=band_label, baseline_level=baseline_level,
        marks=tuple(marks), readings=readings,
        limit=target.limit, limit_shown=None if target.limit is None else with_unit(target.limit, unit),
        target_date=target_date, target_period=goal.period.label if goal is not None else None,
        summary=_summary(target, trajectory, readings, projection_short),
        projection=projection, projection_short=projection_short,
    )


# A measure's period in months: readings of single days (a count on a date) follow on when they
# are at most one and a half of these apart.
FREQUENCY_MONTHS = {"annual": 12, "quarterly": 3, "monthly": 1}
AVERAGE_MONTH_DAYS = 365.2425 / 12


def follows_on(before: Period, after: Period, frequency: str | None) -> bool:
    """Whether the line joins two readings in date order: no period is missing between them.

    A period follows on when it starts by the day after the one before ends (2014/15 Q4, then
    2015/16 Q1; or a year, then a quarter inside it). Single days (snapshots) follow on within one
    and a half of the measure's periods; without a frequency nothing tells a gap, so they are joined."""
    if after.start <= before.end + timedelta(days=1):
        return True
    if before.kind == "day" and after.kind == "day":
        months = FREQUENCY_MONTHS.get(frequency or "")
        return months is None or (after.end - before.end).days <= 1.5 * months * AVERAGE_MONTH_DAYS
    return False


def _summary(target: Target, trajectory: Trajectory | None, readings: Sequence[PlottedReading],
             projection: str = "") -> str:
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
            f"{r.period} {r.shown}{f' (interval {r.interval_shown})' if r.interval_shown else ''}, "
            f"{STATUS_WORDS[r.status]}{' (breach)' if r.breach else ''}" for r in readings
        )
        count = f"{len(readings)} reading{'s' if len(readings) != 1 else ''}"
        parts.append(f"{count}: {listed}.")
    else:
        parts.append("No readings yet.")
    if projection:
        parts.append(f"The dashed line from the latest reading is the pace since the baseline carried on to the "
                     f"target date: {projection}.")
    return " ".join(parts)


# --- which periods the x axis names (pure) -----------------------------------------------------

# Ticks in the order they are kept when there is no room for all: the target period first, then
# the latest reading, the baseline, the milestones, then the other readings.
TARGET_TICK, LATEST_TICK, BASELINE_TICK, MILESTONE_TICK, READING_TICK = range(5)
# Steps between labelled readings, in months: each period, or every 2nd month, quarter, half year,
# year, 2 years ... so that the labels keep a rhythm a reader can count on.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120, 240, 600, 1200)


@dataclass(frozen=True)
class PeriodTick:
    date: date
    label: str
    rank: int  # TARGET_TICK .. READING_TICK: the lower, the sooner it is kept


def tick_candidates(series: ChartSeries) -> list[PeriodTick]:
    """Every period end the chart could name on its x axis, one per date, with how much it matters:
    the periods themselves (2014/15, 2015/16 Q3), not calendar years a financial year straddles."""
    ticks: dict[date, PeriodTick] = {}

    def offer(on: date, label: str, rank: int) -> None:
        if on not in ticks or rank < ticks[on].rank:
            ticks[on] = PeriodTick(on, label, rank)

    if series.target_date is not None and series.target_period is not None:
        offer(series.target_date, series.target_period, TARGET_TICK)
    for mark in series.marks:
        offer(mark.date, mark.period, {"baseline": BASELINE_TICK, "milestone": MILESTONE_TICK}.get(mark.kind, TARGET_TICK))
    for reading in series.readings:
        offer(reading.date, reading.period, READING_TICK)
    if series.readings:
        latest = max(series.readings, key=lambda r: r.date)
        if ticks[latest.date].rank > LATEST_TICK:
            offer(latest.date, ticks[latest.date].label, LATEST_TICK)
    return sorted(ticks.values(), key=lambda t: t.date)


def _month(on: date) -> int:
    return on.year * 12 + on.month - 1


def choose_ticks(candidates: Sequence[PeriodTick], room: Callable[[PeriodTick], float]) -> list[PeriodTick]:
    """The ticks to label, no two labels overlapping: room(tick) is the width its label needs on the
    axis, in days (the text and a gap after it). The ticks that matter most are kept first; the
    other readings are labelled at the shortest steady step that fits (every period, every 2nd,
    every year ...), counted back from the latest reading."""

    def clash(a: PeriodTick, b: PeriodTick) -> bool:
        return abs((a.date - b.date).days) < (room(a) + room(b)) / 2

    ordered = sorted(candidates, key=lambda t: t.date)
    if not ordered:
        return []
    anchor = _month(min(ordered, key=lambda t: (t.rank != LATEST_TICK, -t.date.toordinal())).date)
    others = [t for t in ordered if t.rank == READING_TICK]
    regular: list[PeriodTick] = []
    if not any(clash(a, b) for a, b in zip(others, others[1:])):
        regular = others  # room for every one
    else:
        for step in TICK_STEPS:
            regular = [t for t in others if (anchor - _month(t.date)) % step == 0]
            if not any(clash(a, b) for a, b in zip(regular, regular[1:])):
                break
        else:
            # No steady step fits (readings days apart in one month): the latest first, then
            # whichever others the pass below finds room for, so some reading is always named.
            regular = others
    kept: list[PeriodTick] = []
    for tick in sorted((t for t in ordered if t.rank != READING_TICK), key=lambda t: (t.rank, t.date)) + regular[::-1]:
        if not any(clash(tick, other) for other in kept):
            kept.append(tick)
    return sorted(kept, key=lambda t: t.date)


# --- drawing (imperative: matplotlib) -----------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")

FIGURE_SIZE = (8.0, 3.6)  # inches: the chart fills the page's width, so its text reads at about body size
MIN_PLOT_HEIGHT = 2.1  # inches: a legend that needs more rows makes the figure taller, not the plot flatter
DPI = 72  # one pixel a point, as the SVG is written: the layout is measured as it will be drawn
TICK_GAP = 9  # points between two tick labels
LABEL_PAD = 1.5  # points around a value label, kept clear of other labels and markers
LEGEND_FONT = 8.5

# Where a label may go beside its point, in points from it: close by, then further off.
_BESIDE = {
    "above right": (6, 5, "left", "bottom"), "below right": (6, -5, "left", "top"),
    "above left": (-6, 5, "right", "bottom"), "below left": (-6, -5, "right", "top"),
    "above": (0, 8, "center", "bottom"), "below": (0, -8, "center", "top"),
    "right": (8, 0, "left", "center"), "left": (-8, 0, "right", "center"),
    "high right": (6, 16, "left", "bottom"), "low right": (6, -16, "left", "top"),
    "high left": (-6, 16, "right", "bottom"), "low left": (-6, -16, "right", "top"),
    "high": (0, 18, "center", "bottom"), "low": (0, -18, "center", "top"),
    # A third ring, for crowded corners (milestones in adjacent quarters with a reading on one).
    "higher right": (6, 28, "left", "bottom"), "lower right": (6, -28, "left", "top"),
    "higher left": (-6, 28, "right", "bottom"), "lower left": (-6, -28, "right", "top"),
    "higher": (0, 30, "center", "bottom"), "lower": (0, -30, "center", "top"),
}
_FURTHER = ("high right", "low right", "high left", "low left", "high", "low",
            "higher right", "lower right", "higher left", "lower left", "higher", "lower")
_MARK_SPOTS = ("above right", "below right", "above left", "below left", "above", "below", "right", "left") + _FURTHER
_TARGET_SPOTS = ("below left", "above left", "below right", "above right", "below", "above", "left", "right") + _FURTHER
_READING_SPOTS = ("above right", "below right", "above left", "below left", "right", "left", "above", "below") + _FURTHER


@dataclass(frozen=True)
class DrawnChart:
    """A chart drawn and laid out, with the parts its layout rules are about (matplotlib objects)."""

    figure: Any
    axes: Any
    legend: Any | None
    readings_line: Any | None  # the thin line through the readings, broken where a period is missing
    mark_labels: tuple[Any, ...]  # baseline, milestones, target: always labelled
    value_labels: tuple[Any, ...]  # readings' values: those that fit, the latest first
    projection_label: Any | None = None  # the projected value at the target date, when projected


@contextmanager
def _style(series: ChartSeries) -> Iterator[None]:
    import matplotlib

    settings = {
        "svg.fonttype": "none",  # text stays text: smaller, selectable, read by screen readers
        "svg.hashsalt": series.target_id,  # deterministic ids, different for each chart
        "text.parse_math": False,  # a `$` in a label is a pound or dollar, never mathtext
        "font.family": "sans-serif",  # DejaVu Sans, which matplotlib measures with, then wider-or-alike fonts
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(settings):
        yield


def chart_figure(series: ChartSeries) -> DrawnChart:
    """The chart drawn and laid out (for tests and for draw_svg)."""
    with _style(series):
        return _draw(series)


def draw_svg(series: ChartSeries, *, chart_id: str) -> str:
    """The chart as an <svg> element for inlining in HTML: no XML prolog, no external references,
    ids prefixed with chart_id (unique in the page), a <title> and <desc>, and width following its box."""
    import io

    with _style(series):
        drawn = _draw(series)
        buffer = io.StringIO()
        drawn.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _inline(buffer.getvalue(), series, chart_id)


def _draw(series: ChartSeries) -> DrawnChart:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure  # a bare Figure: no pyplot, no global figure manager
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
    renderer = FigureCanvasAgg(figure).get_renderer()  # measures text as it will be laid out
    axes = figure.add_subplot()
    handles, readings_line = _plot(axes, series)
    _frame(axes, series)
    percent = is_percent(series.unit)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}{'%' if percent else ''}"))
    axes.set_ylabel(series.unit_label, fontsize=9)
    axes.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    axes.set_axisbelow(True)
    legend = _legend(figure, handles, renderer)
    _lay_out(figure, axes, series, renderer)
    mark_labels, value_labels, projection_label = _label_points(axes, series)
    figure.set_layout_engine("none")  # laid out: the labels were placed in these pixels, keep them
    return DrawnChart(figure, axes, legend, readings_line, mark_labels, value_labels, projection_label)


def _plot(axes, series: ChartSeries) -> tuple[list, Any]:
    """Everything but the labels; returns the legend's handles and the line through the readings."""
    from matplotlib.lines import Line2D

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
        axes.plot([mark.date], [mark.value], marker=marker, markersize=_mark_size(mark),
                  markerfacecolor="white", markeredgecolor=PATH_COLOUR, markeredgewidth=1.5, linestyle="none", zorder=4)
    if any(m.kind == "milestone" for m in series.marks):
        handles.append(Line2D([], [], marker="D", markerfacecolor="white", markeredgecolor=PATH_COLOUR,
                              linestyle="none", label="milestone"))
    if series.limit is not None:
        handles.append(axes.axhline(series.limit, color=LIMIT_COLOUR, linewidth=1.5, linestyle=(0, (6, 3)),
                                    label=f"limit {series.limit_shown}"))
    if series.target_date is not None:
        handles.append(axes.axvline(series.target_date, color="#555555", linewidth=1.2, linestyle=":",
                                    label=f"target date ({series.target_period})"))
    if series.projection:
        dates, values = zip(*series.projection)
        (line,) = axes.plot(dates, values, color=PROJECTION_COLOUR, linewidth=1.5, linestyle=(0, (4, 3)), zorder=3,
                            marker="", label="projection: the pace since the baseline")
        axes.plot([dates[-1]], [values[-1]], marker="o", markersize=PROJECTION_MARKER_SIZE, markerfacecolor="white",
                  markeredgecolor=PROJECTION_COLOUR, markeredgewidth=1.5, linestyle="none", zorder=4)
        handles.append(line)
    whiskers = [r for r in series.readings if r.lower is not None and r.upper is not None]
    if whiskers:
        # Each reading's confidence interval, a whisker with caps, under its marker.
        bars = axes.errorbar([r.date for r in whiskers], [r.value for r in whiskers],
                             yerr=[[max(r.value - r.lower, 0.0) for r in whiskers],  # type: ignore[operator]
                                   [max(r.upper - r.value, 0.0) for r in whiskers]],  # type: ignore[operator]
                             fmt="none", ecolor=INTERVAL_COLOUR, elinewidth=1.1, capsize=WHISKER_CAP, zorder=4,
                             label="confidence interval")
        handles.append(bars)
    seen: dict[str, None] = {}
    for reading in series.readings:
        rag = RAG[reading.status]
        seen.setdefault(reading.status, None)
        axes.plot([reading.date], [reading.value], marker=RAG_MARKERS[rag], markersize=READING_MARKER_SIZE,
                  markerfacecolor=RAG_COLOURS[rag], markeredgecolor="white" if not reading.breach else "black",
                  markeredgewidth=1.2, linestyle="none", zorder=5)
    readings_line = None
    if len(series.readings) > 1:
        # A missing period is a gap in the line (NaN breaks it), not a line drawn across it.
        on: list[date] = []
        at: list[float] = []
        for reading in series.readings:
            if on and not reading.joined:
                on.append(reading.date)
                at.append(float("nan"))
            on.append(reading.date)
            at.append(reading.value)
        (readings_line,) = axes.plot(on, at, color="#999999", linewidth=0.8, zorder=3)
    for status in seen:
        rag = RAG[status]
        handles.append(Line2D([], [], marker=RAG_MARKERS[rag], markersize=8, markerfacecolor=RAG_COLOURS[rag],
                              markeredgecolor="white", linestyle="none", label=f"reading: {STATUS_WORDS[status]}"))
    return handles, readings_line


READING_MARKER_SIZE = 9
PROJECTION_MARKER_SIZE = 7
WHISKER_CAP = 3  # points each side of a whisker's end


def _mark_size(mark: PathMark) -> float:
    return 11 if mark.kind == "target" else 7


def _legend(figure, handles: list, renderer):
    """The legend below the plot, in as many columns as fit the figure's width: never cut off."""
    if not handles:
        return None
    room = figure.bbox.width - 2 * LEGEND_FONT  # a margin for fonts a little wider than the one measured
    for columns in range(min(len(handles), 4), 0, -1):
        legend = figure.legend(handles=handles, loc="outside lower center", ncol=columns, frameon=False,
                               fontsize=LEGEND_FONT)
        if legend.get_window_extent(renderer).width <= room or columns == 1:
            return legend
        legend.remove()
    raise AssertionError("unreachable: one column always returns")


def _lay_out(figure, axes, series: ChartSeries, renderer) -> None:
    """Lay the figure out with x ticks at the periods plotted: as many as fit without their labels
    overlapping or running past the plot's ends (into the y axis's labels), each label measured in
    the font it is drawn in. A legend of many rows makes the figure taller, not the plot flatter."""
    from matplotlib.font_manager import FontProperties

    candidates = tick_candidates(series)
    # Every period plotted has a small tick, so a reader can count the periods between two labels.
    axes.set_xticks([t.date for t in candidates], minor=True)
    font = FontProperties(size=axes.xaxis.get_major_ticks()[0].label1.get_fontsize())
    width = {t: renderer.get_text_width_height_descent(t.label, font, ismath=False)[0] for t in candidates}
    gap = TICK_GAP * DPI / 72

    def choose(plot_width: float) -> list[PeriodTick]:
        low, high = axes.get_xlim()
        days_per_pixel = (high - low) / plot_width
        return choose_ticks(candidates, lambda t: (width[t] + gap) * days_per_pixel)

    chosen = choose(figure.bbox.width * 0.85)  # a first guess at the plot's width; the layout tells
    axes.set_xticks([t.date for t in chosen], [t.label for t in chosen])
    lay_out = figure.get_layout_engine().execute  # the layout alone, without drawing everything
    for _ in range(6):
        lay_out(figure)
        short = MIN_PLOT_HEIGHT * DPI - axes.bbox.height
        if short > 0.5:
            figure.set_figheight(figure.get_figheight() + short / DPI)
            continue
        again = choose(axes.bbox.width)
        if again != chosen:
            chosen = again
            axes.set_xticks([t.date for t in chosen], [t.label for t in chosen])
            continue
        boxes = [label.get_window_extent() for label in axes.get_xticklabels()]
        before = axes.bbox.x0 - min(b.x0 for b in boxes)
        after = max(b.x1 for b in boxes) - axes.bbox.x1
        if before <= 0 and after <= 0:
            return
        # A label at either end runs past the plot: widen the axis by that much (and a gap).
        low, high = axes.get_xlim()
        days_per_pixel = (high - low) / axes.bbox.width
        axes.set_xlim(low - (before + gap) * days_per_pixel if before > 0 else low,
                      high + (after + gap) * days_per_pixel if after > 0 else high)
    lay_out(figure)


def _label_points(axes, series: ChartSeries) -> tuple[tuple[Any, ...], tuple[Any, ...], Any | None]:
    """Once the layout is final, the labels in its pixels: the latest reading's value, the baseline,
    milestone and target, then the other readings' values (the latest first), each beside its point
    where it overlaps no other label and no marker and stays inside the plot. A reading's value with
    no such place is left out (the table under the chart has every one)."""
    from matplotlib.transforms import Bbox

    plot = axes.bbox
    to_pixels = axes.transData.transform

    def marker_box(on: date, value: float, size: float) -> Any:
        x, y = to_pixels((_date_number(on), value))
        half = size * DPI / 72 / 2 + LABEL_PAD
        return Bbox.from_extents(x - half, y - half, x + half, y + half)

    def whisker_box(r: PlottedReading) -> Any:
        x, low = to_pixels((_date_number(r.date), r.lower))
        _, high = to_pixels((_date_number(r.date), r.upper))
        half = WHISKER_CAP * DPI / 72 + LABEL_PAD
        return Bbox.from_extents(x - half, min(low, high) - LABEL_PAD, x + half, max(low, high) + LABEL_PAD)

    markers = ([marker_box(m.date, m.value, _mark_size(m)) for m in series.marks]
               + [marker_box(r.date, r.value, READING_MARKER_SIZE) for r in series.readings]
               + [whisker_box(r) for r in series.readings if r.lower is not None and r.upper is not None])
    if series.projection:
        markers.append(marker_box(*series.projection[-1], PROJECTION_MARKER_SIZE))
    taken: list[Any] = []

    def place(text: str, on: date, value: float, spots: Sequence[str], style: dict, must: bool) -> Any | None:
        label = axes.annotate(text, (on, value), xytext=_BESIDE[spots[0]][:2], textcoords="offset points",
                              annotation_clip=False,
                              bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                    "alpha": 0.8}, **style)
        label.set_in_layout(False)  # placed inside the plot, after the layout
        best: tuple[float, str] | None = None
        for spot in spots:
            box = _try(label, spot)
            if not _inside(box, plot):
                continue
            # Covering another label is far worse than covering a marker (its colour still shows).
            overlap = 100 * sum(_overlap(box, other) for other in taken) + sum(_overlap(box, m) for m in markers)
            if overlap == 0:
                taken.append(box)
                return label
            if best is None or overlap < best[0]:
                best = (overlap, spot)
        if not must:
            label.remove()
            return None
        # The path's own points are always named: where they cannot be clear, as clear as can be.
        taken.append(_try(label, best[1] if best is not None else spots[0]))
        return label

    value_style = {"fontsize": 8.5, "fontweight": "bold", "color": "#222222", "zorder": 7}
    latest_first = sorted(series.readings, key=lambda r: r.date, reverse=True)
    value_labels = []
    if latest_first:  # the latest value first, the one the status is about: it always has its label
        latest = latest_first[0]
        value_labels.append(place(latest.short, latest.date, latest.value, _READING_SPOTS, value_style, must=True))
    mark_labels = []
    for mark in sorted(series.marks, key=lambda m: m.kind != "target"):
        spots = _TARGET_SPOTS if mark.kind == "target" else _MARK_SPOTS
        mark_labels.append(place(f"{mark.kind} {mark.short}", mark.date, mark.value, spots,
                                 {"fontsize": 8, "color": PATH_COLOUR, "zorder": 6}, must=True))
    projection_label = None
    if series.projection:
        on, value = series.projection[-1]
        projection_label = place(series.projection_short, on, value, _TARGET_SPOTS,
                                 {"fontsize": 8, "color": PROJECTION_COLOUR, "zorder": 6}, must=True)
    if len(latest_first) <= MAX_LABELLED_READINGS:  # a dense series: the latest alone, the others would crowd it
        for reading in latest_first[1:]:
            label = place(reading.short, reading.date, reading.value, _READING_SPOTS, value_style, must=False)
            if label is not None:
                value_labels.append(label)
    return tuple(mark_labels), tuple(value_labels), projection_label


def _date_number(on: date) -> float:
    import matplotlib.dates as mdates

    return float(mdates.date2num(on))


def _try(label, spot: str) -> Any:
    """Move label to spot beside its point; its box there, padded, in pixels."""
    dx, dy, ha, va = _BESIDE[spot]
    label.xyann = (dx, dy)
    label.set_horizontalalignment(ha)
    label.set_verticalalignment(va)
    return label.get_window_extent().padded(LABEL_PAD * DPI / 72)


def _inside(box, outer) -> bool:
    return box.x0 >= outer.x0 and box.x1 <= outer.x1 and box.y0 >= outer.y0 and box.y1 <= outer.y1


def _overlap(a, b) -> float:
    """The area two boxes share (0 when they only touch or are apart)."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _frame(axes, series: ChartSeries) -> None:
    """Axis limits that show every plotted thing with some room, including the labels above points."""
    dates = [d for d, _ in series.path] + [m.date for m in series.marks] + [r.date for r in series.readings]
    if series.target_date is not None:
        dates.append(series.target_date)
    first, last = min(dates), max(dates)
    margin = max(timedelta(days=45), (last - first) * 0.06)
    axes.set_xlim(first - margin, last + margin)
    values = ([v for _, v in series.path] + [m.value for m in series.marks] + [r.value for r in series.readings]
              + [x for _, low, high in series.band for x in (low, high)]
              + [x for r in series.readings for x in (r.lower, r.upper) if x is not None]
              + [v for _, v in series.projection])
    if series.limit is not None:
        values.append(series.limit)
    low, high = min(values), max(values)
    span = high - low or max(abs(high) * 0.1, 1.0)
    if series.unit != RANK:
        axes.set_ylim(low - span * 0.18, high + span * 0.22)
        return
    # A rank: 1 (the first place) at the top, as in a league table, and only whole places named.
    # The room for the labels above the points is then on the side of the lower ranks.
    from matplotlib.ticker import MaxNLocator

    class Places(MaxNLocator):
        def tick_values(self, vmin: float, vmax: float) -> Any:
            import numpy as np

            ticks = super().tick_values(vmin, vmax)
            if len(ticks) < 2:
                return ticks[ticks >= 1]
            # From the first place: 1, 2, 3 ...; 1, 3, 5 ...; or 1, 5, 10 ... (no place 0)
            step, top = ticks[1] - ticks[0], ticks[-1]
            if step <= 2:
                return np.arange(1, top + 1, step)
            return np.concatenate(([1.0], np.arange(step, top + 1, step)))

    axes.set_ylim(high + span * 0.18, low - span * 0.22)
    axes.yaxis.set_major_locator(Places(integer=True))


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
