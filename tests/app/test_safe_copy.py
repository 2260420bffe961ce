"""A copy of the inspection file alone, made while the app is open and idle, holds every
answer the screen marked saved: the writer checkpoints the write-ahead log when it rests."""

from __future__ import annotations

import asyncio
import sqlite3

from .conftest import read_answers, screen_text, settle
from .test_interview import open_case

SIZE = (100, 40)


def answers_in(path) -> dict[str, str]:
    """C02's answers as SQLite reads them from the file, with no -wal beside it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT question_id, value FROM answers WHERE case_ref = 'C02' AND role = 'primary'"
        ).fetchall()
    finally:
        conn.close()
    return dict(rows)


async def test_a_copy_of_the_file_alone_holds_every_saved_answer(app_for, inspection, tmp_path):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, downs=0)  # C02
        await pilot.press("y", "y", "n", *"no plan", "ctrl+s", "y", "a")
        await settle(app, pilot)
        assert "5 saved this session" in screen_text(app)
        wal = inspection.with_name(inspection.name + "-wal")
        assert wal.exists(), "the app holds the file open in write-ahead mode"
        assert app.writer is not None
        assert await asyncio.to_thread(app.writer.wait_copied, 60), "no checkpoint at rest"
        # cp of the one file, as a file manager copies it to a USB stick
        copy = tmp_path / "copied" / "lambeth.sqlite"
        copy.parent.mkdir()
        copy.write_bytes(inspection.read_bytes())
        shown = {qid: value for qid, (value, _) in read_answers(inspection, "C02").items()}
    assert shown == {"A1": "yes", "A4": "yes", "A2": "no", "R2": "yes", "G1": "na"}
    assert answers_in(copy) == shown
