"""The HTML report: chart data (engine.reports.chart), the page (engine.reports.html), `targets report`,
and the page as a person sees it, rendered by headless Chromium."""

from __future__ import annotations

import csv
import errno
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from engine.checks.checker import check_paths
from engine.verdicts.evaluation import evaluate
from engine.verdicts.paths import trajectory_for
from engine.model.periods import parse_period
from engine.sources.readings import options_of, read_readings, units_of
from engine.reports import html as html_report
from engine.reports.chart import RAG, RAG_COLOURS, chart_figure, chart_series, draw_svg
from engine.model.spec import build_target
from tests.factories import make_target, reading
from engine.verdicts.statuses import STATUS_WORDS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_READINGS = ROOT / "examples" / "readings-2014-17.csv"


def result_for(target, *values):
    """values: (period, value) pairs."""
    readings = {target.id: [reading(target.id, p, v, i + 2) for i, (p, v) in enumerate(values)]}
    (result,) = evaluate([target], readings).results
    return result


def is_month_end(d: date) -> bool:
    return (d + timedelta(days=1)).day == 1


# --- chart data (pure) -------------------------------------------------------------------------------

def test_the_path_is_the_trajectory_sampled_at_month_ends_from_baseline_to_target():
    target = make_target()
    series = chart_series(result_for(target, ("2014/15", 45.1)))
    trajectory = trajectory_for(target)
    dates = [d for d, _ in series.path]
    assert dates[0] == target.baseline.date and dates[-1] == target.goal.period.end
    assert all(is_month_end(d) for d in dates)
    assert all((b - a).days <= 31 for a, b in zip(dates, dates[1:]))  # no month skipped
    assert [v for _, v in series.path] == [trajectory.expected(d) for d in dates]
    assert series.path_kind == "linear"


def test_milestones_baseline_and_target_are_marked_and_the_path_runs_through_them():
    target = make_target(milestones=[{"period": "2014/15", "value": 40}, {"period": "2015/16", "value": 38}])
    series = chart_series(result_for(target, ("2014/15", 41)))
    assert [m.kind for m in series.marks] == ["baseline", "milestone", "milestone", "target"]
    on_path = dict(series.path)
    for point in (target.baseline, *target.milestones):
        assert on_path[point.date] == point.value
    assert series.target_date == target.goal.period.end and series.target_period == "2016/17"


@settings(max_examples=60, deadline=None)
@given(
    polarity=st.sampled_from(["lower_is_better", "higher_is_better"]),
    absolute=st.floats(0.1, 5, allow_nan=False),
    relative=st.sampled_from([0.0, 0.02, 0.1]),
    at=st.sampled_from(["2014/15", "2015/16", "2015/16 Q2"]),
    inside=st.floats(0.05, 0.95),
)
def test_the_band_is_the_tolerance_on_the_worse_side_where_a_reading_is_at_risk(polarity, absolute, relative, at, inside):
    baseline, level = (48.3, 35.0) if polarity == "lower_is_better" else (35.0, 48.3)
    target = make_target(polarity=polarity, baseline=("2013/14", baseline), goal=("2016/17", level),
                         tolerance={"absolute": absolute, "relative": relative})
    series = chart_series(result_for(target, ("2014/15", 40)))
    band = {d: (low, high) for d, low, high in series.band}
    on = parse_period(at).end
    expected = trajectory_for(target).expected(on)
    low, high = band[on]
    width = target.tolerance.at(expected)
    assert high - low == pytest.approx(width)
    assert (low if polarity == "lower_is_better" else high) == pytest.approx(expected)  # the path is the better edge
    # A reading inside the band is judged at risk: the band shows what the verdicts do.
    value = low + (high - low) * inside
    assert result_for(target, (at, value)).status == "at_risk"


def test_no_band_without_a_tolerance():
    assert chart_series(result_for(make_target(), ("2014/15", 45))).band == ()


