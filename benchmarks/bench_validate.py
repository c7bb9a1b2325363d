"""`targets validate targets` against `check-jsonschema --schemafile schema/target.schema.json` on the same files.

    python benchmarks/bench_validate.py [--runs 7]

Both run as fresh processes (what a pre-commit hook pays), best of N wall-clock runs.
targets does more: strict loading, semantic rules, unique ids across the tree.
Needs check-jsonschema (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best_of(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    targets = shutil.which("targets", path=str(bindir)) or "targets"
    checker = shutil.which("check-jsonschema", path=str(bindir)) or shutil.which("check-jsonschema")
    if checker is None:
        sys.exit("check-jsonschema is not installed: pip install -e '.[bench]'")
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "targets").rglob("*.yaml"))
    ours = best_of([targets, "validate", "targets"], args.runs)
    theirs = best_of([checker, "--schemafile", "schema/target.schema.json", *files], args.runs)
    print(f"{len(files)} specs: targets validate {ours * 1000:.0f} ms, check-jsonschema {theirs * 1000:.0f} ms, "
          f"ratio {ours / theirs:.2f}x (goal <= 1.0x)")


if __name__ == "__main__":
    main()
