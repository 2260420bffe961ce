"""The demo inspection: 61 cases, a realistic mix, about half answered, plausible scores."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_tui.cli import app as cli
from db.file.store import InspectionStore
from db.reporting import figures
from db.reporting.demo import build_demo
from question_bank.case import OUT_OF_COURT_DISPOSALS

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = build_demo(tmp_path_factory.mktemp("demo") / "demo.inspection")
    with InspectionStore.open(path, readonly=True) as store:
        yield store


def test_demo_sample_and_progress(demo):
    cases = demo.cases()
    assert len(cases) == 61 and demo.inspection.bank_id == "fji-2014"
    assert len({c.inspector for c in cases}) == 6
    assert any(c.custody for c in cases) and any(not c.custody for c in cases)
    assert Counter(c.gender.value for c in cases)["female"] >= 5
    assert {c.status.value for c in cases} == {"current", "terminated"}
    assert {c.rosh.value for c in cases} >= {"low", "medium", "high"}
    status = Counter(p.status for p in demo.case_progress().values())
    assert 25 <= status["complete"] + status["locked"] <= 36
    assert status["in_progress"] >= 3 and status["not_started"] >= 15 and status["locked"] >= 1
    assert demo.answers(role="second_read")


def test_demo_scores_are_plausible_and_varied(demo):
    scores = figures.theme_scores(demo)
    percents = [t.percent for t in scores]
    assert all(p is not None and 45 <= p <= 90 for p in percents), percents
    assert len(set(percents)) >= 4
    by_inspector = figures.scores_by(demo, "inspector")
    assert len(by_inspector) == 6
    assert len({tuple(t.percent for t in themes) for themes in by_inspector.values()}) == 6


def test_demo_is_the_same_every_time(demo, tmp_path):
    with InspectionStore.open(build_demo(tmp_path / "again.inspection"), readonly=True) as again:
        assert again.answers() == demo.answers()
        assert again.cases() == demo.cases()
        assert again.inspection == demo.inspection


@pytest.fixture(scope="module")
def yjs_demo(tmp_path_factory):
    path = build_demo(tmp_path_factory.mktemp("demo") / "yjs.inspection", bank_id="yjs-2021")
    with InspectionStore.open(path, readonly=True) as store:
        yield store


def test_the_yjs_demo_has_court_and_out_of_court_cases_and_rates_both_domains(yjs_demo):
    cases = yjs_demo.cases()
    assert len(cases) == 61 and yjs_demo.inspection.bank_id == "yjs-2021"
    disposals = Counter(c.disposal.value for c in cases)
    out_of_court = sum(disposals[d] for d in OUT_OF_COURT_DISPOSALS)
    assert 15 <= out_of_court <= 35 and set(OUT_OF_COURT_DISPOSALS) <= set(disposals)
    scores = {s.number: s for s in figures.theme_scores(yjs_demo)}
    assert set(scores) == {21, 22, 23, 24, 31, 32, 33}
    assert all(s.percent is not None and s.deciding for s in scores.values()), scores
    assert len({s.judgement for s in scores.values()}) >= 3
    # the court questions did not apply to the out-of-court cases, and the other way round
    desist = {t.question_id: t for s in scores.values() for t in s.questions if t.key}
    assert desist["S21-DESIST"].did_not_apply == out_of_court
    assert desist["S31-DESIST"].did_not_apply == len(cases) - out_of_court
    status = Counter(p.status for p in yjs_demo.case_progress().values())
    assert status["complete"] + status["locked"] >= 25 and status["not_started"] >= 15


def test_the_yjs_demo_s_inspectors_sometimes_reclassify_through_the_store(yjs_demo):
    classified = [
        a for a in yjs_demo.answers(role="primary") if a.question_id in ("S21-ROSH", "S21-VULN")
    ]
    changed = [a for a in classified if a.value.startswith("should_be_")]
    assert len(classified) >= 60 and 5 <= len(changed) <= len(classified) // 2
    for answer in changed:
        assert answer.note  # a reclassification needs its note
    # whatever level the inspector judged, the court safety questions apply to a court case
    for answer in changed:
        case = yjs_demo.case(answer.case_ref)
        applies = yjs_demo.applicability(case.case_ref)
        assert applies["S21-OTHERS"] is applies["S21-CHILD"] is (not case.out_of_court)


def test_the_yjs_demo_s_lead_has_rated_some_organisational_standards(yjs_demo):
    recorded = yjs_demo.recorded_judgements()
    assert {11, 12, 13} <= set(recorded) and all(recorded[n].recorded_by == "HM" for n in recorded)
    overall = figures.overall(yjs_demo)
    assert overall is not None and overall.maximum == 36
    assert overall.label is None and overall.missing == (14, 34)  # still to be rated by the lead


def test_a_demo_on_a_bank_without_one_is_refused(tmp_path):
    with pytest.raises(LookupError, match="choose one of fji-2014, yjs-2021"):
        build_demo(tmp_path / "x.sqlite", bank_id="sqs-2014")
    assert not list(tmp_path.iterdir())


def test_audit_tui_demo_takes_a_bank(tmp_path, monkeypatch):
    from audit_tui.cli import launch
    from audit_tui.locations import demo_path

    opened: list[Path] = []
    monkeypatch.setattr(
        launch, "run_app", lambda path, inspector=None, passphrase=None: opened.append(path)
    )
    monkeypatch.setenv("AUDIT_TUI_HOME", str(tmp_path))
    result = runner.invoke(cli, ["demo", "--bank", "nope"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("error: there is no demo on bank 'nope'; use --bank with one")
    assert result.output.count("\n") == 1 and opened == []
    path = tmp_path / "standards.sqlite"
    assert launch.quick_launch(["demo", "--bank", "yjs-2021", "--path", str(path)]) == 0
    with InspectionStore.open(path, readonly=True) as store:
        assert store.inspection.bank_id == "yjs-2021"
    assert opened == [path]
    # each bank's demo has its own file in the data folder
    assert demo_path("yjs-2021") != demo_path() and "yjs-2021" in demo_path("yjs-2021").name