def test_readings_carry_their_verdicts_status_and_breach():
    target = make_target(limit=47)
    result = result_for(target, ("2014/15", 45.1), ("2015/16", 47.5), ("2016/17", 34.0))
    series = chart_series(result)
    assert [(r.period, r.status, r.breach) for r in series.readings] == [
        (v.period.label, v.status, v.breach) for v in result.verdicts]
    assert series.readings[1].breach  # worse than the limit
    assert series.limit == 47 and series.limit_shown == "47%"
    assert [r.short for r in series.readings] == ["45.1%", "47.5%", "34.0%"]


def test_the_target_level_is_held_out_to_readings_after_the_target_date():
    target = make_target()
    series = chart_series(result_for(target, ("2014/15", 45.1), ("2017/18", 33)))
    assert series.held == ((target.goal.period.end, 35.0), (parse_period("2017/18").end, 35.0))
    assert chart_series(result_for(target, ("2014/15", 45.1))).held == ()


def test_a_direction_only_target_is_drawn_against_its_baseline():
    target = make_target(goal=None, tolerance={"absolute": 1.0}, baseline=("2013/14", 24))
    series = chart_series(result_for(target, ("2014/15", 25), ("2015/16", 22)))
    assert series.path == () and series.path_kind is None and series.baseline_level == 24
    assert [m.kind for m in series.marks] == ["baseline"]
    assert {(low, high) for _, low, high in series.band} == {(23, 25)}
    assert series.band[-1][0] == parse_period("2015/16").end


def test_no_chart_without_readings_or_a_trajectory():
    direction_only = make_target(goal=None)
    (no_data,) = evaluate([direction_only], {}).results
    assert chart_series(no_data) is None
    (path_only,) = evaluate([make_target()], {}).results
    assert chart_series(path_only) is not None  # the trajectory alone is worth seeing


def test_the_summary_gives_every_plotted_number_in_words():
    target = make_target()
    series = chart_series(result_for(target, ("2014/15", 45.1), ("2015/16", 39.8)))
    for r in series.readings:
        assert f"{r.period} {r.shown}, {STATUS_WORDS[r.status]}" in series.summary
    assert "48.3%" in series.summary and "2013/14" in series.summary and "35%" in series.summary


# --- drawing -----------------------------------------------------------------------------------------

def test_the_svg_is_an_element_ready_to_inline():
    target = make_target(limit=47, tolerance={"absolute": 1}, milestones=[{"period": "2015/16", "value": 40}])
    series = chart_series(result_for(target, ("2014/15", 45.1), ("2015/16", 47.5)))
    svg = draw_svg(series, chart_id="chart-t")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<metadata" not in svg
    assert "http" not in svg  # no namespace URLs, no links out
    assert 'role="img"' in svg and 'aria-labelledby="chart-t-title chart-t-desc"' in svg
    assert '<title id="chart-t-title">' in svg and '<desc id="chart-t-desc">' in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("chart-t-") for i in ids)
    for ref in re.findall(r'url\(#([^)]+)\)', svg) + re.findall(r'href="#([^"]+)"', svg):
        assert ref in ids  # every reference still points at something
    assert "<text" in svg  # fonttype none: text stays text
    assert "reading: off track" in svg and "limit 47%" in svg and "milestone" in svg
    assert 'width="' not in svg.split(">", 1)[0]  # sized by the page (width 100%)
    assert draw_svg(series, chart_id="chart-t") == svg  # deterministic


MONTHLY = [(f"{2014 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}", 100 + 2 * m + m % 5) for m in range(30)]


