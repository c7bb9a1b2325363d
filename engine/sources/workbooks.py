"""Workbooks as readings (.xlsx, .xlsm, .xls, .ods), read with python-calamine.

A sheet is read as a CSV file is, row by row through the same reader, so every row (and, in a
wide layout, every cell) ends as a reading, suppressed, superseded or rejected, named
`book.xlsx[Sheet1]:12` (a cell of a wide layout `book.xlsx[KPIs]:7:E`).

- The sheet: the first visible worksheet, or the one named (`book.xlsx:Sheet name`, `--sheet`).
- The header row is the first of the top HEADER_ROWS rows that is one: rows above it (a title,
  notes, as ONS and GSS tables have) are not rows. Three layouts:
  long, a row naming target, period and value (as CSV);
  wide by period, a row of periods as column headers (`Apr-24`, `May-24`, or dates) and a
  column of target ids (headed `target` or `id`, else the column holding known ids): one row per
  target, melted into one reading per cell;
  wide by target, a row with a `period` column and known target ids as column headers: one row
  per period.
- Cells: numbers are numbers, text is read as in CSV (`1,234`, `45%`, `45 [p]`, `[x]`); a date is
  a day, but a month where its number format shows no day (`mmm-yy`, in .xlsx) and a header date
  on the 1st of a month is a month (as Excel stores `Apr-24`). A cell formatted as a percentage
  (0.45 shown as 45%) is read as the percentage shown (.xlsx: calamine gives values, not number
  formats, so the formats are read from the workbook's styles.xml and the sheet's cell style ids).
  A blank cell in a wide layout is no reading and no row (a month not yet reported). A merged
  cell's value fills the target, period, unit, note and source cells it covers; a value cell
  covered by a merge is rejected (one value for several periods cannot be told apart).

python-calamine (Rust) never runs macros; it is imported only when a workbook is read.
"""

from __future__ import annotations

import calendar
import difflib
import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.model.periods import AmbiguousPeriod, PeriodError, parse_period
from engine.model.problems import LoadError, Problem
from engine.model.safetext import visible
from engine.sources.readings import LARGEST

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
HEADER_ROWS = 100  # the header row is looked for among the sheet's first rows
# Column headers that name the target in a wide layout, and the columns that apply to a whole row.
TARGET_HEADERS = ("target", "id", "target id", "target_id")
ROW_COLUMNS = ("unit", "note", "source", "area")
_SHEET_PATH = re.compile(r"(.+?\.(?:xlsx|xlsm|xls|ods)):(.+)", re.IGNORECASE | re.DOTALL)
MAX_XML_BYTES = 512_000_000  # a sheet's XML read for its cell styles: no larger than calamine itself would read


def split_sheet(text: str) -> tuple[str, str | None]:
    """`book.xlsx:Sheet name` -> ("book.xlsx", "Sheet name"); anything else as it is. (A sheet name
    cannot hold a colon in Excel, so the first colon after a workbook's ending splits it.)"""
    found = _SHEET_PATH.fullmatch(text)
    return (found[1], found[2]) if found else (text, None)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _error(file: str, message: str, line: int | None = None) -> LoadError:
    return LoadError(Problem(file, line, None, "error", "readings-file", message))


