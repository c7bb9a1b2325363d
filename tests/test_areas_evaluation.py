"""Areas in the evaluation (issue 12): readings matched to areas, comparators kept and not judged,
ranks and benchmarks per reading, targets of several areas, derived ranks."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.areas import Areas, resolved
from engine.model.spec import build_target
from engine.reports.json_report import evaluation_text
from engine.sources.readings import options_of, read_readings, units_of
from engine.verdicts.evaluation import evaluate
from tests.test_evaluate import heads_agree

AREAS = Areas.of({"E06000045": "Southampton", "E06000044": "Portsmouth", "E06000026": "Plymouth",
                  "E06000023": "Bristol", "E92000001": "England", "E08000025": "Birmingham"},
                 {"g": ("E06000045", "E06000044", "E06000026", "E06000023"), "alone": ("E06000045",)})


def spec(id="crime", **extra):
    data = {"id": id, "title": id.title(),
            "measure": {"description": "All crime", "unit": "per_1000", "polarity": "lower_is_better",
                        "frequency": "annual"},
            "baseline": {"period": "2013/14", "value": 90}, "target": {"period": "2016/17", "value": 80}}
    measure = extra.pop("measure", None)
    if measure:
        data["measure"] = {**data["measure"], **measure}
    data.update(extra)
    return resolved(build_target(data, f"{id}.yaml"), AREAS)


def crime_and_position(unit="rank"):
    """Southampton's crime rate among the group g, and its rank there, worked out."""
    crime = spec(area="E06000045", comparators="g")
    position = spec("position", area="E06000045",
                    measure={"unit": unit, "derived": "rank", "of": "crime", "among": "g"},
                    baseline={"period": "2013/14", "value": 3}, target={"period": "2016/17", "value": 2})
    return crime, position


def run(tmp_path, targets, csv, areas=AREAS, as_of=None):
    path = tmp_path / "r.csv"
    path.write_text(csv)
    batch = read_readings([path], units_of(targets), options_of(targets, areas))
    return batch, evaluate(targets, batch, as_of, areas)


def rows(lines):
    return "target,period,value,area\n" + "".join(f"{line}\n" for line in lines)


def test_ties_share_the_best_rank_and_the_rest_count_from_their_place(tmp_path):
    target = spec(area="E06000045", comparators="g")
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,80,Portsmouth",
                                               "crime,2014/15,70,Plymouth", "crime,2014/15,95,Bristol"]))
    (result,) = ev.results
    (verdict,) = result.verdicts
    # 70 first, the two 80s share 2nd, 95 is 4th (standard competition ranking).
    assert (verdict.standing.rank, verdict.standing.of, verdict.standing.group_median) == (2, 4, 80.0)
    assert ev.comparators == 3 and result.count == 1
    assert "ranked 2nd of 4" in verdict.explanation


def test_a_member_missing_a_period_is_not_counted_that_period(tmp_path):
    target = spec(area="E06000045", comparators="g")
    _, ev = run(tmp_path, [target], rows(["crime,2013/14,90,Southampton", "crime,2013/14,80,Portsmouth",
                                          "crime,2013/14,85,Plymouth", "crime,2014/15,85,Southampton",
                                          "crime,2014/15,86,Portsmouth"]))
    first, second = ev.results[0].verdicts
    assert (first.standing.rank, first.standing.of) == (3, 3)
    assert (second.standing.rank, second.standing.of, second.standing.quartile) == (1, 2, None)


def test_an_area_outside_the_group_is_not_used_and_an_unknown_one_is_rejected(tmp_path):
    target = spec(area="E06000045", comparators="g")
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,81,Birmingham",
                                              "crime,2014/15,82,Portsmuth"]))
    (not_used,) = batch.not_used
    assert not_used.line == 3 and "Birmingham" in not_used.reason and "comparators" in not_used.reason
    (rejected,) = batch.rejected
    assert rejected.line == 4 and "did you mean E06000044 (Portsmouth)?" in rejected.reason
    assert batch.rows == 3 and batch.count() == 1  # every row accounted for


