"""The small bank and an inspection of three cases to test the store against (tests/factories.py
makes them), independent of the shipped banks."""

from __future__ import annotations

import pytest
from factories import FixedClock, make_case, make_inspection, small_bank, three_cases

from question_bank.model import Bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    """Seven questions over two case-scored themes and one that is not; three conditions."""
    return small_bank()


@pytest.fixture(name="make_case")
def make_case_fixture():
    return make_case


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "lambeth.inspection"


@pytest.fixture
def store(store_path, bank):
    """An inspection with three cases: community low RoSH, custodial high RoSH, a girl."""
    s = make_inspection(store_path, bank, three_cases())
    yield s
    s.close()
