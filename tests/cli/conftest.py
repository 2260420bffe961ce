"""An inspection file made through the CLI, with the small test bank, cases and answers."""

from __future__ import annotations

import pytest
from factories import CASES_CSV, SMALL_BANK_FILE
from typer.testing import CliRunner

from audit_tui.cli import app

ANSWERS_CSV = (
    "case_ref,question_id,answer,note,inspector,role\n"
    "C001,A1,yes,,,\n"
    'C001,A2,no,"Plan ignored ETE,\nand the school",JS,primary\n'
    "C002,A1,yes,,KM,\n"
    "C002,A3,yes,,KM,\n"
    "C002,R1,no,,KM,\n"
    "C002,A1,no,Disagree: assessment thin,JS,second_read\n"
    "C003,A1,na,,,\n"
    "C003,R1,yes,,,\n"
)


def invoke(*args: object):
    """Run the CLI in-process with stdout and stderr kept apart."""
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def cli():
    return invoke


@pytest.fixture
def csv_files(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES_CSV, encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text(ANSWERS_CSV, encoding="utf-8")
    return cases, answers


@pytest.fixture
def inspection(tmp_path, csv_files):
    """A file made with `new`, `cases import` and `answers import`."""
    path = tmp_path / "lambeth.inspection"
    cases, answers = csv_files
    for args in (
        ("new", path, "--area", "Lambeth", "--bank", SMALL_BANK_FILE, "--lead", "ab"),
        ("cases", "import", path, cases),
        ("answers", "import", path, answers),
    ):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def small_bank_file():
    return SMALL_BANK_FILE
