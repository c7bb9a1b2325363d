"""Evaluate N targets x M readings to the JSON report, against a bare csv.reader + float() pass.

    python benchmarks/bench_evaluate.py [--targets 10000] [--readings 100000 1000000 3000000]

Each size runs in its own process, so its peak memory (max RSS) is its own. In that process the
phases are timed one after the other: reading the readings file and evaluating (the CLI's own
read_and_evaluate), then streaming the JSON report to /dev/null (as `targets evaluate --format
json` does). The specs are built in memory
(spec loading is measured by bench_validate.py), so the ratio is of the engine's own work on the
readings to the cheapest possible pass over the same file, measured in the same process.
Times are the process's CPU time (time.process_time), so that other work on the machine does not
skew one side of the ratio more than the other.

The file: every target has M/N consecutive monthly readings (from Jan 2012), rows shuffled.
The targets are percentages, half lower-is-better, a third with a milestone, a fifth with a
limit, baseline 2013/14 and target 2016/17, so readings fall before, on and after the path.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_targets(n: int) -> list:
    from engine.model.spec import build_target

    rng = random.Random(1)
    targets = []
    for i in range(n):
        lower = rng.random() < 0.5
        v0 = rng.uniform(20, 80)
        data = {
            "id": f"t{i:05d}",
            "title": f"Target {i}",
            "measure": {"description": "synthetic", "unit": "percent",
                        "polarity": "lower_is_better" if lower else "higher_is_better", "frequency": "monthly"},
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
    months = [f"{2012 + m // 12}-{m % 12 + 1:02d}" for m in range(-(-n_readings // n_targets))]
    rows = [(i % n_targets, i // n_targets) for i in range(n_readings)]
    rng.shuffle(rows)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["target", "period", "value"])
        for t, m in rows:
            w.writerow([f"t{t:05d}", months[m], f"{rng.uniform(10, 90):.1f}"])


def bare_pass(path: Path) -> float:
    start = time.process_time()
    total = 0.0
    with path.open(newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            total += float(row[2])
    return time.process_time() - start


def run_one(n_targets: int, path: Path) -> dict:
    from cli import read_and_evaluate
    from engine.reports import json_report

    targets = make_targets(n_targets)
    gc.collect()
    bare = min(bare_pass(path) for _ in range(3))
    t0 = time.process_time()
    batch, result = read_and_evaluate([path], targets, None)
    t2 = time.process_time()
    with open(os.devnull, "w") as sink:
        json_report.write_evaluation(result, batch, sink)
    t3 = time.process_time()
    total = t3 - t0
    return {"bare_s": bare, "evaluate_s": t2 - t0, "json_s": t3 - t2, "total_s": total,
            "ratio": total / bare, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rows_accounted": batch.count() + len(batch.suppressed) + len(batch.superseded) + len(batch.rejected)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--readings", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: measure one file in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.targets, args.one)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.readings:
            path = Path(tmp) / f"readings-{n}.csv"
            write_readings(path, args.targets, n)
            out = subprocess.run([sys.executable, __file__, "--targets", str(args.targets), "--one", str(path)],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out)
            path.unlink()
            print(f"{args.targets:,} targets, {n:,} readings: bare csv+float {r['bare_s']:.2f}s; "
                  f"read and evaluate {r['evaluate_s']:.2f}s + json {r['json_s']:.2f}s "
                  f"= {r['total_s']:.2f}s; ratio {r['ratio']:.2f}x; {r['total_s'] / n * 1e6:.2f} us a reading; "
                  f"peak {r['peak_mib']:,.0f} MiB; rows accounted {r['rows_accounted']:,} of {n:,}", flush=True)


if __name__ == "__main__":
    main()
