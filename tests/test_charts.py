"""The report's charts laid out for reading: period labels that never overlap, a legend never cut
off, value labels clear of the path's labels and of every marker, a missing period drawn as a gap,
and labels that give a reading's digits as its sentence does. Each is asserted on the laid-out
figure (matplotlib's own measure of every box), and once in a real browser (Chromium's)."""

from __future__ import annotations

import html
import json
import math
import re
import subprocess
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.periods import financial_quarter, financial_year, month, parse_period
from engine.reports.chart import (
    BASELINE_TICK, LATEST_TICK, MILESTONE_TICK, READING_TICK, TARGET_TICK, PeriodTick, chart_figure,
    chart_series, choose_ticks, follows_on, tick_candidates,
)
from engine.verdicts.evaluation import evaluate
from engine.verdicts.paths import trajectory_for
from tests.factories import make_target, reading
from tests.test_report import chromium


def result_for(target, *values):
    """values: (period, value) pairs, or (period, value, lower, upper) for a reading with a 95% interval."""
    readings = {target.id: [reading(target.id, p, v, i + 2) if not rest
                            else reading(target.id, p, v, i + 2)._replace(lower=rest[0], upper=rest[1], confidence=95.0)
                            for i, (p, v, *rest) in enumerate(values)]}
    (result,) = evaluate([target], readings).results
    return result


def wave(i: int, level: float, slope: float, swing: float) -> float:
    return round(level + slope * i + swing * math.sin(i), 2)


# The three shapes of series a council draws, each with a period missing.
QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in range(2019, 2025) for q in range(1, 5)]
QUARTERLY = (
    make_target("quarterly", polarity="higher_is_better", frequency="quarterly", baseline=("2019/20", 44.1),
                goal=("2024/25", 52), milestones=[{"period": "2021/22", "value": 47}, {"period": "2022/23", "value": 49}],
                tolerance={"absolute": 1.0}, limit=40),
    [(p, wave(i, 44, 0.3, 1.2)) for i, p in enumerate(QUARTERS) if p not in ("2021/22 Q3", "2022/23 Q2")],
)
MONTHS = [f"{2022 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(36)]
MONTHLY = (
    make_target("monthly", polarity="higher_is_better", frequency="monthly", baseline=("2022-03", 71.5),
                goal=("2025-03", 95), milestones=[{"period": "2023-03", "value": 76}], tolerance={"relative": 0.02}),
    [(p, wave(i, 72, 0.6, 2)) for i, p in enumerate(MONTHS) if p not in ("2023-07", "2023-08")],
)
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2025)]
FIFTEEN_YEARS = (
    make_target("fifteen", unit="count/year", baseline=("2010/11", 301), goal=("2024/25", 180),
                milestones=[{"period": "2015/16", "value": 260}, {"period": "2020/21", "value": 220}],
                tolerance={"absolute": 10}),
    [(p, round(wave(i, 301, -7.5, 9))) for i, p in enumerate(YEARS) if p != "2016/17"],
)
# Readings on the milestones themselves, a hair from their levels: where labels used to pile up.
ON_THE_MILESTONES = (
    make_target("crowded", milestones=[{"period": "2014/15", "value": 44}, {"period": "2015/16", "value": 40}],
                tolerance={"absolute": 0.5}, limit=50),
    [("2014/15", 44.2), ("2015/16", 40.1), ("2016/17", 35.3)],
)
# Every kind of legend entry, with long words: the legend needs more than one row.
LONG_LEGEND = (
    make_target("legend", trajectory="step", baseline=("2013/14 Q4", 48.3), goal=("2016/17 Q4", 35),
                milestones=[{"period": "2014/15 Q4", "value": 44}, {"period": "2015/16 Q4", "value": 40}],
                tolerance={"relative": 0.05}, limit=52),
    [("2012/13 Q4", 49), ("2014/15 Q2", 45), ("2014/15 Q4", 46.5), ("2015/16 Q3", 55), ("2016/17 Q4", 36)],
)
DIRECTION_ONLY = (make_target("direction", goal=None, tolerance={"absolute": 1}),
                  [("2014/15", 48.8), ("2015/16", 50), ("2017/18", 46)])
