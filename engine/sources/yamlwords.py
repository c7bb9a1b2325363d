"""YAML syntax errors in plain words, at the line that is wrong (imported only when there is one).

libyaml says where it gave up, in the words of its grammar: "mapping values are not allowed in
this context", "did not find expected key", "did not find expected '-' indicator". For the
mistakes people make by hand (a key indented one space too far or too little, a line indented
under a key that already has a value, a colon inside a value, a quote or bracket left open) this
looks at the lines themselves and says what is wrong with which line, and how to line it up.
Anything it does not recognise is left to libyaml's words (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.model.safetext import visible

_BREAKS = re.compile("\r\n|\r|\n")
# The start of a block entry: its indentation, a `- ` (and the spaces after it) if it is a list
# item, then a key (plain, up to the first `: `) if it has one.
_ENTRY = re.compile(r"(?P<indent> *)(?P<dash>-(?: +|$))?(?:(?P<key>[^\s#'\"{}\[\],&*!|>%@`-][^#]*?|-[^\s#][^#]*?):(?: |$))?")
_BLOCK_SCALAR = re.compile(r"(?:^|: |- )[|>][-+0-9]*(?: #.*)?$")


@dataclass(frozen=True)
class _Level:
    """A column that a line may line up with: a key's, or a list item's `-`."""

    column: int  # 1-based
    line: int  # 1-based
    label: str


def _shown(text: str, limit: int = 40) -> str:
    text = visible(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _content(line: str) -> bool:
    stripped = line.strip(" ")
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _levels(lines: list[str], before: int) -> list[_Level]:
    """The columns the lines above line `before` (1-based) open, nearest first: the previous
    line's, then each less indented line's above it, up to the first column."""
    levels: list[_Level] = []
    lowest = None  # the smallest column taken so far: a line further up counts only if less indented
    for number in range(before - 1, 0, -1):
        line = lines[number - 1]
        if not _content(line):
            continue
        found = _ENTRY.match(line)
        at = _indent(line) + 1
        if lowest is not None and at >= lowest:
            continue
        if levels and _BLOCK_SCALAR.search(line.rstrip(" ")):
            levels = []  # what was taken so far was the text of a block scalar, not keys
        if found is not None and found.group("dash"):
            # `- key: value` opens two columns, its keys' and its `-`; `- text` or `- {...}` only the `-`.
            if found.group("key") and (lowest is None or found.start("key") + 1 < lowest):
                levels.append(_Level(found.start("key") + 1, number, f"`{_shown(found.group('key'))}:`"))
            levels.append(_Level(at, number, "the `-`"))
        elif found is not None and found.group("key"):
            levels.append(_Level(at, number, f"`{_shown(found.group('key'))}:`"))
        else:
            levels.append(_Level(at, number, f"`{_shown(line.strip())}`"))
        lowest = at
        if at == 1:
            break
    return levels


def _where(level: _Level) -> str:
    return f"{level.label} on line {level.line} (column {level.column})"


def plain_words(text: str, problem: str, context: str | None, line: int, column: int,
                context_line: int | None, context_column: int | None) -> tuple[int, int, str] | None:
    """(line, column, message) for a syntax error libyaml found at line:column (1-based), or None."""
    lines = _BREAKS.split(text)
    if not 1 <= line <= len(lines):
        return None
    if problem == "mapping values are not allowed in this context":
        return _colon(lines, line, column)
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        return _misaligned(lines, line)
    if problem == "did not find expected <document start>":
        return _first_line_indented(lines, line)
    if context == "while scanning a quoted scalar" and context_line is not None:
        quote = lines[context_line - 1][context_column - 1:context_column] if context_column else ""
        return (context_line, context_column or 1,
                f"YAML syntax: the quote ({quote or 'quote'}) opened here is never closed: close it on this line; "
                "for an apostrophe inside single quotes write it twice ('it''s'), or use the other quotes")
    if context in ("while parsing a flow mapping", "while parsing a flow sequence") and context_line is not None:
        opening, closing = ("{", "}") if "mapping" in context else ("[", "]")
        return (context_line, context_column or 1,
                f"YAML syntax: the `{opening}` opened here is not closed with `{closing}` (or an entry in it lacks a "
                f"comma or a `: `): write the whole `{opening}...{closing}` on one line, entries separated by commas")
    return None


def _colon(lines: list[str], number: int, column: int) -> tuple[int, int, str] | None:
    line = lines[number - 1]
    found = _ENTRY.match(line)
    key = found.group("key") if found else None
    if key is not None and found.end("key") + 1 != column:
        # The colon complained about comes after the line's own key: it is inside the value.
        value = line[found.end():].split(" #")[0].strip()
        quoted = "'" + value.replace("'", "''") + "'"
        return (number, found.end() + 1,
                f"YAML syntax: the value of `{_shown(key)}` holds `: ` (a colon and a space), which YAML reads as "
                f"the start of another key: put the value in quotes: `{_shown(key)}: {_shown(quoted, 60)}`")
    if key is None:
        return None
    # The line's own key, on a line indented under one that already has a value on its line.
    at = _indent(line) + 1
    for above in range(number - 1, 0, -1):
        previous = lines[above - 1]
        if not _content(previous) or _indent(previous) + 1 >= at:
            continue
        entry = _ENTRY.match(previous)
        if entry is None or not entry.group("key"):
            return None
        owner = entry.group("key")
        owner_at = entry.start("key") + 1
        value = previous[entry.end():].split(" #")[0].strip()
        if not value or owner_at >= at:
            return None
        # One space off is a slip; a whole step in may have been meant as a nested mapping.
        nested = (f"; or, if it does belong under `{_shown(owner)}:`, take `{_shown(value)}` off the "
                  f"`{_shown(owner)}:` line") if at - owner_at >= 2 else ""
        return (number, at,
                f"YAML indentation: `{_shown(key)}:` on line {number} is indented further than `{_shown(owner)}:` on "
                f"line {above} (column {owner_at}), as if it belonged under it, but `{_shown(owner)}:` already has a "
                f"value on its line (`{_shown(value)}`): line `{_shown(key)}:` up with `{_shown(owner)}:` "
                f"(column {owner_at}){nested}")
    return None


def _misaligned(lines: list[str], number: int) -> tuple[int, int, str] | None:
    line = lines[number - 1]
    at = _indent(line) + 1
    levels = _levels(lines, number)
    if not levels or any(level.column == at for level in levels):
        return None
    deeper = [level for level in levels if level.column > at]
    shallower = [level for level in levels if level.column < at]
    found = _ENTRY.match(line)
    what = (f"`{_shown(found.group('key'))}:`" if found.group("key") else
            "the `-`" if found.group("dash") else f"`{_shown(line.strip())}`")
    if not deeper:
        # Further in than the line above, which takes nothing more below it (`- {...}`, `- text`).
        above = max(shallower, key=lambda level: level.column)
        return (number, at,
                f"YAML indentation: {what} on line {number} starts at column {at}, further in than {_where(above)}, "
                f"which takes nothing more below it: line it up with {above.label} (column {above.column})")
    near = min(deeper, key=lambda level: level.column)
    options = [near]
    if shallower:
        far = max(shallower, key=lambda level: level.column)
        # The nearer column first; a tie goes to the deeper (one space short is the commoner slip).
        options = [near, far] if near.column - at <= at - far.column else [far, near]
    fix = f"line it up with {_where(options[0])}"
    if len(options) > 1:
        fix += f", or, if it does not belong with it, with {_where(options[1])}"
    return (number, at, f"YAML indentation: {what} on line {number} starts at column {at}, which lines up with "
                        f"nothing above it: {fix}")


def _first_line_indented(lines: list[str], number: int) -> tuple[int, int, str] | None:
    first = next((i for i, line in enumerate(lines, 1) if _content(line)), None)
    if first is None or first >= number:
        return None
    top = lines[first - 1]
    if _indent(top) <= _indent(lines[number - 1]):
        return None
    found = _ENTRY.match(top)
    what = f"`{_shown(found.group('key'))}:`" if found and found.group("key") else "the first line"
    spaces = _indent(top)
    return (first, spaces + 1,
            f"YAML indentation: {what} on line {first} is indented by {spaces} space{'s' if spaces != 1 else ''}, "
            f"and line {number} below it is not: the top-level keys start at the first column: remove the spaces "
            f"before {what}")
