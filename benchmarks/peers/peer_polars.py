"""Peer: the judging of `targets evaluate`, without sentences, in polars.

    python benchmarks/peers/peer_polars.py READINGS.csv SPECS.peers.json OUT.json

Reads the targets' numbers from the JSON sidecar written beside the YAML specs (it does not
parse YAML specs) and a `target,period,value` CSV with monthly periods (YYYY-MM), and writes a
JSON array with one record per reading, sorted by target and date: target, period, date,
value, expected (the path at the period's last day), shortfall, tolerance, status, breach.
The rules are those of engine/verdicts/judge.py and engine/model/compare.py (a 16-ulp slack
on every threshold); readings of unknown targets are dropped, not reported.
"""

from __future__ import annotations

import sys

import polars as pl

ULPS_EPS = 16 * sys.float_info.epsilon


def judge(readings: pl.LazyFrame, specs: pl.LazyFrame) -> pl.LazyFrame:
    c = pl.col
    day = c("date").cast(pl.Int32)  # days since 1970: only differences are used
    bd, md, td = (c(n).cast(pl.Int32) for n in ("baseline_date", "milestone_date", "target_date"))
    lower = c("polarity") == "lower_is_better"
    # The segment the day falls in: baseline -> milestone -> target, or baseline -> target.
    second = c("milestone").is_not_null() & (day >= md)
    da = pl.when(second).then(md).otherwise(bd)
    db = pl.when(c("milestone").is_not_null() & ~second).then(md).otherwise(td)
    va = pl.when(second).then(c("milestone")).otherwise(c("baseline"))
    vb = pl.when(c("milestone").is_not_null() & ~second).then(c("milestone")).otherwise(c("target_level"))
    f = (day - da).cast(pl.Float64) / (db - da).cast(pl.Float64)
    on_path = pl.when(c("trajectory") == "compound").then(va * (vb / va).pow(f)).otherwise(va + (vb - va) * f)
    before, after = day < bd, day >= td
    raw = pl.when(lower).then(c("value") - c("expected")).otherwise(c("expected") - c("value"))
    shortfall = pl.when(raw.abs() <= ULPS_EPS * pl.max_horizontal(c("value").abs(), c("expected").abs())) \
        .then(0.0).otherwise(raw)
    gap = c("shortfall") - c("tolerance")
    beyond = gap > ULPS_EPS * pl.max_horizontal(c("shortfall").abs(), c("tolerance").abs(),
                                                c("value").abs(), c("expected").abs())
    met = pl.when(c("strict")).then(c("shortfall") < 0).otherwise(c("shortfall") <= 0)
    status = (pl.when(c("before")).then(pl.lit("not_started"))
              .when(c("after")).then(pl.when(met).then(pl.lit("achieved")).otherwise(pl.lit("missed")))
              .when(c("shortfall") <= 0).then(pl.lit("on_track"))
              .when(~beyond).then(pl.lit("at_risk"))
              .otherwise(pl.lit("off_track")))
    over = c("value") - c("limit")
    side = pl.when(over.abs() <= ULPS_EPS * pl.max_horizontal(c("value").abs(), c("limit").abs())).then(0) \
        .otherwise(over.sign())
    limit_breach = c("limit").is_not_null() & (side == pl.when(lower).then(1).otherwise(-1))
    return (
        readings.join(specs, left_on="target", right_on="id", how="inner")
        .with_columns(before=before, after=after,
                      expected=pl.when(before).then(None).when(after).then(c("target_level")).otherwise(on_path))
        .with_columns(shortfall=shortfall,
                      tolerance=c("tolerance_absolute") + c("tolerance_relative") * c("expected").abs())
        .with_columns(status=status)
        .with_columns(breach=limit_breach.fill_null(False) | (c("status") == "missed"))
        .sort("target", "date")
        .select("target", "period", c("date").dt.to_string("%Y-%m-%d"), "value", "expected", "shortfall",
                "tolerance", "status", "breach")
    )


def main(readings_path: str, sidecar_path: str, out_path: str) -> None:
    readings = pl.scan_csv(readings_path, schema={"target": pl.String, "period": pl.String, "value": pl.Float64}) \
        .with_columns(date=pl.col("period").str.to_date("%Y-%m").dt.month_end())
    # All-null columns (no milestone, no limit anywhere) would come in as a null type: cast.
    specs = pl.read_json(sidecar_path).lazy().rename({"target": "target_level"}).select(
        "id", "polarity", "trajectory",
        pl.col("baseline_date", "milestone_date", "target_date").cast(pl.String).str.to_date("%Y-%m-%d"),
        pl.col("baseline", "milestone", "target_level", "tolerance_absolute", "tolerance_relative", "limit")
        .cast(pl.Float64),
        pl.col("strict").cast(pl.Boolean))
    judge(readings, specs).collect().write_json(out_path)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