PATH_ONLY = (make_target("path-only"), [])
CALENDAR_QUARTERS = (
    make_target("calendar", unit="count/quarter", frequency="quarterly", baseline=("2014 Q4", 1200),
                goal=("2018 Q4", 900)),
    [(f"{y} Q{q}", 1200 - 15 * (4 * (y - 2015) + q) + 40 * ((q % 2) - 0.5)) for y in range(2015, 2019) for q in range(1, 5)],
)
# Issue 11: whiskers on every reading (one wide enough to reach the path's labels) and the
# projection's dashed line and label running on to a target date years ahead.
WHISKERS_AND_PROJECTION = (
    make_target("projected", goal=("2020/21", 35), tolerance={"absolute": 1.0}),
    [("2014/15", 46.0, 44.1, 47.9), ("2015/16", 44.5, 38.0, 49.5), ("2016/17", 42.0, 40.2, 43.9),
     ("2017/18", 43.1, 41.0, 45.3)],
)
# A league position (unit rank): 1 at the top, whole places only, from 15th to a target of 2nd.
RANKS = (
    make_target("position", unit="rank", baseline=("2013/14", 15), goal=("2016/17", 2)),
    [("2014/15", 12), ("2015/16", 9), ("2016/17", 1)],
)
SERIES = {"quarterly": QUARTERLY, "ranks": RANKS, "whiskers and projection": WHISKERS_AND_PROJECTION, "monthly": MONTHLY, "fifteen years": FIFTEEN_YEARS,
          "on the milestones": ON_THE_MILESTONES, "long legend": LONG_LEGEND, "direction only": DIRECTION_ONLY,
          "path only": PATH_ONLY, "calendar quarters": CALENDAR_QUARTERS}


@pytest.fixture(scope="module", params=list(SERIES))
def drawn(request):
    target, values = SERIES[request.param]
    series = chart_series(result_for(target, *values))
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()  # as savefig draws it: nothing may move
    return series, chart


def overlap(a, b) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def inside(box, outer, slack: float = 0.5) -> bool:
    return (box.x0 >= outer.x0 - slack and box.x1 <= outer.x1 + slack
            and box.y0 >= outer.y0 - slack and box.y1 <= outer.y1 + slack)


# --- period labels ------------------------------------------------------------------------------

def test_period_labels_never_overlap_and_stay_over_the_plot(drawn):
    series, chart = drawn
    axes = chart.axes
    labels = sorted((t for t in axes.get_xticklabels() if t.get_text()), key=lambda t: t.get_window_extent().x0)
    assert labels
    boxes = [t.get_window_extent() for t in labels]
    for before, after in zip(boxes, boxes[1:]):
        assert after.x0 - before.x1 >= 4, "two period labels touch or overlap"
    for box in boxes:
        # Not past the plot's ends: the first label cannot run into the y axis's labels.
        assert axes.bbox.x0 - 0.5 <= box.x0 and box.x1 <= axes.bbox.x1 + 0.5
    for y_label in axes.get_yticklabels():
        if y_label.get_text() and inside(y_label.get_window_extent(), chart.figure.bbox):
            assert not any(overlap(y_label.get_window_extent(), box) for box in boxes)


def test_period_labels_name_periods_with_the_target_and_the_latest_reading_among_them(drawn):
    series, chart = drawn
    shown = [t.get_text() for t in chart.axes.get_xticklabels() if t.get_text()]
    periods = {r.period for r in series.readings} | {m.period for m in series.marks} | {series.target_period}
    assert set(shown) <= periods  # the periods themselves, never calendar dates
    if series.target_period:
        assert series.target_period in shown
    if series.readings:
        latest = series.readings[-1]
        assert latest.period in shown or latest.date == series.target_date


def test_every_period_plotted_has_a_tick_even_when_its_label_is_left_out(drawn):
    series, chart = drawn
    import matplotlib.dates as mdates

    # matplotlib leaves out a small tick where a labelled one is.
    ticks = {mdates.num2date(x).date() for x in [*chart.axes.get_xticks(minor=True), *chart.axes.get_xticks()]}
    assert ticks == {r.date for r in series.readings} | {m.date for m in series.marks} | (
        {series.target_date} if series.target_date else set())


# --- the y axis -----------------------------------------------------------------------------------

