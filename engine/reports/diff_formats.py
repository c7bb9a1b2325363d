"""`targets diff` output: text, json, github (workflow commands) and markdown. Each takes a DiffResult, returns a string."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from engine.diff.compare import ABSENT, DiffResult, FieldChange, TargetDiff, shown
from engine.model.safetext import markdown_cell, markdown_code, visible
from engine.reports.github import workflow_command

ERROR_RULES = {"removed": "removed-active-target", "changed": "moved-goalpost", "added": "reused-id"}


def _counts(result: DiffResult) -> str:
    parts = [f"{len(result.of_kind(k))} {k}" for k in ("changed", "added", "removed")]
    return ", ".join(parts) + f", {result.unchanged} unchanged"


def summary(result: DiffResult) -> str:
    """One line: what changed since the base, and whether that fails."""
    line = f"since {result.base}: {_counts(result)}"
    if result.errors:
        noun = "goalpost problem" if result.errors == 1 else "goalpost problems"
        line += f"; {result.errors} {noun} (moved goalposts, removed active targets or old ids brought back)"
    if result.warnings:
        line += f"; {result.warnings} warning(s)"
    return line


def _at(file: str | None, line: int | None) -> str:
    return f"{file}:{line}" if line is not None else f"{file}"


# --- text ----------------------------------------------------------------------------------------

def _text_change(target: TargetDiff, change: FieldChange) -> str:
    where = _at(target.new_file, change.line)
    if change.severity == "error":
        return f"{where}: error: {change.message} [moved-goalpost]"
    if change.severity == "warning":
        return f"{where}: warning: {change.message} [revisions]"
    return f"{where}: {change.message}"  # `target-id: field: old -> new`


def text(result: DiffResult) -> str:
    """One line per change, `file:line: target-id: field: old -> new`; errors as `file:line: error: ...`."""
    lines = [f"{p.file}: warning: {p.message} [{p.rule}]" for p in result.problems]
    for target in result.targets:
        if target.kind == "added" and target.is_error:
            lines.append(f"{_at(target.new_file, target.line)}: error: {target.message} [{ERROR_RULES['added']}]")
        elif target.kind == "added":
            lines.append(f"{_at(target.new_file, target.line)}: {target.id}: added ({target.new_status})")
        elif target.kind == "removed":
            if target.is_error:
                lines.append(f"{target.old_file}: error: {target.message} [removed-active-target]")
            else:
                lines.append(f"{target.old_file}: {target.message}")
        else:
            if target.moved:
                lines.append(f"{_at(target.new_file, target.line)}: {target.id}: file moved from {target.old_file}")
            lines.extend(_text_change(target, c) for c in target.changes)
    lines.append(summary(result))
    return "\n".join(map(visible, lines)) + "\n"  # one line each, whatever the specs hold


# --- json ----------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """JSON-safe: an absent field is null (the field's `kind` says which), non-finite numbers as text."""
    if value is ABSENT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return shown(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _json_change(change: FieldChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "path": list(change.path),
        "kind": change.kind,
        "old": _plain(change.old),
        "new": _plain(change.new),
        "goalpost": change.goalpost,
        "severity": change.severity,
        "message": change.message,
        "line": change.line,
        "column": change.column,
        "via": change.via,
    }


def _json_target(target: TargetDiff) -> dict[str, Any]:
    return {
        "id": target.id,
        "change": target.kind,
        "old_file": target.old_file,
        "new_file": target.new_file,
        "line": target.line,
        "old_status": target.old_status,
        "new_status": target.new_status,
        "guarded": target.guarded,
        "revision_added": target.revision,
        "severity": target.severity,
        "message": target.message,
        "fields": [_json_change(c) for c in target.changes],
    }


def as_json(result: DiffResult) -> str:
    document = {
        "base": result.base,
        "base_commit": result.base_commit,
        "summary": {
            "changed": len(result.of_kind("changed")),
            "added": len(result.of_kind("added")),
            "removed": len(result.of_kind("removed")),
            "unchanged": result.unchanged,
            "errors": result.errors,
            "warnings": result.warnings,
        },
        "targets": [_json_target(t) for t in result.targets],
        "problems": [p.as_dict() for p in result.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- github --------------------------------------------------------------------------------------

_command = workflow_command


def github(result: DiffResult) -> str:
    """Workflow commands: errors on the lines of moved goalposts, notices for every other change."""
    lines = [_command("warning", p.file, None, None, f"targets diff: {p.rule}", p.message) for p in result.problems]
    for target in result.targets:
        if target.kind == "added":
            kind = "error" if target.is_error else "notice"
            title = f"targets diff: {ERROR_RULES['added']}" if target.is_error else "targets diff: added"
            lines.append(_command(kind, target.new_file, target.line, None, title, target.message))
        elif target.kind == "removed":
            kind = "error" if target.is_error else "notice"
            lines.append(_command(kind, target.old_file, None, None, f"targets diff: {ERROR_RULES['removed'] if target.is_error else 'removed'}", target.message))
        else:
            if target.moved:
                lines.append(_command("notice", target.new_file, target.line, None, "targets diff: file moved",
                                      f"{target.id}: file moved from {target.old_file}"))
            for change in target.changes:
                title = {"error": "targets diff: moved goalpost", "warning": "targets diff: revisions"}.get(change.severity, "targets diff: changed")
                lines.append(_command(change.severity, target.new_file, change.line, change.column, title, change.message))
    lines.append(visible(summary(result)))  # it names the base ref, which the user typed
    return "\n".join(lines) + "\n"


# --- markdown ------------------------------------------------------------------------------------

_cell = markdown_cell


def _code(value: Any) -> str:
    """A value in a table cell; backticks keep Markdown from reading `*` or `_` in it."""
    return "" if value is ABSENT else "`" + markdown_code(shown(value, limit=60)) + "`"


def _file(text: str | None) -> str:
    """A file name (user text) in a code span."""
    return "`" + markdown_code(text or "") + "`"


def _areas_cells(old: list[str], new: list[str]) -> tuple[str, str]:
    """Was and Now of a field whose areas changed in areas.yaml: how many, and which joined and left
    (a list of 15 codes cut to fit a cell would hide the one that changed)."""
    joined = [c for c in new if c not in old]
    left = [c for c in old if c not in new]
    now = [f"`{len(new)} areas`"]
    if joined:
        now.append("joined: " + ", ".join(_code(c) for c in joined))
    if left:
        now.append("left: " + ", ".join(_code(c) for c in left))
    return f"`{len(old)} areas`", "; ".join(now) + " (areas.yaml)"


def markdown(result: DiffResult) -> str:
    """A summary for a pull-request comment or a CI step summary."""
    lines = [f"## Target changes since {_file(result.base)}", ""]
    verdict = (f"**{result.errors} goalpost problem(s)**: moved goalposts, removed active targets or old ids brought back."
               if result.errors else "No goalposts moved.")
    lines += [verdict, "", _counts(result) + ".", ""]
    errors = [t for t in result.targets if t.is_error]
    if errors:
        lines += ["### Goalpost problems", ""]
        for target in errors:
            if target.kind == "removed":
                lines.append(f"- {_file(target.old_file)}: {_cell(target.message)}")
            elif target.kind == "added":
                lines.append(f"- {_file(_at(target.new_file, target.line))}: {_cell(target.message)}")
            else:
                lines += [f"- {_file(_at(target.new_file, c.line))}: {_cell(c.message)}" for c in target.moved_goalposts]
        lines.append("")
    if result.targets:
        lines += ["| Target | Change | Field | Was | Now | |", "| --- | --- | --- | --- | --- | --- |"]
        for target in result.targets:
            name = _file(target.id)
            if target.kind == "added":
                flag = "**error**: an old id brought back without its record" if target.is_error else target.new_status
                lines.append(f"| {name} | added | | | {_file(target.new_file)} | {flag} |")
            elif target.kind == "removed":
                flag = "**error**: it was active" if target.is_error else f"was {target.old_status}"
                lines.append(f"| {name} | removed | | {_file(target.old_file)} | | {flag} |")
            else:
                if target.moved:
                    lines.append(f"| {name} | moved | file | {_file(target.old_file)} | {_file(target.new_file)} | |")
                for c in target.changes:
                    flag = {"error": "**moved goalpost**", "warning": "warning"}.get(c.severity, "")
                    if c.goalpost and c.severity == "notice" and target.guarded and target.revision:
                        flag = f"recorded in revisions[{target.revision}]"
                    if c.via is not None:  # areas.yaml changed what the field stands for: say who joined and left
                        was, now = _areas_cells(c.old, c.new)
                    else:
                        was, now = _code(c.old), _code(c.new)
                    lines.append(f"| {name} | {c.kind} | {_file(c.field)} | {was} | {now} | {flag} |")
    if result.problems:
        lines += ["", "### Specs at the base not fully compared", ""]
        lines += [f"- {_file(p.file)}: {_cell(p.message)}" for p in result.problems]
    return "\n".join(lines) + "\n"
