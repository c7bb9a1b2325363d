"""Checking specs: the schema, then the semantic rules, then rules across the tree (unique ids; the
references to areas.yaml and to other targets, engine/checks/references.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.checks.areas import check_areas
from engine.checks.references import AreasState, Uses, check_references, refused_value, uses_of
from engine.model.areas import Areas, resolved
from engine.sources.specs import UsageError, display_path, find_areas, find_specs, read_areas, read_spec
from engine.model.problems import LoadError, Problem
from engine.checks.rules import Finding, all_rules
from engine.checks.schema import check_schema
from engine.model.spec import Target, build_target
from engine.sources.yamlsafe import Document


@dataclass
class CheckResult:
    files_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # `areas:` resolved to GSS codes when areas.yaml is read
    areas: Areas | None = None  # from areas.yaml at the root of the specs folder, when there is one and it is valid

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _problem(doc: Document, rule: str, finding: Finding) -> Problem:
    mark = doc.mark(finding.path, key=finding.at_key)
    return Problem(doc.file, mark.line if mark else 1, mark.column if mark else 1, finding.severity, rule, finding.message)


def check_document(doc: Document, stem: str, areas: Areas | None = None) -> list[Problem]:
    """All problems of one loaded spec (a mapping). areas: areas.yaml's, when it was read without
    error: a group or area the schema refuses is then said with what it knows (`Southampton` is
    E06000045)."""
    data = doc.data
    schema_findings = list(check_schema(data, stem))
    if areas is not None and schema_findings:
        schema_findings = [_with_areas(f, data, areas) for f in schema_findings]
    problems = [_problem(doc, "schema", f) for f in schema_findings]
    schema_valid = not problems
    faulted = {f.path for f in schema_findings}
    for rule in all_rules():
        if schema_valid or not rule.needs_schema_valid:
            for finding in rule.check(data, stem):
                problems.append(_problem(doc, rule.name, finding))
            continue
        # The schema has already faulted this data; a rule may still say something useful about the
        # parts that are well formed (a bad period beside an unknown key), and where the shape is not
        # what it expects, its findings would be noise on top of the schema's, so they are dropped,
        # as are its findings about a value the schema has faulted (one problem per place: an id
        # with a line break is not also "different from the file name").
        try:
            findings = list(rule.check(doc.data, stem))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            continue
        problems.extend(_problem(doc, rule.name, f) for f in findings if f.path not in faulted)
    if len(problems) > 1:
        problems.sort(key=_place)
    return problems


def _with_areas(finding: Finding, data: Any, areas: Areas) -> Finding:
    value: Any = data
    for part in finding.path:
        value = value.get(part) if isinstance(value, dict) and isinstance(part, str) else None
    message = refused_value(finding.path, value, areas)
    return finding if message is None else replace(finding, message=message)


def _place(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def check_paths(paths: Iterable[str | Path]) -> CheckResult:
    """Check every spec under the paths and build the targets of those without errors.

    Raises UsageError for a path that does not exist or cannot be read.
    """
    # The cyclic garbage collector is paused while the specs are read: what is built (the data,
    # the targets) holds no cycles, and with thousands of specs kept it would walk them all again
    # and again (a tenth of the time at 10,000 specs). Memory is freed by reference counting as usual.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _check_paths(paths)
    finally:
        if paused:
            gc.enable()


def _check_paths(paths: Iterable[str | Path]) -> CheckResult:
    result = CheckResult()
    first_use: dict[str, Document] = {}  # the spec that first used each id (without its data), for its line if needed
    uses: list[Uses] = []  # the specs that name an area, a group or another target: checked once all are read
    paths = list(paths)
    found = find_specs(paths)
    areas_paths = find_areas(paths)
    for areas_path in areas_paths:
        result.files_checked += 1
        try:
            problems, areas = check_areas(read_areas(areas_path))
        except LoadError as exc:
            problems, areas = [exc.problem], None
        result.problems.extend(problems)
        if areas is not None and result.areas is None:
            result.areas = areas
    if not found and result.files_checked == 0:
        shown = ", ".join(str(p) for p in paths)
        raise UsageError(Problem(shown, None, None, "error", "path",
                                 "no target specs (*.yaml) found here: check the path"))
    for item in found:
        result.files_checked += 1
        path = item.path
        if item.problem is not None:  # a link not followed: said where it is, among the files
            result.problems.append(item.problem)
            continue
        try:
            doc = read_spec(path)
        except LoadError as exc:
            result.problems.append(exc.problem)
            continue
        problems = check_document(doc, path.stem, result.areas)
        target_id = doc.data.get("id")
        if isinstance(target_id, str):
            # The line of an id is worked out only for an id used twice: it means reading the file
            # again, with marks.
            if target_id in first_use:
                other = first_use[target_id]
                mark, other_mark = doc.mark(("id",)), other.mark(("id",))
                problems.append(Problem(doc.file, mark.line if mark else 1, mark.column if mark else 1, "error",
                                        "unique-id", f"the id `{target_id}` is already used by "
                                        f"{other.file}:{other_mark.line if other_mark else 1}: give each target its own id"))
            else:
                first_use[target_id] = doc.without_data()
        spec_uses = uses_of(doc)
        if spec_uses is not None:
            uses.append(spec_uses)
        if problems:
            problems.sort(key=_place)
            result.problems.extend(problems)
            if any(p.severity == "error" for p in problems):
                continue
        result.targets.append(build_target(doc.data, doc.file))
    if uses:
        _check_references(result, uses, first_use, paths, "none" if not areas_paths else
                          "valid" if result.areas is not None else "invalid")
    if result.areas is not None:
        result.targets = [resolved(target, result.areas) for target in result.targets]
    return result


def _check_references(result: CheckResult, uses: list[Uses], ids: dict[str, Document], paths: list[str | Path],
                      state: AreasState) -> None:
    """Groups, areas and ranked targets checked against areas.yaml and the other specs; a spec with an
    error here is left out of the targets, as one with an error of its own is."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    found = check_references(uses, ids, result.areas, state, whole_tree=bool(folders),
                             specs_folder=display_path(folders[0]) if folders else None)
    if not found:
        return
    # Each file's problems stay together, in line order, as they are listed for one spec.
    order = {file: at for at, file in enumerate(dict.fromkeys(p.file for p in result.problems + found))}
    result.problems = sorted(result.problems + found, key=lambda p: (order[p.file], p.line or 0, p.column or 0))
    failed = {p.file for p in found if p.severity == "error"}
    result.targets = [target for target in result.targets if target.file not in failed]