def test_a_group_of_one_gives_no_rank(tmp_path):
    target = spec(area="E06000045", comparators="alone")
    _, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton"]))
    (verdict,) = ev.results[0].verdicts
    assert verdict.standing.rank is None and verdict.standing.of is None
    assert "How we compare" not in verdict.explanation


@pytest.mark.parametrize("lower, upper, comparison, basis", [
    ("60", "68", "better", "interval"),  # the interval is below England's 70 (lower is better)
    ("60", "75", "similar", "interval"),  # it includes 70
    ("", "", "better", "value"),  # no interval: by value alone
])
def test_a_benchmark_is_compared_by_interval_or_by_value_alone(tmp_path, lower, upper, comparison, basis):
    target = spec(area="E06000045", benchmark="E92000001")
    csv = ("target,period,value,area,lower,upper\n"
           f"crime,2014/15,65,Southampton,{lower},{upper}\ncrime,2014/15,70,England,,\n")
    _, ev = run(tmp_path, [target], csv)
    (verdict,) = ev.results[0].verdicts
    st = verdict.standing
    assert (st.benchmark_area, st.benchmark_value, st.comparison, st.basis) == ("E92000001", 70.0, comparison, basis)
    assert st.rank is None  # a benchmark alone ranks nothing
    assert ("by value alone" in verdict.explanation) == (basis == "value")
    assert "England (70.0 per 1,000)" in verdict.explanation


def test_the_group_median_as_benchmark(tmp_path):
    target = spec(area="E06000045", comparators="g", benchmark="group_median")
    _, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,90,Portsmouth",
                                          "crime,2014/15,100,Plymouth"]))
    st = ev.results[0].verdicts[0].standing
    assert (st.group_median, st.benchmark_value, st.comparison) == (90.0, 90.0, "better")


def test_readings_after_the_as_of_date_are_not_compared_with(tmp_path):
    from datetime import date

    target = spec(area="E06000045", comparators="g")
    _, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth",
                                          "crime,2015/16,60,Plymouth"]), as_of=date(2015, 3, 31))
    st = ev.results[0].verdicts[0].standing
    assert (st.rank, st.of) == (2, 2)


def test_rows_of_different_areas_for_one_period_are_not_duplicates_but_one_area_twice_is(tmp_path):
    target = spec(area="E06000045", comparators="g")
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth",
                                              "crime,2014/15,75,E06000044"]))
    (superseded,) = batch.superseded
    assert (superseded.line, superseded.by_line) == (3, 4)
    assert ev.results[0].verdicts[0].standing.rank == 2  # 75 (the later Portsmouth row) beat 80


def test_a_target_of_several_areas_is_judged_once_for_each(tmp_path):
    target = spec(areas="g", comparators="g")
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth",
                                              "crime,2014/15,90,Plymouth", "crime,2014/15,85"]))
    assert [(r.target.area, r.count) for r in ev.results] == [
        ("E06000045", 1), ("E06000044", 1), ("E06000026", 1), ("E06000023", 0)]
    assert [r.verdicts[0].standing.rank for r in ev.results[:3]] == [2, 1, 3]
    (rejected,) = batch.rejected  # a row that names no area, for a target of four
    assert rejected.line == 5 and "the 4 areas of `g`" in rejected.reason
    report = json.loads(evaluation_text(ev, batch))
    assert [(t["id"], t["area"]) for t in report["targets"]] == [
        ("crime", "E06000045"), ("crime", "E06000044"), ("crime", "E06000026"), ("crime", "E06000023")]


