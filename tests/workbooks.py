"""Reading an xlsx workbook as a spreadsheet would: which cells are strings, and no formula."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

_CELL = re.compile(r'<c r="([A-Z]+\d+)"[^>]* t="s"[^>]*><v>(\d+)</v></c>')


def string_cells(path: Path) -> dict[str, str]:
    """Every string cell of a workbook (`sheetN.xml!B7` -> its text); fails on any formula."""
    with zipfile.ZipFile(path) as book:
        names = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
        sheets = {n: book.read(n).decode() for n in names}
        shared = re.findall(
            r"<si><t[^>]*>(.*?)</t></si>", book.read("xl/sharedStrings.xml").decode(), re.S
        )
    cells = {}
    for name, sheet in sheets.items():
        assert not re.search(r"<f[ >]", sheet), f"a formula in {name}"
        for place, index in _CELL.findall(sheet):
            cells[f"{name.rsplit('/', 1)[1]}!{place}"] = html.unescape(shared[int(index)])
    return cells
