"""How the reports show areas and comparator groups (issue 12): the rank and benchmark columns of
the table and Markdown, the CSV and workbook columns, the HTML report's dot plot, the footers'
counts of comparator and worked-out readings, and area names (user text) made safe everywhere."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from engine.model.areas import Areas, resolved
from engine.model.spec import build_target
from engine.reports import csv_report, html as html_report, markdown, table, xlsx_report
from engine.reports.base import row_counts
from engine.reports.dotplot import group_figure, group_series
from engine.sources.readings import options_of, read_readings, units_of
from engine.verdicts.evaluation import evaluate

NAMES = {"E06000045": "Southampton", "E06000044": "Portsmouth", "E06000026": "Plymouth", "E06000023": "Bristol",
         "E92000001": "England"}
GROUP = ("E06000045", "E06000044", "E06000026", "E06000023")


def areas(**renamed: str) -> Areas:
    """The areas, some renamed by code: `areas(E06000044="<script>")`."""
    return Areas.of({code: renamed.get(code, name) for code, name in NAMES.items()}, {"g": GROUP})


def spec(known: Areas, id: str, title: str, **extra):
    data = {"id": id, "title": title,
            "measure": {"description": "d", "unit": "per_1000", "polarity": "lower_is_better", "frequency": "annual"},
            "baseline": {"period": "2013/14", "value": 90}, "target": {"period": "2016/17", "value": 80}}
    data["measure"].update(extra.pop("measure", {}))
    data.update(extra)
    return resolved(build_target(data, f"{id}.yaml"), known)


# All crime (lower is better) in 2014/15: Bristol 80, Portsmouth 86, Southampton 87, Plymouth 88:
# Southampton 3rd of 4, and worse than England (84) by value alone (no interval).
CRIME = [("2013/14", "E06000045", 90), ("2013/14", "E06000044", 80), ("2013/14", "E06000026", 95),
         ("2013/14", "E06000023", 85), ("2013/14", "E92000001", 70),
         ("2014/15", "E06000045", 87), ("2014/15", "E06000044", 86), ("2014/15", "E06000026", 88),
         ("2014/15", "E06000023", 80), ("2014/15", "E92000001", 84)]
SHARE = [("2014/15", "E06000045", 52), ("2014/15", "E06000044", 55), ("2014/15", "E06000026", 58),
         ("2014/15", "E06000023", 50)]


def evaluated(tmp_path, known: Areas | None = None):
    """crime (Southampton, group g, benchmark England), share (one result per area of g, against
    the group median), position (Southampton's rank on crime, worked out) and plain (no area)."""
    known = known or areas()
    targets = [spec(known, "crime", "All crime", area="E06000045", comparators="g", benchmark="E92000001"),
               spec(known, "share", "Share", areas="g", comparators="g", benchmark="group_median",
                    measure={"unit": "percent", "polarity": "higher_is_better"},
                    baseline={"period": "2013/14", "value": 50}, target={"period": "2016/17", "value": 60}),
               spec(known, "position", "Position", area="E06000045",
                    measure={"unit": "dimensionless", "derived": "rank", "of": "crime", "among": "g"},
                    baseline={"period": "2013/14", "value": 3}, target={"period": "2016/17", "value": 2}),
               spec(known, "plain", "Plain")]
    lines = ["target,period,value,area"] + [f"crime,{p},{v},{a}" for p, a, v in CRIME] \
        + [f"share,{p},{v},{a}" for p, a, v in SHARE] + ["plain,2014/15,85,"]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_readings([path], units_of(targets), options_of(targets, known))
    assert not batch.rejected, batch.rejected
    return batch, evaluate(targets, batch, None, known)


def terminal(evaluation, batch, monkeypatch, width: int) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    table.print_evaluation(evaluation, batch, out)
    return out.getvalue()


def row_of(text: str, first: str) -> str:
    """The table row whose first cell starts with `first`, its cells' lines joined: rich wraps cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("│ " + first))
    cells: list[list[str]] = []
    for line in lines[start:]:
        if not line.startswith("│"):
            break
        parts = [p.strip() for p in line.strip("│").split("│")]
        cells = cells or [[] for _ in parts]
        for cell, part in zip(cells, parts):
            if part:
                cell.append(part)
    return " | ".join(" ".join(c) for c in cells)


# --- counting -----------------------------------------------------------------------------------

def test_comparator_rows_are_not_counted_as_used_and_derived_ones_are_counted_apart(tmp_path):
    batch, ev = evaluated(tmp_path)
    counts = row_counts(ev, batch)
    # Read: 10 crime rows (2 of Southampton's own, 8 of other areas), 4 share rows, 1 plain row.
    assert (counts.used, counts.comparators, counts.derived, counts.later) == (2 + 4 + 1, 8, 2, 0)
    # The evaluation's own batch holds the 2 worked-out readings as well: the counts are the same.
    assert row_counts(ev, ev.batch) == counts


def test_readings_after_the_as_of_date_are_left_out_and_comparators_of_that_time_too(tmp_path):
    from datetime import date

    batch, _ = evaluated(tmp_path)
    known = areas()
    targets = [spec(known, "crime", "All crime", area="E06000045", comparators="g", benchmark="E92000001")]
    ev = evaluate(targets, read_readings([tmp_path / "r.csv"], units_of(targets), options_of(targets, known)),
                  date(2014, 3, 31), known)
    counts = row_counts(ev, ev.batch)
    # Southampton's 2013/14 is used; its 2014/15 and the 4 other areas' 2014/15 readings are after
    # the as-of date (left out: not compared with); the 4 other areas' 2013/14 are comparators.
    assert (counts.used, counts.later, counts.comparators) == (1, 5, 4)


# --- the terminal table ---------------------------------------------------------------------------

def test_the_table_has_a_rank_and_a_benchmark_column_and_counts_comparators(tmp_path, monkeypatch):
    batch, ev = evaluated(tmp_path)
    text = terminal(ev, batch, monkeypatch, 250)
    header = row_of(text.replace("┃", "│"), "target")
    assert header.split(" | ") == ["target", "status", "latest [interval]", "expected", "rank", "benchmark", "trend",
                                   "why"]
    crime = row_of(text, "All crime").split(" | ")
    assert crime[4] == "3rd of 4, third quarter"
    assert crime[5] == "worse than England (84.0)†"
    assert "by value alone: the reading has no interval" in text
    share = [row_of(text, f"Share — {name}").split(" | ") for name in ("Southampton", "Portsmouth", "Plymouth", "Bristol")]
    assert [s[4] for s in share] == ["3rd of 4, third quarter", "2nd of 4, second quarter", "1st of 4, best quarter",
                                     "4th of 4, worst quarter"]
    assert share[1][5] == "better than the group median (53.5%)†"
    assert row_of(text, "Plain").split(" | ")[4:6] == ["-", "-"]
    assert ("7 readings used, 8 comparator readings (other areas, to compare with), 2 worked out (derived ranks), "
            "0 suppressed") in " ".join(text.split())


def test_on_80_columns_the_rank_and_benchmark_go_under_the_latest_reading(tmp_path, monkeypatch):
    batch, ev = evaluated(tmp_path)
    text = terminal(ev, batch, monkeypatch, 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    header = row_of(text.replace("┃", "│"), "target")
    assert "rank" not in header and "benchmark" not in header
    crime = row_of(text, "All crime").split(" | ")
    assert "rank 3rd of 4, third quarter worse than England (84.0)†" in crime[2]
    assert "rank and benchmark shown under the latest reading to fit 80 columns" in " ".join(text.split())


def test_without_comparisons_the_table_is_as_it_was(tmp_path, monkeypatch):
    batch, ev = evaluated(tmp_path)
    plain = [r for r in ev.results if r.target.id == "plain"]
    from dataclasses import replace

    text = terminal(replace(ev, results=tuple(plain)), batch, monkeypatch, 250)
    assert row_of(text.replace("┃", "│"), "target").split(" | ") == [
        "target", "status", "latest [interval]", "expected", "trend", "why"]
    assert "†" not in text


# --- Markdown ------------------------------------------------------------------------------------

def test_markdown_has_rank_and_benchmark_columns_and_the_counts(tmp_path):
    batch, ev = evaluated(tmp_path)
    md = markdown.evaluation(ev, batch)
    lines = md.splitlines()
    assert "| Target | Status | Latest [interval] | Rank | Benchmark | Trend | Explanation |" in lines
    crime = next(line for line in lines if line.startswith("| All crime (`crime`)"))
    assert "| 3rd of 4, third quarter | worse than England \\(84.0\\)† |" in crime
    portsmouth = next(line for line in lines if line.startswith("| Share — Portsmouth (`share`)"))
    assert "| 2nd of 4, second quarter | better than the group median \\(53.5%\\)† |" in portsmouth
    rows = [line for line in lines if line.startswith("| ")]
    assert len({len(re.findall(r"(?<!\\)\|", row)) for row in rows}) == 1  # every row has the header's cells
    assert "† by value alone: the reading has no interval" in md
    assert "7 reading(s) used, 8 comparator reading(s) (other areas, to compare with, not judged), " \
           "2 worked out (derived ranks)." in md


# --- CSV and the workbook ------------------------------------------------------------------------

STANDING_COLUMNS = ["area", "rank", "of", "quartile", "group_median", "benchmark_area", "benchmark_value", "comparison",
                    "basis"]


def test_the_csv_adds_the_area_and_standing_columns_at_the_end(tmp_path):
    batch, ev = evaluated(tmp_path)
    rows = list(csv.DictReader(io.StringIO(csv_report.evaluation(ev, batch))))
    header = list(rows[0])
    assert header[-9:] == STANDING_COLUMNS
    assert header[:-9] == list(csv_report.HEADER[:-9])  # the older columns keep their places
    crime = [r for r in rows if r["target"] == "crime"]
    assert [[r[c] for c in STANDING_COLUMNS] for r in crime] == [
        ["E06000045", "3", "4", "3", "87.5", "E92000001", "70.0", "worse", "value"],
        ["E06000045", "3", "4", "3", "86.5", "E92000001", "84.0", "worse", "value"]]
    share = {r["area"]: r for r in rows if r["target"] == "share"}
    assert set(share) == set(GROUP)
    assert (share["E06000026"]["rank"], share["E06000026"]["benchmark_area"]) == ("1", "group_median")
    plain = next(r for r in rows if r["target"] == "plain")
    assert [plain[c] for c in STANDING_COLUMNS] == [""] * 9
    position = [r for r in rows if r["target"] == "position"]
    assert [r["value"] for r in position] == ["3.0", "3.0"] and position[0]["area"] == "E06000045"


def test_the_workbook_has_the_area_and_standing_columns(tmp_path):
    batch, ev = evaluated(tmp_path, areas(E06000044='=HYPERLINK("https://evil.example","x")'))
    out = tmp_path / "b.xlsx"
    out.write_bytes(xlsx_report.workbook(ev, batch))
    book = openpyxl.load_workbook(out)
    targets, readings = book["Targets"], book["Readings"]
    heads = [c.value for c in targets[1]]
    assert heads[-2:] == ["area", "area name"]
    by_area = {row[-2]: row for row in targets.iter_rows(min_row=2, values_only=True) if row[0] == "share"}
    assert by_area["E06000026"][-1] == "Plymouth"
    # An area name that would be a formula is text, marked so that retyping it keeps it so.
    cell = next(row[-1] for row in targets.iter_rows(min_row=2) if row[-2].value == "E06000044")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix
    reading_heads = [c.value for c in readings[1]]
    assert reading_heads[-9:] == ["area", "rank", "of", "quartile", "group median", "benchmark area", "benchmark value",
                                  "comparison", "basis"]
    crime = [dict(zip(reading_heads, r)) for r in readings.iter_rows(min_row=2, values_only=True) if r[0] == "crime"]
    assert [(r["period"], r["rank"], r["of"], r["benchmark value"], r["comparison"]) for r in crime] == [
        ("2013/14", 3, 4, 70, "worse"), ("2014/15", 3, 4, 84, "worse")]


# --- the HTML report: the dot plot ------------------------------------------------------------------

def test_the_dot_plot_has_one_dot_per_member_a_period_and_names_the_own_area(tmp_path):
    batch, ev = evaluated(tmp_path)
    crime = ev.results[0]
    series = group_series(crime)
    assert [s.period for s in series.strips] == ["2013/14", "2014/15"]
    assert [[m.name for m in s.members] for s in series.strips] == [
        ["Portsmouth", "Bristol", "Southampton", "Plymouth"], ["Bristol", "Portsmouth", "Southampton", "Plymouth"]]
    assert series.benchmark == "England" and [s.benchmark for s in series.strips] == [70.0, 84.0]
    svg = html_report.draw_chart(series, "group-crime")
    dots = re.findall(r'<g id="group-crime-dot-(\d)-(\d)"[^>]*><title>([^<]*)</title>', svg)
    assert len(dots) == 8  # 4 areas in each of 2 periods
    assert sorted(t for _, _, t in dots)[:2] == ["Bristol 80.0 per 1,000, 2014/15", "Bristol 85.0 per 1,000, 2013/14"]
    assert sum("(this area)" in t for _, _, t in dots) == 2
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Southampton 87.0" in texts and "England 84.0" in texts  # the own area and the benchmark, labelled
    assert 'role="img"' in svg and '<title id="group-crime-title">Chart: All crime, Southampton among the group g' in svg
    desc = re.search(r'<desc id="group-crime-desc">([^<]*)</desc>', svg).group(1)
    assert "2014/15: Bristol 80.0 per 1,000, Portsmouth 86.0 per 1,000, Southampton 87.0 per 1,000 (3rd of 4)" in desc
    assert "England (benchmark) 84.0 per 1,000" in desc


def test_the_dot_plot_labels_stay_inside_the_figure_and_apart(tmp_path):
    batch, ev = evaluated(tmp_path)
    for result in ev.results:
        series = group_series(result)
        if series is None:
            continue
        drawn = group_figure(series)
        drawn.figure.canvas.draw()  # the legend's texts are placed when drawn
        renderer = drawn.figure.canvas.get_renderer()
        figure_box = drawn.figure.bbox
        boxes = [label.get_window_extent(renderer) for label in drawn.labels]
        boxes += [t.get_window_extent(renderer) for t in drawn.legend.get_texts()]
        for box in boxes:
            assert figure_box.x0 - 0.5 <= box.x0 and box.x1 <= figure_box.x1 + 0.5
            assert figure_box.y0 - 0.5 <= box.y0 and box.y1 <= figure_box.y1 + 0.5
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (result.target.id, result.target.area)


def test_the_dot_plot_shows_the_latest_five_periods_at_most(tmp_path):
    known = areas()
    target = spec(known, "crime", "All crime", area="E06000045", comparators="g")
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2017)]
    lines = ["target,period,value,area"] + [f"crime,{p},{80 + i + k},{a}" for i, p in enumerate(years)
                                            for k, a in enumerate(GROUP[:3])]
    (tmp_path / "r.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_readings([tmp_path / "r.csv"], units_of([target]), options_of([target], known))
    (result,) = evaluate([target], batch, None, known).results
    series = group_series(result)
    assert [s.period for s in series.strips] == years[-5:]
    assert series.benchmark == "" and all(s.benchmark is None for s in series.strips)


def test_the_card_shows_the_dot_plot_and_how_we_compare(tmp_path):
    batch, ev = evaluated(tmp_path)
    page = html_report.render(ev, batch, html_report.ReportInputs("T", ("r.csv",), False), html_report.draw_chart)
    crime = page[page.index('<article id="target-crime"'):]
    crime = crime[:crime.index("</article>")]
    assert '<figure class="compare"><svg class="chart dotplot"' in crime
    assert ("How we compare in 2014/15: ranked 3rd of 4 in the group g (1st is the best, third quarter; group "
            "median 86.5 per 1,000); worse than England (84.0 per 1,000), by value alone") in crime
    assert "<td><strong>Southampton</strong> (3rd of 4)</td>" in crime
    # A target of several areas: a card for each, titled with the area, each anchor its own.
    anchors = re.findall(r'<article id="([^"]+)"', page)
    assert len(anchors) == len(set(anchors)) == 7
    assert '<h3 id="target-share_40_e06000044-h">Share — Portsmouth</h3>' in page
    # Without charts the words stay; a target compared with nothing has neither.
    bare = html_report.render(ev, batch, html_report.ReportInputs("T", ("r.csv",), False), None)
    assert "dotplot" not in bare and bare.count('<p class="compare">How we compare in 2014/15') == 5
    assert "7 readings used; 8 comparator readings (other areas, to compare with), 2 worked out (derived ranks)" in page


# --- area names are user text --------------------------------------------------------------------

HOSTILE = {"E06000044": "<script>alert(1)</script>", "E92000001": '=HYPERLINK("https://evil.example","x")',
           "E06000026": "\x1b[2J[bold]Ply[/]mouth\r\n::error::x"}


def test_hostile_area_names_are_inert_in_every_format(tmp_path, monkeypatch):
    batch, ev = evaluated(tmp_path, areas(**HOSTILE))
    page = html_report.render(ev, batch, html_report.ReportInputs("T", ("r.csv",), False), html_report.draw_chart)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r"<text[^>]*>&lt;script&gt;alert\(1\)&lt;/script&gt; 55\.0%</text>", page)  # its label
    # Every `<` left is a tag of ours (the SVG's and the page's), never one from a name.
    assert "<" not in re.sub(r"</?[a-zA-Z][a-zA-Z0-9:_.-]*(\s[^<>]*)?/?>|<!DOCTYPE html>", "", page)
    assert "\x1b" not in page and "\r" not in page

    md = markdown.evaluation(ev, batch)
    assert "<script>" not in md and "\x1b" not in md
    share = next(line for line in md.splitlines() if line.startswith("| Share — &lt;script&gt;"))
    assert "worse than England" not in md and "=HYPERLINK\\(" in md  # a name is text, its brackets escaped

    text = terminal(ev, batch, monkeypatch, 250)
    assert "\x1b" not in text and "\\x1b[2J[bold]Ply[/]mouth\\r\\n::error::x" in text
    assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert share

    for row in csv.reader(io.StringIO(csv_report.evaluation(ev, batch))):
        for name, value in zip(csv_report.HEADER, row, strict=True):
            if name in csv_report.TEXT_COLUMNS:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")) and "\x1b" not in value, (name, value)
    rows = list(csv.DictReader(io.StringIO(csv_report.evaluation(ev, batch))))
    assert any('worse than =HYPERLINK("https://evil.example","x")' in r["explanation"] for r in rows)


@pytest.mark.parametrize("name", ["<b>x</b>", "a & b", "$5 $x$"])
def test_a_name_in_the_dot_plot_is_drawn_as_written(tmp_path, name):
    batch, ev = evaluated(tmp_path, areas(E06000045=name))
    svg = html_report.draw_chart(group_series(ev.results[0]), "g1")
    import html as html_module

    texts = [html_module.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert f"{name} 87.0" in texts  # no markup, no mathtext: the name as areas.yaml writes it
    assert "<b>" not in svg


def test_show_gives_a_ranks_expected_place_between_whole_places_with_a_decimal(capsys):
    # From 4th (2013/14) to 2nd (2016/17): 3.3 and 2.7 expected on the way, not 3 and 3.
    from engine.verdicts.profile import profile_rows

    target = build_target({"id": "position", "title": "Position", "baseline": {"period": "2013/14", "value": 4},
                           "target": {"period": "2016/17", "value": 2},
                           "measure": {"description": "d", "unit": "rank", "polarity": "lower_is_better"}})
    table.print_profile(target, profile_rows(target, [], "year"))
    expected = [line.split("│")[3].strip() for line in capsys.readouterr().out.splitlines() if "-03-31" in line]
    assert expected == ["4", "3.3", "2.7", "2"]


def test_on_a_narrow_terminal_an_interval_under_the_latest_reading_is_never_broken(tmp_path, monkeypatch):
    # Rank and benchmark lines under the latest reading: rich used to squeeze the column below the
    # interval's width, `[42.9–69.4` on one line and `]` on the next.
    known = areas()
    targets = [spec(known, "crime", "Alcohol-specific admissions, under 18s", area="E06000045", comparators="g",
                    benchmark="E92000001", measure={"unit": "per_100k", "statistic": "rate"},
                    significance={"confidence": 95}),
               spec(known, "plain", "Plain")]
    lines = ["target,period,value,lower,upper,area", "crime,2014/15,55.1,42.9,69.4,E06000045",
             "crime,2014/15,45.0,,,E06000044", "crime,2014/15,50.2,,,E06000026", "crime,2014/15,29.3,,,E92000001",
             "plain,2013/14,91,,,", "plain,2014/15,92,,,"]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_readings([path], units_of(targets), options_of(targets, known))
    assert not batch.rejected, batch.rejected
    ev = evaluate(targets, batch, None, known)
    for width in range(70, 101):
        text = terminal(ev, batch, monkeypatch, width)
        if "rank and benchmark shown under the latest reading" not in " ".join(text.split()):
            continue  # wide enough for columns of their own
        latest = [line.split("│")[3].strip() for line in text.splitlines() if line.startswith("│")]
        assert "[42.9–69.4]" in latest, (width, latest)
        assert max(len(line) for line in text.splitlines()) <= width
        # A title's word wider than the target column is broken after its hyphen, not inside a word.
        names = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
        assert names[:2] == ["Alcohol-", "specific"], (width, names)