def test_a_derived_rank_is_worked_out_from_the_group_and_names_its_neighbours(tmp_path):
    crime, position = crime_and_position("dimensionless")  # a rank as specs wrote it before `rank`
    csv = rows(["crime,2013/14,90,Southampton", "crime,2013/14,80,Portsmouth", "crime,2013/14,95,Plymouth",
                "crime,2014/15,70,Southampton", "crime,2014/15,75,Portsmouth", "position,2014/15,1,Southampton"])
    batch, ev = run(tmp_path, [crime, position], csv)
    (rejected,) = batch.rejected
    assert rejected.line == 7 and "worked out from those of `crime`" in rejected.reason
    result = ev.results[1]
    assert [(v.period.label, v.value) for v in result.verdicts] == [("2013/14", 2.0), ("2014/15", 1.0)]
    first = result.verdicts[0].explanation
    assert "among 3 areas: below Portsmouth (80) and above Plymouth (95)" in first
    # Each worked-out reading points at the row it was ranked on.
    assert [(r.file.endswith("r.csv"), r.line) for r in result.readings] == [(True, 2), (True, 5)]
    assert ev.derived == 2
    report = json.loads(evaluation_text(ev, batch))
    assert report["derived_readings"] == 2 and report["comparator_readings"] == 3
    first_json = report["targets"][1]["readings"][0]
    assert first_json["ranked"] == {"target": "crime", "of": 3, "tied": [], "above": {"area": "E06000044", "value": 80.0},
                                    "below": {"area": "E06000026", "value": 95.0}}
    assert "ranked" not in report["targets"][0]["readings"][0]


def test_json_fields_of_a_standing(tmp_path):
    target = spec(area="E06000045", comparators="g", benchmark="E92000001")
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth",
                                              "crime,2014/15,90,Plymouth", "crime,2014/15,95,Bristol",
                                              "crime,2014/15,85,England"]))
    (reading,) = json.loads(evaluation_text(ev, batch))["targets"][0]["readings"]
    assert {k: reading[k] for k in ("rank", "of", "quartile", "group_median", "benchmark")} == {
        "rank": 2, "of": 4, "quartile": 2, "group_median": 85.0,
        "benchmark": {"area": "E92000001", "value": 85.0, "comparison": "better", "basis": "value"}}


def test_targets_without_areas_keep_their_json_as_it_was(tmp_path):
    target = spec()
    batch, ev = run(tmp_path, [target], "target,period,value\ncrime,2014/15,80\n")
    report = json.loads(evaluation_text(ev, batch))
    (reading,) = report["targets"][0]["readings"]
    assert not {"rank", "of", "benchmark"} & set(reading) and "area" not in report["targets"][0]
    assert "comparator_readings" not in report


@pytest.mark.parametrize("header, cell", [("Area Code", "E06000044"), ("Area Name", "Portsmouth"),
                                          ("area", "portsmouth")])
def test_the_area_column_may_be_named_as_fingertips_names_it(tmp_path, header, cell):
    target = spec(area="E06000045", comparators="g")
    csv = f"target,period,value,{header}\ncrime,2014/15,80,Southampton\ncrime,2014/15,70,{cell}\n"
    batch, ev = run(tmp_path, [target], csv)
    assert not batch.rejected and ev.comparators == 1
    assert ev.results[0].verdicts[0].standing.rank == 2


