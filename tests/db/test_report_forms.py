"""The report's words on a bank that gives none of its own, on sourced bands, and text from a
bank or file that a spreadsheet would run as a formula kept inert in the CSV and the workbook."""

from __future__ import annotations

import csv
import io

import yaml
from factories import SMALL_BANK_FILE, make_inspection, three_cases
from workbooks import string_cells

from db.reporting import report
from question_bank.loader import validate_bank
from question_bank.model import Bank
from question_bank.scoring import QuestionTally


def small_bank(**changes) -> Bank:
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    for theme in raw["themes"]:
        theme.update(changes.get(f"theme {theme['number']}", {}))
    for question in raw["questions"]:
        question.update(changes.get(question["id"], {}))
    raw["scoring"].update(changes.get("scoring", {}))
    return validate_bank(raw, "small")


def answered(tmp_path, bank: Bank):
    store = make_inspection(tmp_path / "lambeth.sqlite", bank, three_cases())
    for case_ref, inspector in (("C001", "JS"), ("C002", "KM"), ("C003", "JS")):
        store.record_answer(case_ref, "A1", "yes", inspector=inspector)
        store.record_answer(case_ref, "A2", "no", inspector=inspector, note="=HYPERLINK(1)")
    return store


def test_a_theme_without_its_own_words_and_bands_with_a_source(tmp_path):
    bank = small_bank(scoring={"bands_source": "HMIP scoring approach, 2014"})
    with answered(tmp_path, bank) as store:
        figures_ = report.gather(store)
    text = report.to_markdown(figures_)
    # 3 yes of 6: today's wording, from the title, and no band marked provisional
    assert (
        "Within the case assessment, overall 50% of work on reducing reoffending was done well "
        "enough (half)." in text
    )
    assert "Judgement: indicative **Unsatisfactory**, recorded **not recorded**." in text
    assert "provisional" not in text and "provisional" not in report.to_csv(figures_)
    assert report.to_dict(figures_)["themes"][0]["indicative_provisional"] is False


def unchecked_bank(**changes) -> Bank:
    """The small bank with CHANGES, built without `bank validate`'s checks: a bank made before
    it refused labels that start like a formula, as a file may still carry one."""
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    for theme in raw["themes"]:
        theme.update(changes.get(f"theme {theme['number']}", {}))
    for question in raw["questions"]:
        question.update(changes.get(question["id"], {}))
    return Bank.model_validate(raw)


def test_text_starting_with_a_formula_sign_stays_text(tmp_path):
    bank = unchecked_bank(
        **{"theme 1": {"title": "=1+1"}, "A1": {"chart_label": "@SUM(A1)"},
           "A2": {"chart_label": "-2+3"}, "R2": {"chart_label": "+cmd"}}
    )  # fmt: skip
    with answered(tmp_path, bank) as store:
        store.record_answer("C001", "A2", "yes", inspector="JD", role="second_read",
                            note="+HYPERLINK(2)")  # fmt: skip
        store.record_judgement(1, "Good", '=HYPERLINK("http://x","y")', by="AB")
        store.record_judgement(2, "Poor", "-cmd|' /C calc'!A0", by="AB")
        figures_ = report.gather(store)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(figures_))))
    labels = {r["id"]: r["label"] for r in rows}
    assert labels["1"] == "'=1+1" and labels["A1"] == "'@SUM(A1)"
    assert labels["A2"] == "'-2+3" and labels["R2"] == "'+cmd"
    rationales = {r["id"]: r["rationale"] for r in rows if r["rationale"]}
    assert rationales == {"1": """'=HYPERLINK("http://x","y")""", "2": "'-cmd|' /C calc'!A0"}
    disagreement = rows[0]
    assert disagreement["section"] == "SECOND-READ DISAGREEMENT"
    assert disagreement["label"] == "'-2+3" and "+HYPERLINK(2)" in disagreement["detail"]
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", row
    path = tmp_path / "report.xlsx"
    report.write(figures_, "xlsx", path)
    texts = set(string_cells(path).values())
    for text in ("'=1+1", "'@SUM(A1)", "'-2+3", "'+cmd", """'=HYPERLINK("http://x","y")""",
                 "'-cmd|' /C calc'!A0"):  # fmt: skip
        assert text in texts, text
    assert "Theme 1: =1+1" in texts  # text that does not start like a formula is as it is
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)


def test_the_data_summary_phrase_says_both_shares_and_the_whole_ones_plainly():
    def words(yes: int, no: int) -> str | None:
        return QuestionTally("Q", "Q", True, yes, no, 0).done_well_text

    assert words(33, 24) == (
        "done well in almost three-fifths of cases; not done well in just over two-fifths"
    )
    assert words(1, 19) == "done well in very few cases; not done well in the vast majority"
    assert words(5, 0) == "done well in all cases"
    assert words(0, 5) == "not done well in any case"
    assert words(0, 0) is None
