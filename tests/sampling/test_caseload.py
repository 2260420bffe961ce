"""Reading a caseload extract (the columns of `cases import` but the inspector; end_date and the
flags may be left out), and which of its cases are eligible for the sample."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from factories import SMALL_BANK_FILE, make_case

from db.errors import InvalidRows, StoreError
from db.sampling.caseload import CASELOAD_REQUIRED, read_caseload
from db.sampling.eligibility import STATUTORY, Eligibility, bank_disposals, months_before
from question_bank.case import Disposal
from question_bank.loader import load_shipped, validate_bank

HEADER = (
    "case_ref,case_manager_role,age,gender,ethnicity,disposal,status,start_date,rosh,"
    "vulnerability\n"
)


def test_a_caseload_without_the_optional_columns_reads(tmp_path):
    path = tmp_path / "caseload.csv"
    path.write_text(
        HEADER
        + "K1,YOS officer,15,F,black_caribbean,DTO,open,01/06/2014,high,very high\n"
        + "K2,social_worker,17,male,white_british,referral order,closed,2014-08-01,low,low\n",
        encoding="utf-8",
    )
    first, second = read_caseload(path)
    assert (first.case_ref, first.disposal, first.status, first.gender) == (
        "K1",
        "dto",
        "current",
        "female",
    )
    assert first.end_date is None and not first.looked_after
    assert second.start_date == date(2014, 8, 1)
    assert CASELOAD_REQUIRED == (
        "case_ref",
        "case_manager_role",
        "age",
        "gender",
        "ethnicity",
        "disposal",
        "status",
        "start_date",
        "rosh",
        "vulnerability",
    )


def test_every_bad_row_is_reported_by_line_and_column(tmp_path):
    path = tmp_path / "caseload.csv"
    path.write_text(
        HEADER
        + "K1,YOS officer,15,female,white_british,yro,current,2014-06-01,low,low\n"
        + "K2,YOS officer,21,female,white_british,borstal,current,2014-06-01,low,low\n"
        + "K1,YOS officer,15,female,white_british,yro,current,2014-13-01,low,lowish\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidRows) as caught:
        read_caseload(path)
    assert [str(p) for p in caught.value.problems] == [
        "line 3, column age: '21' is not an age from 10 to 18",
        "line 3, column disposal: 'borstal' is not one of referral_order, reparation_order, "
        "yro, yro_iss, dto, s91, youth_conditional_caution, youth_caution, community_resolution",
        "line 4, column case_ref: K1 is already on line 2",
        "line 4, column start_date: '2014-13-01' is not a date; write it as YYYY-MM-DD",
        "line 4, column vulnerability: 'lowish' is not one of low, medium, high, very_high",
    ]
    assert str(caught.value) == (
        "2 rows of caseload.csv are wrong, so no sample was drawn and nothing was written; "
        "correct them and draw again"
    )


def test_a_caseload_naming_the_inspector_or_missing_a_column_is_refused(tmp_path):
    path = tmp_path / "caseload.csv"
    path.write_text("inspector," + HEADER + "JS," + "K1,yos,15,male,white_british,yro,"
                    "current,2014-06-01,low,low\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(StoreError, match="has unknown column 'inspector'"):
        read_caseload(path)
    path.write_text("case_ref,disposal\nK1,yro\n", encoding="utf-8")
    with pytest.raises(StoreError, match="misses column case_manager_role, age, gender"):
        read_caseload(path)


def test_the_window_counts_back_whole_months_from_fieldwork():
    rule = Eligibility(date(2015, 3, 16), 12, STATUTORY)
    assert rule.earliest == date(2014, 3, 16)
    assert months_before(date(2015, 3, 31), 1) == date(2015, 2, 28)
    assert months_before(date(2016, 3, 31), 1) == date(2016, 2, 29)
    cases = [
        make_case("IN1", start_date="2014-03-16"),
        make_case("OUT1", start_date="2014-03-15"),
        make_case("IN2", start_date="2015-03-15"),
        make_case("OUT2", start_date="2015-03-16"),
        make_case("OUT3", start_date="2015-01-01", disposal="community_resolution"),
        make_case("IN3", start_date="2015-01-01", disposal="youth_conditional_caution"),
    ]
    sifted = rule.sift(cases)
    assert [c.case_ref for c in sifted.eligible] == ["IN1", "IN2", "IN3"]
    assert sifted.left_out == {
        "started before 2014-03-16": 1,
        "starts on or after fieldwork (2015-03-16)": 1,
        "community resolution (not statutory)": 1,
    }
    assert sifted.caseload == 6


def test_the_bank_s_scope_is_the_statutory_disposals_its_key_questions_can_apply_to():
    assert bank_disposals(load_shipped("fji-2014")) == STATUTORY
    assert Disposal.community_resolution not in STATUTORY
    # a bank whose every key question is for custody: only DTO and s.91 cases are in scope
    raw = yaml.safe_load(SMALL_BANK_FILE.read_text(encoding="utf-8"))
    custody = {"field": "custody", "equals": True}
    for question in raw["questions"]:
        if question.get("key"):
            old = question.get("applies_if")
            question["applies_if"] = {"all": [custody, old]} if old else custody
    assert bank_disposals(validate_bank(raw, "custody-only")) == (Disposal.dto, Disposal.s91)