@pytest.mark.parametrize("values, places", [
    ([("2014/15", 3), ("2015/16", 2)], ["2", "3", "4"]),  # with ticks at 2.5 and 3.5 before
    (RANKS[1], ["1", "3", "5", "7", "9", "11", "13", "15", "17"]),
])
def test_a_rank_axis_names_whole_places_from_1_at_the_top(values, places):
    baseline = 4 if values[0][1] < 5 else 15
    target = make_target("position", unit="rank", baseline=("2013/14", baseline), goal=("2016/17", 2))
    series = chart_series(result_for(target, *values))
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    axes = chart.axes
    bottom, top = axes.get_ylim()
    assert top < bottom  # turned over: the first place at the top, where better is
    shown = [(label.get_text(), label.get_position()[1]) for label in axes.get_yticklabels()
             if label.get_text() and top <= label.get_position()[1] <= bottom]
    assert [text for text, _ in shown] == places
    assert all(float(text) == at for text, at in shown)  # each label its own place
    assert series.unit_label == "rank, 1 at the top (lower is better)"
    # The at-risk band and the points keep their meaning: the readings at 1 and 2 are drawn above 3.
    to_pixels = axes.transData.transform
    assert to_pixels((0, 1))[1] > to_pixels((0, 3))[1]


def test_other_axes_are_not_turned_over(drawn):
    series, chart = drawn
    bottom, top = chart.axes.get_ylim()
    assert (bottom > top) == (series.unit == "rank")


# --- legend and every other text ------------------------------------------------------------------

def test_the_legend_and_every_text_are_inside_the_figure(drawn):
    series, chart = drawn
    figure = chart.figure
    from matplotlib.text import Text

    if series.readings or series.path:
        assert chart.legend is not None
        legend = chart.legend.get_window_extent()
        assert inside(legend, figure.bbox)
        assert not overlap(legend, chart.axes.bbox)  # below the plot, not over the data
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
    assert texts
    for text in texts:
        if text in chart.axes.get_yticklabels():
            continue  # matplotlib keeps y ticks just past the limits; they are clipped, never drawn
        assert inside(text.get_window_extent(), figure.bbox), text.get_text()


# --- labels beside points -------------------------------------------------------------------------

def marker_boxes(series, chart):
    from matplotlib.transforms import Bbox

    to_pixels = chart.axes.transData.transform
    import matplotlib.dates as mdates

    boxes = []
    for on, value, size in ([(m.date, m.value, 11 if m.kind == "target" else 7) for m in series.marks]
                            + [(r.date, r.value, 9) for r in series.readings]):
        x, y = to_pixels((mdates.date2num(on), value))
        half = size / 2  # points are pixels at 72 dpi
        boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def test_value_labels_pile_onto_no_label_and_no_marker(drawn):
    series, chart = drawn
    labels = list(chart.mark_labels) + list(chart.value_labels) + (
        [chart.projection_label] if chart.projection_label is not None else [])
    boxes = {label: label.get_window_extent() for label in labels}
    for a, b in combinations(labels, 2):
        if a in chart.value_labels or b in chart.value_labels:
            assert not overlap(boxes[a], boxes[b]), (a.get_text(), b.get_text())
    markers = marker_boxes(series, chart)
    for label in chart.value_labels:
        assert not any(overlap(boxes[label], m) for m in markers), label.get_text()
    for label in labels:
        assert inside(boxes[label], chart.axes.bbox), label.get_text()


def test_the_path_points_and_the_latest_reading_are_always_labelled(drawn):
    series, chart = drawn
    assert [label.get_text() for label in chart.mark_labels] == [
        f"{m.kind} {m.short}" for m in sorted(series.marks, key=lambda m: m.kind != "target")]
    if series.readings:
        assert chart.value_labels[0].get_text() == series.readings[-1].short
        assert {label.get_text() for label in chart.value_labels} <= {r.short for r in series.readings}


def test_mark_labels_on_the_milestones_do_not_overlap_each_other():
    target, values = ON_THE_MILESTONES
    series = chart_series(result_for(target, *values))
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    boxes = [label.get_window_extent() for label in chart.mark_labels + chart.value_labels]
    assert not any(overlap(a, b) for a, b in combinations(boxes, 2))
    assert len(chart.value_labels) == len(values)  # room for every value here: none left out


