"""What `targets validate targets` costs to start: its imports, and its wall-clock time, in fresh processes.

    python benchmarks/bench_startup.py [--runs 15]

Imports: the self times of every module `python -X importtime` reports for a whole validate run
on the shipped specs (the lazy imports of the command included), summed; best and median of the
runs. Wall clock: `targets validate targets` as a pre-commit hook runs it, best and median (use
hyperfine for more: `hyperfine -N '.venv/bin/targets validate targets'`). Best-of figures are the
ones least disturbed by other work on a shared machine. Goal (issue 10): at most 150 ms of imports.

The processes run with bytecode caching on (PYTHONDONTWRITEBYTECODE dropped from their
environment, one warm-up run first), as on a developer's machine: without the caches every
module of the project is compiled from source at each start, which is not what a hook pays.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_VALIDATE = ("import sys; sys.argv = ['targets', 'validate', 'targets']\n"
                "import cli\n"
                "try:\n    cli.app()\nexcept SystemExit:\n    pass\n")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_ms() -> tuple[float, list[str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", RUN_VALIDATE], cwd=ROOT,
                          capture_output=True, text=True, env=ENV)
    total = 0
    modules = []
    for line in done.stderr.splitlines():
        found = IMPORT_LINE.match(line)
        if found:
            total += int(found.group(1))
            modules.append(found.group(4))
    return total / 1000, modules


def wall_ms(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, env=ENV)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):
        sys.exit(f"{command} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    targets = shutil.which("targets", path=str(Path(sys.executable).parent)) or "targets"
    imports = []
    modules: list[str] = []
    wall_ms([targets, "validate", "targets"])  # writes the bytecode caches
    for _ in range(args.runs):
        ms, modules = import_ms()
        imports.append(ms)
    walls = [wall_ms([targets, "validate", "targets"]) for _ in range(args.runs)]
    bare = [wall_ms([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    heavy = [m for m in ("yaml", "jsonschema", "pydantic", "rich", "pint", "matplotlib") if m in modules]
    print(f"imports of `targets validate targets`: best {min(imports):.0f} ms, median {statistics.median(imports):.0f} ms "
          f"({len(modules)} modules; of the heavy ones: {', '.join(heavy) or 'none'}) (goal <= 150 ms)")
    print(f"wall clock: best {min(walls):.0f} ms, median {statistics.median(walls):.0f} ms "
          f"(python -c pass: best {min(bare):.0f} ms)")


if __name__ == "__main__":
    main()
