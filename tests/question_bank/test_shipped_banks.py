"""The shipped banks load, cover the reference report's key findings, and apply sensibly."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from question_bank.case import CaseRecord
from question_bank.loader import BANKS_DIR, BankError, load_bank, validate_bank
from question_bank.model import Bank

FINDINGS_MD = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
FIXTURES = Path(__file__).parent / "fixtures"
EVIDENCE = {"case assessment", "interviews", "published data", "observation"}
MODULES = ["interventions", "court_work"]

# Key findings per case-scored theme in the reference report (Lambeth FJI, January 2015).
REPORT_KEY_FINDINGS = {1: 8, 2: 10, 3: 8, 4: 5, 6: 8}

SECTION_ORDER = [
    "psr",
    "court_work",
    "assessment",
    "planning",
    "delivery_review",
    "outcomes",
    "custody_resettlement",
    "transfer",
    "management_oversight",
]

THEME_PREFIX = {1: "RR-", 2: "PP-", 3: "PC-", 4: "SS-", 5: "GP-"}
MODULE_PREFIX = {"interventions": "IN-", "court_work": "CW-"}


@pytest.fixture(scope="module")
def fji() -> Bank:
    """The bank as its file holds it: both sixth themes."""
    return load_bank(BANKS_DIR / "fji-2014.yaml")


@pytest.fixture(scope="module", params=MODULES)
def resolved(request: pytest.FixtureRequest, fji: Bank) -> Bank:
    """The bank an inspection runs, with one sixth theme."""
    return fji.with_module(request.param)


@pytest.fixture(scope="module")
def sqs() -> Bank:
    return load_bank(BANKS_DIR / "sqs-2014.yaml")


@pytest.fixture(scope="module")
def findings_table() -> dict[tuple[int, int], tuple[str, list[str]]]:
    """The findings table: (theme, finding number) -> (evidence source, question ids cited)."""
    rows: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for line in FINDINGS_MD.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) != 5:
            continue
        if not (cells[0].isdigit() and cells[1].isdigit()):
            continue  # header or separator row
        key = (int(cells[0]), int(cells[1]))
        assert key not in rows, f"finding {key} appears twice in findings.md"
        rows[key] = (cells[3], re.findall(r"`([^`]+)`", cells[4]))
    return rows


@pytest.fixture(scope="module")
def findings(
    findings_table: dict[tuple[int, int], tuple[str, list[str]]],
) -> dict[tuple[int, int], list[str]]:
    """The findings table: (theme, finding number) -> question ids cited."""
    return {key: ids for key, (_evidence, ids) in findings_table.items()}


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
    assert fji.id == "fji-2014" and fji.version == "2.1"
    assert sqs.id == "sqs-2014" and sqs.version == "2.1"


@pytest.mark.parametrize("name", ["fji-2014.yaml", "sqs-2014.yaml"])
def test_a_shipped_bank_passes_validation(name: str) -> None:
    raw = yaml.safe_load((BANKS_DIR / name).read_text(encoding="utf-8"))
    assert raw["version"] == "2.1"
    load_bank(BANKS_DIR / name)  # raises BankError listing every problem


def test_fji_size_is_within_the_methodology_range(resolved: Bank) -> None:
    assert 80 <= len(resolved.questions) <= 150


def test_fji_scores_themes_1_to_4_and_6_but_not_5(resolved: Bank) -> None:
    assert [t.number for t in resolved.themes] == [1, 2, 3, 4, 5, 6]
    assert {t.number for t in resolved.scored_themes()} == {1, 2, 3, 4, 6}
    assert resolved.key_questions(5) == []


@pytest.mark.parametrize("theme", [1, 2, 3, 4, 6])
def test_each_scored_theme_has_several_key_questions(resolved: Bank, theme: int) -> None:
    assert 4 <= len(resolved.key_questions(theme)) <= 10


def test_every_scored_theme_declares_measures_each_with_one_key_question(resolved: Bank) -> None:
    for theme in resolved.scored_themes():
        assert theme.measures and 5 <= len(theme.measures) <= 8, theme.number
        keys = resolved.key_questions(theme.number)
        assert sorted(q.measure or "" for q in keys) == sorted(m.id for m in theme.measures)


def test_the_missing_measures_are_there(fji: Bank) -> None:
    def measure(number: int, measure_id: str) -> str:
        (question,) = [q for q in fji.key_questions(number) if q.measure == measure_id]
        return question.text

    assert measure(3, "delivery") == "Was all reasonable action taken to keep the child safe?"
    assert "all reasonable action taken to keep to a minimum" in measure(2, "delivery")
    assert "delivered as the court intended" in measure(4, "requirements")
    # routine reviews count: theme 1's review applies to every case
    assert [q.applies_if for q in fji.key_questions(1) if q.measure == "review"] == [None]


def test_no_question_assumes_a_local_service(fji: Bank) -> None:
    local = re.compile(
        r"SALT|gangs unit|GVRU|management panel|quality assurance (framework|arrangements)"
        r"|YOS health workers",
        re.IGNORECASE,
    )
    found = [
        q.id for q in fji.questions if local.search(" ".join([q.text, q.chart_label, *q.guidance]))
    ]
    assert found == []


def test_bands_give_the_reference_report_judgements(fji: Bank) -> None:
    pairs = {
        58: "Unsatisfactory",
        56: "Unsatisfactory",
        62: "Unsatisfactory",
        63: "Unsatisfactory",
        82: "Good",
    }
    assert {p: fji.scoring.judgement(p) for p in pairs} == pairs
    # only the 65 edge has a (secondary) source: every judgement is labelled provisional
    assert fji.scoring.bands_provisional


def test_sections_and_questions_follow_interview_order(fji: Bank, resolved: Bank) -> None:
    assert [s.id for s in fji.sections] == SECTION_ORDER
    walk = [(q.theme, SECTION_ORDER.index(q.section)) for q in resolved.questions]
    assert walk == sorted(walk), "questions must go theme by theme, section by section"


def test_question_ids_carry_their_theme_prefix(fji: Bank) -> None:
    wrong = [
        q.id
        for q in fji.questions
        if not q.id.startswith(MODULE_PREFIX[q.module] if q.module else THEME_PREFIX[q.theme])
    ]
    assert wrong == []


def test_key_questions_require_a_note_for_no(fji: Bank) -> None:
    missing = [
        (q.id, o.value)
        for q in fji.questions
        if q.key
        for o in fji.scale_of(q).options
        if o.counts_as == "no" and o.value not in q.note_required_for
    ]
    assert missing == []


def test_every_question_has_guidance(fji: Bank) -> None:
    assert [q.id for q in fji.questions if not 1 <= len(q.guidance) <= 3] == []


def test_the_classifications_are_asked_first_and_drive_what_follows(fji: Bank) -> None:
    classifying = {q.classifies: q for q in fji.questions if q.classifies}
    assert {field: q.id for field, q in classifying.items()} == {
        "rosh": "PP-CLASS-01",
        "vulnerability": "PC-CLASS-01",
        "victim_identified": "PP-CLASS-02",
    }
    assert [q.id for q in fji.questions if q.classifies and q.key] == ["PP-CLASS-01", "PC-CLASS-01"]
    order = [q.id for q in fji.questions]
    for number in {q.theme for q in classifying.values()}:
        # first in the theme's assessment section, the key classification before the other
        ours = [q.id for q in fji.questions if q.theme == number and q.classifies]
        assessment = [q for q in fji.questions if q.theme == number and q.section == "assessment"]
        assert [q.id for q in assessment[: len(ours)]] == ours
        assert assessment[0].key
    for field, question in classifying.items():
        assert question.section == "assessment" and question.applies_if is None
        earlier = {
            q.id
            for q in fji.questions
            if q.applies_if is not None
            and field in json.dumps(q.applies_if.model_dump(mode="json", exclude_none=True))
            and order.index(q.id) < order.index(question.id)
        }
        # theme 1's two victim questions come before theme 2's victim check (a known caveat,
        # stated in the bank's header); no other question depends on a classification that
        # is asked after it
        assert earlier == ({"RR-VICT-01", "RR-VICT-03"} if field == "victim_identified" else set())


def test_the_court_work_module_resolves_and_validates(fji: Bank) -> None:
    court = fji.with_module("court_work")
    assert court.module == "court_work" and court.modules is None
    sixth = court.theme_by_number[6]
    assert sixth.title == "Court work and reports" and sixth.module == "court_work"
    assert {q.id[:3] for q in court.theme_questions(6)} == {"CW-"}
    assert any(q.section == "psr" and q.key for q in court.theme_questions(6))
    assert fji.with_module(None).module == "interventions"
    assert fji.with_module(None).theme_by_number[6].title == "Interventions to reduce reoffending"


def test_a_resolved_bank_survives_being_stored(resolved: Bank) -> None:
    # a file stores the bank resolved to its module, as JSON, and validates it on opening
    stored = validate_bank(json.loads(resolved.canonical_json()))
    assert stored.content_hash == resolved.content_hash


def test_the_1_0_ids_kept_still_ask_the_same_question(fji: Bank) -> None:
    old = json.loads((FIXTURES / "fji-2014-v1.0.json").read_text(encoding="utf-8"))
    old_questions = {q["id"]: q for q in old["questions"]}
    kept = set(old_questions) & set(fji.question_by_id)
    assert len(kept) >= 60
    changed = [qid for qid in sorted(kept) if fji.question(qid).text != old_questions[qid]["text"]]
    assert changed == []
    moved = [
        qid
        for qid in sorted(kept)
        if (fji.question(qid).theme, fji.question(qid).section)
        != (old_questions[qid]["theme"], old_questions[qid]["section"])
    ]
    assert moved == []


def test_the_data_summary_charts_the_banks_choice(fji: Bank) -> None:
    # the report charts some key questions of themes 1 to 4 and none of the sixth theme
    for question in fji.questions:
        if question.key:
            assert question.chart is not None, f"{question.id} says whether it is charted"
    for number in (1, 2, 3, 4):
        assert [q for q in fji.key_questions(number) if q.charted], number
    assert [q.id for q in fji.questions if q.theme == 6 and q.charted] == []


def test_the_bank_states_its_sources_and_what_is_provisional(fji: Bank, sqs: Bank) -> None:
    assert fji.sources and any(s.startswith("[S1]") for s in fji.sources)
    assert any("UNSOURCED" in s for s in fji.sources)
    assert "PROVISIONAL" in fji.description
    assert fji.case_window and "12 months" in fji.case_window
    assert sqs.sources and any(s.startswith("[S5]") for s in sqs.sources)


def test_findings_cover_every_key_finding_of_the_report(
    findings: dict[tuple[int, int], list[str]],
) -> None:
    for theme, count in REPORT_KEY_FINDINGS.items():
        listed = sorted(n for t, n in findings if t == theme)
        assert listed == list(range(1, count + 1)), f"theme {theme} findings in findings.md"
    assert {t for t, _ in findings} == set(REPORT_KEY_FINDINGS)


def test_every_finding_names_its_evidence_source(
    findings_table: dict[tuple[int, int], tuple[str, list[str]]],
) -> None:
    assert {key: e for key, (e, _ids) in findings_table.items() if e not in EVIDENCE} == {}


def test_every_case_assessment_finding_has_a_question(
    findings_table: dict[tuple[int, int], tuple[str, list[str]]],
) -> None:
    bare = [k for k, (e, ids) in findings_table.items() if e == "case assessment" and not ids]
    assert bare == []


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


def test_sqs_screens_the_start_of_the_sentence_in_themes_1_to_4(fji: Bank, sqs: Bank) -> None:
    assert [t.number for t in sqs.themes] == [1, 2, 3, 4]
    assert sqs.case_window and "six weeks to three months" in sqs.case_window
    start = {"court_report", "classification", "assessment", "planning"}
    for theme in sqs.themes:
        assert theme.case_scored and theme.measures
        measures = [m.id for m in theme.measures]
        base = [m.id for m in fji.theme_by_number[theme.number].measures or []]
        assert set(measures) < set(base), f"theme {theme.number} covers some measures only"
        if theme.number in (1, 2, 3):
            assert set(measures) == start & set(base)
        # each measure it covers keeps the full inspection's one key question
        assert {q.id for q in sqs.key_questions(theme.number)} == {
            q.id for q in fji.key_questions(theme.number) if q.measure in measures
        }
    # nothing reviewed, achieved or handed on later in the order; in delivery, only theme 4's
    # start of the order (barriers met, early non-compliance, the order understood)
    late = {"delivery_review", "outcomes", "custody_resettlement", "transfer"}
    late_questions = {q.id for q in sqs.questions if q.section in late | {"management_oversight"}}
    assert late_questions == {"SS-DELIV-01", "SS-DELIV-13", "SS-DELIV-17"}


def _subset(tmp_path: Path, body: dict[str, object]) -> Path:
    """A subset bank of the measured fixture, beside a copy of it."""
    (tmp_path / "measured.yaml").write_text((FIXTURES / "measured.yaml").read_text())
    raw = {"id": "part", "version": "1", "title": "Part of measured", "base": "measured", **body}
    path = tmp_path / "part.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_a_subset_lists_the_measures_it_covers(tmp_path: Path) -> None:
    path = _subset(tmp_path, {"measures": {2: ["classification"]}, "questions": ["PP-1"]})
    part = load_bank(path)
    assert [m.id for m in part.theme_by_number[2].measures or []] == ["classification"]
    assert part.case_window is None and part.modules is None


def test_a_subset_without_a_measure_key_question_is_refused(tmp_path: Path) -> None:
    path = _subset(
        tmp_path, {"measures": {2: ["classification", "planning"]}, "questions": ["PP-1"]}
    )
    with pytest.raises(BankError, match="measure 'planning' is scored by no key question"):
        load_bank(path)
    # without `measures:` the base's measures stand whole, so the missing one is refused too
    with pytest.raises(BankError, match="measure 'planning' is scored by no key question"):
        load_bank(_subset(tmp_path, {"questions": ["PP-1"]}))


def test_a_subset_names_only_measures_of_its_base(tmp_path: Path) -> None:
    path = _subset(tmp_path, {"measures": {2: ["reviews"], 4: ["x"]}, "questions": ["PP-1"]})
    with pytest.raises(BankError) as caught:
        load_bank(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("measure 'reviews' is not a measure of the base bank's theme" in m for m in messages)
    assert any("measures of theme 4" in m for m in messages)


def test_a_subset_of_a_module_theme_keeps_that_module(tmp_path: Path) -> None:
    part = load_bank(_subset(tmp_path, {"measures": {6: ["psr"]}, "questions": ["CW-1"]}))
    assert [(t.number, t.module) for t in part.themes] == [(6, "court")]
    assert part.modules == {"court": "Court work"}


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
        "PP-PLAN-07",
        "PP-PLAN-02",
        "PC-PLAN-05",
        "RR-VICT-01",
        "PC-ASSESS-07",
        "PC-DELIV-04",
    ):
        assert qid not in applicable
    # Whether the MAPPA level was right is asked of every case (2.1): the service's record
    # cannot take out the question that finds a child it failed to refer; N/A is the answer
    # for a child who met no MAPPA criterion.
    assert "PP-ASSESS-07" in applicable
    assert fji.question("PP-ASSESS-07").guidance[0].startswith("Answer N/A only when")
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