@pytest.mark.parametrize("target, values", [
    (make_target("step", trajectory="step", milestones=[{"period": "2014/15", "value": 44}],
                 tolerance={"relative": 0.05}, limit=50), [("2014/15 Q2", 46), ("2015/16", 45.5), ("2016/17 Q1", 36)]),
    (make_target("monthly", polarity="higher_is_better", unit="count/month", baseline=("2014-03", 100),
                 goal=("2016-03", 160)), MONTHLY),
    (make_target("unassessed", baseline=None, goal=None), [("2014/15", 12)]),
    (make_target("before", tolerance={"absolute": 0.5}), [("2012/13", 50), ("2014/15", 44)]),
    (make_target("direction", goal=None, tolerance={"absolute": 1}), [("2014/15", 48.8), ("2015/16", 50)]),
])
def test_every_kind_of_target_draws_with_a_legend_entry_per_status(target, values):
    result = result_for(target, *values)
    svg = draw_svg(chart_series(result), chart_id="c")
    for status in {v.status for v in result.verdicts}:
        assert f"reading: {STATUS_WORDS[status]}" in svg
    series = chart_series(result)
    labelled = [label.get_text() for label in chart_figure(series).value_labels]
    assert labelled[0] == series.readings[-1].short  # the latest reading always has its value
    assert set(labelled) <= {r.short for r in series.readings}
    assert len(labelled) == 1 or len(series.readings) <= 12  # beyond a dozen, the latest alone
    for text in labelled:
        assert f">{text}</text>" in svg


def test_text_with_a_dollar_is_not_mathtext():
    target = make_target(unit="GBP", baseline=("2013/14", 1000), goal=("2016/17", 2000), polarity="higher_is_better")
    series = chart_series(result_for(target, ("2014/15", 1250)))
    svg = draw_svg(series, chart_id="c")
    assert "£1,250" in svg


# --- the page ----------------------------------------------------------------------------------------

