"""The yjs-2021 bank: the youth justice standards, their aims, applicability and ratings."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audit_tui.cli import app
from question_bank.case import OUT_OF_COURT_DISPOSALS, CaseRecord, Disposal
from question_bank.loader import BANKS_DIR, load_shipped
from question_bank.model import Bank
from question_bank.scoring import overall_rating, score_theme

COURT = (21, 22, 23, 24)
OUT_OF_COURT = (31, 32, 33)
AIMS = ["desistance", "child_safety", "others_safety"]
COURT_DISPOSALS = [d.value for d in Disposal if d not in OUT_OF_COURT_DISPOSALS]
OOC_DISPOSALS = sorted(d.value for d in OUT_OF_COURT_DISPOSALS)
# The interview screen's own keys: an answer key other than y / n / a must not take one.
SCREEN_KEYS = set("gneucrvdjk" + string.digits)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_shipped("yjs-2021")


def case(**overrides: Any) -> dict[str, Any]:
    """A case's condition values: a plain low-risk community case unless overridden."""
    fields: dict[str, Any] = {
        "case_ref": "C001",
        "inspector": "AB",
        "case_manager_role": "yos_officer",
        "age": 15,
        "gender": "male",
        "ethnicity": "white_british",
        "disposal": "yro",
        "status": "current",
        "start_date": date(2022, 3, 7),
        "rosh": "low",
        "vulnerability": "low",
    }
    fields.update(overrides)
    return CaseRecord(**fields).condition_values()


def applicable(bank: Bank, values: dict[str, Any], answers: dict[str, str] | None = None):
    """The ids of the questions that apply, with the inspector's classifications applied."""
    return {q.id for q in bank.applicable_questions(bank.classified_values(values, answers or {}))}


def flagged(disposal: str) -> dict[str, Any]:
    return case(
        disposal=disposal,
        rosh="very_high",
        vulnerability="very_high",
        looked_after=True,
        child_protection_plan=True,
        mappa=True,
        victim_identified=True,
        psr_prepared=True,
    )


def test_the_bank_loads_and_speaks_in_standards_and_ratings(bank: Bank) -> None:
    assert (bank.id, bank.version, bank.scoring.rule) == ("yjs-2021", "1.1", "lowest_key")
    assert (bank.words.theme, bank.words.judgement) == ("standard", "rating")
    assert bank.sources and any(s.startswith("[S18a]") for s in bank.sources)
    # No source for the thresholds nor the overall bands: every rating is provisional.
    assert bank.scoring.bands_provisional
    assert bank.scoring.overall is not None and bank.scoring.overall.source is None
    assert "PROVISIONAL" in bank.description


def test_bank_validate_passes_on_the_file() -> None:
    path = Path(BANKS_DIR) / "yjs-2021.yaml"
    result = CliRunner().invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: yjs-2021.yaml is bank yjs-2021 v1.1: 13 themes")


def test_the_thirteen_standards_with_their_labels(bank: Bank) -> None:
    assert [(t.number, t.mark) for t in bank.themes] == [
        (11, "1.1"),
        (12, "1.2"),
        (13, "1.3"),
        (14, "1.4"),
        (21, "2.1"),
        (22, "2.2"),
        (23, "2.3"),
        (24, "2.4"),
        (31, "3.1"),
        (32, "3.2"),
        (33, "3.3"),
        (34, "3.4"),
        (41, "4.1"),
    ]
    assert [t.number for t in bank.scored_themes()] == [*COURT, *OUT_OF_COURT]
    assert [t.number for t in bank.themes if t.in_overall is False] == [41]
    assert bank.theme_by_number[34].title == "Out-of-court disposal policy and provision"
    assert bank.theme_by_number[41].title == "Resettlement policy and provision"
    assert 40 <= len(bank.questions) <= 60


@pytest.mark.parametrize("number", [*COURT, *OUT_OF_COURT])
def test_each_case_scored_standard_has_one_key_question_per_aim(bank: Bank, number: int) -> None:
    theme = bank.theme_by_number[number]
    assert [m.id for m in theme.measures or []] == AIMS
    keys = bank.key_questions(number)
    assert sorted(q.measure or "" for q in keys) == sorted(AIMS)
    assert all(q.charted and "no" in q.note_required_for for q in keys)
    suffix = {"desistance": "-DESIST", "child_safety": "-CHILD", "others_safety": "-OTHERS"}
    assert {q.id for q in keys} == {f"S{number}{suffix[aim]}" for aim in AIMS}


def test_the_organisational_standards_have_no_key_question(bank: Bank) -> None:
    for number in (11, 12, 13, 14, 34, 41):
        assert bank.key_questions(number) == []


