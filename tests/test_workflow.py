"""The GitHub workflow (.github/workflows/targets.yml) must not drift from the CLI.

Every `targets ...` command in the workflow is parsed by the real Typer app (command names,
options and their choices), and the steps that need no GitHub context are run here as the
workflow runs them.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cli
from engine.sources.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "targets.yml"


def _workflow() -> dict:
    # The project's own strict loader: YAML 1.2, so `on:` stays the key "on" (YAML 1.1 reads it as true).
    return load_yaml(WORKFLOW.read_bytes(), str(WORKFLOW)).data


def _steps() -> list[dict]:
    [job] = _workflow()["jobs"].values()
    return job["steps"]


def _targets_commands() -> list[tuple[str, list[str]]]:
    """(step name, argv after `targets`) for each `targets` call in a `run` step."""
    found = []
    for step in _steps():
        if "run" not in step:
            continue
        for line in step["run"].splitlines():
            tokens = shlex.split(line, comments=True)
            for stop in (">>", ">", "|", "&&", "||", ";"):
                if stop in tokens:
                    tokens = tokens[: tokens.index(stop)]
            if tokens and tokens[0] == "targets":
                found.append((step.get("name", ""), tokens[1:]))
    return found


def _group():  # the app as a command group (Typer vendors click)
    return typer.main.get_command(cli.app)


def test_it_runs_on_pull_requests_that_touch_specs_or_engine():
    workflow = _workflow()
    assert list(workflow["on"]) == ["pull_request"]
    paths = workflow["on"]["pull_request"]["paths"]
    for needed in ("targets/**", "engine/**", "schema/**", "cli.py", "pyproject.toml", "examples/**"):
        assert needed in paths
    assert workflow["permissions"] == {"contents": "read"}


def test_it_checks_out_the_whole_history_on_python_3_11_and_installs_the_package():
    steps = _steps()
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there for `targets diff`
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    runs = [s["run"] for s in steps if "run" in s]
    assert any(shlex.split(r)[-3:] == ["pip", "install", "."] for r in runs)
    # installing comes before the first use of the command
    first_use = next(i for i, s in enumerate(steps) if "run" in s and s["run"].startswith("targets "))
    install = next(i for i, s in enumerate(steps) if "run" in s and "pip install" in s["run"])
    assert install < first_use


def test_it_validates_diffs_and_writes_the_report_to_the_summary():
    commands = [argv for _, argv in _targets_commands()]
    assert ["validate", "targets", "--format", "github"] in commands
    [diff] = [argv for argv in commands if argv[0] == "diff"]
    assert diff[1] == "origin/$BASE_REF" and diff[2:] == ["--format", "github"]
    diff_step = next(s for s in _steps() if "targets diff" in s.get("run", ""))
    assert diff_step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    evaluate = next(s for s in _steps() if "targets evaluate" in s.get("run", ""))
    argv = shlex.split(evaluate["run"])
    assert argv[argv.index("--format") + 1] == "markdown"
    assert argv[-2:] == [">>", "$GITHUB_STEP_SUMMARY"]
    assert (ROOT / argv[2]).is_file(), f"{argv[2]} is not in the repository"


@pytest.mark.parametrize("step, argv", _targets_commands(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_each_command_in_the_workflow_exists_with_its_options(step, argv):
    group = _group()
    name, args = argv[0], argv[1:]
    assert name in group.commands, f"step {step!r} calls `targets {name}`, which the CLI does not have"
    try:
        # Parses the arguments exactly as the command line would: unknown options, bad choices
        # (--format) and missing arguments all fail here.
        group.commands[name].make_context(f"targets {name}", list(args))
    except typer.TyperException as exc:
        pytest.fail(f"step {step!r}: `targets {' '.join(argv)}` does not parse: {exc.format_message()}")


def test_the_validate_and_evaluate_steps_succeed_on_this_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    ran = 0
    for step, argv in _targets_commands():
        if argv[0] == "diff":
            continue  # needs the base branch of a pull request
        result = runner.invoke(cli.app, argv, env={"GITHUB_ACTIONS": "true", "NO_COLOR": "1"})
        assert result.exit_code == 0, f"step {step!r}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output
        if argv[0] == "validate":
            assert "::error" not in result.output
        if argv[0] == "evaluate":
            assert result.output.lstrip().startswith("#")  # Markdown, for the job summary
        ran += 1
    assert ran >= 2
