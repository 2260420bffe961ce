"""Every figure the dashboard shows for the demo inspections is the one the CLI prints.

The dashboard is read off the screen (each theme's row, then each theme's chart in turn) and
compared with `audit-tui scores --json` and `audit-tui summary --json` run on the same file:
the fji-2014 demo (pooled key questions, a chart of the key questions the bank charts) and the
yjs-2021 demo (standards rated from their lowest key question, an overall rating).
"""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from audit_tui.app import make_app
from audit_tui.cli import app as cli_app
from audit_tui.screens.dashboard import DashboardScreen
from audit_tui.screens.figure_dialogs import JudgementDialog
from audit_tui.widgets.data_summary import DataSummary
from audit_tui.widgets.theme_scores import ThemeScores
from db.file.store import InspectionStore
from db.reporting.demo import build_demo

from .conftest import screen_text, settle
from .test_dashboard import choose_group, open_dashboard, widget_lines

# A pooled theme's row: score, yes·no·n/a, the indicative judgement (* where its bands are
# provisional), cases, the phrase.
ROW = re.compile(r"(\d+)%\s+(\d+)·(\d+)·(\d+)\s+(\w+)(\*?)\s+(\d+)\s+(.+?)\s*$")
PAIR = re.compile(r"(\d+)%\s+(\d+)·(\d+)·(\d+)")
# A bar: the question id, yes·no, the share of yes, answered N/A, did not apply, the phrase of
# the share not done well.
BAR = re.compile(r"^\s*(\S+)\s.*?(\d+)·(\d+)\s+(\d+%|–)\s+(\d+)\s+(\d+)\s+(.+?)\s*$")
# A standard's row under the lowest-key rule: score, the indicative rating*, the key question
# that sets it and the yes answers it needs for the next band ("top band" at the top).
LOWEST_ROW = re.compile(r"(\d+)%\s+(\S.*?)(\*?)\s+(\S+) (?:\+(\d+) → (.+?)|top band)\s*$")


def theme_lines(screen) -> dict[str, str]:
    """The score widget's row of each theme, by its mark ("1", "2.1")."""
    rows = {}
    for line in widget_lines(screen.query_one(ThemeScores)):
        found = re.match(r"[ ▸]*(\d+(?:\.\d+)?) [A-Z]", line)
        if found:
            rows[found.group(1)] = line
    return rows


