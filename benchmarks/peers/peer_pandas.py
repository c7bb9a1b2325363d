"""Peer: the judging of `targets evaluate`, without sentences, in pandas (and numpy).

    python benchmarks/peers/peer_pandas.py READINGS.csv SPECS.peers.json OUT.json

Reads the targets' numbers from the JSON sidecar written beside the YAML specs (it does not
parse YAML specs) and a `target,period,value` CSV with monthly periods (YYYY-MM), and writes a
JSON array with one record per reading, sorted by target and date: target, period, date,
value, expected (the path at the period's last day), shortfall, tolerance, status, breach.
The rules are those of engine/verdicts/judge.py and engine/model/compare.py (a 16-ulp slack
on every threshold); readings of unknown targets are dropped, not reported.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

ULPS_EPS = 16 * sys.float_info.epsilon


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970 as floats (NaN for none): only differences are used."""
    days = dates.to_numpy(dtype="datetime64[D]")
    return np.where(np.isnat(days), np.nan, days.astype("int64").astype("float64"))


def judge(readings: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    df = readings.merge(specs, left_on="target", right_on="id", how="inner")
    period_end = pd.to_datetime(df["period"], format="%Y-%m") + pd.offsets.MonthEnd(0)
    day = period_end.to_numpy(dtype="datetime64[D]").astype("int64").astype("float64")
    bd, md, td = (df[n].to_numpy() for n in ("bd", "md", "td"))
    bv, mv, tv = (df[n].to_numpy(dtype="float64") for n in ("baseline", "milestone", "target_level"))
    value = df["value"].to_numpy(dtype="float64")
    lower = (df["polarity"] == "lower_is_better").to_numpy()
    compound = (df["trajectory"] == "compound").to_numpy()
    has_m = ~np.isnan(mv)
    second = has_m & (day >= md)  # NaN compares false
    first_to_m = has_m & ~second
    da = np.where(second, md, bd)
    db = np.where(first_to_m, md, td)
    va = np.where(second, mv, bv)
    vb = np.where(first_to_m, mv, tv)
    before, after = day < bd, day >= td
    with np.errstate(invalid="ignore", divide="ignore"):
        f = (day - da) / (db - da)
        on_path = np.where(compound, va * np.power(vb / va, f), va + (vb - va) * f)
        expected = np.where(before, np.nan, np.where(after, tv, on_path))
        raw = np.where(lower, value - expected, expected - value)
        shortfall = np.where(np.abs(raw) <= ULPS_EPS * np.maximum(np.abs(value), np.abs(expected)), 0.0, raw)
        tolerance = df["tolerance_absolute"].to_numpy() + df["tolerance_relative"].to_numpy() * np.abs(expected)
        beyond = (shortfall - tolerance) > ULPS_EPS * np.maximum.reduce(
            [np.abs(shortfall), np.abs(tolerance), np.abs(value), np.abs(expected)])
        strict = df["strict"].to_numpy(dtype=bool)
        met = np.where(strict, shortfall < 0, shortfall <= 0)
        status = np.select(
            [before, after & met, after, shortfall <= 0, ~beyond],
            ["not_started", "achieved", "missed", "on_track", "at_risk"],
            "off_track",
        )
        limit = df["limit"].to_numpy(dtype="float64")
        over = value - limit
        side = np.where(np.abs(over) <= ULPS_EPS * np.maximum(np.abs(value), np.abs(limit)), 0, np.sign(over))
        limit_breach = ~np.isnan(limit) & (side == np.where(lower, 1, -1))
    out = pd.DataFrame({
        "target": df["target"], "period": df["period"], "date": period_end.dt.strftime("%Y-%m-%d"),
        "value": value, "expected": expected, "shortfall": np.where(before, np.nan, shortfall),
        "tolerance": np.where(before, np.nan, tolerance), "status": status,
        "breach": limit_breach | (status == "missed"), "_day": day,
    })
    return out.sort_values(["target", "_day"], kind="stable").drop(columns="_day")


def main(readings_path: str, sidecar_path: str, out_path: str) -> None:
    readings = pd.read_csv(readings_path, dtype={"target": str, "period": str, "value": "float64"},
                           usecols=["target", "period", "value"])
    specs = pd.read_json(sidecar_path, orient="records", dtype=False) \
        .rename(columns={"target": "target_level"})
    for name, column in (("bd", "baseline_date"), ("md", "milestone_date"), ("td", "target_date")):
        specs[name] = _days(pd.to_datetime(specs[column], format="%Y-%m-%d"))
    for column in ("baseline", "milestone", "target_level", "limit", "tolerance_absolute", "tolerance_relative"):
        specs[column] = specs[column].astype("float64")
    specs = specs[["id", "polarity", "trajectory", "bd", "md", "td", "baseline", "milestone", "target_level",
                   "strict", "tolerance_absolute", "tolerance_relative", "limit"]]
    # NaN is written as null; 15 significant digits, pandas' most (its default is 10).
    judge(readings, specs).to_json(out_path, orient="records", double_precision=15)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
