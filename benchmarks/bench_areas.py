"""Areas and comparator groups at scale (issue 12): whole `targets evaluate` processes against a bare pass.

    python benchmarks/bench_areas.py [--areas 317] [--targets 1000] [--periods 20] [--repeat 3]
    python benchmarks/bench_areas.py --check [--check-targets 40]   # every row accounted for, on a smaller tree
    python benchmarks/bench_areas.py --only bare explain             # some of the runs: bare, validate, default, explain

The issue's goal: 317 areas x 1,000 targets x 20 periods (6.34 million readings) with ranks
evaluates within the issue #7 speed ratios plus 30%. Those ratios are bench_peers.py's: CPU time
of the whole `targets evaluate FILE --targets DIR --format json > /dev/null` process to a bare
csv.reader + float() pass over the same file, last measured at 17.3x (a sentence for every
reading, the default) and 10.2x (`--explain targets`); plus 30%: 22.5x and 13.3x.

The workload, written once into benchmarks/.data (which git ignores; about 210 MB at the full
size, delete it at will), in a folder named by the sizes:

- `specs/areas.yaml`: --areas areas with **invented** GSS codes and names (syntactically valid
  codes, E06, E07, E08, E09 and W06 series, numbered from 900 so as not to look like real ones;
  names `Area 001` ...), England (E92000001, the benchmark), and the groups `all-areas` (every one
  of the --areas) and `first-half`;
- `specs/a0000.yaml` ...: --targets target specs, each `areas: all-areas` (one spec judged
  separately for each area: one result per target and area) and `comparators: all-areas` (each
  reading ranked among the group that period); a third with `benchmark: group_median`, a third
  `benchmark: E92000001` (England), a third none. As workload.py varies them: a third linear, a
  third compound, a third through a milestone; half lower-is-better; units percent, per_100k and
  count in turn; tolerance absolute, a quarter also relative; a fifth with a limit; half annual
  (financial years from 2005/06) and half quarterly (financial quarters from 2020/21 Q1), the
  baseline the 6th period, the milestone the 11th and the target the 16th, so readings fall
  before the baseline, on the path and after the target date;
- `readings.csv`, `target,period,value,area` (area by GSS code): a reading for every target, area
  and period, 1 in 1,000 left out (missing), 1 in 2,000 suppressed (`[c]`), and England's reading
  for every period of the targets benchmarked against it (comparator rows: kept, not judged);
  values around each target's path with an offset for each area, one decimal place (so ties are
  common), rows shuffled. A plain file, so it is read as columns.

Every measurement is a fresh process (wall time, CPU time of user + system, and peak RSS from
os.wait4 on the child, bench_peers.measure): the bare pass (csv.reader + float(), skipping the
suppressed cells), `targets validate DIR --format json` (loading and checking the specs and
areas.yaml), `targets evaluate` default and `--explain targets`. With --repeat N each is run N
times, interleaved, and the run with the least CPU time is kept. Ratios are CPU time to the bare
pass's.

--check: on a smaller tree (--check-targets targets, same areas and periods), runs `targets
evaluate --format json` (both explain styles) and checks that every row of the file is accounted
for: readings judged + comparator_readings + suppressed + superseded + rejected + not_used (+ any
after the as-of date) = rows; that every target has one result per area, with a rank on every
reading; and prints the SHA-256 of each JSON report, to compare outputs before and after a change.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_peers import Run, best, measure, targets_exe  # noqa: E402

GENERATION = 1  # bump when the generated files change, so stale ones are not reused
DEFAULT_DATA = HERE / ".data"
ENGLAND = "E92000001"
SERIES = ("E06", "E07", "E08", "E09", "W06")  # unitary, district, metropolitan, London borough, Welsh unitary
UNITS = ("percent", "per_100k", "count")
LIMIT_GOALS = {"default": 17.3 * 1.3, "explain": 10.2 * 1.3}  # issue #7's ratios plus 30%

# The bare pass: csv.reader + float() over the file, as bench_peers.py's; a suppressed cell
# (`[c]`) is skipped (a try costs nothing until it fails, in Python 3.11).
BARE_CSV = """\
import csv, sys
total = 0.0
for path in sys.argv[1:]:
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            try:
                total += float(row[2])
            except ValueError:
                pass
