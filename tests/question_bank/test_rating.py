"""The youth justice standards' rating rule: a standard from its lowest key question, the
inspection overall from the points of every standard, each against hand-computed cases."""

from __future__ import annotations

import pytest

from question_bank.loader import BankError, validate_bank
from question_bank.model import Bank
from question_bank.scoring import overall_rating, score_theme

BANDS = [
    {"label": "Inadequate", "min": 0, "max": 49},
    {"label": "Requires improvement", "min": 50, "max": 64},
    {"label": "Good", "min": 65, "max": 79},
    {"label": "Outstanding", "min": 80, "max": 100},
]
POINTS = {"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3}


def standards_bank(standards: int = 3) -> Bank:
    """A lowest-key bank of `standards` case-scored standards, three key questions each."""
    themes = [
        {"number": n, "title": f"Standard {n}", "expectation": "Done well", "case_scored": True}
        for n in range(1, standards + 1)
    ]
    questions = [
        {
            "id": f"S{n}-{aim}",
            "theme": n,
            "section": "casework",
            "text": f"Did standard {n} serve aim {aim}?",
            "chart_label": f"{n} {aim}",
            "key": True,
        }
        for n in range(1, standards + 1)
        for aim in ("desistance", "child", "others")
    ]
    top = 3 * standards
    return Bank.model_validate(
        {
            "id": "standards",
            "version": "1",
            "title": "Standards",
            "scoring": {
                "rule": "lowest_key",
                "bands": BANDS,
                "overall": {
                    "points": POINTS,
                    "bands": [
                        {"label": "Inadequate", "min": 0, "max": top // 6},
                        {"label": "Requires improvement", "min": top // 6 + 1, "max": top // 2},
                        {"label": "Good", "min": top // 2 + 1, "max": top - top // 6 - 1},
                        {"label": "Outstanding", "min": top - top // 6, "max": top},
                    ],
                },
            },
            "themes": themes,
            "sections": [{"id": "casework", "title": "Casework"}],
            "questions": questions,
        }
    )


def counts(**shares: tuple[int, int]) -> dict[str, dict[str, int]]:
    """Question id (with _ for -) -> (yes, no) as answer counts."""
    return {
        qid.replace("_", "-"): {"yes": yes, "no": no, "na": 1} for qid, (yes, no) in shares.items()
    }


def test_a_standard_at_81_66_and_90_percent_is_good_set_by_its_66():
    bank = standards_bank(1)
    theme = bank.themes[0]
    score = score_theme(
        bank, theme, counts(S1_desistance=(81, 19), S1_child=(66, 34), S1_others=(90, 10))
    )
    assert (score.numerator, score.denominator, score.percent) == (66, 100, 66)
    assert score.judgement == "Good" and score.deciding == "S1-child"
    # 14 more of the 100 answers to S1-child would make it 80%: Outstanding, were it alone
    assert (score.rise.band, score.rise.answers, score.rise.percent) == ("Outstanding", 14, 80)


def test_a_tie_for_lowest_is_decided_by_the_first_in_the_bank():
    bank = standards_bank(1)
    score = score_theme(
        bank, bank.themes[0], counts(S1_desistance=(3, 1), S1_child=(6, 2), S1_others=(9, 1))
    )
    assert score.percent == 75 and score.deciding == "S1-desistance"


def test_a_key_question_nobody_answered_yes_or_no_cannot_set_the_rating():
    bank = standards_bank(1)
    score = score_theme(bank, bank.themes[0], counts(S1_desistance=(0, 0), S1_child=(7, 3)))
    assert score.deciding == "S1-child" and score.percent == 70
    empty = score_theme(bank, bank.themes[0], counts(S1_desistance=(0, 0)))
    assert empty.percent is None and empty.judgement is None and empty.rise is None


def test_the_top_band_has_nothing_to_rise_to():
    bank = standards_bank(1)
    score = score_theme(bank, bank.themes[0], counts(S1_desistance=(9, 1)))
    assert score.judgement == "Outstanding" and score.rise is None


@pytest.mark.parametrize(
    ("ratings", "total", "label"),
    [
        (["Outstanding"] * 12, 36, "Outstanding"),
        (["Good"] * 12, 24, "Good"),
        (["Good"] * 6 + ["Requires improvement"] * 6, 18, "Requires improvement"),
        (["Inadequate"] * 10 + ["Good"] * 2, 4, "Inadequate"),
        (["Outstanding"] * 10 + ["Good"] * 2, 34, "Outstanding"),
    ],
)
def test_the_overall_rating_sums_points_and_bands_the_total(ratings, total, label):
    bank = standards_bank(12)  # bands here: 0-6, 7-18, 19-29, 30-36
    result = overall_rating(bank, dict(enumerate(ratings, start=1)))
    assert (result.total, result.maximum, result.label, result.missing) == (total, 36, label, ())


def test_the_overall_rating_waits_for_every_standard():
    bank = standards_bank(3)
    result = overall_rating(bank, {1: "Good", 2: None})
    assert result.label is None and result.missing == (2, 3) and result.total == 2


def test_a_bank_without_an_overall_rating_has_none():
    raw = standards_bank(1).model_dump(mode="json", exclude_none=True)
    raw["scoring"].pop("overall")
    assert overall_rating(Bank.model_validate(raw), {1: "Good"}) is None


def test_validation_refuses_a_scored_standard_without_a_key_question_and_bad_overall_bands():
    raw = standards_bank(2).model_dump(mode="json", exclude_none=True)
    raw["questions"] = [q for q in raw["questions"] if q["theme"] != 2]
    raw["scoring"]["overall"]["points"]["Excellent"] = 4
    raw["scoring"]["overall"]["bands"][-1]["max"] = 5
    with pytest.raises(BankError) as caught:
        validate_bank(raw, "standards.yaml")
    found = [str(p) for p in caught.value.problems]
    assert "standards.yaml: theme 2: is case-scored but has no key question" in found
    assert (
        "standards.yaml: scoring.overall.points: 'Excellent' is not a band of "
        "scoring.bands" in found
    )
    assert "standards.yaml: scoring.overall.bands: no band covers 6 to 8" in found
