"""The issue #10 workload, written to disk as a user would have it (used by bench_peers.py).

    python benchmarks/workload.py [--data benchmarks/.data] [--readings 100000 1000000] [--json-records 4000000]

- 10,000 target specs as YAML files in one folder (`targets-10000/specs/t00000.yaml` ...): a third
  linear, a third compound, a third linear through a milestone; percentages, half lower-is-better,
  baseline 2013/14, milestone 2014/15, target 2016/17, tolerance 0.5 points (a quarter also 2%
  relative), a fifth with a limit. Beside the folder, `specs.peers.json`: each target's numbers
  (dates as period ends, levels, polarity, tolerance, limit, trajectory kind) for the peer
  scripts, which do not parse YAML specs.
- Readings CSV `readings-N.csv` (header `target,period,value`): N / 10,000 consecutive monthly
  readings per target, rows shuffled. With 100 or more a target they start in Jan 2012, so they
  fall before the baseline, on the path and after the target date; with fewer, each target's run
  starts somewhere in the same 100 months, so the mix of statuses is much the same at every size.
  Values scatter around the path (about 4% of the baseline level), so all of on track, at risk,
  off track, achieved, missed and breaches occur.
- Readings JSON `readings-N.json`: the same records as a JSON list of {"target","period","value"}.

Files are written once and kept (the name carries GENERATION); delete the folder to regain the
space (about 0.7 GB with the 10,000,000-row CSV and the 4,000,000-record JSON, whole and split).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

GENERATION = 1  # bump when the generated files change, so stale ones are not reused
N_TARGETS = 10_000
MONTHS = 100  # the window (from Jan 2012) that short runs of readings are placed in
START_YEAR = 2012

BASELINE = ("2013/14", "2014-03-31")  # period, its last day
MILESTONE = ("2014/15", "2015-03-31")
TARGET = ("2016/17", "2017-03-31")
BASELINE_MONTH = 26  # months from Jan 2012 to Mar 2014
TARGET_MONTH = 62  # to Mar 2017

DEFAULT_DATA = Path(__file__).resolve().parent / ".data"


def _kind(i: int) -> str:
    return ("linear", "compound", "milestone")[i % 3]


def target_numbers(n_targets: int = N_TARGETS) -> list[dict]:
    """Every target's numbers: what the YAML says, and what the peers read."""
    rng = np.random.default_rng(1)
    v0s = np.round(rng.uniform(20, 80, n_targets), 1)
    lowers = rng.random(n_targets) < 0.5
    out = []
    for i in range(n_targets):
        lower = bool(lowers[i])
        v0 = float(v0s[i])
        kind = _kind(i)
        goal = round(v0 * (0.8 if lower else 1.2), 1)
        out.append({
            "id": f"t{i:05d}",
            "polarity": "lower_is_better" if lower else "higher_is_better",
            "trajectory": "compound" if kind == "compound" else "linear",
            "baseline_period": BASELINE[0], "baseline_date": BASELINE[1], "baseline": v0,
            "milestone_period": MILESTONE[0] if kind == "milestone" else None,
            "milestone_date": MILESTONE[1] if kind == "milestone" else None,
            "milestone": round(v0 * (0.9 if lower else 1.1), 1) if kind == "milestone" else None,
            "target_period": TARGET[0], "target_date": TARGET[1], "target": goal,
            "strict": False,
            "tolerance_absolute": 0.5,
            "tolerance_relative": 0.02 if i % 4 == 1 else 0.0,
            "limit": round(v0 * (1.05 if lower else 0.95), 1) if i % 5 == 0 else None,
        })
    return out


def _yaml(t: dict, i: int) -> str:
    lines = [
        f"id: {t['id']}",
        f"title: Synthetic target {i}",
        "measure:",
        "  description: A synthetic percentage (benchmark workload)",
        "  unit: percent",
        f"  polarity: {t['polarity']}",
        "  frequency: monthly",
        f"baseline: {{period: {t['baseline_period']}, value: {t['baseline']}}}",
        f"target: {{period: {t['target_period']}, value: {t['target']}}}",
        f"trajectory: {t['trajectory']}",
    ]
    if t["milestone"] is not None:
        lines.append(f"milestones: [{{period: {t['milestone_period']}, value: {t['milestone']}}}]")
    tolerance = f"absolute: {t['tolerance_absolute']}"
    if t["tolerance_relative"]:
        tolerance += f", relative: {t['tolerance_relative']}"
    lines.append(f"tolerance: {{{tolerance}}}")
    if t["limit"] is not None:
        lines.append(f"limit: {t['limit']}")
    return "\n".join(lines) + "\n"


