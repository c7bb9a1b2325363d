"""Peer: the judging of `targets evaluate`, without sentences, in DuckDB SQL.

    python benchmarks/peers/peer_duckdb.py READINGS.csv SPECS.peers.json OUT.json

Reads the targets' numbers from the JSON sidecar written beside the YAML specs (it does not
parse YAML specs) and a `target,period,value` CSV with monthly periods (YYYY-MM), and writes a
JSON array with one record per reading, sorted by target and date: target, period, date,
value, expected (the path at the period's last day), shortfall, tolerance, status, breach.
The rules are those of engine/verdicts/judge.py and engine/model/compare.py (a 16-ulp slack
on every threshold); readings of unknown targets are dropped, not reported.
"""

from __future__ import annotations

import sys

import duckdb

ULPS_EPS = 16 * sys.float_info.epsilon

QUERY = """
WITH
specs AS (
    SELECT id, polarity = 'lower_is_better' AS lower, trajectory = 'compound' AS compound,
           baseline_date::DATE AS bd, baseline::DOUBLE AS bv,
           milestone_date::DATE AS md, milestone::DOUBLE AS mv,
           target_date::DATE AS td, target::DOUBLE AS tv,
           strict::BOOLEAN AS strict, tolerance_absolute::DOUBLE AS tabs,
           tolerance_relative::DOUBLE AS trel, "limit"::DOUBLE AS lim
    FROM read_json($sidecar, format = 'array', columns = {
        id: 'VARCHAR', polarity: 'VARCHAR', trajectory: 'VARCHAR',
        baseline_date: 'VARCHAR', baseline: 'DOUBLE', milestone_date: 'VARCHAR', milestone: 'DOUBLE',
        target_date: 'VARCHAR', target: 'DOUBLE', strict: 'BOOLEAN',
        tolerance_absolute: 'DOUBLE', tolerance_relative: 'DOUBLE', "limit": 'DOUBLE'})
),
readings AS (
    SELECT target, period, value, last_day(strptime(period, '%Y-%m'))::DATE AS day
    FROM read_csv($readings, header = true, columns = {target: 'VARCHAR', period: 'VARCHAR', value: 'DOUBLE'})
),
joined AS (
    SELECT r.*, s.*,
           s.mv IS NOT NULL AND r.day >= s.md AS second,
           r.day < s.bd AS before, r.day >= s.td AS after
    FROM readings r JOIN specs s ON r.target = s.id
),
segment AS (
    SELECT *,
           CASE WHEN second THEN md ELSE bd END AS da,
           CASE WHEN mv IS NOT NULL AND NOT second THEN md ELSE td END AS db,
           CASE WHEN second THEN mv ELSE bv END AS va,
           CASE WHEN mv IS NOT NULL AND NOT second THEN mv ELSE tv END AS vb
    FROM joined
),
fractions AS (
    SELECT *, (day - da)::DOUBLE / (db - da)::DOUBLE AS f FROM segment
),
expected AS (
    SELECT *,
           CASE WHEN before THEN NULL
                WHEN after THEN tv
                WHEN compound THEN va * pow(vb / va, f)
                ELSE va + (vb - va) * f
           END AS expected
    FROM fractions
),
gaps AS (
    SELECT *,
           CASE WHEN lower THEN value - expected ELSE expected - value END AS raw,
           tabs + trel * abs(expected) AS tolerance
    FROM expected
),
shortfalls AS (
    SELECT *,
           CASE WHEN abs(raw) <= $eps * greatest(abs(value), abs(expected)) THEN 0.0 ELSE raw END AS shortfall
    FROM gaps
),
statuses AS (
    SELECT *,
           CASE WHEN before THEN 'not_started'
                WHEN after THEN CASE WHEN (strict AND shortfall < 0) OR (NOT strict AND shortfall <= 0)
                                     THEN 'achieved' ELSE 'missed' END
                WHEN shortfall <= 0 THEN 'on_track'
                WHEN shortfall - tolerance
                     > $eps * greatest(abs(shortfall), abs(tolerance), abs(value), abs(expected)) THEN 'off_track'
                ELSE 'at_risk'
           END AS status,
           coalesce(CASE WHEN abs(value - lim) <= $eps * greatest(abs(value), abs(lim)) THEN 0
                         ELSE sign(value - lim) END = CASE WHEN lower THEN 1 ELSE -1 END, false) AS limit_breach
    FROM shortfalls
)
SELECT target, period, strftime(day, '%Y-%m-%d') AS date, value, expected, shortfall, tolerance, status,
       limit_breach OR status = 'missed' AS breach
FROM statuses
ORDER BY target, day
"""


def main(readings_path: str, sidecar_path: str, out_path: str) -> None:
    con = duckdb.connect()
    params = {"readings": readings_path, "sidecar": sidecar_path, "eps": ULPS_EPS}
    # COPY takes no parameters for its target: the path is quoted into the statement.
    target = "'" + out_path.replace("'", "''") + "'"
    con.execute(f"COPY ({QUERY}) TO {target} (FORMAT JSON, ARRAY true)", params)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
