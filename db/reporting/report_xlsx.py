"""The report as a workbook: a summary sheet (unresolved items first), then one sheet per theme.

Every cell is written as what it is (text stays text): text with `write_string`, marked by
db.cells.inert as the CSV marks it when it starts like a formula (= + - @, tab, carriage return),
and the workbook is made with xlsxwriter's conversion of strings to formulas, links and numbers
turned off, so a note, a case reference or a bank's text can never run when the workbook is
opened or a cell is edited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from db.cells import inert
from db.reporting.report_figures import (
    DATA_SUMMARY_HEADERS,
    RATING_HEADERS,
    SUBGROUPS,
    ReportFigures,
    ThemeReport,
    alarm_lines,
    capital,
    data_summary_row,
    deciding_text,
    indicative_text,
    kappa_text,
    overall_text,
    rating_rows,
    rise_text,
    score_headers,
    score_row,
    sentence,
    sides_text,
    theme_name,
)

# Text is written as text: no formulas, no links, no numbers read out of strings.
INERT = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def write_xlsx(report: ReportFigures, path: Path) -> None:
    """Write the workbook to `path` (xlsxwriter builds it in memory and writes it at close)."""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True, **INERT})
    styles = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "alarm": book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#C00000"}),
        "head": book.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _summary(book.add_worksheet("Summary"), report, styles)
    for theme in report.themes:
        _theme(book.add_worksheet(theme_name(report.bank, theme.theme)), theme, report, styles)
    book.close()


def _put(sheet: Any, row: int, col: int, value: Any, style: Any = None) -> None:
    """One cell: text as a string (marked when it starts like a formula), else as it is."""
    if isinstance(value, str):
        sheet.write_string(row, col, inert(value), style)
    else:
        sheet.write(row, col, value, style)


def _put_row(sheet: Any, row: int, values: list[Any], style: Any = None) -> None:
    for col, value in enumerate(values):
        _put(sheet, row, col, value, style)


def _rows(sheet: Any, start: int, headers: list[str], rows: list[list[Any]], styles: dict) -> int:
    _put_row(sheet, start, headers, styles["head"])
    for offset, row in enumerate(rows, start=1):
        _put_row(sheet, start + offset, row)
    return start + len(rows) + 2


def _summary(sheet: Any, report: ReportFigures, styles: dict) -> None:
    i = report.inspection
    words = report.bank.words
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 10, 14)
    _put(sheet, 0, 0, f"Case assessment figures: {i.area}", styles["title"])
    _put(sheet, 1, 0, f"Inspection {i.id}; bank {i.bank_id} v{i.bank_version}; "
                      f"{report.cases} cases; generated {report.generated_at}")  # fmt: skip
    row = 3
    for line in alarm_lines(report):
        _put(sheet, row, 0, line, styles["alarm"] if report.unsettled else styles["bold"])
        row += 1
    row += 1
    items = [("conflict", c) for c in report.conflicts]
    items += [("second read", d) for d in report.disagreements]
    if items:
        headers = ["Kind", "Case", "Question", "Chart label", "Answers"]
        rows: list[list[Any]] = [
            [kind, x.case_ref, x.question_id, x.chart_label, sides_text(x)]
            for kind, x in items
        ]  # fmt: skip
        row = _rows(sheet, row, headers, rows, styles)
    headers = score_headers(report)
    headers[1] = "Score %"
    row = _rows(sheet, row, headers, [score_row(report, t) for t in report.themes], styles)
    if report.overall is not None:
        _put(sheet, row, 0, f"{capital(words.judgement)}s", styles["bold"])
        ratings = [
            [r.mark, r.title, r.rating, r.source,
             "not counted" if not r.counted else r.points]
            for r in rating_rows(report)
        ]  # fmt: skip
        row = _rows(sheet, row + 1, [capital(words.theme), *RATING_HEADERS], ratings, styles)
        _put(sheet, row - 1, 0, overall_text(report), styles["bold"])
        row += 1
    a = report.agreement
    _put(sheet, row, 0, "Second-read agreement", styles["bold"])
    rows = [
        [x.scope, x.id, x.label, x.pairs, x.agreed, x.percent, kappa_text(x.kappa)]
        for x in [a.overall, *a.themes, *a.questions]
    ]
    _rows(sheet, row + 1, ["Scope", "Id", "Label", "Pairs", "Agreed", "Agreement %", "Kappa"],
          rows, styles)  # fmt: skip


def _theme(sheet: Any, theme: ThemeReport, report: ReportFigures, styles: dict) -> None:
    s, bank = theme.score, report.bank
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 7, 10)
    _put(sheet, 0, 0, f"{theme_name(bank, theme.theme)}: {s.title}", styles["title"])
    if not s.case_scored:
        _put(sheet, 2, 0, "Not case-scored: judged from the evidence of fieldwork week 2.")
        _put(sheet, 3, 0, f"Recorded {bank.words.judgement}", styles["bold"])
        _put(sheet, 3, 1, theme.recorded)
        if theme.rationale:
            _put(sheet, 4, 1, theme.rationale, styles["wrap"])
        return
    facts: list[tuple[str, Any]] = [
        ("Case assessment score %", s.percent),
        ("Yes (key questions)", s.yes),
        ("No (key questions)", s.no),
        ("N/A (key questions)", s.na),
        ("Cases", s.cases or 0),
        (f"Indicative {bank.words.judgement}", indicative_text(bank, s, "")),
        (f"Recorded {bank.words.judgement}", theme.recorded),
        ("Rationale", theme.rationale or ""),
        ("Phrase", s.phrase or ""),
    ]
    if s.deciding is not None:
        facts += [("Set by", deciding_text(s) or ""), ("To the next band", rise_text(s) or "")]
    for offset, (label, value) in enumerate(facts, start=2):
        _put(sheet, offset, 0, label, styles["bold"])
        _put(sheet, offset, 1, value)
    row = len(facts) + 2
    _put(sheet, row, 0, sentence(bank, theme.theme, s))
    row += 2
    _put(sheet, row, 0, "Data Summary", styles["bold"])
    if theme.charted:
        row = _rows(
            sheet,
            row + 1,
            DATA_SUMMARY_HEADERS,
            [data_summary_row(t) for t in theme.charted],
            styles,
        )
    else:
        _put(sheet, row + 1, 0, f"The bank charts none of this {bank.words.theme}'s key questions.")
        row += 3
    _put(sheet, row, 0, "Subgroups", styles["bold"])
    names = dict(SUBGROUPS)
    row = _rows(
        sheet,
        row + 1,
        ["Breakdown", "Group", "Cases", "Yes", "No", "Score %"],
        [
            [names[g.field], g.label, g.cases, g.score.yes, g.score.no, g.score.percent]
            for g in theme.subgroups
        ],
        styles,
    )
    agreed = [a for a in report.agreement.themes if a.id == str(s.number)]
    if agreed:
        a = agreed[0]
        _put(sheet, row, 0, "Second-read agreement", styles["bold"])
        _put_row(sheet, row + 1, ["Pairs", "Agreed", "Agreement %", "Kappa"], styles["head"])
        _put_row(sheet, row + 2, [a.pairs, a.agreed, a.percent, kappa_text(a.kappa)])
