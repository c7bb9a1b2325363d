"""Issue 11 in the human formats: intervals beside values, the trend in words, whiskers and the
projection on the charts, and the interval columns of the CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from engine.model.periods import parse_period
from engine.model.readings import Reading, ReadingsBatch
from engine.model.safetext import markdown_cell
from engine.model.spec import build_target
from engine.reports import csv_report, markdown
from engine.reports import html as html_report
from engine.reports.chart import PROJECTION_COLOUR, chart_figure, chart_series
from engine.stats import trend
from engine.verdicts.evaluation import evaluate
from engine.verdicts.explain import TREND_REASON_WORDS, TREND_WORDS, Interval, interval_range, trend_words, with_interval
from tests.factories import make_target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "readings-2014-17.csv"


def cli(*args: str) -> str:
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["evaluate", str(EXAMPLE), "-t", str(ROOT / "targets"), *args],
                                env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


# --- the words -------------------------------------------------------------------------------------

def test_every_trend_label_and_reason_has_words():
    assert set(TREND_WORDS) == set(trend.LABELS)
    assert set(TREND_REASON_WORDS) == set(trend.REASONS[1:])
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    for code, words in TREND_REASON_WORDS.items():  # the same words as the documentation's table
        assert f"| trend | `{code}` | {words} |" in methods


def test_an_interval_is_shown_at_the_readings_digits_and_a_negative_limit_is_not_a_dash():
    assert interval_range(Interval(90.26, 93.615, 95.0, "wilson"), 1) == "90.3–93.6"
    assert interval_range(Interval(-1.25, 0.5, 95.0, "published"), 2) == "-1.25 to 0.50"
    assert with_interval("92.1%", Interval(90.26, 93.615, 95.0, "wilson"), 1) == "92.1% [90.3–93.6]"
    assert with_interval("92.1%", None, 1) == "92.1%"


# --- table and Markdown: the example readings -----------------------------------------------------

def test_the_table_shows_the_interval_beside_the_value_and_a_trend_column():
    out = cli("--format", "table", "--as-of", "2015")
    line = next(l for l in out.splitlines() if "Residents feeling safe in their local area during the day" in l)
    assert "92.1% [90.3–93.6] (2015)" in line
    assert "cannot be calculated" in line  # two readings: no trend
    assert "trend" in out and "[a–b]: the reading's confidence interval" in out
    # A reading without an interval is shown as before.
    assert "16 a year (2014/15)" in out


def test_markdown_shows_the_interval_beside_the_value_and_the_trend_escaped():
    out = cli("--format", "markdown", "--as-of", "2015")
    # The example compares all-crime-rate with its group (issue 12): rank and benchmark columns too.
    assert "| Target | Status | Latest [interval] | Rank | Benchmark | Trend | Explanation |" in out
    line = next(l for l in out.splitlines() if "(`feeling-safe-during-day`)" in l)
    cells = [c.strip() for c in line.split(" | ")]
    assert cells[2] == markdown_cell("92.1% [90.3–93.6] (2015)") == r"92.1% \[90.3–93.6\] \(2015\)"
    assert cells[3:5] == ["-", "-"]  # not compared with a group
    assert cells[5] == markdown_cell("cannot be calculated (fewer than 5 readings: a trend needs 5)")
    # The note under the table is not a link reference definition (which would hide it).
    assert "\n\\[a–b\\]: the reading's confidence interval" in out


def _trend_target():
    return build_target({
        "id": "safe", "title": "Feel safe", "measure": {"description": "d", "unit": "percent",
        "polarity": "higher_is_better", "statistic": "proportion"}, "baseline": {"period": "2010", "value": 78},
        "significance": {"confidence": 95}})


def _batch(target, rows):
    return ReadingsBatch.of([Reading(target.id, parse_period(p), v, "r.csv", i + 2, numerator=n, denominator=d)
                             for i, (p, v, n, d) in enumerate(rows)])


RISING = [(str(2011 + i), 80.0 + 2 * i, 800 + 20 * i, 1000) for i in range(5)]


def test_a_significant_trend_reads_in_the_polaritys_words_in_every_human_format():
    target = _trend_target()
    batch = _batch(target, RISING)
    evaluation = evaluate([target], batch)
    (result,) = evaluation.results
    assert result.trend.label == "increasing_getting_better"
    assert trend_words(result.trend) == ("increasing, getting better", "")
    md = markdown.evaluation(evaluation, batch)
    line = next(l for l in md.splitlines() if "(`safe`)" in l)
    assert "| increasing, getting better |" in line and "88.0% \\[" in line
    page = html_report.render(evaluation, batch, html_report.ReportInputs("T", ("r.csv",), False), None)
    assert '<span class="trend">Trend: increasing, getting better</span>' in page
    # Falling readings on the same target: decreasing, getting worse.
    falling = _batch(target, [(p, 160.0 - v, 1600 - n, d) for p, v, n, d in RISING])
    (down,) = evaluate([target], falling).results
    assert trend_words(down.trend)[0] == "decreasing, getting worse"


# --- CSV --------------------------------------------------------------------------------------------

INTERVAL_COLUMNS = ["interval_lower", "interval_upper", "interval_confidence", "interval_method", "significant"]


def test_the_csv_has_each_readings_interval_and_significance():
    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv"))))
    # Right after `row` (issue 11's columns; issue 12's area columns come after them).
    header = list(rows[0])
    after_row = header.index("row") + 1
    assert header[after_row:after_row + 5] == INTERVAL_COLUMNS
    safe = next(r for r in rows if r["target"] == "feeling-safe-during-day" and r["period"] == "2015")
    assert float(safe["interval_lower"]) == pytest.approx(90.2625, abs=1e-4)
    assert float(safe["interval_upper"]) == pytest.approx(93.6153, abs=1e-4)
    assert (safe["interval_confidence"], safe["interval_method"], safe["significant"]) == ("95.0", "wilson", "false")
    custody = next(r for r in rows if r["target"] == "youth-custody" and r["row"] == "reading")
    no_data = next(r for r in rows if r["row"] == "no_data")
    for row in (no_data,):
        assert [row[c] for c in INTERVAL_COLUMNS] == [""] * 5
    assert custody["significant"] in ("", "true", "false")  # a count: judged with its interval or on its value


# --- HTML and the chart -----------------------------------------------------------------------------

def test_the_html_report_draws_whiskers_for_the_example_readings_intervals():
    from engine import run

    targets = run.load_targets(ROOT / "targets")
    batch = run.read_readings([EXAMPLE], targets)
    evaluation = run.evaluate(targets, batch)
    (result,) = [r for r in evaluation.results if r.target.id == "feeling-safe-during-day"]
    series = chart_series(result)
    first = series.readings[0]
    assert (round(first.lower, 1), round(first.upper, 1), first.interval_shown) == (90.3, 93.6, "90.3–93.6 (95%)")
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    from matplotlib.collections import LineCollection

    whiskers = [c for c in chart.axes.collections if isinstance(c, LineCollection)]
    spans = sorted((round(min(s[:, 1]), 1), round(max(s[:, 1]), 1)) for c in whiskers for s in c.get_segments())
    assert (90.3, 93.6) in spans and (91.7, 94.8) in spans
    page = html_report.render(evaluation, batch, html_report.ReportInputs("T", (str(EXAMPLE),), False),
                              html_report.draw_chart)
    assert "<td class=\"n\">90.3–93.6 (95%)</td>" in page
    assert "(interval 90.3–93.6 (95%))" in page  # the chart's text alternative says it too


def _projected():
    target = make_target("p", goal=("2019/20", 35))
    rows = [("2014/15", 46.0, 44.1, 47.9), ("2015/16", 44.5, 42.0, 47.0), ("2016/17", 42.0, 40.2, 43.9)]
    readings = [Reading(target.id, parse_period(p), v, "r.csv", i + 2, lower=lo, upper=hi, confidence=95.0)
                for i, (p, v, lo, hi) in enumerate(rows)]
    (result,) = evaluate([target], ReadingsBatch.of(readings)).results
    return result


def test_the_projection_is_a_dashed_line_from_the_latest_reading_to_the_target_date_with_its_value():
    result = _projected()
    series = chart_series(result)
    ahead = result.projection
    assert series.projection == ((series.readings[-1].date, 42.0), (series.target_date, ahead.value))
    assert series.projection_short == f"projected {ahead.value:.1f}%"
    chart = chart_figure(series)
    chart.figure.draw_without_rendering()
    (line,) = [l for l in chart.axes.get_lines() if l.get_color() == PROJECTION_COLOUR and len(l.get_xdata()) == 2]
    assert line.get_linestyle() == "--" and list(line.get_ydata()) == [42.0, ahead.value]
    label = chart.projection_label
    assert label.get_text() == series.projection_short
    box = label.get_window_extent()
    plot = chart.axes.bbox
    assert plot.x0 <= box.x0 and box.x1 <= plot.x1 and plot.y0 <= box.y0 and box.y1 <= plot.y1
    for other in (*chart.mark_labels, *chart.value_labels):
        b = other.get_window_extent()
        assert not (min(box.x1, b.x1) > max(box.x0, b.x0) and min(box.y1, b.y1) > max(box.y0, b.y0)), other.get_text()
    assert "projected 36.2%" in series.summary


def test_no_projection_is_drawn_without_a_projected_value_or_once_the_target_date_is_reached():
    target = make_target("p", goal=("2019/20", 35))
    few = [Reading(target.id, parse_period("2014/15"), 46.0, "r.csv", 2)]
    (result,) = evaluate([target], ReadingsBatch.of(few)).results
    assert result.projection.value is None
    series = chart_series(result)
    assert series.projection == () and chart_figure(series).projection_label is None