def test_every_key_question_has_lettered_prompts(bank: Bank) -> None:
    """After the safety questions' first line, which says when N/A is the answer."""
    for q in (q for q in bank.questions if q.key):
        prompts = q.guidance[1:] if q.measure != "desistance" else q.guidance
        assert len(prompts) >= 3, q.id
        letters = [prompt.split(")", 1)[0] for prompt in prompts]
        assert letters == list(string.ascii_lowercase[: len(prompts)]), q.id
        assert prompts[0].startswith("a) ")


@pytest.mark.parametrize("disposal", COURT_DISPOSALS)
def test_no_out_of_court_question_applies_to_a_court_case(bank: Bank, disposal: str) -> None:
    applies = applicable(bank, flagged(disposal))
    ooc = {q.id for q in bank.questions if q.theme in (31, 32, 33, 34)}
    assert applies & ooc == set()
    # ... and every court key question does, for a case with every factor.
    assert {q.id for n in COURT for q in bank.key_questions(n)} <= applies


@pytest.mark.parametrize("disposal", OOC_DISPOSALS)
def test_no_court_question_applies_to_an_out_of_court_case(bank: Bank, disposal: str) -> None:
    applies = applicable(bank, flagged(disposal))
    court = {q.id for q in bank.questions if q.theme in COURT and not q.classifies}
    assert applies & court == set()
    assert {q.id for n in OUT_OF_COURT for q in bank.key_questions(n)} <= applies
    # The inspector's classifications apply to every case, court or out-of-court.
    assert {"S21-ROSH", "S21-VULN"} <= applies


def test_the_classifications_are_asked_first_and_not_scored(bank: Bank) -> None:
    assert [q.id for q in bank.questions if q.theme in COURT][:2] == ["S21-ROSH", "S21-VULN"]
    assert bank.question("S21-ROSH").classifies == "rosh"
    assert bank.question("S21-VULN").classifies == "vulnerability"
    assert not any(q.key or q.applies_if for q in bank.classifying_questions)


@pytest.mark.parametrize(
    ("disposal", "standards"), [("yro", COURT), ("youth_conditional_caution", OUT_OF_COURT)]
)
@pytest.mark.parametrize("level", ["low", "medium", "high", "very_high"])
def test_the_safety_questions_apply_at_every_level_whoever_classifies_it(
    bank: Bank, disposal: str, standards: tuple[int, ...], level: str
) -> None:
    """HMIP scores the safety aims "where there were factors related to" them [S21], at any
    level: a level (the service's or the inspector's) takes no safety question out. Version
    1.0 made them N/A below medium, so a low-RoSH child with factors fell out of the figures."""
    safety = {f"S{n}-{aim}" for n in standards for aim in ("CHILD", "OTHERS")}
    values = case(disposal=disposal, rosh=level, vulnerability=level)
    assert safety <= applicable(bank, values)
    judged = {"S21-ROSH": "should_be_low", "S21-VULN": "should_be_low"}
    assert safety <= applicable(bank, values, judged)


def test_a_victim_the_service_did_not_record_leaves_the_victims_question_in(bank: Bank) -> None:
    """S21-VICTIM is the inspector's N/A where there was no victim, not the service's field."""
    for recorded in (True, False):
        assert "S21-VICTIM" in applicable(bank, case(disposal="yro", victim_identified=recorded))
    assert "S21-VICTIM" not in applicable(bank, case(disposal="youth_caution"))
    assert bank.question("S21-VICTIM").guidance[0].startswith("Answer N/A only when")


def test_no_factors_is_an_n_a_the_inspector_gives_and_the_rating_leaves_it_out(bank: Bank) -> None:
    for q in bank.questions:
        if q.measure in ("child_safety", "others_safety"):
            assert q.guidance[0].startswith("Answer N/A only when nothing in this case relates")
            assert "[S21]" in q.guidance[0], q.id
            assert bank.scale_of(q).option("na") is not None, q.id
    counts = {
        "S21-DESIST": {"yes": 8, "no": 2},
        "S21-CHILD": {"yes": 7, "no": 3},
        "S21-OTHERS": {"yes": 6, "no": 0, "na": 4},  # no factors in 4 cases
    }
    score = score_theme(bank, bank.theme_by_number[21], counts)
    assert (score.percent, score.deciding) == (70, "S21-CHILD"), "S21-OTHERS is 6 of 6"


def test_desistance_applies_in_its_domain_whatever_the_levels(bank: Bank) -> None:
    court = applicable(bank, case(disposal="referral_order"))
    assert {f"S{n}-DESIST" for n in COURT} <= court
    ooc = applicable(bank, case(disposal="community_resolution"))
    assert {f"S{n}-DESIST" for n in OUT_OF_COURT} <= ooc


