"""Whole processes side by side: `targets evaluate` against a bare pass and its peers (issues #10, #9).

    python benchmarks/bench_peers.py                       # 100,000 and 1,000,000 readings, every tool;
                                                           # 10,000,000 CSV rows and 4,000,000 JSON records, targets only
    python benchmarks/bench_peers.py --sizes 100000 --memory-sizes --json-records --only bare targets
    python benchmarks/bench_peers.py --check               # do the peers (and targets) agree? (100,000 readings)

The workload (workload.py): 10,000 YAML target specs in a folder, a third linear, a third
compound, a third through a milestone, and N readings (N / 10,000 monthly readings a target).
Every measurement is a fresh process, as a user runs it:

- bare: `python -c` doing csv.reader + float() over the file (json.load + float() for JSON):
  the denominator of every ratio;
- targets: `targets evaluate FILE --targets DIR --format json > /dev/null`, and with
  `--explain targets` when `targets evaluate --help` offers it;
- polars, duckdb, pandas: benchmarks/peers/peer_*.py, the same judging without sentences, reading
  the targets' numbers from a JSON sidecar (they do not parse YAML), writing a JSON array of
  per-reading records to /dev/null;
- once: `targets validate DIR --format json`, loading and checking the 10,000 specs alone.

Wall time, CPU time (user + system, children included) and peak RSS come from os.wait4 on each
child. `targets` and the bare pass run under an address-space cap (--mem-cap, RLIMIT_AS) and
every run under a timeout (--timeout); a run that hits either is reported as not finished.
Ratios are CPU time to the bare pass's over the same input (wall time too, in its own column:
polars and DuckDB use both cores). --repeat N keeps each tool's run with the least CPU time, the
runs interleaved so that load from elsewhere falls on every tool alike; the memory cases run once.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import workload  # noqa: E402

PEERS = ("polars", "duckdb", "pandas")
TOOLS = ("bare", "targets") + PEERS
DEFAULT_SIZES = [100_000, 1_000_000]
DEFAULT_MEMORY_SIZES = [10_000_000]
DEFAULT_JSON_RECORDS = [100_000, 1_000_000, 4_000_000]

BARE_CSV = """\
import csv, sys
total = 0.0
for path in sys.argv[1:]:
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            total += float(row[2])
"""
BARE_JSON = """\
import json, sys
total = 0.0
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        records = json.load(f)
    for record in records:
        total += float(record["value"])
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int | None  # exit code; None when killed at the timeout
    note: str = ""

    @property
    def finished(self) -> bool:
        return self.code in (0, 1)  # 1: --fail-on found something; not used here, still a finished run


@dataclass
class Row:
    size: str
    input: str
    tool: str
    run: Run
    bare: Run | None  # the denominator


def measure(cmd: list[str], *, cap: int | None, timeout: float, stdout=subprocess.DEVNULL) -> Run:
    """Run one child; its own wall time, CPU time and peak RSS (os.wait4 gives them per child)."""

    def limit() -> None:
        if cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=err, preexec_fn=limit)
        waited: list = []
        waiter = threading.Thread(target=lambda: waited.append(os.wait4(proc.pid, 0)))
        waiter.start()
        waiter.join(timeout)
        killed = waiter.is_alive()
        if killed:
            proc.kill()
            waiter.join()
        wall = time.perf_counter() - start
        _, status, usage = waited[0]
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if killed:
        return Run(wall, cpu, peak, None, f"did not finish: stopped at the {timeout:.0f} s timeout")
    code = proc.returncode
    note = ""
    if code not in (0, 1):
        last = [line for line in stderr.strip().splitlines() if line.strip()]
        why = last[-1][:200] if last else ""
        if code < 0:
            note = f"did not finish: killed by signal {-code}" + (f" ({why})" if why else "")
        elif "MemoryError" in stderr or "ran out of memory" in stderr:
            note = f"did not finish: out of memory under the cap (exit {code})"
        else:
            note = f"did not finish: exit {code}: {why}"
    return Run(wall, cpu, peak, code, note)


def best(runs: list[Run]) -> Run:
    done = [r for r in runs if r.finished]
    return min(done, key=lambda r: r.cpu) if done else runs[-1]


