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

from db.cells import inert
from db.collation import moderation
from db.collation.agreement import Agreement, AgreementReport
from db.errors import StoreError
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
    overall_provisional,
    overall_text,
    percent_text,
    rating_rows,
    rise_text,
    score_headers,
    score_row,
    sentence,
    sides_text,
    theme_name,
)
from db.reporting.report_figures import gather as gather  # the report's callers read it here
from question_bank.phrasing import counted
from question_bank.scoring import QuestionTally, tally_dict


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def to_markdown(report: ReportFigures) -> str:
    i = report.inspection
    words = report.bank.words
    out = [
        f"# Case assessment figures: {i.area}",
        "",
        f"Inspection {i.id} · bank {i.bank_id} v{i.bank_version} ({report.bank_title}) · "
        f"{report.cases} cases · generated {report.generated_at}",
        "",
    ]
    for line in alarm_lines(report):
        out += [f"> **{line}**" if report.unsettled else line, ""]
    unsettled = [("conflict", c) for c in report.conflicts]
    unsettled += [("second read", d) for d in report.disagreements]
    if unsettled:
        out += _table(
            ["Kind", "Case", "Question", "Chart label", "Answers (inspector, role): note"],
            [[k, x.case_ref, x.question_id, x.chart_label, sides_text(x)] for k, x in unsettled],
        )
        out.append("")
    out += ["## Case assessment scores", ""]
    rows = []
    for t in report.themes:
        row = score_row(report, t)
        row[1] = percent_text(t.score.percent) if t.score.case_scored else "not case-scored"
        rows.append([value if value != "" else "-" for value in row])
    out += _table(score_headers(report), rows)
    if report.bank.scoring.bands_provisional:
        out += ["", f"Every indicative {words.judgement} marked (provisional) comes from bands "
                "without a recorded source."]  # fmt: skip
    if report.overall is not None:
        out += ["", f"## {capital(words.judgement)}s", ""]
        out += _table(
            [capital(words.theme), *RATING_HEADERS],
            [[r.mark, r.title, r.rating, r.source or "-",
              "not counted" if not r.counted else "-" if r.points is None else r.points]
             for r in rating_rows(report)],
        )  # fmt: skip
        out += ["", overall_text(report) or ""]
    for theme in report.themes:
        out += ["", *_theme_markdown(theme, report)]
    out += ["", "## Second-read agreement", "", *_agreement_markdown(report.agreement)]
    return "\n".join(out) + "\n"


def _rationale(text: str | None) -> str:
    """What follows the recorded judgement: the lead's rationale, named as such, as a sentence."""
    text = (text or "").strip()
    if not text:
        return "."
    return f". Rationale: {text}" + ("" if text.endswith((".", "!", "?")) else ".")


def _theme_markdown(theme: ThemeReport, report: ReportFigures) -> list[str]:
    s, bank = theme.score, report.bank
    judgement = bank.words.judgement
    rationale = _rationale(theme.rationale)
    out = [f"## {theme_name(bank, theme.theme)}: {s.title}", ""]
    if not s.case_scored:
        out += [
            "Not case-scored: judged from the evidence of fieldwork week 2.",
            "",
            f"Recorded {judgement}: **{theme.recorded}**{rationale}",
        ]
        return out
    if s.deciding is None:
        out.append(
            f"Case assessment score: **{percent_text(s.percent)}** ({s.numerator} of "
            f"{s.denominator} yes/no answers to key questions; {s.na} N/A; {s.cases or 0} cases)."
        )
    else:
        out.append(
            f"Case assessment score: **{percent_text(s.percent)}**, {deciding_text(s)} "
            f"({s.numerator} of {s.denominator} yes/no answers to that key question; "
            f"{s.cases or 0} cases)."
        )
    rise = rise_text(s)
    if rise:
        out += ["", f"To the next band: {rise} ({s.deciding}'s answers; another key question "
                "may then be the lowest)."]  # fmt: skip
    out += [
        "",
        sentence(bank, theme.theme, s),
        "",
        f"{capital(judgement)}: indicative **{indicative_text(bank, s)}**, recorded "
        f"**{theme.recorded}**{rationale}",
        "",
        "### Data Summary",
        "",
    ]
    if theme.charted:
        out += [
            f"[{report.cases} cases were inspected; the totals may not equal this, since some "
            "questions do not apply to every case.]",
            "",
            *_table(
                DATA_SUMMARY_HEADERS,
                [[*data_summary_row(t)[:6], percent_text(t.percent), t.done_well_text or "-"]
                 for t in theme.charted],
            ),
        ]  # fmt: skip
    else:
        out.append(f"The bank charts none of this {bank.words.theme}'s key questions.")
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
        f"Overall: {counted(report.overall.pairs, 'pair')} of first and second reads, "
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


def _question_dict(t: QuestionTally) -> dict[str, Any]:
    return tally_dict(t) | {"score": t.percent, "done_well_text": t.done_well_text}


def _overall_dict(report: ReportFigures) -> dict[str, Any] | None:
    result, bank = report.overall, report.bank
    if result is None:
        return None
    return {
        "rating": result.label,
        "total": result.total,
        "maximum": result.maximum,
        "missing": [bank.theme_by_number[n].mark for n in result.missing],
        "source": result.source,
        "provisional": overall_provisional(report),
        "text": overall_text(report),
        "ratings": [
            {"mark": r.mark, "title": r.title, "rating": r.rating, "from": r.source or None,
             "points": r.points, "counted": r.counted}
            for r in rating_rows(report)
        ],
    }  # fmt: skip