def cli_json(*args: object) -> object:
    result = CliRunner().invoke(cli_app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown_rows(screen) -> dict[str, dict[str, object]]:
    rows = {}
    for mark, line in theme_lines(screen).items():
        found = ROW.search(line)
        if found is None:
            assert "not case-scored" in line
            continue
        percent, yes, no, na, judgement, provisional, cases, phrase = found.groups()
        rows[mark] = {
            "score": int(percent), "yes": int(yes), "no": int(no), "na": int(na),
            "judgement": judgement, "provisional": provisional == "*", "cases": int(cases),
            "phrase": phrase,
        }  # fmt: skip
    return rows


def cli_rows(themes) -> dict[str, dict[str, object]]:
    keys = ("score", "yes", "no", "na", "judgement", "provisional", "cases", "phrase")
    return {t["mark"]: {k: t[k] for k in keys} for t in themes}


def shown_bars(screen) -> list[tuple[object, ...]]:
    bars = []
    for line in widget_lines(screen.query_one(DataSummary)):
        found = BAR.match(line)
        if found and not line.startswith(" █ yes"):
            ident, yes, no, share, na, did_not_apply, phrase = found.groups()
            bars.append((ident, int(yes), int(no), share, int(na), int(did_not_apply), phrase))
    return bars


def cli_bars(theme) -> list[tuple[object, ...]]:
    assert all(q["charted"] for q in theme["questions"])
    return [
        (
            q["id"], q["yes"], q["no"], "–" if q["share"] is None else f"{q['share']}%", q["na"],
            q["did_not_apply"], q["not_done_phrase"] or "–",
        )
        for q in theme["questions"]
    ]  # fmt: skip


async def read_every_chart(app, pilot, screen, themes) -> dict[int, list[tuple]]:
    """Each theme's chart, choosing each theme in turn with ] (every bank's key)."""
    charts = {}
    wanted = {t["number"] for t in themes}
    for _ in screen.opened.bank.themes:
        if screen.theme in wanted:
            charts[screen.theme] = shown_bars(screen)
        await pilot.press("right_square_bracket")
        await pilot.pause()
    return charts


async def test_the_dashboard_shows_exactly_what_scores_and_summary_print(tmp_path):
    demo = build_demo(tmp_path / "demo.sqlite")
    scores = cli_json("scores", demo, "--json")
    summary = cli_json("summary", demo, "--json")
    girls_scores = cli_json("scores", demo, "--where", "gender=female", "--json")
    girls_summary = cli_json("summary", demo, "--where", "gender=female", "--json")
    by_gender = {g["group"]: g for g in cli_json("summary", demo, "--by", "gender", "--json")}
    scores_by_gender = {g["group"]: g for g in cli_json("scores", demo, "--by", "gender", "--json")}
    app = make_app(demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        assert shown_rows(screen) == cli_rows(scores)
        assert len(shown_rows(screen)) == 5, "the five case-scored themes"
        assert all(row["provisional"] for row in shown_rows(screen).values())
        charts = await read_every_chart(app, pilot, screen, summary)
        assert charts == {t["number"]: cli_bars(t) for t in summary}
        shown = {bar[0] for bars in charts.values() for bar in bars}
        bank = screen.opened.bank
        assert len(shown) == 22, "the 22 key questions fji 2.0 charts, of its 32"
        assert shown == {q.id for q in bank.questions if q.charted}
        assert not shown & {q.id for q in bank.questions if q.key and not q.charted}

        await choose_group(app, pilot, "f", "female")
        assert shown_rows(screen) == cli_rows(girls_scores)
        charts = await read_every_chart(app, pilot, screen, girls_summary)
        assert charts == {t["number"]: cli_bars(t) for t in girls_summary}
        assert f"female: {by_gender['female']['cases']} cases" in " ".join(
            widget_lines(screen.query_one(ThemeScores))
        )

        # Girls beside the rest (the boys): the two columns are `scores --by gender`'s groups.
        await pilot.press("x")
        await settle(app, pilot)
        await choose_group(app, pilot, "c", "female")
        girls, boys = (cli_rows(scores_by_gender[g]["themes"]) for g in ("female", "male"))
        for mark, line in theme_lines(screen).items():
            if mark in girls:
                shown_pairs = [tuple(map(int, m.groups())) for m in PAIR.finditer(line)]
                assert shown_pairs == [
                    tuple(side[mark][k] for k in ("score", "yes", "no", "na"))
                    for side in (girls, boys)
                ]
        caption = " ".join(widget_lines(screen.query_one(ThemeScores)))
        assert (
            f"female: {by_gender['female']['cases']} cases · "
            f"the rest: {by_gender['male']['cases']} cases"
        ) in caption


def lowest_rows(screen) -> dict[str, dict[str, object]]:
    rows = {}
    for mark, line in theme_lines(screen).items():
        found = LOWEST_ROW.search(line)
        if found is None:
            assert "not case-scored: the lead's rating" in line, line
            continue
        percent, rating, provisional, deciding, answers, band = found.groups()
        rows[mark] = {
            "score": int(percent), "judgement": rating, "provisional": provisional == "*",
            "deciding_question": deciding,
            "rise": None if answers is None else {"band": band, "answers": int(answers)},
        }  # fmt: skip
    return rows


def cli_lowest_rows(themes) -> dict[str, dict[str, object]]:
    def rise(t):
        return None if t["rise"] is None else {k: t["rise"][k] for k in ("band", "answers")}

    return {
        t["mark"]: {
            "score": t["score"],
            "judgement": t["judgement"],
            "provisional": t["provisional"],
            "deciding_question": t["deciding_question"],
            "rise": rise(t),
        }  # fmt: skip
        for t in themes
    }


def cli_overall(path) -> str:
    """The overall rating as `audit-tui scores` prints it."""
    result = CliRunner().invoke(cli_app, ["scores", str(path)])
    assert result.exit_code == 0, result.output
    return next(line for line in result.stdout.splitlines() if line.startswith("overall"))


def overall_line(app) -> str:
    return next(line.strip() for line in screen_text(app).splitlines() if "Overall" in line)


async def record(app, pilot, mark: str, rating_downs: int, rationale: str) -> None:
    """Choose a standard with its domain's digit (again: the domain's next standard) and
    record a rating with j, as the lead does."""
    screen = app.screen
    domain = mark.split(".")[0]
    for _ in screen.opened.bank.themes:
        if screen.opened.bank.theme_by_number[screen.theme].mark == mark:
            break
        await pilot.press(domain)
    assert f"Standard {mark}:" in screen_text(app)
    await pilot.press("j")
    await settle(app, pilot)
    assert isinstance(app.screen, JudgementDialog)
    await pilot.press(*["down"] * rating_downs, "space", "tab", *rationale, "ctrl+s")
    await settle(app, pilot)
    assert isinstance(app.screen, DashboardScreen)


async def test_the_yjs_dashboard_shows_what_scores_and_summary_print(tmp_path):
    demo = build_demo(tmp_path / "yjs.sqlite", bank_id="yjs-2021")
    scores = cli_json("scores", demo, "--json")
    summary = cli_json("summary", demo, "--json")
    app = make_app(demo, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_dashboard(app, pilot)
        rows = lowest_rows(screen)
        assert rows == cli_lowest_rows(scores)
        assert len(rows) == 7, "the seven case-assessed standards"
        assert all(row["provisional"] for row in rows.values())
        charts = await read_every_chart(app, pilot, screen, summary)
        assert charts == {t["number"]: cli_bars(t) for t in summary}
        assert sum(len(bars) for bars in charts.values()) == 21, "one key question per aim"

        # The overall rating waits for the lead's ratings of 1.4 and 3.4 (4.1 does not count).
        said = re.search(r"(\d+) of (\d+) points so far", cli_overall(demo))
        assert said is not None
        assert overall_line(app).startswith(
            f"Overall: 2 standards not yet rated (1.4, 3.4) · {said[1]}/{said[2]} so far"
        )
        await record(app, pilot, "1.4", 1, "Information is shared well.")  # Good
        await record(app, pilot, "3.4", 2, "Too few out-of-court options.")  # RI
        with InspectionStore.open(demo, readonly=True) as store:
            recorded = store.recorded_judgements()
        assert (recorded[14].judgement, recorded[34].judgement) == ("Good", "Requires improvement")
        rated = re.search(r"\(provisional\): (.+), (\d+) of (\d+) points", cli_overall(demo))
        assert rated is not None
        assert overall_line(app).startswith(
            f"Overall {rated[1]} {rated[2]}/{rated[3]} (provisional)"
        )
