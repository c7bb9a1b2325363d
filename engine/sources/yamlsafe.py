"""Strict YAML loading that keeps every node's line and column.

PyYAML's own loaders are too trusting for hand-edited files: they keep the
last of two duplicate keys without a word, expand aliases (a few hundred
bytes can expand to gigabytes), recurse without limit while composing
(libyaml segfaults on very deep nesting), and read `no`, `on`, `010`, `1:30`
and bare dates as YAML 1.1 booleans, octals, sexagesimals and dates.

So we read the parser's event stream ourselves, refuse anchors, aliases,
tags and extra documents the moment they appear, stop at a depth limit, and
resolve plain scalars by YAML 1.2 core rules minus the surprises: null,
true/false, decimal integers and floats; everything else stays text. NEL,
LINE SEPARATOR and PARAGRAPH SEPARATOR are text too, as in YAML 1.2, so
line numbers are the ones an editor shows.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from typing import Any

from engine.model.problems import LoadError, Problem


class _NotImportedYet(Exception):
    """Never raised: stands for PyYAML's errors until PyYAML is imported."""


class _NoYAML:
    MarkedYAMLError = YAMLError = _NotImportedYet


# PyYAML (about 20 ms to import) is imported when first needed: specs in plain YAML are read
# without it (engine/sources/plainyaml.py), and `targets validate` is a pre-commit hook.
yaml: Any = _NoYAML


def _import_yaml() -> None:
    global yaml, _Loader, _Parser
    if yaml is _NoYAML:
        import yaml as module

        _Loader = getattr(module, "CSafeLoader", module.SafeLoader)
        try:  # libyaml's parser alone, without the constructor and resolver a loader builds around it
            from yaml.cyaml import CParser as parser
        except ImportError:  # pragma: no cover - PyYAML built without libyaml: its own parser
            parser = module.SafeLoader
        _Parser = parser
        yaml = module

MAX_BYTES = 1_000_000  # a spec is a few KB; anything this big is the wrong file
MAX_DEPTH = 32

Path = tuple[str | int, ...]

# An unsigned decimal number as specs write it: ASCII digits only, no underscores (float() alone
# takes both). The readings grammar (engine/sources/readings.py) is built on it.
DECIMAL = r"(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?" + DECIMAL)
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INF = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NEG_INF = {"-.inf", "-.Inf", "-.INF"}
_NAN = {".nan", ".NaN", ".NAN"}


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


class Document:
    """Plain data (dict/list/str/int/float/bool/None) plus where each node came from.

    The marks of a document loaded with `load_yaml(..., marks=False)` are worked out only when
    asked for (by parsing the text again, with marks): most specs have no problem to point at,
    and recording where each of their nodes starts is most of the cost of loading them. Where
    the whole document starts (the mark of `()`, where a warning about the file as a whole
    points) is always known.
    """

    __slots__ = ("file", "data", "_marks", "_key_marks", "_root", "_source")

    def __init__(self, file: str, data: Any, marks: dict[Path, Mark] | None = None,
                 key_marks: dict[Path, Mark] | None = None) -> None:
        self.file = file
        self.data = data
        self._marks = {} if marks is None else marks  # where each value starts
        self._key_marks = {} if key_marks is None else key_marks  # where each mapping key starts
        self._root: Mark | None = None
        self._source: tuple[str, bool] | None = None  # (text as parsed, restore) while the marks are not yet known

    @classmethod
    def _unmarked(cls, file: str, data: Any, root: Mark | None, text: str, restore: bool) -> Document:
        doc = cls(file, data)
        doc._root = root
        doc._source = (text, restore)
        return doc

    def _fill(self) -> None:
        text, restore = self._source  # type: ignore[misc]
        full = _build(text, self.file, restore=restore, marks=True)
        self._marks, self._key_marks, self._source = full._marks, full._key_marks, None

    @property
    def marks(self) -> dict[Path, Mark]:
        if self._source is not None:
            self._fill()
        return self._marks

    @property
    def key_marks(self) -> dict[Path, Mark]:
        if self._source is not None:
            self._fill()
        return self._key_marks

    def without_data(self) -> Document:
        """The same document's marks (worked out when asked, as here) without its data: to keep for a
        message that may be needed later, without keeping the data too."""
        doc = Document(self.file, None, self._marks, self._key_marks)
        doc._root, doc._source = self._root, self._source
        return doc

    def mark(self, path: Path, *, key: bool = False) -> Mark | None:
        """The best-known location for a path: the node itself, else its nearest ancestor."""
        if not path and self._source is not None:
            return self._root  # keys are never at (): the document's own mark, without parsing again
        key_marks, marks = self.key_marks, self.marks
        if key and path in key_marks:
            return key_marks[path]
        while True:
            if path in marks:
                return marks[path]
            if not path:
                return None
            path = path[:-1]

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, data={self.data!r})"