def targets_exe() -> str:
    beside = Path(sys.executable).parent / "targets"
    found = str(beside) if beside.exists() else shutil.which("targets")
    if not found:
        sys.exit("no `targets` command: pip install -e '.[bench]' in this environment")
    return found


def explain_supported(targets: str) -> bool:
    text = subprocess.run([targets, "evaluate", "--help"], capture_output=True, text=True).stdout
    return "--explain" in text


def commands(tool: str, files: list[Path], specs: Path, sidecar: Path, targets: str, kind: str) -> list[str]:
    if tool == "bare":
        return [sys.executable, "-c", BARE_JSON if kind == "JSON" else BARE_CSV, *map(str, files)]
    if tool == "targets":
        return [targets, "evaluate", *map(str, files), "--targets", str(specs), "--format", "json"]
    if tool == "targets --explain targets":
        return [targets, "evaluate", *map(str, files), "--targets", str(specs), "--format", "json",
                "--explain", "targets"]
    assert len(files) == 1 and kind == "CSV"
    return [sys.executable, str(HERE / "peers" / f"peer_{tool}.py"), str(files[0]), str(sidecar), os.devnull]


TOOL_NAMES = {
    "bare": "bare csv.reader + float()",
    "targets": "targets evaluate --format json",
    "targets --explain targets": "targets evaluate --format json --explain targets",
    "polars": "peer: polars",
    "duckdb": "peer: DuckDB SQL",
    "pandas": "peer: pandas",
}


def run_size(n: int, kind: str, tools: list[str], files: list[Path], args, specs: Path, sidecar: Path,
             targets: str, repeat: int, cap_tools: set[str]) -> list[Row]:
    runs: dict[str, list[Run]] = collections.defaultdict(list)
    for _ in range(repeat):
        for tool in tools:
            cap = args.mem_cap_bytes if tool.split()[0] in cap_tools else None
            run = measure(commands(tool, files, specs, sidecar, targets, kind), cap=cap, timeout=args.timeout)
            runs[tool].append(run)
            print(f"  {n:>10,} {kind:4} {tool:28} wall {run.wall:7.2f} s  CPU {run.cpu:7.2f} s  "
                  f"peak {run.peak_mib:8,.0f} MiB  {run.note}", file=sys.stderr, flush=True)
    bare = best(runs["bare"]) if "bare" in runs else None
    size = f"{n:,}" + ("" if len(files) == 1 else f" ({len(files)} files)")
    rows = []
    for tool in tools:
        name = TOOL_NAMES[tool] if kind == "CSV" or tool != "bare" else "bare json.load + float()"
        rows.append(Row(size, kind, name, best(runs[tool]), bare if tool != "bare" else None))
    return rows


def json_case(n: int, args, specs: Path, sidecar: Path, targets: str, tools: list[str]) -> list[Row]:
    """A JSON readings file; one over the CLI's size limit is tried, then split as the refusal says."""
    files = workload.write_readings_json(args.data, n)
    rows = run_size(n, "JSON", tools, files, args, specs, sidecar, targets, 1, {"bare", "targets"})
    refused = next((r.run.note for r in rows if r.tool.startswith("targets") and "larger than" in r.run.note), None)
    if refused is None:
        return rows
    limit_mb = int(re.search(r"larger than ([\d,]+) MB", refused)[1].replace(",", ""))
    size = sum(f.stat().st_size for f in files)
    parts = math.ceil(size / (limit_mb * 1_000_000 * 0.95))
    for row in rows:
        if row.tool.startswith("targets"):
            row.run.note = f"refused: the file is {size / 1e6:,.0f} MB, over the {limit_mb} MB limit for JSON"
    split = workload.write_readings_json(args.data, n, parts=parts)
    return rows + run_size(n, "JSON", tools, split, args, specs, sidecar, targets, 1, {"bare", "targets"})