@st.composite
def any_series(draw):
    """A target and readings of any common shape: years, quarters or months, some missing."""
    kind = draw(st.sampled_from(["year", "quarter", "month"]))
    make = {"year": lambda i: financial_year(2005 + i), "quarter": lambda i: financial_quarter(2005 + i // 4, i % 4 + 1),
            "month": lambda i: month(2005 + i // 12, i % 12 + 1)}[kind]
    count = draw(st.integers(3, {"year": 20, "quarter": 40, "month": 60}[kind]))
    labels = [make(i).label for i in range(count)]
    lower = draw(st.booleans())
    start, end = (48.3, 35.0) if lower else (35.0, 48.3)
    middle = draw(st.lists(st.sampled_from(range(1, count - 1)), unique=True, max_size=3)) if count > 3 else []
    milestones = [{"period": labels[i], "value": round(start + (end - start) * i / (count - 1), 1)} for i in sorted(middle)]
    target = make_target("any", polarity="lower_is_better" if lower else "higher_is_better",
                         baseline=(labels[0], start), goal=(labels[-1], end), milestones=milestones or None,
                         tolerance=draw(st.sampled_from([None, {"absolute": 1.0}])), limit=draw(st.sampled_from([None, 55])))
    kept = draw(st.lists(st.booleans(), min_size=count - 1, max_size=count - 1))
    noise = draw(st.lists(st.floats(-3, 3), min_size=count - 1, max_size=count - 1))
    values = [(labels[i], round(start + (end - start) * i / (count - 1) + noise[i - 1], draw(st.sampled_from([0, 1, 2]))))
              for i in range(1, count) if kept[i - 1]]
    return target, values


@settings(max_examples=15, deadline=None)
@given(shape=any_series())
def test_any_series_is_laid_out_with_no_overlap_and_nothing_cut_off(shape):
    target, values = shape
    series = chart_series(result_for(target, *values))
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    ticks = sorted((t.get_window_extent() for t in chart.axes.get_xticklabels() if t.get_text()), key=lambda b: b.x0)
    assert all(b.x0 - a.x1 >= 4 for a, b in zip(ticks, ticks[1:]))
    assert all(chart.axes.bbox.x0 - 0.5 <= b.x0 and b.x1 <= chart.axes.bbox.x1 + 0.5 for b in ticks)
    assert inside(chart.legend.get_window_extent(), chart.figure.bbox)
    values_boxes = [label.get_window_extent() for label in chart.value_labels]
    others = [label.get_window_extent() for label in chart.mark_labels] + marker_boxes(series, chart)
    for i, box in enumerate(values_boxes):
        assert inside(box, chart.axes.bbox)
        assert not any(overlap(box, other) for other in others + values_boxes[:i])


# --- gaps -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["quarterly", "monthly", "fifteen years"])
def test_a_missing_period_is_a_gap_in_the_line(name):
    target, values = SERIES[name]
    series = chart_series(result_for(target, *values))
    missing = {"quarterly": 2, "monthly": 1, "fifteen years": 1}[name]  # the two missing months are one gap
    assert sum(not r.joined for r in series.readings[1:]) == missing
    line = chart_figure(series).readings_line
    values_drawn = list(line.get_ydata())
    assert sum(1 for v in values_drawn if v != v) == missing  # a NaN at each gap
    # The line as drawn: one stroke for each run of periods that follow on.
    from matplotlib.path import Path as MplPath

    strokes = [code for _, code in line.get_path().iter_segments(remove_nans=True) if code == MplPath.MOVETO]
    assert len(strokes) == missing + 1
    # Each NaN sits between the readings either side of a missing period.
    for i, reading in enumerate(series.readings[1:], start=1):
        if not reading.joined:
            before = series.readings[i - 1]
            assert parse_period(reading.period).start > parse_period(before.period).end + timedelta(days=1)


def test_periods_that_follow_on_are_joined():
    target, values = QUARTERLY
    series = chart_series(result_for(target, *values))
    joined = [r.period for r in series.readings if not r.joined]
    assert joined == ["2019/20 Q1", "2021/22 Q4", "2022/23 Q3"]  # the first, and after each missing quarter


periods = st.sampled_from(["year", "quarter", "month"])


@settings(max_examples=80, deadline=None)
@given(kind=periods, kept=st.lists(st.booleans(), min_size=2, max_size=30))
def test_follows_on_exactly_when_no_period_between_is_missing(kind, kept):
    make = {"year": lambda i: financial_year(2000 + i), "quarter": lambda i: financial_quarter(2000 + i // 4, i % 4 + 1),
            "month": lambda i: month(2000 + i // 12, i % 12 + 1)}[kind]
    present = [i for i, keep in enumerate(kept) if keep]
    for a, b in zip(present, present[1:]):
        assert follows_on(make(a), make(b), None) == (b == a + 1)


def test_snapshots_on_single_days_follow_on_within_the_measures_period():
    day = lambda text: parse_period(text)  # noqa: E731
    assert follows_on(day("2015-03-31"), day("2015-06-30"), "quarterly")
    assert not follows_on(day("2015-03-31"), day("2015-09-30"), "quarterly")  # June's is missing
    assert follows_on(day("2015-03-31"), day("2016-03-31"), "annual")
    assert not follows_on(day("2015-03-31"), day("2015-05-31"), "monthly")
    assert follows_on(day("2015-03-31"), day("2019-03-31"), None)  # no frequency: nothing tells a gap
    assert follows_on(financial_year(2014), financial_quarter(2015, 1), "quarterly")  # a year, then the next quarter
    assert follows_on(financial_quarter(2014, 2), financial_year(2014), "annual")  # overlapping periods


# --- choosing ticks (pure) ------------------------------------------------------------------------

def test_tick_candidates_rank_the_target_latest_baseline_and_milestones_first():
    target, values = QUARTERLY
    series = chart_series(result_for(target, *values))
    ranks = {t.label: t.rank for t in tick_candidates(series)}
    assert ranks["2024/25"] == TARGET_TICK  # the target period, the same day as the latest quarter
    assert ranks["2019/20"] == BASELINE_TICK and ranks["2021/22"] == MILESTONE_TICK
    assert ranks["2023/24 Q2"] == READING_TICK
    other = chart_series(result_for(target, *values[:-3]))
    assert {t.label: t.rank for t in tick_candidates(other)}[values[-4][0]] == LATEST_TICK
    dates = [t.date for t in tick_candidates(series)]
    assert dates == sorted(set(dates))  # one a date


tick_lists = st.lists(
    st.tuples(st.integers(0, 3650), st.text("0123456789/Q -", min_size=1, max_size=12), st.integers(0, 4)),
    min_size=1, max_size=60, unique_by=lambda t: t[0])


@settings(max_examples=150, deadline=None)
@given(raw=tick_lists, days_per_char=st.floats(0.5, 60))
def test_chosen_ticks_never_clash_and_keep_the_target(raw, days_per_char):
    start = date(2010, 3, 31)
    candidates = [PeriodTick(start + timedelta(days=d), label, rank) for d, label, rank in raw]

    def room(tick):
        return len(tick.label) * days_per_char

    chosen = choose_ticks(candidates, room)
    assert set(chosen) <= set(candidates) and chosen == sorted(chosen, key=lambda t: t.date)
    for a, b in combinations(chosen, 2):
        assert abs((a.date - b.date).days) >= (room(a) + room(b)) / 2
    first = min(t.rank for t in candidates)
    best = [t for t in candidates if t.rank == first]
    assert any(t in chosen for t in best)  # the most important tick is always named
    if len(best) == 1:
        assert best[0] in chosen
    assert choose_ticks(candidates, lambda t: 0.0) == sorted(candidates, key=lambda t: t.date)  # room for all


def test_readings_are_labelled_at_a_steady_step_counted_back_from_the_latest():
    target, values = MONTHLY
    series = chart_series(result_for(target, *values))
    candidates = tick_candidates(series)
    chosen = choose_ticks(candidates, lambda t: 75.0)  # room for a label every 3 months or so
    regular = [t for t in chosen if t.rank == READING_TICK]
    months = [t.date.year * 12 + t.date.month for t in regular]
    steps = {b - a for a, b in zip(months, months[1:])}
    latest = series.readings[-1].date
    assert all((latest.year * 12 + latest.month - m) % 3 == 0 for m in months)
    assert steps <= {3, 6}  # 6 where a labelled milestone took the place of one


# --- the same digits as the sentences -------------------------------------------------------------

def number_in(text: str) -> str:
    return re.search(r"-?[\d,]+(?:\.\d+)?", text).group(0)


@settings(max_examples=80, deadline=None)
@given(value=st.builds(lambda n, places: n / 10 ** places, st.integers(100, 999_999), st.sampled_from([0, 1, 2, 3])),
       unit=st.sampled_from(["percent", "count/year", "per_100k", "GBP"]),
       baseline=st.sampled_from([48.3, 301, 247.5, 1000]))
def test_a_value_label_gives_the_digits_of_its_sentence(value, unit, baseline):
    target = make_target(unit=unit, baseline=("2013/14", baseline), goal=("2016/17", baseline * 0.7))
    result = result_for(target, ("2014/15", value))
    (plotted,) = chart_series(result).readings
    (verdict,) = result.verdicts
    assert number_in(plotted.short) == number_in(verdict.explanation)
    assert verdict.explanation.startswith(plotted.shown + " ")


def test_a_label_shows_the_digits_that_make_a_tiny_gap_as_the_sentence_does():
    # The path is at 17.003 at the end of 2014/15: 17 is 0.003 better, said with three decimals.
    target = make_target(unit="count/year", baseline=("2013/14", 20), goal=("2016/17", 11))
    expected = trajectory_for(target).expected(parse_period("2014/15").end)
    assert round(expected) == 17 and expected != 17
    result = result_for(target, ("2014/15", 17))
    (plotted,) = chart_series(result).readings
    (verdict,) = result.verdicts
    # A whole count is shown whole (issue 14); the path's digits tell 17 from it.
    assert verdict.explanation.startswith("17 a year in 2014/15 against 17.003 a year expected")
    assert number_in(plotted.short) == number_in(verdict.explanation)
    assert plotted.expected_shown in verdict.explanation


# --- in a browser -----------------------------------------------------------------------------------

# Reads the boxes of every chart's texts as the browser laid them out, into the page (for --dump-dom).
PROBE = """<script>
const out = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom};
  });
  out.push({chart: svg.getAttribute("aria-labelledby"), l: box.left, r: box.right, t: box.top, b: box.bottom, texts});
}
const pre = document.createElement("pre");
pre.id = "layout";
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""




@pytest.mark.parametrize("width", [1200, 420])  # a laptop, a phone
def test_in_chromium_no_chart_text_overlaps_another_or_leaves_its_chart(tmp_path, width):
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs the Debian package `chromium`)")
    from engine.reports import html as html_report
    from engine.sources.readings import read_readings

    names = ["quarterly", "monthly", "fifteen years", "on the milestones", "long legend"]
    targets = [SERIES[n][0] for n in names]
    readings = {t.id: [reading(t.id, p, v, i + 2) for i, (p, v) in enumerate(SERIES[n][1])]
                for n, t in zip(names, targets)}
    evaluation = evaluate(targets, readings)
    page = html_report.render(evaluation, read_readings([], {}), html_report.ReportInputs("t", (), False),
                              html_report.draw_chart)
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},2000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    found = re.search(r'<pre id="layout">(.*?)</pre>', done.stdout, re.S)
    assert found, f"Chromium gave no layout: {done.stderr[-2000:]}"
    charts = json.loads(html.unescape(found.group(1)))
    assert len(charts) == len(names)
    for chart in charts:
        texts = chart["texts"]
        assert len(texts) > 10
        for t in texts:  # nothing cut off: the legend and the labels are inside the drawing
            assert chart["l"] - 0.5 <= t["l"] and t["r"] <= chart["r"] + 0.5, (chart["chart"], t)
            assert chart["t"] - 0.5 <= t["t"] and t["b"] <= chart["b"] + 0.5, (chart["chart"], t)
        for a, b in combinations(texts, 2):
            shared_x = min(a["r"], b["r"]) - max(a["l"], b["l"])
            shared_y = min(a["b"], b["b"]) - max(a["t"], b["t"])
            assert shared_x <= 0.5 or shared_y <= 0.5, (chart["chart"], a["text"], b["text"])


def test_a_reading_on_a_crowded_corner_of_milestones_keeps_its_label_clear():
    # Found by the property above: milestones in adjacent quarters, a reading on one of them and
    # the target the quarter after: the milestone's label had no free spot near enough and was
    # laid over the reading's.
    labels = [financial_quarter(2005 + i // 4, i % 4 + 1).label for i in range(21)]
    milestones = [{"period": labels[1], "value": 47.6}, {"period": labels[18], "value": 36.3},
                  {"period": labels[19], "value": 35.7}]
    target = make_target("any", polarity="lower_is_better", baseline=(labels[0], 48.3), goal=(labels[-1], 35.0),
                         milestones=milestones, tolerance={"absolute": 1.0}, limit=55)
    series = chart_series(result_for(target, (labels[19], 33.0)))
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    marks = [label.get_window_extent() for label in chart.mark_labels]
    assert len(marks) == 5  # baseline, three milestones and the target: every path point is still named
    for value in (label.get_window_extent() for label in chart.value_labels):
        assert not any(overlap(value, mark) for mark in marks)
