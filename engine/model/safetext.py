"""User text made safe for the place it is shown (pure).

Text from specs and readings files (titles, ids, notes, file names, cells quoted in messages)
is hostile until escaped for where it goes. One function per destination:

- `visible`: every human format and every message. C0 and C1 control characters (CR, LF, TAB
  and ESC among them), DEL, the Unicode line and paragraph separators, the bidirectional
  controls (which can make text read differently from how it runs) and lone surrogates (a
  file name that is not UTF-8) are shown as escapes (`\\n`, `\\x1b`, `\\u2028`), never passed
  through. So no message can start a new line in a GitHub Actions log (a workflow command),
  move a terminal's cursor, set its title, or break the page it is written to.
- `markdown_cell`: one cell of a Markdown table or list item: line breaks folded to spaces, then
  `visible`, then Markdown's own punctuation escaped so that text stays text.
- `markdown_code`: the same inside a code span, where backslash escapes are not read.
- `csv_cell`: a text cell a spreadsheet may open: `visible`, then a leading `'` where the text
  would otherwise start a formula (OWASP, "CSV Injection").
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls; U+2028/U+2029 (line and paragraph separators); the bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and marks (U+200E, U+200F,
# U+061C); lone surrogates (U+D800-U+DFFF), which is how Python carries undecodable file names.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """The text with every control character shown as an escape: one line, inert anywhere."""
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    """Whether `visible` would change the text."""
    return _UNSAFE.search(text) is not None


_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that can
# start markup inside a table cell (emphasis, code, links, images, autolinks, HTML, headings,
# strikethrough, the cell separator) or escape the next character.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]()!#|])")


def markdown_cell(text: str) -> str:
    """Text for a Markdown table cell or list item: one line, no markup, no raw HTML.

    `<` and `>` become entities (GitHub drops a backslash-escaped `<` in some places; an entity
    always shows as the character), `&` too so that an entity in the text is shown, not read.
    """
    one_line = _LINE_BREAKS.sub(" ", text)
    shown = visible(one_line).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", shown)


def markdown_code(text: str) -> str:
    """Text for inside a Markdown code span (`...`), where backslash escapes do not work: one line,
    backticks shown as `'`, and `|` escaped (GitHub reads a table's cells before code spans)."""
    one_line = _LINE_BREAKS.sub(" ", text)
    return visible(one_line).replace("`", "'").replace("|", "\\|")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A text cell that a spreadsheet shows as text, never runs: a leading `'` where the cell
    would start with `=`, `+`, `-`, `@`, a TAB or a CR (OWASP's advice on CSV injection)."""
    if text.startswith(_FORMULA_START):
        return "'" + visible(text)
    return visible(text)