def read_workbook(raw: bytes, name: str, suffix: str, sheet: str | None, reader: Any) -> None:
    """Read one sheet of a workbook into the reader (engine.sources.readings._Reader)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = [(m.name, str(m.visible).endswith("Visible"), str(m.typ).endswith("WorkSheet"))
                  for m in book.sheets_metadata]
    except python_calamine.PasswordError:
        raise _error(name, "the workbook is protected by a password: save a copy without one") from None
    except Exception as exc:  # calamine's errors, and whatever a broken file makes it raise: never a traceback
        raise _error(name, f"cannot read the file as a {suffix} workbook ({visible(str(exc))[:200]}): is it one? "
                           "open it in the spreadsheet program and save it again") from None
    chosen = _choose_sheet(sheets, sheet, name)
    file = f"{name}[{chosen}]"
    reader.start_file(file)
    try:
        grid = book.get_sheet_by_name(chosen)
        rows = grid.to_python(skip_empty_area=False)
        merged = grid.merged_cell_ranges or []
    except Exception as exc:
        raise _error(file, f"cannot read the sheet ({visible(str(exc))[:200]}): save the workbook again") from None
    styles = _xlsx_styles(raw, chosen, file) if suffix in (".xlsx", ".xlsm") else _Styles()
    _Sheet(rows, merged, styles, file, reader).read()


def _choose_sheet(sheets: list[tuple[str, bool, bool]], wanted: str | None, name: str) -> str:
    names = [n for n, _, is_sheet in sheets if is_sheet]
    if wanted is None:
        visible_sheets = [n for n, shown, is_sheet in sheets if shown and is_sheet]
        if not (visible_sheets or names):
            raise _error(name, "the workbook has no worksheet")
        return (visible_sheets or names)[0]
    if wanted in names:
        return wanted
    same = [n for n in names if n.strip().lower() == wanted.strip().lower()]
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f"did you mean `{visible(close[0])}`? " if close else ""
    shown = ", ".join(f"`{visible(n)}`" for n in names[:20])
    raise _error(name, f"the workbook has no sheet `{visible(wanted)}`: {hint}its sheets are {shown}")


class _Styles:
    """Cells (0-based row, column) whose number format is a percentage, or a date without a day."""

    def __init__(self, percent: frozenset[tuple[int, int]] = frozenset(),
                 month: frozenset[tuple[int, int]] = frozenset()):
        self.percent, self.month = percent, month


# --- styles of an .xlsx ----------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Excel's built-in number formats (ECMA-376 part 1, 18.8.30): 9 `0%` and 10 `0.00%`; 17 `mmm-yy`.
_BUILTIN_PERCENT = frozenset({9, 10})
_BUILTIN_MONTH = frozenset({17})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escaped characters, [colour] and [$-locale]
_CELL = re.compile(rb'<c\b[^>]*>')
_STYLE = re.compile(rb'\ss="(\d+)"')
_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')


def is_percent_format(code: str) -> bool:
    """A number format that shows a value as a percentage (`0.0%`), not counting a quoted `%`."""
    return "%" in _QUOTED.sub("", code)


def is_month_format(code: str) -> bool:
    """A date format that shows a month and a year but no day or time (`mmm-yy`, `mmmm yyyy`)."""
    bare = _QUOTED.sub("", code).lower()
    return "y" in bare and "m" in bare and not any(part in bare for part in "dhs")


def _xlsx_styles(raw: bytes, sheet: str, file: str) -> _Styles:
    """The sheet's percent and month cells, from styles.xml and the sheet's cell style ids. Read with
    a regular expression over the sheet's XML (only its `<c ...>` tags), not a full parse: calamine has
    read the values already, and this must not cost as much again."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            def member(path: str) -> bytes:
                info = archive.getinfo(path)
                if info.file_size > MAX_XML_BYTES:
                    raise _error(file, f"the sheet's XML is larger than {MAX_XML_BYTES // 1_000_000} MB: split the workbook")
                return archive.read(info)

            names = set(archive.namelist())
            if "xl/styles.xml" not in names:
                return _Styles()
            styles = ElementTree.fromstring(member("xl/styles.xml"))
            custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
                      for f in styles.iter(f"{_MAIN}numFmt")}
            xfs = styles.find(f"{_MAIN}cellXfs")
            percent_ids, month_ids = set(), set()
            for i, xf in enumerate(xfs if xfs is not None else ()):
                number = int(xf.get("numFmtId", "0"))
                code = custom.get(number)
                if number in _BUILTIN_PERCENT or (code is not None and is_percent_format(code)):
                    percent_ids.add(i)
                elif number in _BUILTIN_MONTH or (code is not None and is_month_format(code)):
                    month_ids.add(i)
            if not percent_ids and not month_ids:
                return _Styles()
            path = _sheet_path(ElementTree.fromstring(member("xl/workbook.xml")),
                               ElementTree.fromstring(member("xl/_rels/workbook.xml.rels")), sheet)
            if path is None or path not in names:
                return _Styles()
            xml = member(path)
    except LoadError:
        raise
    except Exception:  # styles that cannot be read: values as calamine gives them (as for .xls and .ods)
        return _Styles()
    percent, month = set(), set()
    for tag in _CELL.finditer(xml):
        style = _STYLE.search(tag.group())
        if style is None:
            continue
        number = int(style[1])
        if number in percent_ids or number in month_ids:
            ref = _REF.search(tag.group())
            if ref is None:
                continue
            cell = (int(ref[2]) - 1, _column_index(ref[1].decode()))
            (percent if number in percent_ids else month).add(cell)
    return _Styles(frozenset(percent), frozenset(month))