def table(rows: list[Row]) -> str:
    out = ["| readings | input | tool | wall s | CPU s | ratio to bare (CPU) | ratio (wall) | peak MiB | note |",
           "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        ratio = wall_ratio = ""
        if r.bare is not None and r.bare.finished and r.run.finished and r.bare.cpu > 0:
            ratio = f"{r.run.cpu / r.bare.cpu:.1f}x"
            wall_ratio = f"{r.run.wall / r.bare.wall:.1f}x"
        out.append(f"| {r.size} | {r.input} | {r.tool} | {r.run.wall:.2f} | {r.run.cpu:.2f} | {ratio} | "
                   f"{wall_ratio} | {r.run.peak_mib:,.0f} | {r.run.note} |")
    return "\n".join(out)


def notes(rows: list[Row], validate: Run | None) -> list[str]:
    lines = []
    if validate is not None and validate.finished:
        for r in rows:
            if r.tool == TOOL_NAMES["targets"] and r.run.finished and r.bare is not None and r.input == "CSV":
                rest = r.run.cpu - validate.cpu
                lines.append(f"- {r.size} {r.input}: targets evaluate less the spec loading ({validate.cpu:.2f} s): "
                             f"{rest:.2f} s of CPU, {rest / r.bare.cpu:.1f}x the bare pass")
    # Memory: what each further reading costs, between consecutive sizes of one input (one file each:
    # split into files, a JSON input is parsed a file at a time, so its peak is of another kind).
    by_input: dict[str, list[tuple[int, float]]] = collections.defaultdict(list)
    for r in rows:
        if r.tool == TOOL_NAMES["targets"] and r.run.finished and "files" not in r.size:
            by_input[r.input].append((int(r.size.split()[0].replace(",", "")), r.run.peak_mib))
    for kind, points in by_input.items():
        points.sort()
        steps = [f"{(p2 - p1) * 2**20 / (n2 - n1):,.0f} bytes ({n1:,} to {n2:,})"
                 for (n1, p1), (n2, p2) in zip(points, points[1:]) if n2 > n1]
        if steps:
            lines.append(f"- targets peak RSS per further {kind} reading: " + ", ".join(steps))
    return lines


# --- the agreement check ----------------------------------------------------------------------


def check(args, specs: Path, sidecar: Path, targets: str) -> int:
    """Run the three peers and targets on one size; compare every reading's status, breach and expected."""
    path = workload.write_readings_csv(args.data, args.check_size)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for tool in (*PEERS, "targets"):
            out = Path(tmp) / f"{tool}.json"
            if tool == "targets":
                cmd = [targets, "evaluate", str(path), "--targets", str(specs), "--format", "json"]
                with out.open("w") as f:
                    code = subprocess.run(cmd, stdout=f).returncode
                records = [dict(r, target=t["id"]) for t in json.loads(out.read_text())["targets"]
                           for r in t["readings"]]
            else:
                cmd = [sys.executable, str(HERE / "peers" / f"peer_{tool}.py"), str(path), str(sidecar), str(out)]
                code = subprocess.run(cmd).returncode
                records = json.loads(out.read_text())
            if code != 0:
                print(f"{tool}: exit {code}")
                return 2
            results[tool] = {(r["target"], r["period"]): r for r in records}
            order = [(r["target"], r["date"]) for r in records]
            if order != sorted(order):
                print(f"{tool}: records are not in target and date order")
                return 1
            counts = collections.Counter(r["status"] for r in records)
            print(f"{tool:8} {len(records):,} records; " + ", ".join(f"{s} {c:,}" for s, c in sorted(counts.items()))
                  + f"; breach {sum(r['breach'] for r in records):,}")
    failed = False
    reference = results["polars"]
    for tool in ("duckdb", "pandas", "targets"):
        other = results[tool]
        problems = []
        if other.keys() != reference.keys():
            problems.append(f"different readings: {len(other.keys() ^ reference.keys())} not in both")
        for key in reference.keys() & other.keys():
            a, b = reference[key], other[key]
            for field in ("status", "breach", "date"):
                if a[field] != b[field]:
                    problems.append(f"{key} {field}: polars {a[field]!r}, {tool} {b[field]!r}")
            for field in ("value", "expected", "shortfall", "tolerance"):
                x, y = a[field], b[field]
                if (x is None) != (y is None) or (x is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)):
                    problems.append(f"{key} {field}: polars {x!r}, {tool} {y!r}")
        verdict = "agrees" if not problems else f"DISAGREES in {len(problems):,} places, e.g. " + "; ".join(problems[:5])
        print(f"polars and {tool}: {verdict} (status, breach, date; value, expected, shortfall and tolerance "
              f"to 1e-9 relative) on {len(reference):,} readings")
        failed |= bool(problems)
    return 1 if failed else 0


