"""The plain YAML that specs are written in, read in Python: the fast path of engine.sources.yamlsafe.

A spec is a block mapping of simple keys with plain, quoted, folded (`>-`) or literal values, one-
line flow collections (`{period: 2013/14, value: 48.3}`, `[Police, Council]`), nested mappings
and lists of them. Read here, a line at a time with string methods, that costs about three
quarters of what reading libyaml's events does (each event becomes a Python object, marks and
all), a quarter of what the strict reader does, and needs no PyYAML import.

`read_plain` gives up (raises NotPlain) at anything outside that subset, or anything it is not sure
of: tabs, CR line ends, control characters, anchors, aliases, tags, directives and document
markers, keys that are not simple words, escapes in double quotes, scalars over more than one
line (other than block scalars), block scalars with blank lines, lines indented deeper than the block or with trailing
spaces, flow collections over more than one line or nested, duplicate keys, `<<`, nesting near
MAX_DEPTH, a document that is not a mapping. Then the strict reader (libyaml's events, with every
check and every mark) reads the text instead. So what this accepts is plain, valid YAML, and it
reads it to the same data as the strict reader; tests/test_yamlsafe.py holds the two equal on
mutated and generated specs, the corpus and the shipped specs.
"""

from __future__ import annotations

import re
from typing import Any

from engine.sources.yamlsafe import MAX_DEPTH, resolve_plain


class NotPlain(Exception):
    """Outside the plain subset: the strict reader takes the text."""


_NOT_PLAIN = NotPlain()

# Characters allowed anywhere: LF, printable ASCII, and the printable characters beyond it that
# libyaml accepts, without the line and paragraph separators, the stand-ins yamlsafe uses for
# them, and the byte-order mark (each is handled, or refused, before this).
_OTHER_CHARACTER = "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufdcf\ufdf0-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
_ASCII_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\n"

# A plain key at the start of an entry, then the `:` and the spaces after it. Short: libyaml takes
# a key without `?` only within 1,024 characters of its start.
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]{0,127}):(?: +|$)")
# Characters a plain scalar may not start with (`-` may, before anything but a space).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SPECIAL_FIRST = _INDICATORS - {"-"} | {">", "|", "{", "[", '"', "'"}
_FLOW_PLAIN = re.compile(r"[^,\[\]{}]*")


def read_plain(text: str) -> tuple[Any, int]:
    """The data of a spec written in plain YAML, and the line (1-based) where its mapping starts."""
    if text.isascii():
        if text.encode("ascii").translate(None, _ASCII_PRINTABLE):
            raise _NOT_PLAIN  # a tab, CR or control character
    elif re.search(_OTHER_CHARACTER, text) is not None:  # compiled when first needed (re caches it): ms at import
        raise _NOT_PLAIN
    lines = text.split("\n")
    first = _skip(lines, 0)
    if first == len(lines) or lines[first][0] == " ":
        raise _NOT_PLAIN  # empty, or not a mapping starting at the first column
    data, end = _mapping(lines, first, 0, 1, {})
    if end != len(lines):
        raise _NOT_PLAIN
    return data, first + 1


def _skip(lines: list[str], i: int) -> int:
    """The index of the next line with content, past blank lines and comments."""
    n = len(lines)
    while i < n:
        stripped = lines[i].lstrip(" ")
        if stripped and stripped[0] != "#":
            return i
        i += 1
    return i


def _plain(rest: str) -> Any:
    """A plain scalar in block context: the text up to a comment, resolved as the strict reader does."""
    cut = rest.find(" #")
    text = (rest if cut == -1 else rest[:cut]).rstrip(" ")
    if not text:
        raise _NOT_PLAIN
    first = text[0]
    if first in _INDICATORS and (first != "-" or len(text) == 1 or text[1] == " "):
        raise _NOT_PLAIN
    if ": " in text or text[-1] == ":":
        raise _NOT_PLAIN
    return resolve_plain(text)


