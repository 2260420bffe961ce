"""Reading the case sample and answers from CSV: every bad row reported, nothing half-read."""

from __future__ import annotations

import pytest

from db.errors import InvalidRows, StoreError
from db.file.csv_import import CASE_COLUMNS, read_answer_rows, read_cases

HEADER = ",".join(CASE_COLUMNS) + "\n"
GOOD = "C001,JS,YOS officer,15,male,white_british,referral order,current,2014-07-01,,low,medium,"


def write(tmp_path, text, name="cases.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(tmp_path, text, taken=None):
    with pytest.raises(InvalidRows) as refused:
        read_cases(write(tmp_path, text), taken)
    return [str(p) for p in refused.value.problems]


def test_good_rows_with_forgiving_spellings(tmp_path):
    text = (
        HEADER
        + GOOD
        + "no,no,no,no,yes,no\n"
        + (
            "C002,km,Seconded probation officer,17,F,black_african,YRO with ISS,Closed,"
            "01/06/2014,2014-12-01,Very High,high,Y,1,TRUE,0,,n\n"
            "\n"  # blank lines are skipped
        )
    )
    first, second = read_cases(write(tmp_path, text, encoding="utf-8-sig"))
    assert first.case_ref == "C001" and not first.looked_after and first.victim_identified
    assert second.inspector == "KM" and second.case_manager_role.value == "seconded_probation"
    assert second.gender.value == "female" and second.disposal.value == "yro_iss"
    assert second.status.value == "terminated" and second.rosh.value == "very_high"
    assert str(second.start_date) == "2014-06-01"
    assert (second.looked_after, second.child_protection_plan, second.mappa) == (True, True, True)
    assert (second.transferred, second.victim_identified, second.psr_prepared) == (
        False,
        False,
        False,
    )


def test_every_bad_row_and_column_is_reported(tmp_path):
    text = HEADER + (
        "C009,J5,boss,9,x,white,prison,open,2014-13-01,,medium,low,maybe,no,no,no,yes,no\n"
        + GOOD
        + "no,no,no,no,yes,no\n"
        + "C001,JS,other,15,male,white_british,yro,current,2014-07-01,2014-01-01,low,low,"
        "no,no,no,no,no,no\n"
        + ",JS,other,15,male,white_british,yro,current,,,,low,no,no,no,no,no,no,extra\n"
    )
    assert problems(tmp_path, text) == [
        "line 2, column inspector: 'J5' is not an inspector's initials; use letters only, e.g. JS",
        "line 2, column case_manager_role: 'boss' is not one of yos_officer, social_worker, "
        "seconded_probation, seconded_police, other",
        "line 2, column age: '9' is not an age from 10 to 18",
        "line 2, column gender: 'x' is not one of female, male",
        "line 2, column ethnicity: 'white' is not one of "
        + ", ".join(
            [
                "white_british",
                "white_irish",
                "white_gypsy_traveller",
                "white_other",
                "mixed_white_black_caribbean",
                "mixed_white_black_african",
                "mixed_white_asian",
                "mixed_other",
                "asian_indian",
                "asian_pakistani",
                "asian_bangladeshi",
                "asian_chinese",
                "asian_other",
                "black_african",
                "black_caribbean",
                "black_other",
                "other_arab",
                "other_any",
                "not_stated",
            ]
        ),
        "line 2, column disposal: 'prison' is not one of referral_order, reparation_order, "
        "yro, yro_iss, dto, s91, youth_conditional_caution, youth_caution, community_resolution",
        "line 2, column start_date: '2014-13-01' is not a date; write it as YYYY-MM-DD",
        "line 2, column looked_after: 'maybe' is not yes or no (yes/no, true/false, y/n, 1/0)",
        "line 4, column case_ref: C001 is already on line 3",
        "line 4, column end_date: 2014-01-01 is before the start date 2014-07-01",
        "line 5, column -: has 19 cells, the header has 18",
        "line 5, column case_ref: is empty; every case needs a reference such as C017",
        "line 5, column start_date: is empty; write the date the order started as YYYY-MM-DD",
        "line 5, column rosh: is empty; use low, medium, high, very_high",
    ]


def test_line_numbers_follow_multiline_cells_and_taken_refs(tmp_path):
    text = HEADER + (
        'C001,JS,"other",15,male,white_british,yro,current,2014-07-01,,low,low,no,no,no,no,no,no\n'
        'C002,JS,"YOS\nboss",15,male,white_british,yro,current,2014-07-01,,low,low,'
        "no,no,no,no,no,no\n"
        "C003,JS,other,15,male,white_british,yro,current,2014-07-01,,low,lowish,no,no,no,no,no,no\n"
    )
    assert problems(tmp_path, text, taken={"C001"}) == [
        "line 2, column case_ref: case C001 is already in the inspection",
        "line 3, column case_manager_role: 'YOS\\nboss' is not one of yos_officer, "
        "social_worker, seconded_probation, seconded_police, other",
        "line 5, column vulnerability: 'lowish' is not one of low, medium, high, very_high",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty; it needs a header row"),
        (HEADER, "has a header but no cases"),
        ("case_ref,inspector\nC001,JS\n", "misses column case_manager_role"),
        (HEADER.replace("mappa", "mapa"), "has unknown column 'mapa'"),
    ],
)
def test_bad_headers_and_empty_files(tmp_path, text, message):
    with pytest.raises(StoreError, match=message):
        read_cases(write(tmp_path, text))


def test_not_utf8_and_missing_file(tmp_path):
    with pytest.raises(StoreError, match="is not UTF-8 text"):
        read_cases(write(tmp_path, HEADER + "C001,JS,\xe9\n", encoding="latin-1"))
    with pytest.raises(StoreError, match="there is no file at"):
        read_cases(tmp_path / "nope.csv")


def test_answer_rows_need_the_three_columns(tmp_path):
    rows = read_answer_rows(write(tmp_path, "question_id,case_ref,answer\nA1,C001,yes\n"))
    assert rows == [{"question_id": "A1", "case_ref": "C001", "answer": "yes", "line": 2}]
    with pytest.raises(StoreError, match="misses column answer"):
        read_answer_rows(write(tmp_path, "case_ref,question_id\nC001,A1\n"))