def _error(file: str, line: int | None, column: int | None, rule: str, message: str) -> LoadError:
    return LoadError(Problem(file, line, column, "error", rule, message))


_BREAKS_TEXT = re.compile("\r\n|\r|\n")
_BREAKS_BYTES = re.compile(b"\r\n|\r|\n")


def _position(content: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset, lines ending at CRLF, LF or CR as editors count them."""
    breaks = _BREAKS_TEXT if isinstance(content, str) else _BREAKS_BYTES
    line, line_start = 1, 0
    for found in breaks.finditer(content, 0, offset):
        line, line_start = line + 1, found.end()
    return line, offset - line_start + 1


def position(content: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset (for readers of other text files)."""
    return _position(content, offset)


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, told by the byte-order mark or, without one, by where the zero bytes fall."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    # Text in UTF-16 without a BOM (some exports) has a zero in nearly every other byte (all of
    # Latin-1 and most punctuation) and reads as printable text; binary data (an Excel .xls
    # renamed .csv) does neither.
    sample = raw[: 512 if len(raw) > 512 else len(raw) // 2 * 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    for zeros, codec in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        if zeros.count(0) < 0.75 * len(zeros):
            continue
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if sum(c.isprintable() or c in "\t\r\n" for c in text) >= 0.95 * len(text):
            return "UTF-16"
    return None


def decode(raw: bytes, file: str, *, what: str = "file") -> str:
    """Bytes to text: UTF-8 (BOM allowed), else an error naming the line of the bad byte."""
    wide = _wide_encoding(raw)
    if wide:
        raise _error(file, 1, 1, "encoding", f"this {what} is saved as {wide}: save it as UTF-8 instead")
    nul = raw.find(b"\x00")
    if nul != -1:
        line, _ = _position(raw, nul)
        raise _error(file, line, None, "encoding", f"this {what} holds binary data (a NUL byte), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise _error(
            file, line, column, "encoding",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8: save the {what} as UTF-8 "
            "(in Excel: Save As, 'CSV UTF-8'; in an editor: encoding UTF-8)",
        ) from None
    return text.lstrip("\ufeff")  # a file saved twice with a BOM has two


# The first characters of every plain scalar that is not text: null, ~, true, false, numbers, .inf, .nan.
_NOT_TEXT_FIRST = frozenset("~nNtTfF+-.0123456789")


def resolve_plain(text: str) -> Any:
    if text and text[0] not in _NOT_TEXT_FIRST:
        return text  # most values are words: `Police`, `percent`, `lower_is_better`
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        try:
            number = int(text)
        except ValueError:  # over Python's 4,300-digit limit: as a float it is infinite, and refused as such
            return float(text)
        # An integer no float can hold is infinite too: every consumer works in floats, and
        # float() of such an int raises OverflowError where float() of its text gives inf.
        return number if abs(number) <= sys.float_info.max else float(text)
    if _FLOAT.fullmatch(text):
        return float(text)  # may be inf for 1e999: the checks refuse it with a message
    if text in _INF:
        return math.inf
    if text in _NEG_INF:
        return -math.inf
    if text in _NAN:
        return math.nan
    return text


def plain_number(text: str) -> int | float | None:
    """The number this text would load as if written unquoted (`48.3`, `.nan`), else None."""
    value = resolve_plain(text.strip())
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _mark(event: yaml.Event) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def load_yaml(raw: bytes | str, file: str, *, max_bytes: int = MAX_BYTES, marks: bool = True) -> Document:
    """Parse one YAML document strictly. Raises LoadError, and only LoadError, on bad input.

    With marks=False the document's marks are worked out when first asked for (see Document):
    the same data, the same errors, less work for a document that has nothing to point at.
    """
    if isinstance(raw, bytes):
        if len(raw) > max_bytes:
            raise _error(file, None, None, "file-size",
                         f"the file is {len(raw):,} bytes; a spec is a few thousand at most: is it the right file?")
        text = decode(raw, file)
    else:
        if len(raw) > max_bytes:
            raise _error(file, None, None, "file-size",
                         f"the file is {len(raw):,} characters; a spec is a few thousand at most: is it the right file?")
        text = raw.lstrip("\ufeff")
    refuse_stray_characters(text, file)
    hidden = not text.isascii() and any(character in text for character in _BREAK_LIKE)
    try:
        return _build(text.translate(_HIDE) if hidden else text, file, restore=hidden, marks=marks)
    except LoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = (exc.problem or "not valid YAML").strip()
        if "'\\t'" in problem or (mark is not None and text[mark.index:mark.index + 1] == "\t"):
            raise _error(file, line, column, "yaml-syntax",
                         "YAML syntax: a tab character here; YAML indents with spaces only: replace it with spaces") from None
        if line is not None and column is not None:
            from engine.sources.yamlwords import plain_words

            context = exc.context_mark
            said = plain_words(text, problem, exc.context, line, column,
                               context.line + 1 if context else None, context.column + 1 if context else None)
            if said is not None:
                raise _error(file, *said[:2], "yaml-syntax", said[2]) from None
        raise _error(file, line, column, "yaml-syntax", f"YAML syntax: {problem} (check indentation, colons and quotes)") from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = _position(text, position)[0] if isinstance(position, int) else None
        character = getattr(exc, "character", None)
        if isinstance(character, str):
            character = ord(character[:1] or "\0")
        what = f"the control character U+{character:04X}" if isinstance(character, int) else "a character"
        raise _error(file, line, None, "yaml-syntax", f"{what} is not allowed in a YAML file: remove it") from None
    except RecursionError:
        raise _error(file, None, None, "nesting", "the file is nested too deeply to read") from None
    except UnicodeEncodeError as exc:  # text (not bytes) holding a lone surrogate, which is not a character
        line, column = _position(text, exc.start)
        raise _error(file, line, column, "encoding", "the text holds an invalid character (a lone surrogate): save it as UTF-8") from None


# YAML 1.2 has two line breaks, LF and CR. PyYAML (YAML 1.1) also ends lines at NEL, LINE
# SEPARATOR and PARAGRAPH SEPARATOR, which editors do not show as new lines: they come with text
# pasted from word processors and web pages, and JSON writers leave them raw in strings. Read as
# line breaks they give baffling errors and line numbers that differ from the editor's. So they are
# read as YAML 1.2 reads them, as ordinary characters: while PyYAML parses they stand in as
# noncharacters (code points Unicode keeps for a program's internal use), restored in the values.
_BREAK_LIKE = "\x85\u2028\u2029"
_STAND_INS = "\ufdd0\ufdd1\ufdd2"
_HIDE = str.maketrans(_BREAK_LIKE, _STAND_INS)
_SHOW = str.maketrans(_STAND_INS, _BREAK_LIKE)
_STRAY = re.compile("[\ufeff" + _STAND_INS + "]")


def refuse_stray_characters(text: str, file: str) -> None:
    """A byte-order mark after the start (two files joined), or one of the stand-ins above."""
    if text.isascii():  # (a flag on the string: no search) none of them is ASCII
        return
    found = _STRAY.search(text)
    if found is None:
        return
    line, column = _position(text, found.start())
    if found.group() == "\ufeff":
        message = "an invisible byte-order mark (U+FEFF) is here, left over from joining files or pasting: delete it"
    else:
        message = f"U+{ord(found.group()):04X} is a noncharacter, not text: delete it"
    raise _error(file, line, column, "invisible-character", message)


_Loader: Any = None  # set by _import_yaml
_Parser: Any = None


def _build(text: str, file: str, *, restore: bool = False, marks: bool = True) -> Document:
    if not marks:
        # Plain YAML read in Python, else libyaml's events without marks, else (for anything
        # unusual, allowed or not) the strict reading, which says what is wrong and where.
        if not restore:
            try:
                data, line = plainyaml.read_plain(text)
            except Exception:  # noqa: BLE001 - NotPlain, or anything unforeseen: the next reader decides
                pass
            else:
                return Document._unmarked(file, data, Mark(line, 1), text, restore)
        try:
            data, root = _plain_data(text, restore)
        except Exception:  # noqa: BLE001 - anything at all: the strict reading says what (and where)
            pass
        else:
            return Document._unmarked(file, data, root, text, restore)
    return _build_strict(text, file, restore=restore)


class _Unusual(Exception):
    """Not plain data: the strict reading takes over, and refuses it (or reads it) with marks."""


_UNUSUAL = _Unusual()


def _plain_data(text: str, restore: bool) -> tuple[Any, Mark | None]:
    """The data and the root's mark of a document of plain data, recording no other marks.

    The fast path of reading a spec. It gives up (raises) at the first sign of anything else: an
    anchor, alias, tag, merge key (or any `<<` key), duplicate key, complex key, second document,
    nesting past MAX_DEPTH, or an error from the parser; `_build_strict` then reads the text again
    and gives the LoadError, with its line and column, or the data. So what this accepts is a
    subset of what `_build_strict` accepts, read to the same data (tests/test_yamlsafe.py holds
    the two equal on mutated specs).
    """
    _import_yaml()
    parser = _Parser(text)
    next_event = parser.get_event
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end, stream_end = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.StreamEndEvent
    document_start, no_key, unusual = yaml.DocumentStartEvent, _NO_KEY, _UNUSUAL
    data: Any = None
    root: Mark | None = None
    container: Any = None  # the mapping or list being filled; None at the top
    is_mapping = False
    key: Any = no_key  # the mapping's key waiting for its value
    outer: list[tuple[Any, bool]] = []  # the containers around it
    documents = 0
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None or event.tag is not None:
                    raise unusual
                value = event.value
                if restore:
                    value = value.translate(_SHOW)
                if is_mapping:
                    if key is no_key:  # a key: kept as written
                        if value in container or value == "<<":
                            raise unusual
                        key = value
                        continue
                    if not event.style and event.implicit[0]:
                        value = resolve_plain(value)
                    container[key] = value
                    key = no_key
                else:
                    if not event.style and event.implicit[0]:
                        value = resolve_plain(value)
                    if container is None:
                        data, root = value, _mark(event)
                    else:
                        container.append(value)
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None or len(outer) >= MAX_DEPTH:
                    raise unusual
                node: Any = {} if kind is mapping_start else []
                if is_mapping:
                    if key is no_key:
                        raise unusual
                    container[key] = node
                    key = no_key
                elif container is None:
                    data, root = node, _mark(event)
                else:
                    container.append(node)
                outer.append((container, is_mapping))
                container, is_mapping = node, kind is mapping_start
            elif kind is mapping_end or kind is sequence_end:
                container, is_mapping = outer.pop()
            elif kind is stream_end:
                return data, root
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    raise unusual
            elif kind is not yaml.StreamStartEvent and kind is not yaml.DocumentEndEvent:
                raise unusual  # an alias
    finally:
        parser.dispose()


def _build_strict(text: str, file: str, *, restore: bool = False) -> Document:
    """The document and the mark of every node, or the LoadError that says what is not allowed and where."""
    _import_yaml()
    doc = Document(file, None)
    # A stack of containers being filled: (container, path, pending key, key mark).
    stack: list[list[Any]] = []
    documents = 0
    root_set = False

    def place(value: Any, mark: Mark) -> Path:
        if not stack:
            nonlocal root_set
            doc.data = value
            root_set = True
            doc.marks[()] = mark
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            doc.marks[child] = mark
            return child
        if frame[2] is _NO_KEY:
            key = _key_text(value, mark)
            if key in container:
                first = doc.key_marks[path + (key,)]
                raise _error(file, mark.line, mark.column, "duplicate-key",
                             f"`{key}` is given twice (first on line {first.line}): keep one and delete the other")
            frame[2], frame[3] = key, mark
            doc.key_marks[path + (key,)] = mark
            return path + (key,)
        key = frame[2]
        container[key] = value
        doc.marks[path + (key,)] = mark
        frame[2] = _NO_KEY
        return path + (key,)

    def _key_text(value: Any, mark: Mark) -> str:
        if isinstance(value, (dict, list)):
            raise _error(file, mark.line, mark.column, "complex-key",
                         "a key must be a plain name, not a list or mapping")
        return str(value)

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                m = _mark(event)
                raise _error(file, m.line, m.column, "multiple-documents",
                             "a spec file holds one document: remove the `---` and what follows, or split it into its own file")
            continue
        if isinstance(event, yaml.AliasEvent):
            m = _mark(event)
            raise _error(file, m.line, m.column, "alias",
                         f"aliases (`*{event.anchor}`) are not allowed: write the value out in full")
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            m = _mark(event)
            if event.anchor is not None:
                raise _error(file, m.line, m.column, "anchor",
                             f"anchors (`&{event.anchor}`) are not allowed: write each value out in full")
            if event.tag is not None:
                raise _error(file, m.line, m.column, "tag",
                             f"tags such as `{event.tag}` are not allowed: remove it and write a plain value")
        if isinstance(event, yaml.ScalarEvent):
            m = _mark(event)
            plain = not event.style and event.implicit[0]  # libyaml says '' for plain, PyYAML None
            written = event.value.translate(_SHOW) if restore else event.value
            value = resolve_plain(written) if plain else written
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY:
                # A mapping key: keep its text as written (`no:` stays "no", `2015:` stays "2015").
                value = written
            if plain and event.value == "<<" and stack and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY:
                raise _error(file, m.line, m.column, "merge-key", "merge keys (`<<`) are not allowed: write the keys out in full")
            place(value, m)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            m = _mark(event)
            if len(stack) >= MAX_DEPTH:
                raise _error(file, m.line, m.column, "nesting",
                             f"nested more than {MAX_DEPTH} levels deep: a spec needs only a few")
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = place(container, m)
            stack.append([container, path, _NO_KEY, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
    if not root_set:
        doc.data = None
    return doc


class _NoKey:
    def __repr__(self) -> str:
        return "<no key>"


_NO_KEY = _NoKey()


# At the end: it uses resolve_plain and MAX_DEPTH from here.
from engine.sources import plainyaml  # noqa: E402