def _mapping(lines: list[str], i: int, indent: int, depth: int, mapping: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The block mapping whose keys start at column `indent`, from line i (some keys may be read already).

    Each value is read here when it is a plain scalar on its key's line (most are), else by _value.
    A line indented deeper than `indent` where a key should be is given up on: that is a scalar
    going on over more lines, or an error.
    """
    n = len(lines)
    while i < n:
        line = lines[i]
        first = line[indent:indent + 1]
        if first == " " or line[:indent].strip(" "):
            stripped = line.lstrip(" ")
            if not stripped or stripped[0] == "#":
                i += 1
                continue
            if len(line) - len(stripped) < indent:
                return mapping, i
            raise _NOT_PLAIN
        if first == "#" or not first:
            i += 1  # a comment, or a blank line
            continue
        # `key: value`, split at the first colon (cheaper than a pattern, on every line); a key
        # plainyaml does not take (not a word of ASCII letters, digits, `_` and `-` that could
        # be a name) is given up on.
        key, colon, rest = line[indent:].partition(":")
        if (not colon or len(key) > 128 or not key.isascii() or not key.replace("-", "_").isidentifier()
                or key in mapping):
            raise _NOT_PLAIN
        if rest:
            if rest[0] != " ":
                raise _NOT_PLAIN  # `key:value` is one plain scalar, not a key
            rest = rest.lstrip(" ")
            if rest and rest[0] not in _SPECIAL_FIRST:
                mapping[key] = _plain(rest)
                i += 1
                continue
        mapping[key], i = _value(lines, rest, i + 1, indent, depth, True)
    return mapping, i


def _sequence(lines: list[str], i: int, indent: int, depth: int, indentless: bool) -> tuple[list[Any], int]:
    """The block sequence whose `- ` start at column `indent`."""
    n = len(lines)
    items: list[Any] = []
    while True:
        i = _skip(lines, i)
        if i == n:
            return items, i
        line = lines[i]
        at = len(line) - len(line.lstrip(" "))
        if at != indent:
            if at < indent:
                return items, i
            raise _NOT_PLAIN
        if not line.startswith("- ", at):
            if indentless and _KEY.match(line, at) is not None:
                return items, i  # the next key of the mapping the list is in
            raise _NOT_PLAIN
        start = at + 2
        while line.startswith(" ", start):
            start += 1
        rest = line[start:]
        if not rest or rest[0] in "#-":
            raise _NOT_PLAIN  # an empty entry, a nested list, a comment in its place
        found = _KEY.match(line, start)
        if found is None:
            value, i = _value(lines, rest, i + 1, indent, depth, False)
            items.append(value)
            continue
        # `- key: value`: a mapping whose keys start at the column of this one.
        if depth + 1 >= MAX_DEPTH:
            raise _NOT_PLAIN
        first: dict[str, Any] = {}
        first[found.group(1)], i = _value(lines, line[found.end():], i + 1, start, depth + 1, True)
        mapping, i = _mapping(lines, i, start, depth + 1, first)
        items.append(mapping)


def _value(lines: list[str], rest: str, i: int, indent: int, depth: int, in_mapping: bool) -> tuple[Any, int]:
    """The value that starts with `rest` (the line's text after `key: ` or `- `), and the index of
    the line after it. `indent` is the column of the key or `- ` it belongs to. (Whatever follows
    it is read by the mapping or list it is in, which gives up at a line indented deeper.)"""
    if not rest or rest[0] == "#":  # nothing after the key: a block below it, or nothing at all
        j = _skip(lines, i)
        if j < len(lines):
            line = lines[j]
            at = len(line) - len(line.lstrip(" "))
            dash = line.startswith("- ", at)
            if at > indent or (at == indent and in_mapping and dash):
                if depth + 1 >= MAX_DEPTH:
                    raise _NOT_PLAIN
                if dash:
                    return _sequence(lines, j, at, depth + 1, at == indent)
                return _mapping(lines, j, at, depth + 1, {})
        return None, i
    first = rest[0]
    if first == ">" or first == "|":
        return _block_scalar(lines, rest, i, indent)
    if first == "{" or first == "[":
        if depth + 1 >= MAX_DEPTH:
            raise _NOT_PLAIN
        value, end = _flow(rest, 0, depth)
        _comment_only(rest, end)
        return value, i
    if first == '"' or first == "'":
        value, end = _quoted(rest, 0)
        _comment_only(rest, end)
        return value, i
    return _plain(rest), i


def _comment_only(rest: str, end: int) -> None:
    """After a quoted scalar or flow collection: nothing but spaces and a comment."""
    after = rest[end:]
    if after and (after[0] != " " or after.lstrip(" ")[:1] not in ("", "#")):
        raise _NOT_PLAIN


def _block_scalar(lines: list[str], header: str, i: int, indent: int) -> tuple[str, int]:
    """`>-`, `>`, `|-` or `|` and the lines below it, all at one indentation, with no blank lines."""
    header = header.rstrip(" ")
    if header not in (">-", ">", "|-", "|"):
        raise _NOT_PLAIN
    n = len(lines)
    if i == n:
        raise _NOT_PLAIN
    line = lines[i]
    column = len(line) - len(line.lstrip(" "))
    if column <= indent:
        raise _NOT_PLAIN  # empty
    prefix = " " * column
    start = i
    # The lines at its indentation (a comment is text here). One indented deeper is kept as it is,
    # and trailing spaces are text: both given up on, as is a line between the two indentations.
    while i < n:
        line = lines[i]
        if not line.startswith(prefix):
            if line.strip(" ") and len(line) - len(line.lstrip(" ")) > indent:
                raise _NOT_PLAIN
            break
        if len(line) == column:
            break  # spaces only: a blank line
        if line[column] == " " or line[-1] == " ":
            raise _NOT_PLAIN
        i += 1
    if i == n:
        raise _NOT_PLAIN  # the file ends without a line break after it
    # Blank lines after it are not part of it unless more of it follows.
    j = i
    while j < n and not lines[j].strip(" "):
        if len(lines[j]) > column:
            raise _NOT_PLAIN  # spaces beyond its indentation: YAML reads them as more of it (a space)
        j += 1
    if j < n and len(lines[j]) - len(lines[j].lstrip(" ")) > indent:
        raise _NOT_PLAIN
    value = (" " if header[0] == ">" else "\n").join([line[column:] for line in lines[start:i]])
    return (value if header[1:] == "-" else value + "\n"), i


def _quoted(text: str, at: int) -> tuple[str, int]:
    """A quoted scalar on one line starting at `at`: its text and where it ends."""
    if text[at] == '"':
        end = text.find('"', at + 1)
        if end == -1:
            raise _NOT_PLAIN
        value = text[at + 1:end]
        if "\\" in value:
            raise _NOT_PLAIN  # escapes: left to libyaml
        return value, end + 1
    start = at + 1
    while True:
        end = text.find("'", start)
        if end == -1:
            raise _NOT_PLAIN
        if text.startswith("'", end + 1):
            start = end + 2
            continue
        return text[at + 1:end].replace("''", "'"), end + 1


def _flow(text: str, start: int = 0, depth: int = 0) -> tuple[Any, int]:
    """A flow mapping or sequence on one line, starting at `start`, of scalars and of flow mappings
    and sequences (`milestones: [{period: 2014/15, value: 40}]`): its data and where it ends."""
    is_mapping = text[start] == "{"
    close = "}" if is_mapping else "]"
    result: Any = {} if is_mapping else []
    at = start + 1
    n = len(text)
    while at < n and text[at] == " ":
        at += 1
    if text.startswith(close, at):
        return result, at + 1
    while True:
        if is_mapping:
            found = _KEY.match(text, at)
            if found is None or found.end() == n or text[found.end() - 1] != " ":
                raise _NOT_PLAIN
            key = found.group(1)
            if key in result:
                raise _NOT_PLAIN
            at = found.end()
        if at >= n:
            raise _NOT_PLAIN
        first = text[at]
        if first == '"' or first == "'":
            value, at = _quoted(text, at)
        elif first == "{" or first == "[":
            if depth + 2 >= MAX_DEPTH:
                raise _NOT_PLAIN
            value, at = _flow(text, at, depth + 1)
        else:
            found = _FLOW_PLAIN.match(text, at)
            plain = found.group().rstrip(" ")
            if (not plain or ":" in plain or " #" in plain
                    or (first in _INDICATORS and (first != "-" or len(plain) == 1 or plain[1] == " "))):
                raise _NOT_PLAIN
            value = resolve_plain(plain)
            at += len(plain)
        if is_mapping:
            result[key] = value
        else:
            result.append(value)
        while at < n and text[at] == " ":
            at += 1
        if at == n:
            raise _NOT_PLAIN  # it goes on to the next line
        if text[at] == close:
            return result, at + 1
        if text[at] != ",":
            raise _NOT_PLAIN
        at += 1
        while at < n and text[at] == " ":
            at += 1
        if at == n or text[at] == close or text[at] == ",":
            raise _NOT_PLAIN  # a trailing or doubled comma
