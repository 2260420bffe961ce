"""The report as a workbook: a summary sheet (unresolved items first), then one sheet per theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from db.reporting.report_figures import (
    SUBGROUPS,
    ReportFigures,
    ThemeReport,
    alarm_lines,
    kappa_text,
    sentence,
)


def write_xlsx(report: ReportFigures, path: Path) -> None:
    """Write the workbook to `path` (xlsxwriter builds it in memory and writes it at close)."""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    styles = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "alarm": book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#C00000"}),
        "head": book.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _summary(book.add_worksheet("Summary"), report, styles)
    for theme in report.themes:
        name = f"Theme {theme.score.number}"
        _theme(book.add_worksheet(name), theme, report, styles)
    book.close()


def _rows(sheet: Any, start: int, headers: list[str], rows: list[list[Any]], styles: dict) -> int:
    sheet.write_row(start, 0, headers, styles["head"])
    for offset, row in enumerate(rows, start=1):
        sheet.write_row(start + offset, 0, row)
    return start + len(rows) + 2


def _summary(sheet: Any, report: ReportFigures, styles: dict) -> None:
    i = report.inspection
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 8, 14)
    sheet.write(0, 0, f"Case assessment figures: {i.area}", styles["title"])
    sheet.write(1, 0, f"Inspection {i.id}; bank {i.bank_id} v{i.bank_version}; "
                      f"{report.cases} cases; generated {report.generated_at}")  # fmt: skip
    row = 3
    unsettled = report.conflicts or report.disagreements
    for line in alarm_lines(report):
        sheet.write(row, 0, line, styles["alarm"] if unsettled else styles["bold"])
        row += 1
    row += 1
    items = [("conflict", c) for c in report.conflicts]
    items += [("second read", d) for d in report.disagreements]
    if items:
        headers = ["Kind", "Case", "Question", "Chart label", "Answers"]
        rows: list[list[Any]] = [
            [kind, x.case_ref, x.question_id, x.chart_label,
             "; ".join(f"{s.value} ({s.inspector}, {s.role}): {s.note or 'no note'}"
                       for s in x.sides)]
            for kind, x in items
        ]  # fmt: skip
        row = _rows(sheet, row, headers, rows, styles)
    headers = ["Theme", "Score %", "Yes", "No", "N/A", "Cases", "Indicative", "Recorded", "Phrase"]
    rows = [
        [f"{t.score.number} {t.score.title}", t.score.percent, t.score.yes, t.score.no,
         t.score.na, t.score.cases or 0, t.score.judgement or "", t.recorded, t.score.phrase or ""]
        for t in report.themes
    ]  # fmt: skip
    row = _rows(sheet, row, headers, rows, styles)
    a = report.agreement
    sheet.write(row, 0, "Second-read agreement", styles["bold"])
    rows = [
        [x.scope, x.id, x.label, x.pairs, x.agreed, x.percent, kappa_text(x.kappa)]
        for x in [a.overall, *a.themes, *a.questions]
    ]
    _rows(sheet, row + 1, ["Scope", "Id", "Label", "Pairs", "Agreed", "Agreement %", "Kappa"],
          rows, styles)  # fmt: skip


def _theme(sheet: Any, theme: ThemeReport, report: ReportFigures, styles: dict) -> None:
    s = theme.score
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 6, 10)
    sheet.write(0, 0, f"Theme {s.number}: {s.title}", styles["title"])
    if not s.case_scored:
        sheet.write(2, 0, "Not case-scored: judged from the evidence of fieldwork week 2.")
        sheet.write(3, 0, "Recorded judgement", styles["bold"])
        sheet.write(3, 1, theme.recorded)
        if theme.rationale:
            sheet.write(4, 1, theme.rationale, styles["wrap"])
        return
    facts = [
        ("Case assessment score %", s.percent),
        ("Yes (key questions)", s.yes),
        ("No (key questions)", s.no),
        ("N/A (key questions)", s.na),
        ("Cases", s.cases or 0),
        ("Indicative judgement", s.judgement or ""),
        ("Recorded judgement", theme.recorded),
        ("Phrase", s.phrase or ""),
    ]
    for offset, (label, value) in enumerate(facts, start=2):
        sheet.write(offset, 0, label, styles["bold"])
        sheet.write(offset, 1, value)
    row = len(facts) + 2
    sheet.write(row, 0, sentence(s))
    row += 2
    sheet.write(row, 0, "Data Summary", styles["bold"])
    row = _rows(
        sheet,
        row + 1,
        ["Key question", "Chart label", "Yes", "No", "N/A", "% yes"],
        [[t.question_id, t.chart_label, t.yes, t.no, t.na, t.percent] for t in theme.key_questions],
        styles,
    )
    sheet.write(row, 0, "Subgroups", styles["bold"])
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
        sheet.write(row, 0, "Second-read agreement", styles["bold"])
        sheet.write_row(row + 1, 0, ["Pairs", "Agreed", "Agreement %", "Kappa"], styles["head"])
        sheet.write_row(row + 2, 0, [a.pairs, a.agreed, a.percent, kappa_text(a.kappa)])
