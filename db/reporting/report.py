"""The inspection report as Markdown, CSV and JSON, and `write`, which writes any form to a file.

The figures are gathered once by db.reporting.report_figures (`gather`, importable from here
too); the workbook form is db.reporting.report_xlsx.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from db.collation import moderation
from db.collation.agreement import Agreement, AgreementReport
from db.errors import StoreError
from db.reporting.report_figures import (
    SUBGROUPS,
    ReportFigures,
    ThemeReport,
    alarm_lines,
    kappa_text,
    percent_text,
    sentence,
    sides_text,
)
from db.reporting.report_figures import gather as gather  # the report's callers read it here


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def to_markdown(report: ReportFigures) -> str:
    i = report.inspection
    out = [
        f"# Case assessment figures: {i.area}",
        "",
        f"Inspection {i.id} · bank {i.bank_id} v{i.bank_version} ({report.bank_title}) · "
        f"{report.cases} cases · generated {report.generated_at}",
        "",
    ]
    for line in alarm_lines(report):
        out += [f"> **{line}**" if report.conflicts or report.disagreements else line, ""]
    unsettled = [("conflict", c) for c in report.conflicts]
    unsettled += [("second read", d) for d in report.disagreements]
    if unsettled:
        out += _table(
            ["Kind", "Case", "Question", "Chart label", "Answers (inspector, role): note"],
            [[k, x.case_ref, x.question_id, x.chart_label, sides_text(x)] for k, x in unsettled],
        )
        out.append("")
    out += ["## Case assessment scores", ""]
    headers = ["Theme", "Score", "Yes", "No", "N/A", "Cases", "Indicative", "Recorded", "Phrase"]
    out += _table(
        headers,
        [
            [
                f"{t.score.number} {t.score.title}",
                percent_text(t.score.percent) if t.score.case_scored else "not case-scored",
                t.score.yes, t.score.no, t.score.na, t.score.cases or 0,
                t.score.judgement or "-", t.recorded, t.score.phrase or "-",
            ]
            for t in report.themes
        ],
    )  # fmt: skip
    for theme in report.themes:
        out += ["", *_theme_markdown(theme, report)]
    out += ["", "## Second-read agreement", "", *_agreement_markdown(report.agreement)]
    return "\n".join(out) + "\n"


def _theme_markdown(theme: ThemeReport, report: ReportFigures) -> list[str]:
    s = theme.score
    out = [f"## Theme {s.number}: {s.title}", ""]
    if not s.case_scored:
        out += [
            "Not case-scored: judged from the evidence of fieldwork week 2.",
            "",
            f"Recorded judgement: **{theme.recorded}**"
            + (f". {theme.rationale}" if theme.rationale else ""),
        ]
        return out
    out += [
        f"Case assessment score: **{percent_text(s.percent)}** ({s.numerator} of "
        f"{s.denominator} yes/no answers to key questions; {s.na} N/A; {s.cases or 0} cases).",
        "",
        sentence(s),
        "",
        f"Judgement: indicative **{s.judgement or '-'}**, recorded **{theme.recorded}**"
        + (f". {theme.rationale}" if theme.rationale else "."),
        "",
        "### Data Summary",
        "",
        f"[{report.cases} cases were inspected; the totals may not equal this, since some "
        "questions do not apply to every case.]",
        "",
    ]
    out += _table(
        ["Key question", "Chart label", "Yes", "No", "N/A", "% yes"],
        [
            [t.question_id, t.chart_label, t.yes, t.no, t.na, percent_text(t.percent)]
            for t in theme.key_questions
        ],
    )
    out += ["", "### Subgroups", ""]
    out += _table(
        ["Breakdown", "Group", "Cases", "Yes", "No", "Score"],
        [
            [dict(SUBGROUPS)[g.field], g.label, g.cases, g.score.yes, g.score.no,
             percent_text(g.score.percent)]
            for g in theme.subgroups
        ],
    )  # fmt: skip
    themed = [a for a in report.agreement.themes if a.id == str(s.number)]
    if themed:
        a = themed[0]
        out += [
            "",
            f"Second reads: {a.pairs} pairs, {percent_text(a.percent)} agreement, "
            f"kappa {kappa_text(a.kappa)}.",
        ]
    return out


def _agreement_rows(rows: list[Agreement]) -> list[list[Any]]:
    return [
        [a.id, a.label, a.pairs, a.agreed, percent_text(a.percent), kappa_text(a.kappa)]
        for a in rows
    ]


def _agreement_markdown(report: AgreementReport) -> list[str]:
    if report.overall.pairs == 0:
        return ["No case has been second-read yet."]
    headers = ["Scope", "Label", "Pairs", "Agreed", "Agreement", "Kappa"]
    return [
        f"Overall: {report.overall.pairs} pairs of first and second reads, "
        f"{percent_text(report.overall.percent)} agreement, Cohen's kappa "
        f"{kappa_text(report.overall.kappa)}.",
        "",
        "Per theme:",
        "",
        *_table(headers, _agreement_rows(report.themes)),
        "",
        "Per question:",
        "",
        *_table(headers, _agreement_rows(report.questions)),
    ]


# -- JSON and CSV -------------------------------------------------------------------------------


def _item_dict(item: moderation.Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "case_ref": item.case_ref,
        "question_id": item.question_id,
        "role": item.role,
        "chart_label": item.chart_label,
        "answers": [
            {"value": s.value, "note": s.note, "inspector": s.inspector, "role": s.role,
             "answered_at": s.answered_at}
            for s in item.sides
        ],
    }  # fmt: skip


def to_dict(report: ReportFigures) -> dict[str, Any]:
    i = report.inspection
    return {
        "unresolved_conflicts": [_item_dict(c) for c in report.conflicts],
        "unmoderated_disagreements": [_item_dict(d) for d in report.disagreements],
        "inspection": {"id": i.id, "area": i.area, "lead": i.lead},
        "bank": {"id": i.bank_id, "version": i.bank_version, "hash": i.bank_hash},
        "generated_at": report.generated_at,
        "cases": report.cases,
        "themes": [
            t.score.as_dict(with_questions=True)
            | {
                "case_scored": t.score.case_scored,
                "indicative_judgement": t.score.judgement,
                "recorded_judgement": t.recorded,
                "rationale": t.rationale,
                "subgroups": [
                    {"field": g.field, "group": g.group, "cases": g.cases} | g.score.as_dict()
                    for g in t.subgroups
                ],
            }
            for t in report.themes
        ],
        "agreement": {
            "overall": report.agreement.overall.as_dict(),
            "themes": [a.as_dict() for a in report.agreement.themes],
            "questions": [a.as_dict() for a in report.agreement.questions],
        },
    }


def to_json(report: ReportFigures) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "section", "theme", "id", "label", "group_field", "group", "cases", "yes", "no", "na",
    "score", "indicative_judgement", "recorded_judgement", "phrase", "pairs", "agreed", "kappa",
    "detail",
)  # fmt: skip


def to_csv(report: ReportFigures) -> str:
    """One long table: unresolved items first, then themes, key questions, groups, agreement."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for kind, items in (("UNRESOLVED CONFLICT", report.conflicts),
                        ("SECOND-READ DISAGREEMENT", report.disagreements)):  # fmt: skip
        for x in items:
            writer.writerow(
                {"section": kind, "theme": x.theme, "id": f"{x.case_ref} {x.question_id}",
                 "label": x.chart_label, "detail": sides_text(x)}
            )  # fmt: skip
    for t in report.themes:
        s = t.score
        writer.writerow(
            {"section": "theme", "theme": s.number, "id": s.number, "label": s.title,
             "cases": s.cases, "yes": s.yes, "no": s.no, "na": s.na,
             "score": s.percent, "indicative_judgement": s.judgement,
             "recorded_judgement": t.recorded, "phrase": s.phrase}
        )  # fmt: skip
        for q in t.key_questions:
            writer.writerow(
                {"section": "key question", "theme": s.number, "id": q.question_id,
                 "label": q.chart_label, "yes": q.yes, "no": q.no, "na": q.na,
                 "score": q.percent}
            )  # fmt: skip
        for g in t.subgroups:
            writer.writerow(
                {"section": "subgroup", "theme": s.number, "group_field": g.field,
                 "group": g.label, "cases": g.cases, "yes": g.score.yes, "no": g.score.no,
                 "na": g.score.na, "score": g.score.percent,
                 "indicative_judgement": g.score.judgement}
            )  # fmt: skip
    a = report.agreement
    for scope in [a.overall, *a.themes, *a.questions]:
        writer.writerow(
            {"section": f"agreement ({scope.scope})", "id": scope.id, "label": scope.label,
             "pairs": scope.pairs, "agreed": scope.agreed, "score": scope.percent,
             "kappa": None if scope.kappa is None else round(scope.kappa, 3)}
        )  # fmt: skip
    return buffer.getvalue()


FORMATS = ("md", "csv", "xlsx", "json")


def write(report: ReportFigures, fmt: str, path: Path) -> None:
    """Write the report in a format (md, csv, xlsx, json) to `path`, replacing it whole."""
    if fmt not in FORMATS:
        raise StoreError(f"{fmt!r} is not a report format; use one of {', '.join(FORMATS)}")
    staged = path.with_name(f".{path.name}.writing")
    try:
        if fmt == "xlsx":
            from db.reporting.report_xlsx import write_xlsx

            write_xlsx(report, staged)
        else:
            text = {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](report)
            staged.write_text(text, encoding="utf-8")
        os.chmod(staged, 0o600)
        os.replace(staged, path)
    except OSError as exc:
        raise StoreError(f"the report could not be written to {path} ({exc.strerror})") from None
    finally:
        staged.unlink(missing_ok=True)