"""


# --- the workload -----------------------------------------------------------------------------


def area_codes(n: int) -> list[str]:
    """n invented GSS codes, in turn from each series: E06000900, E07000901, ..."""
    return [f"{SERIES[i % len(SERIES)]}{900 + i:06d}" for i in range(n)]


def period_labels(frequency: str, count: int) -> list[str]:
    if frequency == "annual":
        return [f"{2005 + k}/{(2006 + k) % 100:02d}" for k in range(count)]
    return [f"{2020 + k // 4}/{(2021 + k // 4) % 100:02d} Q{k % 4 + 1}" for k in range(count)]


def target_numbers(n_targets: int) -> list[dict]:
    """Each target's numbers: unit, polarity, levels, frequency, benchmark (deterministic)."""
    rng = np.random.default_rng(12)
    out = []
    for i in range(n_targets):
        unit = UNITS[i % 3]
        lower = bool(rng.random() < 0.5)
        v0 = float({"percent": rng.uniform(20, 80), "per_100k": rng.uniform(200, 2000),
                    "count": rng.uniform(100, 5000)}[unit])
        v0 = round(v0, 1) if unit != "count" else float(round(v0))
        goal_factor = 0.8 if lower else 1.2
        kind = ("linear", "compound", "milestone")[(i // 3) % 3]
        out.append({
            "id": f"a{i:04d}", "unit": unit, "lower": lower, "v0": v0, "goal": round(v0 * goal_factor, 1),
            "milestone": round(v0 * (0.9 if lower else 1.1), 1) if kind == "milestone" else None,
            "trajectory": "compound" if kind == "compound" else "linear",
            "frequency": "annual" if (i // 2) % 2 == 0 else "quarterly",
            "tolerance": round(0.5 if unit == "percent" else v0 * 0.01, 1) or 1.0,
            "relative": 0.02 if i % 4 == 1 else None,
            "limit": round(v0 * (1.05 if lower else 0.95), 1) if i % 5 == 0 else None,
            "benchmark": (None, "group_median", ENGLAND)[i % 3],
        })
    return out


def _spec(t: dict, periods: int) -> str:
    labels = period_labels(t["frequency"], periods)
    base, mile, goal = labels[5 % periods], labels[10 % periods], labels[15 % periods]
    lines = [
        f"id: {t['id']}",
        f"title: Synthetic measure {t['id']} for every area",
        "measure:",
        "  description: A synthetic measure (benchmark workload, invented)",
        f"  unit: {t['unit']}",
        f"  polarity: {'lower_is_better' if t['lower'] else 'higher_is_better'}",
        f"  frequency: {t['frequency']}",
        f"baseline: {{period: {base}, value: {t['v0']}}}",
        f"target: {{period: {goal}, value: {t['goal']}}}",
        f"trajectory: {t['trajectory']}",
    ]
    if t["milestone"] is not None:
        lines.append(f"milestones: [{{period: {mile}, value: {t['milestone']}}}]")
    tolerance = f"absolute: {t['tolerance']}" + (f", relative: {t['relative']}" if t["relative"] else "")
    lines.append(f"tolerance: {{{tolerance}}}")
    if t["limit"] is not None:
        lines.append(f"limit: {t['limit']}")
    lines += ["areas: all-areas", "comparators: all-areas"]
    if t["benchmark"] is not None:
        lines.append(f"benchmark: {t['benchmark']}")
    return "\n".join(lines) + "\n"


def _areas_yaml(codes: list[str]) -> str:
    lines = ["# Invented areas for benchmarks/bench_areas.py: valid GSS codes in form, not real areas.", "areas:"]
    lines += [f"  {code}: Area {i + 1:03d}" for i, code in enumerate(codes)]
    lines += [f"  {ENGLAND}: England", "groups:", "  all-areas:"]
    lines += [f"    - {code}" for code in codes]
    lines += ["  first-half:"] + [f"    - {code}" for code in codes[:max(1, len(codes) // 2)]]
    return "\n".join(lines) + "\n"


def write_workload(data: Path, n_areas: int, n_targets: int, periods: int) -> tuple[Path, Path, int]:
    """The specs folder, the readings file and its number of rows (after the header); written once."""
    base = data / f"areas-{n_areas}x{n_targets}x{periods}-g{GENERATION}"
    specs, readings, done = base / "specs", base / "readings.csv", base / "rows.txt"
    if done.exists():
        return specs, readings, int(done.read_text())
    specs.mkdir(parents=True, exist_ok=True)
    codes = area_codes(n_areas)
    (specs / "areas.yaml").write_text(_areas_yaml(codes))
    numbers = target_numbers(n_targets)
    for t in numbers:
        (specs / f"{t['id']}.yaml").write_text(_spec(t, periods))
    rows = _write_readings(readings, numbers, codes, periods)
    done.write_text(str(rows))  # last: its presence says the folder is complete
    return specs, readings, rows


def _write_readings(path: Path, numbers: list[dict], codes: list[str], periods: int) -> int:
    rng = np.random.default_rng(13)
    n_t, n_a = len(numbers), len(codes)
    # Every (target, area, period), then England's rows for the targets benchmarked against it
    # (area index n_a).
    t = np.repeat(np.arange(n_t), n_a * periods)
    a = np.tile(np.repeat(np.arange(n_a), periods), n_t)
    k = np.tile(np.arange(periods), n_t * n_a)
    england = np.array([i for i, x in enumerate(numbers) if x["benchmark"] == ENGLAND], dtype=np.int64)
    t = np.concatenate((t, np.repeat(england, periods)))
    a = np.concatenate((a, np.full(len(england) * periods, n_a)))
    k = np.concatenate((k, np.tile(np.arange(periods), len(england))))
    keep = rng.random(len(t)) >= 0.001  # 1 in 1,000 missing
    t, a, k = t[keep], a[keep], k[keep]
    v0 = np.array([x["v0"] for x in numbers])[t]
    v1 = np.array([x["goal"] for x in numbers])[t]
    # Roughly the path (from the 6th period to the 16th, flat outside), an offset for each area
    # (an area is steadily better or worse than others), then noise.
    offset = rng.normal(0, 0.06, n_a + 1)
    offset[n_a] = 0.0  # England: the middle
    f = np.clip((k - 5) / 10, 0, 1)
    level = (v0 + (v1 - v0) * f) * (1 + offset[a])
    value = level + rng.normal(0, 0.03, len(t)) * v0
    percent = np.array([x["unit"] == "percent" for x in numbers])[t]
    value = np.where(percent, np.clip(value, 0.1, 99.9), np.maximum(value, 0.0))
    count = np.array([x["unit"] == "count" for x in numbers])[t]
    value = np.where(count, np.round(value), np.round(value, 1))
    suppressed = rng.random(len(t)) < 0.0005  # 1 in 2,000
    order = rng.permutation(len(t))
    ids = [x["id"] for x in numbers]
    labels = {f: period_labels(f, periods) for f in ("annual", "quarterly")}
    label_of = [labels[x["frequency"]] for x in numbers]
    area_names = codes + [ENGLAND]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as out:
        out.write("target,period,value,area\n")
        step = 500_000
        for start in range(0, len(order), step):
            part = order[start:start + step]
            texts = np.where(count[part], np.char.mod("%.0f", value[part]), np.char.mod("%.1f", value[part]))
            texts = np.where(suppressed[part], "[c]", texts).tolist()
            out.write("".join(f"{ids[ti]},{label_of[ti][ki]},{v},{area_names[ai]}\n"
                              for ti, ki, v, ai in zip(t[part].tolist(), k[part].tolist(), texts, a[part].tolist())))
    os.replace(tmp, path)
    return len(t)


# --- measuring --------------------------------------------------------------------------------

RUNS = {
    "bare": "bare csv.reader + float()",
    "validate": "targets validate --format json",
    "default": "targets evaluate --format json",
    "explain": "targets evaluate --format json --explain targets",
}


def command(run: str, specs: Path, readings: Path, targets: str) -> list[str]:
    if run == "bare":
        return [sys.executable, "-c", BARE_CSV, str(readings)]
    if run == "validate":
        return [targets, "validate", str(specs), "--format", "json"]
    cmd = [targets, "evaluate", str(readings), "--targets", str(specs), "--format", "json"]
    return cmd + (["--explain", "targets"] if run == "explain" else [])


def table(runs: dict[str, Run], rows: int, results: int) -> str:
    bare = runs.get("bare")
    out = ["| run | wall s | CPU s | ratio to bare (CPU) | goal | peak MiB | note |",
           "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, run in runs.items():
        ratio = goal = ""
        if bare is not None and bare.finished and run.finished and name != "bare" and bare.cpu > 0:
            ratio = f"{run.cpu / bare.cpu:.1f}x"
        if name in LIMIT_GOALS:
            goal = f"<= {LIMIT_GOALS[name]:.1f}x"
        out.append(f"| {RUNS[name]} | {run.wall:.2f} | {run.cpu:.2f} | {ratio} | {goal} | {run.peak_mib:,.0f} | "
                   f"{run.note} |")
    per = [f"{name}: {run.cpu / rows * 1e6:.2f} us of CPU a row" for name, run in runs.items()
           if run.finished and name != "validate"]
    return "\n".join(out) + f"\n\n{rows:,} rows, {results:,} results (target x area); " + "; ".join(per)


# --- the check ------------------------------------------------------------------------------


def check(args, targets: str) -> int:
    specs, readings, rows = write_workload(args.data, args.areas, args.check_targets, args.periods)
    print(f"check: {args.areas} areas x {args.check_targets} targets x {args.periods} periods, {rows:,} rows "
          f"({readings})")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for style in ("readings", "targets"):
            out = Path(tmp) / f"{style}.json"
            with out.open("w") as f:
                code = subprocess.run(command("default" if style == "readings" else "explain", specs, readings,
                                              targets), stdout=f).returncode
            if code != 0:
                print(f"--explain {style}: exit {code}")
                return 2
            raw = out.read_bytes()
            report = json.loads(raw)
            results = report["targets"]
            judged = sum(len(r["readings"]) for r in results)
            later = sum(r["after_as_of"] for r in results)
            others = {k: (report.get(k, 0) if k in ("comparator_readings", "derived_readings") else len(report[k]))
                      for k in ("comparator_readings", "suppressed", "superseded", "rejected", "not_used",
                                "derived_readings")}
            total = judged + later + sum(v for k, v in others.items() if k != "derived_readings")
            per_target = collections.Counter(r["id"] for r in results)
            areas_each = set(per_target.values())
            unranked = sum(1 for r in results for x in r["readings"] if x.get("rank") is None)
            no_words = sum(1 for r in results for x in r["readings"] if style == "readings" and "explanation" not in x)
            print(f"  --explain {style}: {judged:,} readings judged, {later:,} after the as-of date, "
                  + ", ".join(f"{k} {v:,}" for k, v in others.items())
                  + f" = {total:,} of {rows:,} rows; {len(results):,} results, {areas_each} areas a target; "
                  f"{unranked:,} readings without a rank; sha256 {hashlib.sha256(raw).hexdigest()}")
            problems = []
            if total != rows:
                problems.append(f"{rows - total:+,} rows not accounted for")
            if areas_each != {args.areas}:
                problems.append(f"results per target {sorted(areas_each)}, not {args.areas}")
            if unranked:
                problems.append(f"{unranked:,} readings without a rank")
            if no_words:
                problems.append(f"{no_words:,} readings without an explanation")
            if problems:
                print("    FAILED: " + "; ".join(problems))
                failed = True
    print("every row accounted for" if not failed else "check FAILED")
    return 1 if failed else 0


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--areas", type=int, default=317)
    parser.add_argument("--targets", type=int, default=1_000)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the least CPU time is kept")
    parser.add_argument("--only", nargs="+", choices=list(RUNS), default=list(RUNS), metavar="RUN",
                        help=f"runs, of {', '.join(RUNS)} (default: all)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is stopped")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--check", action="store_true", help="check every row is accounted for, on --check-targets")
    parser.add_argument("--check-targets", type=int, default=40)
    args = parser.parse_args()

    targets = targets_exe()
    if args.check:
        sys.exit(check(args, targets))
    specs, readings, rows = write_workload(args.data, args.areas, args.targets, args.periods)
    print(f"{args.areas} areas x {args.targets:,} targets x {args.periods} periods: {rows:,} rows, "
          f"{readings.stat().st_size / 1e6:,.0f} MB; {os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {sys.version.split()[0]}", flush=True)
    runs: dict[str, list[Run]] = collections.defaultdict(list)
    for _ in range(args.repeat):
        for name in RUNS:
            if name not in args.only:
                continue
            run = measure(command(name, specs, readings, targets), cap=None, timeout=args.timeout)
            runs[name].append(run)
            print(f"  {RUNS[name]:48} wall {run.wall:7.2f} s  CPU {run.cpu:7.2f} s  peak {run.peak_mib:8,.0f} MiB"
                  f"  {run.note}", file=sys.stderr, flush=True)
    kept = {name: best(found) for name, found in runs.items()}
    print(f"\nbest of {args.repeat}; load average after "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print(table(kept, rows, args.areas * args.targets))


if __name__ == "__main__":
    main()