def test_resettlement_questions_apply_to_custodial_cases_only(bank: Bank) -> None:
    resettlement = {q.id for q in bank.questions if q.section == "resettlement"}
    assert {q.theme for q in bank.questions if q.id in resettlement} == {22, 23}
    for disposal in ("dto", "s91"):
        assert resettlement <= applicable(bank, case(disposal=disposal))
    for disposal in ("yro", "referral_order", "youth_caution"):
        assert applicable(bank, case(disposal=disposal)) & resettlement == set()


def test_answer_keys_leave_the_interview_screens_keys_alone(bank: Bank) -> None:
    for name, scale in bank.scales.items():
        for option in scale.options:
            if option.value in ("yes", "no", "na"):
                assert option.key == {"yes": "y", "no": "n", "na": "a"}[option.value]
            else:
                assert option.key not in SCREEN_KEYS | {"y", "a"}, (name, option.value)


def test_a_standard_is_rated_from_its_lowest_key_question(bank: Bank) -> None:
    counts = {
        "S21-DESIST": {"yes": 9, "no": 1},
        "S21-CHILD": {"yes": 6, "no": 4},
        "S21-OTHERS": {"yes": 8, "no": 2},
        "S21-ROSH": {"should_be_high": 5},  # a classification is not scored
    }
    score = score_theme(bank, bank.theme_by_number[21], counts)
    assert (score.percent, score.judgement, score.deciding) == (
        60,
        "Requires improvement",
        "S21-CHILD",
    )


@pytest.mark.parametrize(
    ("rating", "total", "label"),
    [
        ("Outstanding", 36, "Outstanding"),
        ("Good", 24, "Good"),
        ("Requires improvement", 12, "Requires improvement"),
        ("Inadequate", 0, "Inadequate"),
    ],
)
def test_the_overall_rating_is_out_of_36(bank: Bank, rating: str, total: int, label: str) -> None:
    result = overall_rating(bank, {t.number: rating for t in bank.themes})
    assert result is not None
    assert (result.total, result.maximum, result.label, result.missing) == (total, 36, label, ())


def test_resettlement_is_recorded_but_not_counted_in_the_overall_rating(bank: Bank) -> None:
    ratings = {t.number: "Good" for t in bank.themes if t.number != 41}
    result = overall_rating(bank, ratings)
    assert result is not None and result.missing == () and result.label == "Good"


@pytest.mark.parametrize(
    ("total", "label"),
    # published overall scores out of 36 and ratings, from the secondary scrape [S22]
    [
        (3, "Inadequate"),
        (5, "Inadequate"),
        (8, "Requires improvement"),
        (16, "Requires improvement"),
        (18, "Requires improvement"),
        (19, "Good"),
        (26, "Good"),
        (29, "Good"),
        (31, "Outstanding"),
        (34, "Outstanding"),
    ],
)
def test_the_overall_bands_agree_with_published_ratings(bank: Bank, total: int, label: str) -> None:
    assert rated_at(bank, total) == (total, label)


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (26, "Good"),  # Cheshire, December 2021: HMIP's own press release [S33]
        (33, "Outstanding"),  # Bromley: a council group's account (secondary [S37])
    ],
)
def test_the_overall_bands_agree_with_scores_hmip_and_councils_printed(
    bank: Bank, total: int, label: str
) -> None:
    assert rated_at(bank, total) == (total, label)
    assert any(s.startswith("[S33]") for s in bank.sources or [])


def rated_at(bank: Bank, total: int) -> tuple[int, str]:
    """The overall total and rating of standards rated so that their points add up to total."""
    counted = [t.number for t in bank.themes if t.in_overall is not False]
    outstanding, rest = divmod(total, 3)
    points = [3] * outstanding + ([rest] if rest else [])
    points += [0] * (len(counted) - len(points))
    names = {0: "Inadequate", 1: "Requires improvement", 2: "Good", 3: "Outstanding"}
    result = overall_rating(bank, {n: names[p] for n, p in zip(counted, points, strict=True)})
    assert result is not None
    return result.total, result.label


def test_the_safety_and_wellbeing_levels_quote_hmip_as_the_research_notes_do(bank: Bank) -> None:
    """S21-VULN's last prompt quotes HMIP's four classifications [S32]: word for word what
    docs/methodology/sources.md quotes, and the same four levels the inspector can choose."""
    prompt = bank.question_by_id["S21-VULN"].guidance[-1]
    prefix = "HMIP's four classifications: "
    assert prompt.startswith(prefix)
    notes = (BANKS_DIR.parents[1] / "docs" / "methodology" / "sources.md").read_text("utf-8")
    assert f'"{prompt.removeprefix(prefix)}" [S32]' in " ".join(notes.split())
    named = [part.split(" – ")[0] for part in prompt.removeprefix(prefix).split(". ")]
    chosen = [o.label.removeprefix("No: should be ") for o in bank.scales["level_check"].options]
    assert [n.lower() for n in named] == chosen[1:]
