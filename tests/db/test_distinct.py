"""A column's distinct values read by seek (db.file.distinct) are SELECT DISTINCT's (but NULL),
whatever the column holds: numbers written by hand into a TEXT column, text, blobs."""

from __future__ import annotations

import sqlite3

import pytest

from db.file.distinct import distinct_cte, distinct_values

VALUES = [5, "3", "S001", 7, "10", b"zz", "S001", 2.5, None, "A1", -1]


@pytest.fixture
def forged(tmp_path):
    """A TEXT column holding numbers (declared untyped while they went in, as a hand-edited
    page would hold them), with an index leading with it."""
    path = tmp_path / "forged.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (c, other)")
    conn.execute("CREATE INDEX t_c ON t(c)")
    conn.executemany("INSERT INTO t VALUES (?, 1)", [(v,) for v in VALUES])
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE t (c TEXT, other)' WHERE name = 't'")
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM t WHERE typeof(c) = 'integer'").fetchone()[0] == 3
    yield conn
    conn.close()


def test_the_values_read_by_seek_are_those_select_distinct_reads(forged):
    expected = [
        v for (v,) in forged.execute("SELECT DISTINCT c FROM t WHERE c IS NOT NULL ORDER BY c")
    ]
    assert "RECURSIVE" in distinct_cte(forged, "t", "c")  # by seek: an index leads with it
    assert distinct_values(forged, "t", "c") == expected  # NULL left out


def test_a_column_without_an_index_is_read_in_one_pass(forged):
    assert "RECURSIVE" not in distinct_cte(forged, "t", "other")
    assert distinct_values(forged, "t", "other") == [1]


@pytest.fixture
def forged_pairs(tmp_path):
    """Two NOT NULL TEXT columns, indexed together, holding numbers, text and blobs."""
    path = tmp_path / "pairs.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (a NOT NULL, b NOT NULL)")
    conn.execute("CREATE INDEX t_ab ON t(a, b)")
    firsts = [5, "3", "A1", 7.5, b"q"]
    seconds = ["yes", 2, "10", "no", b"x", "yes"]
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(a, b) for a in firsts for b in seconds])
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE TABLE t (a TEXT NOT NULL, b TEXT NOT NULL)' "
        "WHERE name = 't'"
    )
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def test_the_pairs_read_by_seek_are_those_select_distinct_reads(forged_pairs, monkeypatch):
    import db.file.distinct

    expected = forged_pairs.execute("SELECT DISTINCT a, b FROM t ORDER BY a, b").fetchall()
    small = db.file.distinct.distinct_pairs(forged_pairs, "t", "a", "b")
    assert "RECURSIVE" not in small  # a small file is read in one pass
    monkeypatch.setattr(db.file.distinct, "_SEEKS_FROM_PAGES", 0)
    seek = db.file.distinct.distinct_pairs(forged_pairs, "t", "a", "b")
    assert "RECURSIVE" in seek
    assert forged_pairs.execute(seek).fetchall() == expected
