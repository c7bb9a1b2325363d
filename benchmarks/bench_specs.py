"""Load and check N specs (default 10,000): the shipped specs copied with their ids varied, a few broken.

    python benchmarks/bench_specs.py [--specs 10000] [--runs 3] [--profile] [--keep DIR] [--cli]

The tree: every shipped spec in targets/ is copied round-robin under its own folder, its id (and
file name) given a number (`youth-reoffending-00042`), its title too, and its numbers nudged so
that no two files are the same text. About 1 in 200 is broken in one of the ways people break
specs (an unknown key, a duplicate key, a tab, text for a number, a bad period, an id that is not
the file name, a missing `measure`), so the report's slow path (marks, messages) is in the mix.

Times `check_paths` on the tree in this process (best of --runs, wall clock and CPU), after one warm-up run that
imports what it needs; --cli also times `targets validate DIR` as a fresh process (what a
pre-commit hook pays), --profile prints a cProfile of one run.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (name, function of the text and its id): each gives a spec with at least one error.
BREAKS = [
    ("unknown key", lambda text, tid: text + "tolerence: {absolute: 1}\n"),
    ("duplicate key", lambda text, tid: text + f"title: Another title for {tid}\n"),
    ("tab", lambda text, tid: text.replace("\nmeasure:\n  ", "\nmeasure:\n\t", 1)),
    ("text for a number", lambda text, tid: text + "limit: '50%'\n"),
    ("bad period", lambda text, tid: text + "milestones:\n  - {period: 2015-16, value: 40}\n"),
    ("id not the file name", lambda text, tid: text.replace(f"id: {tid}\n", f"id: {tid}-x\n", 1)),
    ("no measure", lambda text, tid: re.sub(r"\nmeasure:\n(  .*\n|  #.*\n)+", "\n", text, count=1)),
]


def shipped() -> list[tuple[str, str, str]]:
    """(folder, id, text) of each shipped spec."""
    specs = []
    for path in sorted((ROOT / "targets").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        specs.append((path.parent.name, path.stem, text))
    return specs


def _nudge(match: re.Match[str], rng: random.Random) -> str:
    number = float(match.group(2))
    return f"{match.group(1)}{round(number * rng.uniform(0.97, 1.03), 1)}"


def make_tree(folder: Path, n: int, *, broken_every: int = 200, seed: int = 1) -> int:
    """Write n specs under folder; returns how many were broken on purpose."""
    rng = random.Random(seed)
    sources = shipped()
    broken = 0
    for i in range(n):
        group, tid, text = sources[i % len(sources)]
        new_id = f"{tid}-{i:05d}"
        text = text.replace(f"id: {tid}\n", f"id: {new_id}\n", 1)
        text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)} ({i})", text, count=1, flags=re.M)
        # `value: 48.3` -> `value: 49.1`: the same shape, other numbers (keeps the sign, so rules still pass).
        text = re.sub(r"(value: )([0-9]+(?:\.[0-9]+)?)(?=[,}\n])", lambda m: _nudge(m, rng), text)
        if i % broken_every == broken_every // 2:
            _, breaker = BREAKS[broken % len(BREAKS)]
            text = breaker(text, new_id)
            broken += 1
        where = folder / group / f"{i // 1000:02d}"
        where.mkdir(parents=True, exist_ok=True)
        (where / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return broken


def time_check(folder: Path, runs: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU seconds of check_paths on the tree (CPU time is less
    skewed by other work on a shared machine)."""
    from engine.checks.checker import check_paths

    check_paths([folder])  # warm-up: imports, compiled patterns, the file cache
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = check_paths([folder])
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def time_cli(folder: Path, runs: int) -> float:
    bindir = Path(sys.executable).parent
    targets = shutil.which("targets", path=str(bindir)) or "targets"
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([targets, "validate", str(folder), "--quiet"], capture_output=True)
        best = min(best, time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"targets validate failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--specs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    parser.add_argument("--cli", action="store_true", help="also time `targets validate DIR` as a fresh process")
    parser.add_argument("--keep", type=Path, help="write the tree here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-specs-"))
    try:
        if args.keep is None or not any(folder.rglob("*.yaml")):
            broken = make_tree(folder, args.specs)
            print(f"wrote {args.specs:,} specs ({broken} broken on purpose) under {folder}")
        seconds, cpu, result = time_check(folder, args.runs)
        errors = {p.file for p in result.errors}
        print(f"check_paths: {result.files_checked:,} specs in {seconds:.2f} s ({cpu:.2f} s of CPU, "
              f"{cpu / result.files_checked * 1e6:.0f} us a spec); {len(result.targets):,} targets built, "
              f"{len(errors)} files with errors, {len(result.warnings)} warnings (goal <= 1.5 s)")
        if args.profile:
            from engine.checks.checker import check_paths

            profile = cProfile.Profile()
            profile.enable()
            check_paths([folder])
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(30)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        if args.cli:
            print(f"targets validate (fresh process): {time_cli(folder, args.runs):.2f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
