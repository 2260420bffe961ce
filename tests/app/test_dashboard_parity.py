"""Every figure the dashboard shows for the demo inspection is the one the CLI prints.

The dashboard is read off the screen (each theme's row, then each theme's chart in turn) and
compared with `audit-tui scores --json` and `audit-tui summary --json` run on the same file.
"""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from audit_tui.app import make_app
from audit_tui.cli import app as cli_app
from audit_tui.widgets.data_summary import DataSummary
from audit_tui.widgets.theme_scores import ThemeScores
from db.reporting.demo import build_demo

from .conftest import settle
from .test_dashboard import choose_group, open_dashboard, theme_lines, widget_lines

ROW = re.compile(r"(\d+)%\s+(\d+)·(\d+)·(\d+)\s+(\w+)\s+(\d+)\s+(.+?)\s*$")
PAIR = re.compile(r"(\d+)%\s+(\d+)·(\d+)·(\d+)")
BAR = re.compile(r"^\s*(\S+)\s.*?(\d+)·(\d+) n/a (\d+)\s+(\d+%|–)\s*$")


def cli_json(*args: object) -> object:
    result = CliRunner().invoke(cli_app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown_rows(screen) -> dict[int, dict[str, object]]:
    rows = {}
    for number, line in theme_lines(screen).items():
        found = ROW.search(line)
        if found is None:
            assert "not case-scored" in line
            continue
        percent, yes, no, na, judgement, cases, phrase = found.groups()
        rows[number] = {
            "score": int(percent), "yes": int(yes), "no": int(no), "na": int(na),
            "judgement": judgement, "cases": int(cases), "phrase": phrase,
        }  # fmt: skip
    return rows


def cli_rows(themes) -> dict[int, dict[str, object]]:
    keys = ("score", "yes", "no", "na", "judgement", "cases", "phrase")
    return {t["number"]: {k: t[k] for k in keys} for t in themes}


def shown_bars(screen) -> list[tuple[str, int, int, int]]:
    bars = []
    for line in widget_lines(screen.query_one(DataSummary)):
        found = BAR.match(line)
        if found and not line.startswith(" █ yes"):
            ident, yes, no, na, _ = found.groups()
            bars.append((ident, int(yes), int(no), int(na)))
    return bars


def cli_bars(theme) -> list[tuple[str, int, int, int]]:
    return [(q["id"], q["yes"], q["no"], q["na"]) for q in theme["questions"]]


async def read_every_chart(app, pilot, screen, themes) -> dict[int, list[tuple]]:
    charts = {}
    for theme in themes:
        await pilot.press(str(theme["number"]))
        await pilot.pause()
        charts[theme["number"]] = shown_bars(screen)
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
        charts = await read_every_chart(app, pilot, screen, summary)
        assert charts == {t["number"]: cli_bars(t) for t in summary}
        assert sum(len(bars) for bars in charts.values()) == 32, "every key question, fji 2.0"

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
        for number, line in theme_lines(screen).items():
            if number in girls:
                shown = [tuple(map(int, m.groups())) for m in PAIR.finditer(line)]
                assert shown == [
                    tuple(side[number][k] for k in ("score", "yes", "no", "na"))
                    for side in (girls, boys)
                ]
        caption = " ".join(widget_lines(screen.query_one(ThemeScores)))
        assert (
            f"female: {by_gender['female']['cases']} cases · "
            f"the rest: {by_gender['male']['cases']} cases"
        ) in caption
