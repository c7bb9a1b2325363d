"""Comparators of issue 12 at scale: rank, quartile, group median and benchmark comparison.

    python benchmarks/bench_comparators.py [--areas 317] [--targets 1000] [--periods 20] [--repeat 3]

--areas x --targets x --periods readings (317 x 1,000 x 20: 6.34 million), one group per
(target, period), in shuffled order as readings arrive, 1 in 50 values missing, values rounded
to one decimal place (so ties are common), half the targets higher-is-better, half the readings
with an interval; the benchmark of each group is its own median (a second pass, as
`benchmark: group_median` would need) or, for a first pass, an England value.

Each figure is the best of --repeat runs of CPU time (time.process_time) in this one process;
per reading in nanoseconds beside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench_stats import best  # noqa: E402 (the benchmarks folder is the script's own)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--areas", type=int, default=317)
    parser.add_argument("--targets", type=int, default=1_000)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import numpy as np

    from engine.stats.comparators import standings

    groups = args.targets * args.periods
    n = groups * args.areas
    rng = np.random.default_rng(12)
    group = np.repeat(np.arange(groups, dtype=np.int64), args.areas)
    order = rng.permutation(n)
    group = group[order]
    value = np.round(rng.uniform(20, 120, n), 1)
    value[rng.random(n) < 0.02] = np.nan
    half = rng.uniform(1, 10, n)
    with_interval = rng.random(n) < 0.5
    lower = np.where(with_interval, value - half, np.nan)
    upper = np.where(with_interval, value + half, np.nan)
    lower_is_better = np.repeat(rng.random(args.targets) < 0.5, args.periods)
    england = rng.uniform(40, 100, groups)

    print(f"{args.areas} areas x {args.targets:,} targets x {args.periods} periods: {n:,} readings, {groups:,} groups")
    results = {}

    def with_england():
        results["england"] = standings(group, value, lower, upper, lower_is_better=lower_is_better, benchmark=england)

    def with_median():
        first = standings(group, value, lower_is_better=lower_is_better)
        standings(group, value, lower, upper, lower_is_better=lower_is_better, benchmark=first.median)

    for name, work in [("ranks, quartiles, medians, England", with_england),
                       ("the same against the group median", with_median)]:
        seconds = best(args.repeat, work)
        print(f"  {name:38} {seconds:8.2f} s  {seconds / n * 1e9:6.1f} ns a reading")
    s = results["england"]
    print(f"  check: of {int(s.of.min())}-{int(s.of.max())}, ranks 1-{int(s.rank.max())}, "
          f"quartile counts {np.bincount(s.quartile, minlength=5).tolist()}")


if __name__ == "__main__":
    main()
