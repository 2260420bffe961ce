"""The shipped banks load, cover the reference report's key findings, and apply sensibly."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from question_bank.case import CaseRecord
from question_bank.loader import BANKS_DIR, load_bank
from question_bank.model import Bank

FINDINGS_MD = Path(__file__).resolve().parents[2] / "docs" / "findings.md"

# Key findings per case-scored theme in the reference report (Lambeth FJI, January 2015).
REPORT_KEY_FINDINGS = {1: 8, 2: 10, 3: 8, 4: 5, 6: 8}

SECTION_ORDER = [
    "psr",
    "assessment",
    "planning",
    "delivery_review",
    "outcomes",
    "custody_resettlement",
    "transfer",
    "management_oversight",
]

THEME_PREFIX = {1: "RR-", 2: "PP-", 3: "PC-", 4: "SS-", 5: "GP-", 6: "IN-"}


@pytest.fixture(scope="module")
def fji() -> Bank:
    return load_bank(BANKS_DIR / "fji-2014.yaml")


@pytest.fixture(scope="module")
def sqs() -> Bank:
    return load_bank(BANKS_DIR / "sqs-2014.yaml")


@pytest.fixture(scope="module")
def findings() -> dict[tuple[int, int], list[str]]:
    """The findings table: (theme, finding number) -> question ids cited."""
    rows: dict[tuple[int, int], list[str]] = {}
    for line in FINDINGS_MD.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) != 4:
            continue
        if not (cells[0].isdigit() and cells[1].isdigit()):
            continue  # header or separator row
        key = (int(cells[0]), int(cells[1]))
        assert key not in rows, f"finding {key} appears twice in findings.md"
        rows[key] = re.findall(r"`([^`]+)`", cells[3])
    return rows


def _case(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "case_ref": "C001",
        "inspector": "AB",
        "case_manager_role": "yos_officer",
        "age": 15,
        "gender": "male",
        "ethnicity": "white_british",
        "disposal": "yro",
        "status": "current",
        "start_date": date(2014, 1, 6),
        "rosh": "low",
        "vulnerability": "low",
    }
    fields.update(overrides)
    return CaseRecord(**fields).condition_values()  # type: ignore[arg-type]


def test_both_shipped_banks_load(fji: Bank, sqs: Bank) -> None:
    assert fji.id == "fji-2014"
    assert sqs.id == "sqs-2014"


def test_fji_size_is_within_the_methodology_range(fji: Bank) -> None:
    assert 80 <= len(fji.questions) <= 150


def test_fji_scores_themes_1_to_4_and_6_but_not_5(fji: Bank) -> None:
    assert [t.number for t in fji.themes] == [1, 2, 3, 4, 5, 6]
    assert {t.number for t in fji.scored_themes()} == {1, 2, 3, 4, 6}
    assert fji.key_questions(5) == []


@pytest.mark.parametrize("theme", [1, 2, 3, 4, 6])
def test_each_scored_theme_has_several_key_questions(fji: Bank, theme: int) -> None:
    assert 4 <= len(fji.key_questions(theme)) <= 10


def test_bands_give_the_reference_report_judgements(fji: Bank) -> None:
    pairs = {
        58: "Unsatisfactory",
        56: "Unsatisfactory",
        62: "Unsatisfactory",
        63: "Unsatisfactory",
        82: "Good",
    }
    assert {p: fji.scoring.judgement(p) for p in pairs} == pairs


def test_sections_and_questions_follow_interview_order(fji: Bank) -> None:
    assert [s.id for s in fji.sections] == SECTION_ORDER
    walk = [(q.theme, SECTION_ORDER.index(q.section)) for q in fji.questions]
    assert walk == sorted(walk), "questions must go theme by theme, section by section"


def test_question_ids_carry_their_theme_prefix(fji: Bank) -> None:
    wrong = [q.id for q in fji.questions if not q.id.startswith(THEME_PREFIX[q.theme])]
    assert wrong == []


def test_key_questions_require_a_note_for_no(fji: Bank) -> None:
    missing = [q.id for q in fji.questions if q.key and "no" not in q.note_required_for]
    assert missing == []


def test_every_question_has_guidance(fji: Bank) -> None:
    assert [q.id for q in fji.questions if not 1 <= len(q.guidance) <= 3] == []


def test_findings_cover_every_key_finding_of_the_report(
    findings: dict[tuple[int, int], list[str]],
) -> None:
    for theme, count in REPORT_KEY_FINDINGS.items():
        listed = sorted(n for t, n in findings if t == theme)
        assert listed == list(range(1, count + 1)), f"theme {theme} findings in findings.md"
    assert {t for t, _ in findings} == set(REPORT_KEY_FINDINGS)


def test_every_finding_has_a_question(findings: dict[tuple[int, int], list[str]]) -> None:
    assert [key for key, ids in findings.items() if not ids] == []


def test_findings_cite_only_fji_questions(
    fji: Bank, findings: dict[tuple[int, int], list[str]]
) -> None:
    unknown = {qid for ids in findings.values() for qid in ids} - set(fji.question_by_id)
    assert unknown == set()


def test_sqs_is_a_subset_of_fji(fji: Bank, sqs: Bank) -> None:
    assert all(q.id in fji.question_by_id for q in sqs.questions)
    assert all(q == fji.question(q.id) for q in sqs.questions)
    assert 30 <= len(sqs.questions) <= 50


def test_sqs_file_references_fji_ids_without_copying_questions(fji: Bank) -> None:
    raw = yaml.safe_load((BANKS_DIR / "sqs-2014.yaml").read_text(encoding="utf-8"))
    assert raw["base"] == "fji-2014"
    assert all(isinstance(qid, str) for qid in raw["questions"])
    assert set(raw["questions"]) <= set(fji.question_by_id)


def test_sqs_screens_themes_1_to_4_with_their_key_questions(fji: Bank, sqs: Bank) -> None:
    assert [t.number for t in sqs.themes] == [1, 2, 3, 4]
    for theme in sqs.themes:
        assert theme.case_scored
        assert sqs.key_questions(theme.number), f"theme {theme.number} has no key question"
        assert {q.id for q in sqs.key_questions(theme.number)} == {
            q.id for q in fji.key_questions(theme.number)
        }


def test_custody_questions_do_not_apply_to_a_community_case(fji: Bank) -> None:
    community = _case(disposal="yro")
    custody_questions = [q for q in fji.questions if q.section == "custody_resettlement"]
    assert custody_questions
    assert [q.id for q in custody_questions if q.applies(community)] == []
    custodial = _case(disposal="dto")
    assert all(q.applies(custodial) for q in custody_questions)


def test_flagged_questions_do_not_apply_to_a_plain_low_risk_case(fji: Bank) -> None:
    plain = _case()
    applicable = {q.id for q in fji.applicable_questions(plain)}
    for section in ("psr", "custody_resettlement", "transfer"):
        assert not [q.id for q in fji.questions if q.section == section and q.id in applicable]
    for qid in (
        "PP-PLAN-01",
        "PP-PLAN-02",
        "PC-PLAN-01",
        "RR-VICT-01",
        "PP-ASSESS-07",
        "PC-ASSESS-07",
        "PC-DELIV-04",
    ):
        assert qid not in applicable
    # The core questions still apply, so a plain case is scored on every theme.
    for theme in (1, 2, 3, 4, 6):
        assert any(q.id in applicable for q in fji.key_questions(theme))


def test_a_fully_flagged_custodial_case_gets_every_flagged_question(fji: Bank) -> None:
    flagged = _case(
        disposal="s91",
        age=17,
        rosh="very_high",
        vulnerability="high",
        looked_after=True,
        child_protection_plan=True,
        mappa=True,
        transferred=True,
        victim_identified=True,
        psr_prepared=True,
    )
    not_applicable = {q.id for q in fji.questions if not q.applies(flagged)}
    # Only the school-age education question and the referral-order panel report fall away.
    assert not_applicable == {"SS-DELIV-05", "RR-PSR-04"}