class _Tables(HTMLParser):
    """Rows of the status-counts table as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "counts") in attrs:
            self._in = True
        elif self._in and tag == "tr":
            self.rows.append([])
        elif self._in and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def shipped():
    checked = check_paths([ROOT / "targets"])
    targets, areas = checked.targets, checked.areas  # the areas file: all-crime-rate's group (issue 12)
    batch = read_readings([EXAMPLE_READINGS], units_of(targets), options_of(targets, areas))
    return targets, batch, evaluate(targets, batch, None, areas)


def render(evaluation, batch, draw=html_report.draw_chart, title="Report"):
    return html_report.render(evaluation, batch, html_report.ReportInputs(title, ("r.csv",), False), draw)


@pytest.fixture(scope="module")
def shipped_page():
    targets, batch, evaluation = shipped()
    return evaluation, batch, render(evaluation, batch)


def test_the_page_is_self_contained(shipped_page):
    _, _, page = shipped_page
    lowered = page.lower()
    for outside in ("http://", "https://", "src=", "<link", "<script", "@import", "url(http", "//fonts"):
        assert outside not in lowered, outside
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # inlined charts do not share ids
    for ref in re.findall(r'url\(#([^)]+)\)', page) + re.findall(r'href="#([^"]+)"', page):
        assert ref in ids


def test_every_target_with_readings_or_a_trajectory_has_one_titled_chart(shipped_page):
    evaluation, _, page = shipped_page
    charted = [r for r in evaluation.results if r.readings or trajectory_for(r.target) is not None]
    assert any(r.readings for r in charted)
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    # Besides, a dot plot of the group for each target compared with one (issue 12).
    grouped = [r for r in evaluation.results if r.target.comparators and r.readings]
    assert len(grouped) == 1 and len([s for s in svgs if 'class="chart dotplot"' in s]) == len(grouped)
    svgs = [s for s in svgs if 'class="chart dotplot"' not in s]
    assert len(svgs) == len(charted)
    for result in charted:
        anchor = f"chart-{result.target.id}"
        (svg,) = [s for s in svgs if f'aria-labelledby="{anchor}-title {anchor}-desc"' in s]
        title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
        assert result.target.title.replace("&", "&amp;") in title


def test_status_words_sit_beside_their_colour(shipped_page):
    evaluation, _, page = shipped_page
    for result in evaluation.results:
        word = STATUS_WORDS[result.status]
        assert (f'<span class="status rag-{RAG[result.status]}"><span class="chip" aria-hidden="true"></span>{word}</span>'
                in page)
    for rag, colour in RAG_COLOURS.items():
        assert f"--{rag}: {colour}" in page


def test_counts_by_priority_match_the_evaluation(shipped_page):
    evaluation, _, page = shipped_page
    parser = _Tables()
    parser.feed(page)
    header, *body = parser.rows
    present = [s for s in STATUS_WORDS if any(r.status == s for r in evaluation.results)]
    assert header == ["Priority"] + [STATUS_WORDS[s] for s in present] + ["Targets", "In breach", "Stale"]
    groups: dict[str, list] = {}
    for r in evaluation.results:
        groups.setdefault(r.target.priority or html_report.NO_PRIORITY, []).append(r)
    groups["All priorities"] = list(evaluation.results)
    assert [row[0] for row in body] == list(groups)
    for row in body:
        group = groups[row[0]]
        counts = Counter(r.status for r in group)
        expected = [counts[s] for s in present] + [len(group), sum(r.breach for r in group), sum(r.stale for r in group)]
        assert [int(cell) for cell in row[1:]] == expected


def test_every_row_of_the_readings_is_accounted_for(shipped_page):
    _, batch, page = shipped_page
    evaluation, _, _ = shipped_page
    judged = sum(r.count for r in evaluation.results)
    # Judged readings, less those worked out (derived ranks), are the rows used; the group's other
    # areas are comparators: together the readings of the batch.
    assert judged - evaluation.derived + evaluation.comparators == batch.count() and evaluation.comparators == 42
    assert (f"{judged - evaluation.derived} readings used; {evaluation.comparators} comparator readings (other "
            f"areas, to compare with), {evaluation.derived} worked out (derived ranks), {len(batch.suppressed)} "
            f"suppressed, {len(batch.superseded)} superseded, {len(batch.rejected)} rejected.") in page
    assert batch.suppressed and batch.superseded  # the example has both, so the lists are shown
    for row in batch.suppressed:
        assert f"<code>{row.file}:{row.line}</code>" in page


def test_user_text_is_escaped():
    hostile = "<script>alert('x')</script> & co"
    target = make_target(title=hostile, lead="<b>Police</b>", priority="<i>Safety</i>")
    page = render(evaluate([target], {"t": [reading("t", "2014/15", 45.1)]}), read_readings([], {}), title="<Board>")
    assert "<script>" not in page and "<b>Police" not in page and "<i>Safety" not in page and "<Board>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;Police&lt;/b&gt;" in page and "&lt;Board&gt;" in page


def test_breach_stale_and_draft_are_said_in_words():
    missed = make_target("missed")
    stale = make_target("stale", goal=("2020/21", 30))
    draft = make_target("draft", status="draft")
    readings = {"missed": [reading("missed", "2016/17", 40)], "stale": [reading("stale", "2014/15", 45)]}
    evaluation = evaluate([missed, stale, draft], readings, as_of=date(2017, 3, 31))
    page = render(evaluation, read_readings([], {}), draw=None)
    by_id = {r.target.id: r for r in evaluation.results}
    assert by_id["missed"].breach and by_id["stale"].stale
    sections = dict(re.findall(r'<article id="target-([^"]+)".*?>(.*?)</article>', page, re.S))
    assert "Breach: target missed" in sections["missed"]
    assert "Stale: no recent reading" in sections["stale"] and "Breach" not in sections["stale"]
    assert "Draft spec" in sections["draft"] and "Stale" not in sections["draft"]
    assert "<svg" not in page  # draw=None leaves charts out


def test_default_title_names_the_common_source():
    a = make_target("a", source="Safe City Partnership Strategy 2014-17")
    b = make_target("b", source="Safe City Partnership Strategy 2014-17")
    c = make_target("c", source="Another plan")
    assert html_report.default_title([a, b]) == "Safe City Partnership Strategy 2014-17: targets report"
    assert html_report.default_title([a, c]) == "Targets report"
    assert html_report.default_title([make_target("d")]) == "Targets report"


# --- the command -------------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "NO_COLOR": "1"})


def test_report_writes_the_page_for_the_shipped_targets(tmp_path):
    out = tmp_path / "board.html"
    result = run("report", EXAMPLE_READINGS, "--targets", ROOT / "targets", "--output", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    targets, batch, evaluation = shipped()
    charts = sum(1 for r in evaluation.results if r.readings or trajectory_for(r.target) is not None)
    assert f"{len(targets)} targets, {charts} charts" in result.stderr
    assert page.count('<svg class="chart"') == charts
    assert "Safe City Partnership Strategy 2014-17: targets report" in page  # the default title
    assert "31 March 2017" in page
    assert "(the latest readings: " in page and "readings-2014-17.csv line 4 (first-time-entrants, 2016/17) and 2 more)" in page


def test_as_of_and_title_and_stdout(tmp_path):
    result = run("report", EXAMPLE_READINGS, "-t", ROOT / "targets", "--as-of", "2015/16", "--title", "Board pack", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<h1>Board pack</h1>" in result.stdout
    assert "31 March 2016" in result.stdout and "the date given" in result.stdout
    assert "2016/17 35.0%" not in result.stdout  # a reading after the as-of date is left out


def test_rejected_rows_exit_2_and_the_report_still_lists_them(tmp_path):
    readings = tmp_path / "r.csv"
    example = EXAMPLE_READINGS.read_text(encoding="utf-8")
    width = example.splitlines()[0].count(",")
    readings.write_text(example + "nope,2014/15,1" + "," * (width - 2) + "\n", encoding="utf-8")
    line = len(example.splitlines()) + 1
    out = tmp_path / "r.html"
    result = run("report", readings, "-t", ROOT / "targets", "-o", out)
    assert result.exit_code == 2
    assert "1 row(s) rejected" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Rejected rows are not in this report" in page and f"{readings.as_posix()}:{line}" in page
    assert run("report", readings, "-t", ROOT / "targets", "-o", out, "--allow-rejected").exit_code == 0


@pytest.mark.parametrize("where", ["missing-folder/r.html", "is-a-folder", "a-file/r.html"])
def test_an_unwritable_output_is_a_message_and_exit_2(tmp_path, where):
    (tmp_path / "is-a-folder").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    out = tmp_path / where
    result = run("report", EXAMPLE_READINGS, "-t", ROOT / "targets", "-o", out)
    assert result.exit_code == 2
    assert f"{out.as_posix()}: error: cannot write the report" in result.stderr
    assert "--output" in result.stderr and "Traceback" not in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_is_never_written_to():
    result = run("report", EXAMPLE_READINGS, "-t", ROOT / "targets", "-o", "/dev/full")
    assert result.exit_code == 2
    assert "/dev/full: error: cannot write the report: it is a device" in result.stderr


def test_a_failed_write_leaves_the_previous_report_whole(tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("the previous report", encoding="utf-8")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = run("report", EXAMPLE_READINGS, "-t", ROOT / "targets", "-o", out)
    assert result.exit_code == 2
    assert "cannot write the report: No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left behind


def test_invalid_specs_and_bad_as_of_exit_2(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\n", encoding="utf-8")
    assert run("report", EXAMPLE_READINGS, "-t", tmp_path, "-o", tmp_path / "x.html").exit_code == 2
    result = run("report", EXAMPLE_READINGS, "-t", ROOT / "targets", "--as-of", "2014-15", "-o", tmp_path / "x.html")
    assert result.exit_code == 2 and "--as-of" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_matplotlib_is_imported_by_report_only():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "import cli\n"
        "assert 'matplotlib' not in sys.modules, 'import cli'\n"
        "r = CliRunner().invoke(cli.app, ['validate', 'targets'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'matplotlib' not in sys.modules, 'targets validate'\n"
        "r = CliRunner().invoke(cli.app, ['report', 'examples/readings-2014-17.csv', '-o', '-'])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'matplotlib' in sys.modules, 'report draws with matplotlib'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr


# --- as a person sees it ----------------------------------------------------------------------------

def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_the_report_renders_in_a_browser(tmp_path):
    browser = chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (.ci/run installs the Debian package `chromium`)")
    import numpy as np
    from matplotlib.image import imread

    # The youth crime targets: each has a trajectory and readings, so charts fill the screenshot.
    targets = check_paths([ROOT / "targets" / "youth-crime"]).targets
    ids = {t.id for t in targets}
    readings = tmp_path / "youth.csv"
    with EXAMPLE_READINGS.open(encoding="utf-8", newline="") as source, readings.open("w", encoding="utf-8", newline="") as sink:
        rows = list(csv.reader(source))
        csv.writer(sink).writerows([rows[0]] + [row for row in rows[1:] if row and row[0] in ids])
    page = tmp_path / "report.html"
    result = run("report", readings, "-t", ROOT / "targets" / "youth-crime", "-o", page)
    assert result.exit_code == 0, result.output
    shot = tmp_path / "shot.png"
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--hide-scrollbars", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=1200,3000", f"--screenshot={shot}", page.resolve().as_uri()],
        capture_output=True, timeout=180, check=False,
    )
    assert shot.exists(), "Chromium wrote no screenshot"
    pixels = (imread(shot)[:, :, :3] * 255).round().astype(int)
    assert pixels.shape[:2] == (3000, 1200)
    flat = pixels.reshape(-1, 3)
    not_white = (flat < 245).any(axis=1).mean()
    assert not_white > 0.04, f"only {not_white:.1%} of the page is not white"
    assert len(np.unique(flat, axis=0)) > 200  # text, charts, anti-aliasing: not a flat page

    def seen(colour: str) -> int:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(flat - rgb) <= 12).all(axis=1).sum())

    statuses = {r.status for r in evaluate(targets, read_readings([readings], units_of(targets)).readings).results}
    for status in statuses:
        assert seen(RAG_COLOURS[RAG[status]]) > 100, f"no {RAG[status]} for {status} on screen"
    from engine.reports.chart import PATH_COLOUR

    assert seen(PATH_COLOUR) > 500  # the trajectories were drawn


def test_readings_left_out_by_as_of_are_counted_not_called_used():
    from engine.checks.checker import check_paths
    from engine.verdicts.evaluation import evaluate
    from engine.sources.readings import options_of, read_readings, units_of

    checked = check_paths([ROOT / "targets"])
    targets = checked.targets
    batch = read_readings([ROOT / "examples" / "readings-2014-17.csv"], units_of(targets),
                          options_of(targets, checked.areas))
    evaluation = evaluate(targets, batch, date(2016, 3, 31), checked.areas)
    page = html_report.render(evaluation, batch, html_report.ReportInputs("t", ("r.csv",), True), None)
    later = evaluation.after_as_of
    assert later > 0
    used = batch.count() - later - evaluation.comparators
    assert f"{used} readings used; {later} dated after the as-of date (left out)" in page


def test_priorities_that_slug_alike_get_their_own_anchors():
    from engine.verdicts.evaluation import evaluate
    from engine.model.readings import ReadingsBatch

    specs = [build_target({"id": f"t{i}", "title": "T", "priority": p,
                           "measure": {"description": "d", "unit": "count", "polarity": "lower_is_better"}})
             for i, p in enumerate(["Crime", "crime!", "Sécurité", "安全"])]
    page = html_report.render(evaluate(specs, {}), ReadingsBatch(), html_report.ReportInputs("t", (), False), None)
    ids = re.findall(r'<section id="([^"]+)"', page)
    links = re.findall(r'<a href="#([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 4
    assert set(links) >= set(ids)
