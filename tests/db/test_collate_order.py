"""Two collations of the same inputs in different orders give the same file: every table's rows
in the same order (answer_versions too, #16 item 10), and the same bytes."""

from __future__ import annotations

import itertools
import shutil
import sqlite3

from collate_files import Clock, answer, make_master, sha256

from db.collation.collate import collate
from db.collation.export import split


def rows_in_stored_order(path):
    """Every table's rows as SQLite stores them (rowid order, or key order WITHOUT ROWID)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        return {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
    finally:
        conn.close()


def test_answer_versions_come_out_in_one_order_whatever_the_inputs_order(tmp_path):
    (tmp_path / "lead").mkdir()
    master = make_master(tmp_path / "lead" / "lambeth.sqlite")
    files = {f.inspector: f.path for f in split(master, tmp_path / "in")}
    days = {"monday": ("yes", 16), "tuesday": ("no", 17), "wednesday": ("na", 18)}
    copies = []
    for name, (value, day) in days.items():
        copy = files["JS"].with_name(f"js-{name}.sqlite")
        shutil.copyfile(files["JS"], copy)
        answer(copy, [("C001", "A1", value), ("C003", "A2", value)], Clock(day=day))
        copies.append(copy)
    answer(files["KM"], [("C002", "A1", "yes")], Clock(day=19))
    inputs = [*copies, files["KM"]]
    outs = []
    for number, order in enumerate(itertools.permutations(inputs)):
        if number % 5:  # 24 orders: every fifth is enough
            continue
        out = tmp_path / f"collated-{number}.sqlite"
        summary = collate(list(order), out)
        assert summary.conflicts == 2
        outs.append(out)
    first = rows_in_stored_order(outs[0])
    assert len(first["answer_versions"]) == 6
    assert [r[:4] for r in first["answer_versions"]] == sorted(
        r[:4] for r in first["answer_versions"]
    )
    for out in outs[1:]:
        assert rows_in_stored_order(out) == first, f"{out.name} holds its rows otherwise"
        assert sha256(out) == sha256(outs[0]), f"{out.name} differs in its bytes"