def to_dict(report: ReportFigures) -> dict[str, Any]:
    i, bank = report.inspection, report.bank
    return {
        "unresolved_conflicts": [_item_dict(c) for c in report.conflicts],
        "unmoderated_disagreements": [_item_dict(d) for d in report.disagreements],
        "cases_not_complete": [
            {
                "case_ref": p.case_ref,
                "status": str(p.status),
                "answered": p.answered,
                "applicable": p.applicable,
            }
            for p in report.unfinished
        ],  # fmt: skip
        "inspection": {"id": i.id, "area": i.area, "lead": i.lead},
        "bank": {
            "id": i.bank_id,
            "version": i.bank_version,
            "hash": i.bank_hash,
            "words": {"theme": bank.words.theme, "judgement": bank.words.judgement},
            "rule": bank.scoring.rule,
            "bands_provisional": bank.scoring.bands_provisional,
        },  # fmt: skip
        "generated_at": report.generated_at,
        "cases": report.cases,
        "overall": _overall_dict(report),
        "themes": [
            t.score.as_dict()
            | {
                "mark": t.theme.mark,
                "name": theme_name(bank, t.theme),
                "case_scored": t.score.case_scored,
                "indicative_judgement": t.score.judgement,
                "indicative_provisional": bool(t.score.judgement)
                and bank.scoring.bands_provisional,
                "recorded_judgement": t.recorded,
                "rationale": t.rationale,
                "sentence": sentence(bank, t.theme, t.score) if t.score.case_scored else None,
                "set_by": deciding_text(t.score),
                "to_next_band": rise_text(t.score),
                "questions": [_question_dict(q) for q in t.score.questions],
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
    "did_not_apply", "score", "indicative_judgement", "recorded_judgement", "phrase", "set_by",
    "next_band", "yes_to_next_band", "charted", "rating", "rating_from", "points", "pairs",
    "agreed", "kappa", "detail", "rationale",
)  # fmt: skip


def to_csv(report: ReportFigures) -> str:
    """One long table: unresolved items first, then each theme with its key questions (the
    charted ones marked) and groups, the ratings and overall rating (a bank with one), then
    agreement. Every cell a spreadsheet would run as a formula is made plain text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    bank = report.bank

    def row(**cells: Any) -> None:
        writer.writerow({name: inert(value) for name, value in cells.items()})

    def mark(number: int) -> str:
        theme = bank.theme_by_number.get(number)
        return theme.mark if theme else str(number)

    for kind, items in (("UNRESOLVED CONFLICT", report.conflicts),
                        ("SECOND-READ DISAGREEMENT", report.disagreements)):  # fmt: skip
        for x in items:
            row(section=kind, theme=mark(x.theme), id=f"{x.case_ref} {x.question_id}",
                label=x.chart_label, detail=sides_text(x))  # fmt: skip
    for p in report.unfinished:
        status = p.status.replace("_", " ")
        row(section="CASE NOT COMPLETE", id=p.case_ref,
            detail=f"{status}: {p.answered} of {p.applicable} answered")  # fmt: skip
    for t in report.themes:
        s = t.score
        row(section=bank.words.theme, theme=t.theme.mark, id=t.theme.mark, label=s.title,
            cases=s.cases, yes=s.yes, no=s.no, na=s.na, score=s.percent,
            indicative_judgement=indicative_text(bank, s, ""), recorded_judgement=t.recorded,
            phrase=s.phrase, set_by=s.deciding,
            next_band=s.rise.band if s.rise and s.deciding else None,
            yes_to_next_band=s.rise.answers if s.rise and s.deciding else None,
            detail=sentence(bank, t.theme, s) if s.case_scored else None,
            rationale=t.rationale)  # fmt: skip
        for q in t.key_questions:
            row(section="key question", theme=t.theme.mark, id=q.question_id,
                label=q.chart_label, yes=q.yes, no=q.no, na=q.na,
                did_not_apply=q.did_not_apply, score=q.percent, phrase=q.done_well_text,
                charted="yes" if q.charted else "no")  # fmt: skip
        for g in t.subgroups:
            row(section="subgroup", theme=t.theme.mark, group_field=g.field, group=g.label,
                cases=g.cases, yes=g.score.yes, no=g.score.no, na=g.score.na,
                score=g.score.percent,
                indicative_judgement=indicative_text(bank, g.score, ""))  # fmt: skip
    if report.overall is not None:
        for r in rating_rows(report):
            row(section=bank.words.judgement, theme=r.mark, id=r.mark, label=r.title,
                rating=r.rating, rating_from=r.source,
                points=r.points,
                detail=None if r.counted else "not counted in the overall")  # fmt: skip
        o = report.overall
        rating = o.label and (o.label + (" (provisional)" if overall_provisional(report) else ""))
        row(section="overall", label="Overall", rating=rating, points=o.total,
            detail=overall_text(report))  # fmt: skip
    a = report.agreement
    for scope in [a.overall, *a.themes, *a.questions]:
        row(section=f"agreement ({scope.scope})", id=scope.id, label=scope.label,
            pairs=scope.pairs, agreed=scope.agreed, score=scope.percent,
            kappa=None if scope.kappa is None else round(scope.kappa, 3))  # fmt: skip
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
