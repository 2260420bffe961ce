"""`audit-tui bank`: list, show --json, validate with one line per problem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from audit_tui.cli import app

FIXTURES = Path(__file__).parents[1] / "question_bank" / "fixtures"
runner = CliRunner()


def test_bank_list_names_both_shipped_banks():
    result = runner.invoke(app, ["bank", "list", "--json"])
    assert result.exit_code == 0, result.output
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert {"fji-2014", "sqs-2014"} <= ids


def test_bank_list_counts_themes_once_in_the_bank_s_own_words():
    """fji-2014's sixth theme is one theme in two modules; yjs-2021 has standards."""
    lines = runner.invoke(app, ["bank", "list"]).stdout.splitlines()
    shown = {line.split()[0]: line for line in lines}
    assert "6 themes (2 modules)" in shown["fji-2014"]
    assert "13 standards" in shown["yjs-2021"]


def test_bank_show_json_has_every_theme_and_question():
    result = runner.invoke(app, ["bank", "show", "fji-2014", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["id"] == "fji-2014" and len(shown["hash"]) == 64
    assert shown["scoring_rule"] == "pooled_key"
    assert [t["number"] for t in shown["themes"]] == [1, 2, 3, 4, 5, 6]
    question = shown["themes"][0]["questions"][0]
    assert {"id", "section", "text", "key", "chart_label", "scale", "condition"} <= set(question)
    assert question["scale"] == ["yes", "no", "na"]


def test_bank_show_text_marks_key_questions():
    result = runner.invoke(app, ["bank", "show", str(FIXTURES / "tiny.yaml")])
    assert result.exit_code == 0, result.output
    assert "* Q1" in result.stdout and "[if custody]" in result.stdout


def test_bank_show_unknown_id_is_one_sentence():
    result = runner.invoke(app, ["bank", "show", "fji-1999"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: there is no bank 'fji-1999'")
    assert "Traceback" not in result.output


def test_validate_passes_on_shipped_banks():
    for bank_id in ("fji-2014", "sqs-2014"):
        path = Path(__file__).parents[2] / "question_bank" / "banks" / f"{bank_id}.yaml"
        result = runner.invoke(app, ["bank", "validate", str(path)])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"ok: {bank_id}.yaml is bank {bank_id}")


def test_validate_fails_with_one_line_per_problem(tmp_path):
    broken = tmp_path / "broken-many.yaml"
    shutil.copy(FIXTURES / "broken-many.yaml", broken)
    before = broken.read_bytes()
    result = runner.invoke(app, ["bank", "validate", str(broken)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 8
    assert all(line.startswith("error: broken-many.yaml: ") for line in lines)
    assert "Traceback" not in result.output
    assert broken.read_bytes() == before


def test_validate_missing_file(tmp_path):
    result = runner.invoke(app, ["bank", "validate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert "there is no file at" in result.stderr
