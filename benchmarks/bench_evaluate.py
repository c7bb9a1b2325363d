"""Evaluate N targets x M readings to the JSON report, against a bare csv.reader + float() pass.

    python benchmarks/bench_evaluate.py [--targets 10000] [--readings 1000000 100000 3000000]

Phases are timed in one process: reading the readings file, evaluating, rendering JSON.
The specs are built in memory (spec loading is measured by bench_validate.py), so the ratio
is of the engine's own work to the cheapest possible pass over the same file. Peak memory
is the process's maximum resident set size (ru_maxrss) after the run.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.evaluation import evaluate  # noqa: E402
from engine.readings import read_readings, units_of  # noqa: E402
from engine.reports import json_report  # noqa: E402
from engine.spec import build_target  # noqa: E402

PERIODS = [f"{y}/{(y + 1) % 100:02d}" + (f" Q{q}" if q else "") for y in range(2010, 2030) for q in (0, 1, 2, 3, 4)]


def make_targets(n: int) -> list:
    rng = random.Random(1)
    targets = []
    for i in range(n):
        lower = rng.random() < 0.5
        v0 = rng.uniform(20, 80)
        data = {
            "id": f"t{i:05d}",
            "title": f"Target {i}",
            "measure": {"description": "synthetic", "unit": "percent",
                        "polarity": "lower_is_better" if lower else "higher_is_better", "frequency": "quarterly"},
            "baseline": {"period": "2013/14", "value": round(v0, 1)},
            "target": {"period": "2016/17", "value": round(v0 * (0.8 if lower else 1.2), 1)},
            "tolerance": {"absolute": 0.5},
        }
        if i % 3 == 0:
            data["milestones"] = [{"period": "2014/15", "value": round(v0 * (0.95 if lower else 1.05), 1)}]
        if i % 5 == 0:
            data["limit"] = round(v0 * (1.3 if lower else 0.7), 1)
        targets.append(build_target(data, f"t{i}.yaml"))
    return targets


def write_readings(path: Path, n_targets: int, n_readings: int) -> None:
    rng = random.Random(2)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["target", "period", "value"])
        for _ in range(n_readings):
            w.writerow([f"t{rng.randrange(n_targets):05d}", rng.choice(PERIODS), f"{rng.uniform(10, 90):.1f}"])


def bare_pass(path: Path) -> float:
    start = time.perf_counter()
    total = 0.0
    with path.open(newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            total += float(row[2])
    return time.perf_counter() - start


def run(n_targets: int, n_readings: int, tmp: Path) -> dict:
    path = tmp / f"readings-{n_readings}.csv"
    write_readings(path, n_targets, n_readings)
    targets = make_targets(n_targets)
    gc.collect()
    bare = min(bare_pass(path) for _ in range(3))
    t0 = time.perf_counter()
    batch = read_readings([path], units_of(targets))
    t1 = time.perf_counter()
    result = evaluate(targets, batch.readings)
    t2 = time.perf_counter()
    text = json_report.evaluation(result, batch)
    t3 = time.perf_counter()
    with open(os.devnull, "w") as sink:
        sink.write(text)
    total = t3 - t0
    return {"targets": n_targets, "readings": n_readings, "bare_s": bare, "read_s": t1 - t0,
            "evaluate_s": t2 - t1, "json_s": t3 - t2, "total_s": total, "ratio": total / bare,
            "rows_accounted": batch.count() + len(batch.suppressed) + len(batch.superseded) + len(batch.rejected)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--readings", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.readings:
            r = run(args.targets, n, Path(tmp))
            print(f"{r['targets']:,} targets, {r['readings']:,} readings: bare csv+float {r['bare_s']:.2f}s; "
                  f"read {r['read_s']:.2f}s + evaluate {r['evaluate_s']:.2f}s + json {r['json_s']:.2f}s "
                  f"= {r['total_s']:.2f}s; ratio {r['ratio']:.2f}x; rows accounted {r['rows_accounted']:,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
