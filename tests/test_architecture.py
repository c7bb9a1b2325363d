"""The layers hold: arrows point down only (docs/architecture.md).

The core (model, verdicts, stats) is pure: it imports no module that reads or writes files,
the terminal or the network, and nothing from the layers above it. Reporters only format: none
imports a verdict rule, so none can judge a reading again.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
CORE = ("model", "verdicts", "stats")
# Modules that do I/O, or belong to the layers above the core.
IO_MODULES = ("os", "io", "subprocess", "shutil", "tempfile", "pathlib", "socket", "glob", "csv", "json",
              "rich", "typer", "matplotlib", "engine.sources", "engine.reports", "engine.diff", "engine.run", "cli")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


CORE_FILES = sorted(p for layer in CORE for p in (ENGINE / layer).rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ENGINE)))
def test_the_core_imports_no_io(path):
    bad = sorted(name for name in imports(path) if _within(name, IO_MODULES))
    assert not bad, f"{path.relative_to(ENGINE)} imports {bad}"


REPORT_FILES = sorted((ENGINE / "reports").glob("*.py"))


@pytest.mark.parametrize("path", REPORT_FILES, ids=lambda p: p.name)
def test_reporters_never_judge(path):
    bad = sorted(name for name in imports(path) if _within(name, ("engine.verdicts.rules", "engine.model.compare")))
    assert not bad, f"reports/{path.name} imports {bad}: a reporter formats decisions, it does not make them"


def test_the_layers_exist_and_the_test_sees_them():
    assert len(CORE_FILES) > 20 and len(REPORT_FILES) > 5
    assert "engine.verdicts.rules" in imports(ENGINE / "verdicts" / "evaluation.py")


def test_every_format_of_every_command_has_a_reporter_that_writes_it():
    import cli
    from engine.reports.base import FORMATS, Reporter, reporter

    offered = {"problems": [f.value for f in cli.ProblemFormat if f.value != "auto"],
               "evaluation": [f.value for f in cli.EvaluationFormat],
               "diff": [f.value for f in cli.DiffFormat]}
    for kind, names in offered.items():
        for name in names:
            chosen = reporter(name)
            assert isinstance(chosen, Reporter) and chosen.name == name
            assert getattr(type(chosen), kind) is not getattr(Reporter, kind), f"{name} cannot write {kind}"
    assert set(FORMATS) == {name for names in offered.values() for name in names}


def test_every_verdict_rule_is_a_documented_unit_with_an_id():
    from engine.verdicts.rules import breach_rules, outcome_rules, refine_rules, status_rules

    rules = status_rules() + refine_rules() + outcome_rules() + breach_rules()
    ids = [rule.ID for rule in rules]
    assert len(set(ids)) == len(ids) == len(list((ENGINE / "verdicts" / "rules").glob("[!_]*.py")))
    for rule in rules:
        assert rule.__doc__ and rule.__doc__.startswith(rule.ID + ":"), rule.__name__  # the docstring is its user doc
        assert callable(rule.decide)
