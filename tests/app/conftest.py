"""A small inspection to drive the interface with: its own bank, so the tests read by themselves.

The bank has two case-scored themes and one that is not, guidance prompts, a question that
needs a note for "no", one that applies only to custody and one only at medium RoSH or above.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any

import pytest
from factories import FixedClock as FixedClock  # the app tests import it from here
from factories import make_case, make_inspection

from audit_tui.app import AuditApp, make_app
from db.file.store import InspectionStore
from question_bank.loader import validate_bank
from question_bank.model import Bank

INTERVIEW_BANK: dict[str, Any] = {
    "id": "interview-test",
    "version": "1",
    "title": "A small bank for interface tests",
    "scoring": {
        "rule": "pooled_key",
        "bands": [
            {"label": "Poor", "min": 0, "max": 49},
            {"label": "Unsatisfactory", "min": 50, "max": 64},
            {"label": "Satisfactory", "min": 65, "max": 74},
            {"label": "Good", "min": 75, "max": 100},
        ],
    },
    "themes": [
        {
            "number": 1,
            "title": "Reducing reoffending",
            "expectation": "Good work",
            "case_scored": True,
        },
        {
            "number": 2,
            "title": "Protecting the public",
            "expectation": "Risk managed",
            "case_scored": True,
        },
        {
            "number": 5,
            "title": "Governance",
            "expectation": "Good governance",
            "case_scored": False,
        },
    ],
    "sections": [
        {"id": "assessment", "title": "Assessment"},
        {"id": "planning", "title": "Planning"},
        {"id": "custody", "title": "Custody and resettlement"},
    ],
    "questions": [
        {
            "id": "A1",
            "theme": 1,
            "section": "assessment",
            "key": True,
            "text": "Was there a sufficient assessment of the likelihood of reoffending?",
            "guidance": [
                "Look for: an assessment within 20 working days.",
                "Ask: what did the assessment leave out?",
            ],
            "chart_label": "Assessment",
        },
        {
            "id": "A4",
            "theme": 1,
            "section": "assessment",
            "text": "Were parents or carers involved in the assessment?",
            "chart_label": "Parents",
        },
        {
            "id": "A2",
            "theme": 1,
            "section": "planning",
            "key": True,
            "text": "Did planning address the assessed factors and sequence interventions?",
            "chart_label": "Planning",
            "note_required_for": ["no"],
        },
        {
            "id": "A3",
            "theme": 1,
            "section": "custody",
            "key": True,
            "text": "Was resettlement planned before release?",
            "chart_label": "Resettlement",
            "applies_if": {"field": "custody", "equals": True},
        },
        {
            "id": "R2",
            "theme": 2,
            "section": "assessment",
            "key": True,
            "text": "Was the RoSH classification correct?",
            "chart_label": "RoSH correct",
        },
        {
            "id": "R1",
            "theme": 2,
            "section": "planning",
            "key": True,
            "text": "Was there a risk management plan with contingencies?",
            "chart_label": "Risk plan",
            "applies_if": {"field": "rosh", "in": ["medium", "high", "very_high"]},
        },
        {
            "id": "G1",
            "theme": 5,
            "section": "assessment",
            "text": "Was the management board told of the case's outcome?",
            "chart_label": "Board",
        },
    ],
}

# In interview order: theme 1 (assessment A1 A4, planning A2, custody A3), theme 2 (R2, R1), 5 (G1).
ORDER = ["A1", "A4", "A2", "A3", "R2", "R1", "G1"]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Textual's pilot is async; no plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(scope="session")
def bank() -> Bank:
    return validate_bank(INTERVIEW_BANK, "interview-test")


def build_inspection(path: Path, bank: Bank) -> Path:
    """Six cases, three of them AB's (the lead); KM's C01 complete and C04 in progress."""
    store = make_inspection(
        path,
        bank,
        [
            make_case("C01", inspector="KM", disposal="dto", rosh="high"),
            make_case("C02", inspector="AB"),
            make_case("C03", inspector="AB", disposal="dto", rosh="high", gender="female"),
            make_case(
                "C04", inspector="KM", status="terminated", end_date="2015-01-10", rosh="medium"
            ),
            make_case("C05", inspector="JD", disposal="yro", rosh="medium"),
            make_case("C06", inspector="AB", status="terminated", end_date="2015-02-01"),
        ],
        inspection_id="0" * 32,
    )
    try:
        for qid, value in [("A1", "yes"), ("A4", "no"), ("R2", "yes"), ("R1", "yes")]:
            store.record_answer("C04", qid, value, inspector="KM")
        for qid, value in [
            ("A1", "no"),
            ("A4", "yes"),
            ("A2", "yes"),
            ("A3", "yes"),
            ("R2", "no"),
            ("R1", "yes"),
            ("G1", "na"),
        ]:
            store.record_answer("C01", qid, value, inspector="KM")
        store.complete_case("C01", inspector="KM")
    finally:
        store.close()
    return path


@pytest.fixture
def inspection(tmp_path, bank) -> Path:
    return build_inspection(tmp_path / "lambeth.sqlite", bank)


@pytest.fixture
def app_for(inspection):
    """make_app on the test inspection (the factory the CLI uses)."""

    def build(**kwargs: Any) -> AuditApp:
        kwargs.setdefault("remember", False)
        return make_app(inspection, **kwargs)

    return build


async def settle(app: AuditApp, pilot: Any) -> None:
    """Wait until every queued store call has run and its reply has been handled."""
    for _ in range(50):
        await pilot.pause()
        writer = app.writer
        if writer is None:
            continue
        await asyncio.to_thread(writer.wait_idle)
        await pilot.pause()
        if writer.pending == 0:
            return


async def press_settled(app: AuditApp, pilot: Any, *keys: str) -> None:
    """Press each key in turn, waiting after each until the store calls it made are handled."""
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


# The snapshot tests' two terminals: the smallest the app must work at, and a roomy one.
at_snapshot_sizes = pytest.mark.parametrize(
    "size", [(80, 24), (120, 40)], ids=lambda size: f"{size[0]}x{size[1]}"
)


def read_answers(path: Path, case_ref: str) -> dict[str, tuple[str, str | None]]:
    """The answers of a case as a fresh store reads them from the file."""
    with InspectionStore.open(path, readonly=True) as store:
        return {a.question_id: (a.value, a.note) for a in store.answers(case_ref, "primary")}


def screen_text(app: AuditApp) -> str:
    """What the terminal shows, as plain text (the screen and any dialog over it)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
