"""Workbooks built in code for the tests: .xlsx with openpyxl (number formats, merged cells, hidden
sheets), .xls with xlwt, and .ods written by hand (a zip of XML, as the OpenDocument standard lays it out)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

Sheet = list[list[Any]]


def xlsx(path: Path, sheets: dict[str, Sheet], *, formats: dict[tuple[str, str], str] | None = None,
         merged: dict[str, list[str]] | None = None, hidden: tuple[str, ...] = ()) -> Path:
    """sheets: name -> rows (None: an empty cell); formats: (sheet, cell such as "C5") -> number format."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value is not None:
                    sheet.cell(r, c, value)
        if name in hidden:
            sheet.sheet_state = "hidden"
    for (name, ref), code in (formats or {}).items():
        book[name][ref].number_format = code
    for name, ranges in (merged or {}).items():
        for ref in ranges:
            book[name].merge_cells(ref)
    book.save(path)
    return path


def xls(path: Path, sheets: dict[str, Sheet], merged: dict[str, list[tuple[int, int, int, int, Any]]] | None = None) -> Path:
    import xlwt

    book = xlwt.Workbook()
    day = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (date, datetime)):
                    sheet.write(r, c, value, day)
                elif value is not None:
                    sheet.write(r, c, value)
        for r0, r1, c0, c1, value in (merged or {}).get(name, []):
            sheet.write_merge(r0, r1, c0, c1, value)
    book.save(str(path))
    return path


def ods(path: Path, sheets: dict[str, Sheet]) -> Path:
    """A minimal OpenDocument spreadsheet: numbers, text and dates typed as ODF types them."""
    tables = []
    for name, rows in sheets.items():
        body = []
        for row in rows:
            cells = []
            for value in row:
                if value is None or value == "":
                    cells.append("<table:table-cell/>")
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>')
                elif isinstance(value, date):
                    cells.append(f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>')
                else:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>')
            body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">' + "".join(body) + "</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               "<office:body><office:spreadsheet>" + "".join(tables) + "</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