def write_specs(data: Path, n_targets: int = N_TARGETS) -> tuple[Path, Path]:
    """The specs folder and the peers' sidecar; written once."""
    base = data / f"targets-{n_targets}-g{GENERATION}"
    specs, sidecar = base / "specs", base / "specs.peers.json"
    if sidecar.exists():
        return specs, sidecar
    specs.mkdir(parents=True, exist_ok=True)
    numbers = target_numbers(n_targets)
    for i, t in enumerate(numbers):
        (specs / f"{t['id']}.yaml").write_text(_yaml(t, i))
    tmp = sidecar.with_suffix(".tmp")
    tmp.write_text(json.dumps(numbers, indent=0))
    os.replace(tmp, sidecar)  # last: its presence says the folder is complete
    return specs, sidecar


def _records(n_readings: int, n_targets: int):
    """Columns (target index, month index from Jan 2012, value), shuffled; deterministic."""
    per = -(-n_readings // n_targets)
    rng = np.random.default_rng(2)
    idx = np.arange(n_readings, dtype=np.int64)
    t = idx % n_targets
    k = idx // n_targets
    start = np.zeros(n_targets, dtype=np.int64) if per >= MONTHS else (np.arange(n_targets) * 37) % (MONTHS - per + 1)
    m = start[t] + k
    numbers = target_numbers(n_targets)
    v0 = np.array([x["baseline"] for x in numbers])[t]
    v1 = np.array([x["target"] for x in numbers])[t]
    # Roughly the path (straight, from baseline to target, flat outside), then noise.
    f = np.clip((m - BASELINE_MONTH) / (TARGET_MONTH - BASELINE_MONTH), 0, 1)
    level = v0 + (v1 - v0) * f
    value = np.round(np.clip(level + rng.normal(0, 0.04 * v0), 0.1, 99.9), 1)
    order = rng.permutation(n_readings)
    return t[order], m[order], value[order]


def _month_labels(count: int) -> list[str]:
    return [f"{START_YEAR + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


def write_readings_csv(data: Path, n_readings: int, n_targets: int = N_TARGETS) -> Path:
    path = data / f"readings-{n_readings}-g{GENERATION}.csv"
    if path.exists():
        return path
    data.mkdir(parents=True, exist_ok=True)
    t, m, value = _records(n_readings, n_targets)
    ids = [f"t{i:05d}" for i in range(n_targets)]
    months = _month_labels(int(m.max()) + 1)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as f:
        f.write("target,period,value\n")
        step = 500_000
        for a in range(0, n_readings, step):
            tl, ml, vl = t[a:a + step].tolist(), m[a:a + step].tolist(), value[a:a + step].tolist()
            f.write("".join(f"{ids[ti]},{months[mi]},{v!r}\n" for ti, mi, v in zip(tl, ml, vl)))
    os.replace(tmp, path)
    return path


def write_readings_json(data: Path, n_readings: int, n_targets: int = N_TARGETS, parts: int = 1) -> list[Path]:
    """The records as a JSON list, in one file or split into `parts` files of (about) equal size."""
    suffix = "" if parts == 1 else f"-of-{parts}"
    paths = [data / f"readings-{n_readings}-g{GENERATION}{suffix}{'' if parts == 1 else f'-{p + 1}'}.json"
             for p in range(parts)]
    if all(p.exists() for p in paths):
        return paths
    data.mkdir(parents=True, exist_ok=True)
    t, m, value = _records(n_readings, n_targets)
    ids = [f"t{i:05d}" for i in range(n_targets)]
    months = _month_labels(int(m.max()) + 1)
    bounds = [n_readings * p // parts for p in range(parts + 1)]
    for p, path in enumerate(paths):
        tmp = path.with_suffix(".tmp")
        with tmp.open("w") as f:
            f.write("[")
            step = 500_000
            for a in range(bounds[p], bounds[p + 1], step):
                b = min(a + step, bounds[p + 1])
                tl, ml, vl = t[a:b].tolist(), m[a:b].tolist(), value[a:b].tolist()
                f.write(("," if a > bounds[p] else "") + ",".join(
                    f'{{"target":"{ids[ti]}","period":"{months[mi]}","value":{v!r}}}' for ti, mi, v in zip(tl, ml, vl)))
            f.write("]\n")
        os.replace(tmp, path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--readings", type=int, nargs="*", default=[100_000])
    parser.add_argument("--json-records", type=int, nargs="*", default=[])
    args = parser.parse_args()
    specs, sidecar = write_specs(args.data)
    print(specs, sidecar)
    for n in args.readings:
        print(write_readings_csv(args.data, n))
    for n in args.json_records:
        print(*write_readings_json(args.data, n))


if __name__ == "__main__":
    main()
