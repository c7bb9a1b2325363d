"""The statistics of issue 11 on a million readings: intervals, then the per-target assessments.

    python benchmarks/bench_stats.py [--readings 1000000] [--targets 10000] [--repeat 3]

Intervals: Wilson for proportions, exact/Byar for rates and counts, each on --readings readings
(numerators drawn so that about 1 in 12 of the rates and counts is below 10 events and takes the
exact limits). Assessments: the recent trend, the projection and the progress category of
--targets targets sharing the same readings (--readings / --targets each, monthly).

Each figure is the best of --repeat runs of CPU time (time.process_time) in this one process, so
other work on the machine skews it little; per reading in nanoseconds beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import numpy as np

    from engine.stats import intervals, progress, projection, trend

    n = args.readings
    rng = np.random.default_rng(11)
    denominator = rng.integers(50, 200_000, n).astype(np.float64)
    cases = rng.binomial(denominator.astype(np.int64), rng.uniform(0.01, 0.9, n)).astype(np.float64)
    mean_events = np.where(rng.random(n) < 0.1, rng.uniform(0.5, 12, n), rng.uniform(10, 5000, n))
    events = rng.poisson(mean_events).astype(np.float64)
    print(f"{n:,} readings; {np.mean(events < 10):.1%} of the counts below 10 (exact limits)")

    rows = [
        ("proportion (Wilson), percent", lambda: intervals.proportion(cases, denominator, 95.0, 100.0)),
        ("rate per 100,000 (exact / Byar)", lambda: intervals.rate(events, denominator, 95.0, 100_000.0)),
        ("count (exact / Byar), at 99.8%", lambda: intervals.count(events, 99.8)),
        ("Wilson limits alone", lambda: intervals.wilson(cases, denominator, 95.0)),
        ("Byar limits alone", lambda: intervals.byar(events, 95.0)),
    ]
    for name, work in rows:
        seconds = best(args.repeat, work)
        print(f"  {name:38} {seconds * 1000:8.1f} ms  {seconds / n * 1e9:6.1f} ns a reading")

    t = args.targets
    per = n // t
    group = np.repeat(np.arange(t), per)
    month_ends = (np.arange(per).astype("timedelta64[M]") + np.datetime64("2012-01", "M") + 1).astype("datetime64[D]") - 1
    day = np.tile((month_ends - np.datetime64("0001-01-01")).astype(np.int64) + 1, t)
    order = rng.permutation(len(group))  # shuffled, as readings arrive
    group, day = group[order], day[order]
    value = rng.uniform(20, 80, len(group))
    rated = intervals.proportion(np.round(value * 10), 1000.0, 95.0, 100.0)
    lower_is_better = rng.random(t) < 0.5
    baseline_day = int((np.datetime64("2014-03-31") - np.datetime64("0001-01-01")).astype(int)) + 1
    target_day = int((np.datetime64("2017-03-31") - np.datetime64("0001-01-01")).astype(int)) + 1

    def trends():
        trend.recent_trends(group, day, np.zeros(len(group)), rated.value, rated.lower, rated.upper,
                            z=intervals.Z[95.0], lower_is_better=lower_is_better)

    def projections():
        projection.projections(group, day, value, baseline_day=np.full(t, baseline_day),
                               target_day=np.full(t, target_day), target_value=rng.uniform(20, 80, t),
                               lower_is_better=lower_is_better, compound=np.arange(t) % 3 == 0)

    def progresses():
        progress.progresses(rng.uniform(20, 80, t), np.full(t, baseline_day), rng.uniform(20, 80, t),
                            np.full(t, target_day - 365), target_value=rng.uniform(20, 80, t),
                            target_day=np.full(t, target_day), lower_is_better=lower_is_better)

    print(f"{t:,} targets, {per} readings each")
    for name, work in [("recent trend", trends), ("projection", projections), ("progress", progresses)]:
        seconds = best(args.repeat, work)
        print(f"  {name:38} {seconds * 1000:8.1f} ms  {seconds / n * 1e9:6.1f} ns a reading")


if __name__ == "__main__":
    main()
