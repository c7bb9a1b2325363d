"""The pre-commit hook (.pre-commit-hooks.yaml), run for real with `pre-commit try-repo`.

try-repo installs this project into a fresh virtualenv on every run (a real `pip install` of
the package, schema included: a few seconds with pip's cache), so the scenarios are few and
share one snapshot of the project.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.sources.yamlsafe import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "targets"
HOOK_ID = "targets-validate"


def _pre_commit() -> list[str] | None:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    return [found] if found else None


PRE_COMMIT = _pre_commit()


def _git(*args: str, cwd: Path) -> str:
    run = subprocess.run(["git", "-c", "user.name=tests", "-c", "user.email=tests@localhost",
                          "-c", "commit.gpgsign=false", *args],
                         cwd=cwd, capture_output=True, text=True, timeout=120, check=True)
    return run.stdout


def test_the_hook_is_declared_as_documented():
    hooks = load_yaml((ROOT / ".pre-commit-hooks.yaml").read_bytes(), ".pre-commit-hooks.yaml").data
    [hook] = [h for h in hooks if h["id"] == HOOK_ID]
    assert hook["entry"] == "targets validate"
    assert hook["language"] == "python"
    # The whole folder is checked, whatever changed: ids must be unique across the tree.
    assert hook["pass_filenames"] is False
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("targets/youth-crime/youth-custody.yaml")
    assert pattern.search("targets/x.yml")
    assert not pattern.search("targets/README.md")
    assert not pattern.search("examples/readings-2014-17.csv")
    assert not pattern.search("tests/corpus/specs/tag.yaml")


@pytest.fixture(scope="module")
def hook_runner(tmp_path_factory):
    """Runs `pre-commit try-repo <snapshot> targets-validate ...` in a scratch repository."""
    if PRE_COMMIT is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]' installs it)")
    base = tmp_path_factory.mktemp("pre-commit")
    # A snapshot of this checkout as it is on disk (uncommitted edits included), committed once,
    # so every run below uses the same repository and revision and pre-commit installs it once.
    project = base / "project"
    listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "snapshot", cwd=project)
    home = base / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PRE_COMMIT_HOME")}
    env.update({"PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"})

    def run(repo: Path, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([*PRE_COMMIT, "try-repo", str(project), HOOK_ID, "--color=never", *extra],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    return run


def _scratch_repo(folder: Path, specs: dict[str, str]) -> Path:
    folder.mkdir()
    _git("init", "-q", cwd=folder)
    for name, text in specs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("notes\n", encoding="utf-8")
    _git("add", "-A", cwd=folder)
    return folder


def _shipped(name: str) -> str:
    return next(SHIPPED.rglob(name)).read_text(encoding="utf-8")


VALID = {
    "targets/youth-crime/youth-custody.yaml": _shipped("youth-custody.yaml"),
    "targets/youth-crime/first-time-entrants.yaml": _shipped("first-time-entrants.yaml"),
}


def test_the_hook_passes_valid_specs(hook_runner, tmp_path):
    repo = _scratch_repo(tmp_path / "repo", VALID)
    run = hook_runner(repo, "--all-files")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "targets validate" in output and "Passed" in output
    assert "Traceback" not in output


def test_the_hook_fails_on_a_broken_spec_and_checks_the_whole_tree(hook_runner, tmp_path):
    broken = VALID["targets/youth-crime/youth-custody.yaml"].replace("frequency: annual", "frequncy: annual")
    assert broken != VALID["targets/youth-crime/youth-custody.yaml"]
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "frequncy" in text)
    # Two files may share a name (and so an id) in different folders: a check of the changed file
    # alone could not see the clash, so the hook checks the whole folder whatever changed.
    clash = "targets/other/first-time-entrants.yaml"
    repo = _scratch_repo(tmp_path / "repo", {**VALID, "targets/youth-crime/youth-custody.yaml": broken,
                                             clash: VALID["targets/youth-crime/first-time-entrants.yaml"]})
    run = hook_runner(repo, "--files", "targets/youth-crime/youth-custody.yaml")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Failed" in output
    assert f"targets/youth-crime/youth-custody.yaml:{line}:3: error: unknown key `frequncy`" in output
    assert "did you mean `frequency`?" in output
    assert "the id `first-time-entrants` is already used by" in output
    assert "Traceback" not in output
