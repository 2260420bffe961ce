"""`audit-tui summary`: per key question yes, no and N/A, whole, by group and filtered."""

from __future__ import annotations

import json


def questions(theme: dict) -> dict[str, tuple[int, int, int]]:
    return {q["id"]: (q["yes"], q["no"], q["na"]) for q in theme["questions"]}


def test_summary_json_per_key_question(cli, inspection):
    result = cli("summary", inspection, "--json")
    assert result.exit_code == 0, result.output
    themes = {t["number"]: t for t in json.loads(result.stdout)}
    assert sorted(themes) == [1, 2, 5], "every theme of the bank, scored or not"
    assert questions(themes[1]) == {"A1": (2, 0, 1), "A2": (0, 1, 0), "A3": (1, 0, 0)}
    assert "A4" not in questions(themes[1]), "only key questions are charted"
    assert themes[1]["questions"][0] == {
        "id": "A1", "chart_label": "Assessment", "yes": 2, "no": 0, "na": 1,
        "did_not_apply": 0, "charted": True, "phrase": "all", "not_done_phrase": "none",
        "share": 100,
    }  # fmt: skip
    assert themes[5]["questions"] == [] and themes[5]["case_scored"] is False


def test_summary_text_names_each_question(cli, inspection):
    result = cli("summary", inspection, "--theme", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Theme 1: Reducing reoffending"
    assert lines[1].split() == ["id", "chart", "label", "yes", "no", "n/a", "did", "not", "apply",
                                "yes%"]  # fmt: skip
    assert lines[2].split() == ["A1", "Assessment", "2", "0", "1", "0", "100%"]
    assert lines[3].strip() == "done well in all cases"
    assert lines[4].split() == ["A2", "Planning", "0", "1", "0", "0", "0%"]
    assert lines[5].strip() == "not done well in any case"
    assert "indicative judgement: Good (provisional), 75%, three-quarters" in result.stdout
    assert "Theme 2" not in result.stdout
    assert "note: 3 of 3 cases are not complete yet" in result.stderr


def test_summary_by_group_adds_up_and_warns_of_small_groups(cli, inspection):
    result = cli("summary", inspection, "--by", "gender", "--json")
    assert result.exit_code == 0, result.output
    groups = {g["group"]: g for g in json.loads(result.stdout)}
    assert {g: groups[g]["cases"] for g in groups} == {"female": 1, "male": 2}
    assert groups["female"]["warning"] == "female: only 1 case: too few to say much"
    whole = {t["number"]: t for t in json.loads(cli("summary", inspection, "--json").stdout)}
    for number, theme in whole.items():
        for qid, (yes, no, na) in questions(theme).items():
            parts = [questions(next(t for t in g["themes"] if t["number"] == number))[qid]
                     for g in groups.values()]  # fmt: skip
            assert tuple(map(sum, zip(*parts, strict=True))) == (yes, no, na)
    text = cli("summary", inspection, "--by", "custody", "--theme", "1").stdout
    assert "custody (1 case): too few to say much" in text
    assert "community (2 cases): too few to say much" in text


def test_where_filters_summary_and_scores_alike(cli, inspection):
    summary = json.loads(cli("summary", inspection, "--where", "gender=male", "--json").stdout)
    assert questions(summary[0]) == {"A1": (2, 0, 0), "A2": (0, 1, 0), "A3": (1, 0, 0)}
    scores = json.loads(cli("scores", inspection, "--where", "gender=male", "--json").stdout)
    assert (scores[0]["yes"], scores[0]["no"], scores[0]["score"]) == (3, 1, 75)
    both = cli("scores", inspection, "--where", "custody=no", "--where", "rosh=medium", "--json")
    assert json.loads(both.stdout)[1]["yes"] == 1  # C003's R1


def test_summary_mistakes_are_one_sentence(cli, inspection):
    cases = [
        (("--theme", "7"), "bank small has no theme 7; its themes are 1, 2, 5"),
        (("--by", "age"), "--by 'age' is not a field to group by"),
        (("--where", "gender"), "--where 'gender' is not FIELD=VALUE"),
        (("--where", "rosh=severe"), "rosh is one of low, medium, high, very_high"),
        (("--where", "custody=maybe"), "custody is yes or no"),
        (("--where", "inspector=ZZ"), "no case of"),
    ]
    for options, says in cases:
        result = cli("summary", inspection, *options)
        assert result.exit_code == 1, options
        assert says in result.stderr and "Traceback" not in result.output, result.stderr