def test_the_main_job_computes_the_group_position_from_the_groups_rates():
    """The shipped Safe City specs and example readings: the MSG position is worked out, not typed."""
    from pathlib import Path

    from typer.testing import CliRunner

    import cli

    root = Path(__file__).resolve().parent.parent
    example = str(root / "examples" / "readings-2014-17.csv")
    result = CliRunner().invoke(cli.app, ["evaluate", example, "-t", str(root / "targets"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (position,) = [t for t in report["targets"] if t["id"] == "msg-position-all-crime"]
    assert [(r["period"], r["value"]) for r in position["readings"]] == [("2013/14", 12.0), ("2014/15", 11.0),
                                                                          ("2015/16", 12.0)]
    assert position["area"] == "E06000045" and "among 15 areas" in position["explanation"]
    (rate,) = [t for t in report["targets"] if t["id"] == "all-crime-rate"]
    assert [(r["rank"], r["of"]) for r in rate["readings"]] == [(12, 15), (11, 15), (12, 15)]
    assert report["derived_readings"] == 3 and report["comparator_readings"] == 42
    shown = CliRunner().invoke(cli.app, ["show", "msg-position-all-crime", "-t", str(root / "targets"), "-r", example])
    assert shown.exit_code == 0 and "improving" in shown.stdout  # 11th in 2014/15, from 12th


def test_show_rejects_a_row_given_for_a_derived_rank(tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    import cli

    root = Path(__file__).resolve().parent.parent
    text = (root / "examples" / "readings-2014-17.csv").read_text(encoding="utf-8")
    readings = tmp_path / "r.csv"
    readings.write_text(text + "msg-position-all-crime,2016/17,9" + "," * (text.splitlines()[0].count(",") - 2) + "\n",
                        encoding="utf-8")
    shown = CliRunner().invoke(cli.app, ["show", "msg-position-all-crime", "-t", str(root / "targets"), "-r",
                                         str(readings)])
    assert shown.exit_code == 2 and "worked out from those of `all-crime-rate`" in shown.stderr


def test_an_own_area_outside_the_group_is_ranked_among_the_group_and_itself_alone(tmp_path):
    # Bristol is not in `trio`: it is ranked among the trio and itself; the trio's own ranks and
    # median are the trio's alone (a tester found Bristol counted in every area's ranking).
    areas = Areas.of(AREAS.names, {**AREAS.groups, "trio": ("E06000045", "E06000044", "E06000026")})
    target = resolved(build_target({"id": "crime", "title": "Crime",
                                    "measure": {"description": "x", "unit": "per_1000", "polarity": "lower_is_better"},
                                    "areas": ["Southampton", "Portsmouth", "Bristol"], "comparators": "trio"},
                                   "crime.yaml"), areas)
    _, ev = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth",
                                          "crime,2014/15,90,Plymouth", "crime,2014/15,60,Bristol"]), areas=areas)
    got = {r.target.area: (r.verdicts[0].standing.rank, r.verdicts[0].standing.of, r.verdicts[0].standing.group_median)
           for r in ev.results}
    assert got == {"E06000045": (2, 3, 80.0), "E06000044": (1, 3, 80.0), "E06000023": (1, 4, 75.0)}


def test_a_derived_rank_in_a_tie_says_joint_with_and_not_above(tmp_path):
    crime, position = crime_and_position()
    csv = rows(["crime,2014/15,80,Southampton", "crime,2014/15,80,Portsmouth", "crime,2014/15,80,Plymouth",
                "crime,2014/15,85,Bristol"])
    batch, ev = run(tmp_path, [crime, position], csv)
    (verdict,) = ev.results[1].verdicts
    assert verdict.value == 1.0
    assert verdict.explanation.endswith("among 4 areas: joint with Portsmouth and Plymouth (80) and above Bristol (85)")
    ranked = json.loads(evaluation_text(ev, batch))["targets"][1]["readings"][0]["ranked"]
    assert ranked == {"target": "crime", "of": 4, "tied": ["E06000044", "E06000026"], "above": None,
                      "below": {"area": "E06000023", "value": 85.0}}


def test_readings_after_the_as_of_date_are_left_out_not_counted_as_compared(tmp_path):
    from datetime import date

    from engine.reports.base import row_counts

    crime, position = crime_and_position()
    batch, ev = run(tmp_path, [crime, position], rows([
        "crime,2014/15,80,Southampton", "crime,2014/15,70,Portsmouth", "crime,2014/15,90,Plymouth",
        "crime,2015/16,80,Southampton", "crime,2015/16,70,Portsmouth"]), as_of=date(2015, 3, 31))
    assert (ev.comparators, ev.comparators_later, ev.derived, ev.derived_later) == (3, 1, 2, 1)
    counts = row_counts(ev, batch)
    # 5 rows read: 1 used (Southampton 2014/15), 2 compared with, 2 after the as-of date.
    assert (counts.used, counts.comparators, counts.later, counts.derived) == (1, 2, 2, 1)


def test_a_blank_area_code_falls_back_to_the_name_and_a_code_and_name_that_disagree_are_rejected(tmp_path):
    target = spec(area="E06000045", comparators="g", benchmark="E92000001")
    csv = ("target,period,value,Area Code,Area Name\n"
           "crime,2014/15,85,E06000045,Southampton\n"
           "crime,2014/15,78,,England\n"  # the benchmark, by name alone: not Southampton's
           "crime,2014/15,80,E06000044,Plymouth\n")
    batch, ev = run(tmp_path, [target], csv)
    (rejected,) = batch.rejected
    assert rejected.line == 4 and "is Portsmouth in areas.yaml, but the area name says `Plymouth`" in rejected.reason
    (verdict,) = ev.results[0].verdicts
    assert (verdict.value, verdict.standing.benchmark_value, verdict.standing.comparison) == (85.0, 78.0, "worse")
    assert not batch.superseded


def test_a_target_without_an_area_takes_one_areas_rows_and_refuses_a_second(tmp_path):
    target = spec()
    batch, ev = run(tmp_path, [target], rows(["crime,2014/15,9,Southampton", "crime,2014/15,50,Portsmouth",
                                              "crime,2015/16,8,E06000045", "crime,2015/16,7,Nowhere"]))
    assert [(r.period.label, r.value) for r in ev.results[0].readings] == [("2014/15", 9.0), ("2015/16", 8.0)]
    second, unknown = batch.rejected
    assert second.line == 3 and "rows for E06000045 (Southampton) and for E06000044 (Portsmouth)" in second.reason
    assert "give it `area:`" in second.reason
    assert unknown.line == 5 and "`Nowhere` is not in areas.yaml" in unknown.reason and not batch.superseded


def test_a_well_formed_code_areas_yaml_does_not_list_is_not_used_but_a_name_is_rejected(tmp_path):
    target = spec(area="E06000045", comparators="g")
    batch, _ = run(tmp_path, [target], rows(["crime,2014/15,80,Southampton", "crime,2014/15,70,E06000099",
                                             "crime,2014/15,70,Southamptn"]))
    (not_used,) = batch.not_used
    assert not_used.line == 3 and "E06000099" in not_used.reason
    (rejected,) = batch.rejected
    assert rejected.line == 4 and "did you mean E06000045 (Southampton)?" in rejected.reason


def test_each_area_of_one_spec_is_said_as_a_spec_for_that_area_alone_would_say_it(tmp_path):
    """What depends on the spec alone (its path, its wording) is worked out once for all its areas:
    each area's result, sentences and standing included, is what a spec written for that area
    alone gives. Concluded, not started, open and stale ones among them."""
    values = {"E06000045": [95, 88, 86, 83, 79, 81], "E06000044": [91, 92, 87, 85, 82, 78],
              "E06000026": [99, 90, 84, 84, 80, 84], "E06000023": [93, 89, 88, 86]}  # Bristol stops in 2015/16
    periods = ["2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18"]
    csv = rows([f"crime,{p},{v},{code}" for code, vs in values.items() for p, v in zip(periods, vs)])
    extra = {"comparators": "g", "benchmark": "group_median", "tolerance": {"absolute": 1.5},
             "milestones": [{"period": "2014/15", "value": 86}], "limit": 97}
    from datetime import date

    as_of = date(2018, 3, 31)  # given: alone, Bristol's own readings would end the evaluation in 2016
    batch, ev = run(tmp_path, [spec(areas="g", **extra)], csv, as_of=as_of)
    whole = json.loads(evaluation_text(ev, batch))["targets"]
    assert {t["status"] for t in whole} >= {"achieved", "missed"} and any(t["stale"] for t in whole)
    heads_agree(ev, batch)  # each area's own fields in the JSON: its result's
    for code in values:
        one_batch, one = run(tmp_path, [spec(area=code, **extra)], csv, as_of=as_of)
        (alone,) = json.loads(evaluation_text(one, one_batch))["targets"]
        assert alone == next(t for t in whole if t["area"] == code)


def test_a_report_written_to_a_file_counts_the_readings_judged_and_those_compared_with_apart(tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    import cli

    root = Path(__file__).resolve().parent.parent
    args = [str(root / "examples" / "readings-2014-17.csv"), "-t", str(root / "targets")]
    report = json.loads(CliRunner().invoke(cli.app, ["evaluate", *args, "--format", "json"]).stdout)
    judged = sum(len(t["readings"]) for t in report["targets"])
    out = tmp_path / "report.md"
    result = CliRunner().invoke(cli.app, ["evaluate", *args, "--format", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (f"{len(report['targets'])} targets, {judged} readings, {report['comparator_readings']} of other areas "
            "compared with") in result.stderr


@settings(max_examples=300, deadline=None)
@given(rank=st.none() | st.integers(1, 400), of=st.integers(1, 400), quartile=st.sampled_from([None, 1, 2, 3, 4]),
       median=st.none() | st.floats(0, 1e6, allow_nan=False), bench=st.sampled_from([None, "E92000001", "group_median"]),
       value=st.none() | st.sampled_from([70.0, 70.05, 1234.5]), comparison=st.sampled_from([None, "better", "similar", "worse"]),
       basis=st.sampled_from([None, "interval", "value"]), unit=st.sampled_from(["per_1000", "percent", "count"]))
def test_the_remembered_compare_note_says_what_its_clauses_say(rank, of, quartile, median, bench, value, comparison,
                                                               basis, unit):
    """standing_note (the evaluation's, its shared clauses remembered) is compare_words(standing_parts)."""
    from engine.verdicts.explain import TargetWords, compare_words, standing_note, standing_parts

    words = TargetWords(spec(measure={"unit": unit}), None)
    fields = (rank, of, quartile, median, bench, value, comparison, basis)
    for _ in range(2):  # the second time from what was remembered
        parts = standing_parts(words, "g", AREAS.names, *fields)
        assert standing_note(words, "g", AREAS.names, *fields) == (compare_words(parts) if parts else "")


def test_show_picks_one_area_of_a_target_of_several_with_area(tmp_path):
    from typer.testing import CliRunner

    import cli

    specs = tmp_path / "targets"
    specs.mkdir()
    (specs / "areas.yaml").write_text("areas:\n  E06000045: Southampton\n  E06000044: Portsmouth\n"
                                      "  E06000026: Plymouth\ngroups:\n  g: [E06000045, E06000044, E06000026]\n")
    (specs / "crime.yaml").write_text(
        "id: crime\ntitle: Crime\nstatus: active\nmeasure:\n  description: All crime\n  unit: per_1000\n"
        "  polarity: lower_is_better\n  frequency: annual\nareas: g\n"
        "baseline: {period: 2013/14, value: 90}\ntarget: {period: 2016/17, value: 80}\n")
    (specs / "plain.yaml").write_text(
        "id: plain\ntitle: Plain\nstatus: active\nmeasure:\n  description: x\n  unit: count\n"
        "  polarity: lower_is_better\n  frequency: annual\nbaseline: {period: 2013/14, value: 9}\n")
    readings = tmp_path / "r.csv"
    readings.write_text(rows(["crime,2014/15,86.5,Southampton", "crime,2014/15,71.25,Portsmouth",
                              "crime,2014/15,93.75,Plymouth"]))

    def show(*extra):
        return CliRunner().invoke(cli.app, ["show", *extra, "-t", str(specs), "-r", str(readings)])

    first = show("crime")
    assert first.exit_code == 0, first.output
    assert "86.5" in first.stdout and "71.25" not in first.stdout
    assert "shown for E06000045 (Southampton), the first; --area names another" in first.stderr
    for given in ("Portsmouth", "portsmouth", "E06000044", "e06000044"):
        other = show("crime", "--area", given)
        assert other.exit_code == 0, other.output
        assert "71.2" in other.stdout and "86.5" not in other.stdout
        assert other.stderr.strip() == "crime is for 3 areas: shown for E06000044 (Portsmouth)"
    wrong = show("crime", "--area", "Bristol")
    assert wrong.exit_code == 2
    assert "`Bristol` is not one of the areas of `crime`: E06000045 (Southampton), E06000044 (Portsmouth)" in wrong.stderr
    none = show("plain", "--area", "Portsmouth")
    assert none.exit_code == 2 and "`plain` is not for an area" in none.stderr
