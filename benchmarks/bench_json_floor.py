"""The floor of the JSON contract in CPython: what writing the per-reading JSON alone costs.

    python benchmarks/bench_json_floor.py [--readings 1000000]

For each reading the contract (docs/json-output.md) writes four numbers in full (value,
expected, shortfall, tolerance) and a sentence of explanation with three more at display
precision. This formats exactly that text for N made-up readings in the cheapest way CPython
offers, with no judging at all: one %-format per reading, applied by map() in C over zipped
lists, then one join. Compared with the bare csv.reader + float() pass over a file of N rows,
it shows how far below the engine's own figure a pure-Python design could ever go.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_evaluate import bare_pass  # noqa: E402  the same bare pass as the engine is measured against

TEMPLATE = ('{"period":"%s","date":"%s","value":%r,"expected":%r,"shortfall":%r,"tolerance":%r,'
            '"status":"at_risk","breach":false,"explanation":"%.*f%% in %s against %.*f%% expected on the '
            'linear path from 48.3%% (2013/14) to 35%% (2016/17): %.*f points worse, within the 0.5-point '
            'tolerance, so at risk","file":"readings.csv","line":%d}')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=1_000_000)
    n = parser.parse_args().readings
    rng = random.Random(1)
    values = [round(rng.uniform(10, 90), 1) for _ in range(n)]
    expected = [rng.uniform(10, 90) for _ in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["target", "period", "value"])
            w.writerows(("t00001", "2015-03", f"{v:.1f}") for v in values)
        bare = min(bare_pass(path) for _ in range(3))
    shortfall = [v - e for v, e in zip(values, expected)]
    labels, dates, tolerance, one = ["2015-03"] * n, ["2015-03-31"] * n, [0.5] * n, [1] * n
    start = time.process_time()
    text = ",".join(map(TEMPLATE.__mod__, zip(labels, dates, values, expected, shortfall, tolerance, one, values,
                                              labels, one, expected, one, shortfall, range(n))))
    floor = time.process_time() - start
    print(f"{n:,} readings: bare csv+float {bare:.2f}s; the JSON text alone, formatted in C {floor:.2f}s "
          f"({len(text) / 1e6:,.0f} MB): {floor / bare:.1f}x the bare pass before any reading is read or judged")


if __name__ == "__main__":
    main()