def _sheet_path(workbook: Any, rels: Any, sheet: str) -> str | None:
    rel_id = next((s.get(f"{_DOC_RELS}id") for s in workbook.iter(f"{_MAIN}sheet") if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels.iter(f"{_RELS}Relationship") if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


# --- cells ------------------------------------------------------------------------------------

def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Any) -> str:
    """A cell as text, as a person would type it: 12 not 12.0, a date as 2015-03-31."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell)


def _month_label(day: date) -> str:
    return f"{calendar.month_abbr[day.month]} {day.year}"  # never ambiguous, unlike 2005-06


def _period_cell(cell: Any, as_month: bool) -> str:
    """A period cell's text: a date is a day, or its month where the format shows no day."""
    if isinstance(cell, (date, datetime)):
        day = cell.date() if isinstance(cell, datetime) else cell
        return _month_label(day) if as_month else day.isoformat()
    return cell_text(cell).strip()


def _value_cell(cell: Any, as_percent: bool) -> Any:
    """A value cell for the reader: a number as a float, a percentage as the text shown (45%),
    anything else as text (read by the number grammar, which says what is wrong)."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)):
        if as_percent:
            return f"{cell * 100:.15g}%"  # as shown: 0.451 -> 45.1%, never 45.099999999999994
        return float(cell)
    return cell_text(cell)


def _header_period(cell: Any) -> str | None:
    """A header cell's period label, or None when it is no period. A date on the 1st of a month is
    that month (as Excel stores `Apr-24`); a whole number 1900-2999 a calendar year."""
    if isinstance(cell, (date, datetime)):
        day = cell.date() if isinstance(cell, datetime) else cell
        return _month_label(day) if day.day == 1 else day.isoformat()
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return str(int(cell)) if float(cell).is_integer() and 1900 <= cell <= 2999 else None
    text = cell_text(cell).strip()
    if not text or not any(c.isdigit() for c in text):
        return None
    try:
        parse_period(text)
    except AmbiguousPeriod:
        return text  # `2010-11`: a period, settled by the others (engine.sources.readings)
    except PeriodError:
        return None
    return text


class _Sheet:
    def __init__(self, rows: list[list[Any]], merged: list[Any], styles: _Styles, file: str, reader: Any):
        self.rows, self.styles, self.file, self.reader = rows, styles, file, reader
        # Cells covered by a merge (not its top-left): where the merge starts.
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in merged:
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self.covered[(r, c)] = (r0, c0)

    def cell(self, r: int, c: int, fill: bool = False) -> Any:
        """The cell's value; a merged cell's (its top-left's) where `fill`."""
        if fill and (r, c) in self.covered:
            r, c = self.covered[(r, c)]
        row = self.rows[r]
        return row[c] if c < len(row) else ""

    def read(self) -> None:
        from engine.sources.fingertips import header_columns, read_rows
        from engine.sources.readings import _header_index

        units = self.reader.units
        for r in range(min(HEADER_ROWS, len(self.rows))):
            cells = self.rows[r]
            names = [cell_text(c).strip().lower() for c in cells]
            fingertips = header_columns(names)
            if fingertips is not None:
                rows = [(r2 + 1, [cell_text(self.cell(r2, c, fill=True)) for c in range(len(self.rows[r2]))], None)
                        for r2 in range(r + 1, len(self.rows)) if not all(_blank(c) for c in self.rows[r2])]
                return read_rows(rows, names, fingertips, self.file, self.reader)
            if {"target", "period", "value"} <= set(names):
                index = _header_index(names, self.file, r + 1)  # LoadError on a header named twice
                return self._long(r, names, index)
            if "period" in names and any(n.strip() in units for n in map(cell_text, cells)):
                return self._wide_by_target(r, names)
            periods = {c: label for c, cell in enumerate(cells) if (label := _header_period(cell)) is not None}
            named = next((c for c, n in enumerate(names) if n in TARGET_HEADERS), None)
            if len(periods) >= 2 or (periods and named is not None):
                return self._wide_by_period(r, names, periods, named)
        raise _error(self.file, f"no header row in the first {HEADER_ROWS} rows: a readings sheet needs a row naming "
                                "the columns target, period and value; or a row of periods as column headers beside "
                                "a column of target ids (`target`); or a `period` column beside columns headed by "
                                "target ids")

    # --- the three layouts -------------------------------------------------------------------

    def _long(self, header: int, names: list[str], index: Mapping[str, int]) -> None:
        from engine.sources.readings import _implied

        implied = _implied(names)
        value_at = index["value"]
        if set(index) == {"target", "period", "value"} and not self.covered and not self.styles.percent \
                and not self.styles.month:
            return self._plain_long(header, index)
        for r in range(header + 1, len(self.rows)):
            if all(_blank(c) for c in self.rows[r]):
                continue  # blank rows are not rows
            record: dict[str, Any] = {}
            for name, c in index.items():
                if name == "value":
                    continue
                cell = self.cell(r, c, fill=True)
                record[name] = _period_cell(cell, (r, c) in self.styles.month) if name == "period" else cell_text(cell)
            record.update(implied)
            if (r, value_at) in self.covered:
                self._merged_value(r, value_at)
                continue
            record["value"] = _value_cell(self.cell(r, value_at), (r, value_at) in self.styles.percent)
            self.reader.add(record, self.file, r + 1)

    def _plain_long(self, header: int, index: Mapping[str, int]) -> None:
        """A sheet of just target, period and value: a row whose target is known, whose period is
        a label read before and whose value is a number goes straight to the builder's columns
        (as the plain CSV and JSON paths do); any other row the general way, in sheet order."""
        reader = self.reader
        builder, units, file_code = reader.batch, reader.units, reader.file
        codes, labels, plain = builder.ids, builder.periods, reader.periods
        t_at, p_at, v_at = index["target"], index["period"], index["value"]
        width = max(t_at, p_at, v_at) + 1
        for r in range(header + 1, len(self.rows)):
            row = self.rows[r]
            if len(row) >= width:
                target, period, value = row[t_at], row[p_at], row[v_at]
                if (type(target) is str and type(period) is str and type(value) is float
                        and -LARGEST <= value <= LARGEST and period in plain):
                    code = codes.get(target)
                    if code is None and target in units:
                        code = builder.target_code(target)
                    label = labels.get(period)
                    if code is not None and label is not None:
                        builder.rows += 1
                        builder.target.append(code)
                        builder.period.append(label)
                        builder.value.append(value)
                        builder.file.append(file_code)
                        builder.line.append(r + 1)
                        continue
            if all(_blank(c) for c in row):
                continue
            record = {"target": cell_text(self.cell(r, t_at)), "period": _period_cell(self.cell(r, p_at), False),
                      "value": _value_cell(self.cell(r, v_at), False)}
            reader.add(record, self.file, r + 1)

    def _wide_by_period(self, header: int, names: list[str], periods: dict[int, str], named: int | None) -> None:
        first, last = min(periods), max(periods)
        target_at = named if named is not None else self._id_column(header, first)
        if target_at is None:
            raise _error(self.file, f"row {header + 1} has periods as column headers (a wide layout) but no column of "
                                    "target ids: head the column of ids `target`", header + 1)
        shared = {name: names.index(name) for name in ROW_COLUMNS if name in names}
        for r in range(header + 1, len(self.rows)):
            row = self.rows[r]
            if all(_blank(c) for c in row):
                continue
            target = cell_text(self.cell(r, target_at, fill=True)).strip()
            common = {name: cell_text(self.cell(r, c, fill=True)) for name, c in shared.items()}
            for c in range(first, last + 1):
                if c == target_at or c in shared.values() or _blank(self.cell(r, c)) and (r, c) not in self.covered:
                    continue
                letter = column_letter(c)
                if (r, c) in self.covered:
                    self._merged_value(r, c, letter)
                    continue
                label = periods.get(c)
                if label is None:  # a header inside the block of periods that is not one
                    self._bad_header(header, r, c, letter)
                    continue
                record = {"target": target, "period": label, **common,
                          "value": _value_cell(self.cell(r, c), (r, c) in self.styles.percent)}
                self.reader.add(record, self.file, r + 1, column=letter)

    def _wide_by_target(self, header: int, names: list[str]) -> None:
        units = self.reader.units
        period_at = names.index("period")
        shared = {name: names.index(name) for name in ROW_COLUMNS if name in names}
        ids = {}
        for c, cell in enumerate(self.rows[header]):
            text = cell_text(cell).strip()
            if c == period_at or c in shared.values() or not text:
                continue
            if text in units or difflib.get_close_matches(text, list(units), n=1, cutoff=0.8):
                ids[c] = text  # a known id, or one close to it (mistyped: its cells are rejected, saying so)
        for r in range(header + 1, len(self.rows)):
            if all(_blank(c) for c in self.rows[r]):
                continue
            period = _period_cell(self.cell(r, period_at, fill=True), (r, period_at) in self.styles.month)
            common = {name: cell_text(self.cell(r, c, fill=True)) for name, c in shared.items()}
            for c, target in ids.items():
                if _blank(self.cell(r, c)) and (r, c) not in self.covered:
                    continue
                letter = column_letter(c)
                if (r, c) in self.covered:
                    self._merged_value(r, c, letter)
                    continue
                record = {"target": target, "period": period, **common,
                          "value": _value_cell(self.cell(r, c), (r, c) in self.styles.percent)}
                self.reader.add(record, self.file, r + 1, column=letter)

    # --- helpers -----------------------------------------------------------------------------

    def _id_column(self, header: int, before: int) -> int | None:
        """The column left of the periods holding the most known target ids."""
        units = self.reader.units
        best, count = None, 0
        sample = self.rows[header + 1:header + 201]
        for c in range(before):
            found = sum(1 for row in sample if c < len(row) and cell_text(row[c]).strip() in units)
            if found > count:
                best, count = c, found
        return best

    def _rejected(self, r: int, letter: str | None, reason: str) -> None:
        from engine.model.readings import Rejected

        batch = self.reader.batch
        batch.rows += 1
        batch.rejected.append(Rejected(self.file, r + 1, reason, None, letter))

    def _merged_value(self, r: int, c: int, letter: str | None = None) -> None:
        r0, c0 = self.covered[(r, c)]
        self._rejected(r, letter, f"this value cell is merged with {column_letter(c0)}{r0 + 1}: one value given for "
                                  "several rows or periods cannot be read as any one of them; unmerge the cells and "
                                  "give each its own value")

    def _bad_header(self, header: int, r: int, c: int, letter: str) -> None:
        text = cell_text(self.cell(header, c)).strip()
        try:
            parse_period(text)
            why = "is not a period"
        except PeriodError as exc:
            why = f"is not a period ({exc})"
        self._rejected(r, letter, f"the column header `{visible(text)}` ({letter}{header + 1}) {visible(why)}: write "
                                  "the period in the header, or move the column out of the block of periods")
