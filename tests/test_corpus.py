"""The hostile-input corpus (tests/corpus): every file ends in a clear error naming its file and
line, or is read as a person means it; none in a traceback, a hang or a lost row.

The files and their expected outcomes are in tests/corpus/expected.yaml. Inputs too big to
commit (huge files, bombs, deep nesting) are made here at run time, and run under a time limit
so that a regression fails rather than hangs.
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from engine.checks.checker import check_paths
from engine.sources.specs import UsageError
from engine.model.periods import parse_period
from engine.model.problems import LoadError
from engine.sources.readings import options_of, read_readings, units_of
from engine.sources.yamlsafe import MAX_BYTES, MAX_DEPTH, load_yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SPECS = CORPUS / "specs"
READINGS = CORPUS / "readings"
TARGETS = CORPUS / "targets"
MANIFEST = load_yaml((CORPUS / "expected.yaml").read_bytes(), "tests/corpus/expected.yaml").data
ENV = {"GITHUB_ACTIONS": None, "NO_COLOR": "1", "COLUMNS": "250"}


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) when the block takes longer than this."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str):
    result = CliRunner().invoke(cli.app, list(args), env=ENV)
    # Anything but a deliberate exit is a crash, whatever the exit code says.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def cases(section: str) -> list:
    params = []
    for name, entry in MANIFEST[section].items():
        marks = [pytest.mark.xfail(strict=True, reason=entry["xfail"])] if entry.get("xfail") else []
        params.append(pytest.param(name, entry, id=name, marks=marks))
    return params


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # messages name files as the user gave them: tests/corpus/...


@pytest.mark.parametrize("section, folder", [("specs", SPECS), ("readings", READINGS)])
def test_every_file_has_an_expected_outcome(section, folder):
    on_disk = sorted(p.name for p in folder.iterdir())
    assert on_disk == sorted(MANIFEST[section]), "tests/corpus/expected.yaml and the files differ"


# --- specs ---------------------------------------------------------------------------------------

def _lookup(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


@pytest.mark.parametrize("name, entry", cases("specs"))
def test_spec(name, entry):
    path = rel(SPECS / name)
    with time_limit(10):
        result = invoke("validate", path, "--format", "json")
    assert result.exit_code == entry["exit"], result.output
    report = json.loads(result.stdout)
    got = [(p["rule"], p["line"], p["column"]) for p in report["problems"]]
    want = [(p["rule"], p["line"], p["column"]) for p in entry["problems"]]
    assert got == want, report["problems"]
    for problem, expected in zip(report["problems"], entry["problems"]):
        assert problem["file"] == path
        assert expected["message"] in problem["message"]
    # the text report names the file and line too
    text = invoke("validate", path, "--format", "text").output
    for expected in entry["problems"]:
        where = f"{path}:{expected['line']}" if expected["line"] is not None else f"{path}:"
        assert where in text
    for dotted, value in (entry.get("values") or {}).items():
        data = load_yaml((SPECS / name).read_bytes(), path).data
        got_value = _lookup(data, dotted)
        assert got_value == value and type(got_value) is type(value), (dotted, got_value)


# --- readings ------------------------------------------------------------------------------------

UNITS = units_of(check_paths([TARGETS]).targets)
OPTIONS = options_of(check_paths([TARGETS]).targets)  # as the CLI reads: plausible values, monthly targets


def _where_rows_went(report: dict) -> dict[str, set[tuple[str, int]]]:
    return {
        "readings": {(r["file"], r["line"]) for t in report["targets"] for r in t["readings"]},
        "suppressed": {(r["file"], r["line"]) for r in report["suppressed"]},
        "superseded": {(r["file"], r["line"]) for r in report["superseded"]},
        "rejected": {(r["file"], r["line"]) for r in report["rejected"]},
    }


@pytest.mark.parametrize("name, entry", cases("readings"))
def test_readings(name, entry):
    path = rel(READINGS / name)
    with time_limit(10):
        result = invoke("evaluate", path, "--targets", rel(TARGETS), "--format", "json")
    if "error" in entry:
        error = entry["error"]
        assert result.exit_code == 2
        where = ":".join(str(part) for part in (path, error["line"], error["column"]) if part is not None)
        assert result.stderr.startswith(f"{where}: error: "), result.stderr
        assert error["message"] in result.stderr
        return
    batch = read_readings([path], UNITS, OPTIONS)
    # every row as a person counts them, each in exactly one place
    assert batch.rows == entry["rows"]
    accounted = batch.count() + len(batch.suppressed) + len(batch.superseded) + len(batch.rejected)
    assert accounted == entry["rows"]
    lines = ([r.line for rs in batch.readings.values() for r in rs] + [s.line for s in batch.suppressed]
             + [s.line for s in batch.superseded] + [r.line for r in batch.rejected])
    assert len(set(lines)) == len(lines) == entry["rows"]
    # readings: the right period and value, from the right line
    expected_readings = entry.get("readings") or {}
    assert set(batch.readings) == set(expected_readings)
    for target, rows in expected_readings.items():
        got = [(r.period, r.value, r.line) for r in batch.readings[target]]
        want = [(parse_period(str(period)), pytest.approx(value, rel=1e-12, abs=0), line) for period, value, line in rows]
        assert got == want, target
    assert [s.line for s in batch.suppressed] == (entry.get("suppressed") or [])
    assert [[s.line, s.by_line] for s in batch.superseded] == (entry.get("superseded") or [])
    rejected = entry.get("rejected") or []
    assert [r.line for r in batch.rejected] == [line for line, _ in rejected]
    for row, (_, reason) in zip(batch.rejected, rejected):
        assert reason in row.reason, row.reason
        assert row.file == path
    # the CLI reports the same rows, and rejected rows make exit 2
    assert result.exit_code == (2 if rejected else 0), result.output
    report = json.loads(result.stdout)
    seen = _where_rows_went(report)
    assert {line for _, line in seen["readings"]} == {r.line for rs in batch.readings.values() for r in rs}
    assert {line for _, line in seen["suppressed"]} == {s.line for s in batch.suppressed}
    assert {line for _, line in seen["superseded"]} == {s.line for s in batch.superseded}
    assert {line for _, line in seen["rejected"]} == {r.line for r in batch.rejected}
    assert all(file == path for group in seen.values() for file, _ in group)
    warnings = entry.get("warnings") or []
    assert [w.line for w in batch.warnings] == [line for line, _ in warnings]
    for warning, (line, words) in zip(batch.warnings, warnings):
        assert words in warning.message and warning.file == path
        assert f"{path}:{line}:" in result.stderr and words in result.stderr  # said on stderr whatever the format
    assert [w["line"] for w in report["warnings"]] == [line for line, _ in warnings]


# --- made at run time: too big to commit ----------------------------------------------------------

def _spec(stem: str, extra: str = "") -> str:
    return (f"id: {stem}\ntitle: Custodial sentences for young people\nmeasure:\n"
            "  description: Custodial sentences given to young people in the year\n"
            "  unit: count/year\n  polarity: lower_is_better\n"
            f"baseline: {{period: 2013/14, value: 18}}\ntarget: {{period: 2016/17, value: 9}}\n{extra}")


def _validate_json(path: Path, seconds: float = 10) -> tuple[int, list[dict]]:
    with time_limit(seconds):
        result = invoke("validate", str(path), "--format", "json")
    return result.exit_code, json.loads(result.stdout)["problems"]


def test_a_huge_spec_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(_spec("huge").encode() + b"# padding\n" * (3 * MAX_BYTES // 10))
    started = time.perf_counter()
    code, [problem] = _validate_json(path, seconds=5)
    assert code == 1
    assert (problem["rule"], problem["line"]) == ("file-size", None)
    assert problem["file"] == str(path)
    assert time.perf_counter() - started < 2


def test_a_big_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    # ~20 levels of doubling: expanded, 2^20 copies of a 1,000-character string
    lines = [f"a0: &a0 '{'x' * 1000}'"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 21)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    code, [problem] = _validate_json(path, seconds=5)
    assert code == 1
    assert (problem["rule"], problem["line"], problem["column"]) == ("anchor", 1, 5)


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_flow_nesting_is_refused(tmp_path, opening):
    path = tmp_path / "deep.yaml"
    path.write_text(opening * 200_000)
    code, [problem] = _validate_json(path)
    assert code == 1
    assert problem["rule"] in ("nesting", "yaml-syntax") and problem["line"] == 1


def test_deep_block_nesting_is_refused_at_the_limit(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("".join(" " * level + f"k{level}:\n" for level in range(1000)))
    code, [problem] = _validate_json(path)
    assert code == 1
    assert (problem["rule"], problem["line"]) == ("nesting", MAX_DEPTH + 1)


def test_a_spec_with_a_huge_list_and_a_huge_line_is_checked_quickly(tmp_path):
    partners = ", ".join(f"partner {i}" for i in range(50_000))
    path = tmp_path / "big-but-allowed.yaml"
    path.write_text(_spec("big-but-allowed", f"partners: [{partners}]\nnotes: {'n' * 200_000}\n"))
    assert path.stat().st_size < MAX_BYTES
    code, problems = _validate_json(path, seconds=10)
    assert code == 0 and problems == []


def test_many_unknown_keys_are_each_reported_with_their_line(tmp_path):
    path = tmp_path / "many-keys.yaml"
    path.write_text(_spec("many-keys", "".join(f"key{i}: {i}\n" for i in range(5000))))
    code, problems = _validate_json(path, seconds=20)
    assert code == 1
    assert len(problems) == 5000
    first_extra_line = _spec("many-keys").count("\n") + 1
    assert [p["line"] for p in problems] == list(range(first_extra_line, first_extra_line + 5000))


def test_a_pipe_among_the_specs_does_not_hang_the_check(tmp_path):
    (tmp_path / "youth-custody.yaml").write_text(_spec("youth-custody"))
    os.mkfifo(tmp_path / "pipe.yaml")  # opening a FIFO for reading blocks until a writer comes
    with time_limit(5):
        result = invoke("validate", str(tmp_path))
    assert result.exit_code == 2
    assert f"{(tmp_path / 'pipe.yaml').as_posix()}: error: not a regular file" in result.stderr


def _limited_memory() -> None:  # in the child: 1 GB of address space, so a runaway read fails fast
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _targets_subprocess(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a child process with little memory and a timeout: an endless read cannot take the machine."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", "import cli; cli.app()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, preexec_fn=_limited_memory)


def test_a_link_to_an_endless_device_among_the_specs_is_refused(tmp_path):
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "zero.yaml").symlink_to("/dev/zero")
    in_folder = _targets_subprocess("validate", "specs", cwd=tmp_path)
    assert in_folder.returncode == 1, in_folder.stderr  # a link to outside the specs folder is never followed
    assert in_folder.stdout.startswith("specs/zero.yaml: error: a link to a file outside the specs folder (`/dev/zero`): "
                                       "not followed")
    for given in ("specs/zero.yaml", "/dev/zero"):  # named: followed, and refused as what it is
        direct = _targets_subprocess("validate", given, cwd=tmp_path)
        assert direct.returncode == 2, direct.stderr
        assert direct.stderr.startswith(f"{given}: error: not a file or folder")


def test_a_large_readings_file_keeps_every_row(tmp_path):
    # 100,000 rows: suppressed, rejected, and periods repeating (the later row supersedes the
    # earlier): all accounted for, quickly.
    rows = ["target,period,value,note"]
    targets = sorted(UNITS)
    in_force: set[tuple[str, int]] = set()
    reading_rows = 0
    for i in range(100_000):
        target, year = targets[i % len(targets)], 1900 + (i // len(targets)) % 1000
        kind = i % 8
        value = {0: "[c]", 1: "oops"}.get(kind, f"{i % 1000}.5")
        if kind > 1:
            reading_rows += 1
            in_force.add((target, year))
        rows.append(f"{target},{year},{value},row {i}")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n")
    with time_limit(60):
        batch = read_readings([path], UNITS)
    assert batch.rows == 100_000
    assert len(batch.suppressed) == len(batch.rejected) == 100_000 // 8
    assert batch.count() == len(in_force)
    assert len(batch.superseded) == reading_rows - len(in_force)


def test_a_readings_cell_beyond_the_csv_limit_is_a_clear_error(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(f"target,period,value,note\nyouth-custody,2014/15,16,\"{'x' * 200_000}\"\n")
    with pytest.raises(LoadError) as caught, time_limit(5):
        read_readings([path], UNITS)
    problem = caught.value.problem
    assert (problem.file, problem.line) == (path.as_posix(), 2)


@pytest.mark.parametrize("name, content, rule", [
    ("deep.json", "[" * 200_000, ("nesting", "yaml-syntax")),
    ("bomb.yaml", "- &a [x, x]\n- &b [*a, *a]\n", ("anchor",)),
    ("many.yaml", "readings:\n" + "  - {target: youth-custody, period: 2014/15, value: 16}\n" * 20_000 + "  - &x 1\n",
     ("anchor",)),
])
def test_structured_readings_bombs_and_depth_are_refused(tmp_path, name, content, rule):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LoadError) as caught, time_limit(10):
        read_readings([path], UNITS)
    assert caught.value.problem.rule in rule
    assert caught.value.problem.line is not None


def test_an_endless_readings_file_is_refused(tmp_path):
    run = _targets_subprocess("evaluate", "/dev/zero", "--targets", str(TARGETS), "--format", "json", cwd=tmp_path)
    assert "Traceback" not in run.stderr
    assert run.returncode == 2
    assert run.stderr.startswith("/dev/zero: error:")


def test_nothing_in_the_corpus_needs_more_than_the_documented_exceptions():
    # The loader and reader themselves (no CLI): only LoadError or UsageError, or a result.
    for path in sorted(SPECS.iterdir()):
        try:
            check_paths([path])
        except UsageError:
            pytest.fail(f"{path} is readable")
    for path in sorted(READINGS.iterdir()):
        try:
            batch = read_readings([path], UNITS)
        except LoadError as exc:
            assert exc.problem.file == path.as_posix() and exc.problem.line is not None
            continue
        assert all(math.isfinite(r.value) for rs in batch.readings.values() for r in rs)