# --- main -----------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    return int(text.replace(",", "").replace("_", ""))


def parse_bytes(text: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)i?B?", text.strip(), re.I)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text} (say 12G)")
    return int(float(m[1]) * 1024 ** " KMGT".index((m[2] or " ").upper()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_size, nargs="*", default=DEFAULT_SIZES,
                        help="CSV readings counts run with every tool in --only (default: 100,000 and 1,000,000)")
    parser.add_argument("--memory-sizes", type=parse_size, nargs="*", default=DEFAULT_MEMORY_SIZES,
                        help="CSV readings counts run with the bare pass and targets only, once (default: 10,000,000)")
    parser.add_argument("--json-records", type=parse_size, nargs="*", default=DEFAULT_JSON_RECORDS,
                        help="JSON records counts run with the bare pass and targets only, once "
                             "(default: 100,000, 1,000,000 and 4,000,000)")
    parser.add_argument("--only", nargs="+", choices=TOOLS, default=list(TOOLS), metavar="TOOL",
                        help=f"tools to run, of {', '.join(TOOLS)} (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool at --sizes; the least CPU time is kept")
    parser.add_argument("--mem-cap", type=parse_bytes, default=parse_bytes("12G"), dest="mem_cap_bytes",
                        help="address-space cap for targets and the bare pass (default 12G)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is stopped (default 900)")
    parser.add_argument("--data", type=Path, default=workload.DEFAULT_DATA,
                        help="where the generated files are kept (default benchmarks/.data)")
    parser.add_argument("--no-validate", action="store_true", help="skip the spec-loading-only run")
    parser.add_argument("--check", action="store_true", help="only check that the peers and targets agree")
    parser.add_argument("--check-size", type=parse_size, default=100_000)
    args = parser.parse_args()

    targets = targets_exe()
    specs, sidecar = workload.write_specs(args.data)
    if args.check:
        sys.exit(check(args, specs, sidecar, targets))

    tools = [t for t in TOOLS if t in args.only]
    header = []
    if "targets" in tools:
        if explain_supported(targets):
            tools.insert(tools.index("targets") + 1, "targets --explain targets")
        else:
            header.append("`targets evaluate --help` has no `--explain`: the `--explain targets` runs are skipped.")
    rows: list[Row] = []
    validate = None
    if "targets" in tools and not args.no_validate:
        validate = best([measure([targets, "validate", str(specs), "--format", "json"], cap=args.mem_cap_bytes,
                                 timeout=args.timeout) for _ in range(args.repeat)])
        print(f"  {'specs':>10} {'':4} {'targets validate':28} wall {validate.wall:7.2f} s  CPU {validate.cpu:7.2f} s  "
              f"peak {validate.peak_mib:8,.0f} MiB  {validate.note}", file=sys.stderr, flush=True)
        rows.append(Row("10,000 specs", "YAML", "targets validate --format json (spec loading alone)", validate, None))
    for n in args.sizes:
        path = workload.write_readings_csv(args.data, n)
        rows += run_size(n, "CSV", tools, [path], args, specs, sidecar, targets, args.repeat, {"bare", "targets"})
    few = [t for t in tools if t.split()[0] in ("bare", "targets")]
    for n in args.memory_sizes:
        if few:
            path = workload.write_readings_csv(args.data, n)
            rows += run_size(n, "CSV", few, [path], args, specs, sidecar, targets, 1, {"bare", "targets"})
    for n in args.json_records:
        if few:
            rows += json_case(n, args, specs, sidecar, targets, few)

    print(f"\n10,000 targets; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}; "
          f"cap {args.mem_cap_bytes / 2**30:.0f} GiB for targets and the bare pass; timeout {args.timeout:.0f} s\n")
    for line in header:
        print(line + "\n")
    print(table(rows))
    extra = notes(rows, validate)
    if extra:
        print("\n" + "\n".join(extra))


if __name__ == "__main__":
    main()
