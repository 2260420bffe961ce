"""A column's distinct values, read by seek where an index leads with the column.

`SELECT DISTINCT` reads every row (a million answers for a few thousand cases); where an index
leads with the column, each value is found as the least one greater than the last, a seek
each. Used wherever the distinct values of a large table's key are asked for: the collated
file's foreign keys (db.collation.bulk), an input's cases (db.collation.input_facts), the
whole inspection's tally (db.file.tally).
"""

from __future__ import annotations

import sqlite3
from typing import Any


def distinct_cte(conn: sqlite3.Connection, table: str, column: str) -> str:
    """A CTE `d(v)` of a column's distinct values. Where an index leads with the column, one
    seek per value (each the least greater than the last: 9,000 seeks, not a million rows),
    NULL left out; else one pass over the rows.

    Each value is the column's own (`ORDER BY ... LIMIT 1`, not min(), whose result has no
    affinity): compared with the next, neither is converted, so a number written by hand into a
    TEXT column is one value among the others, as DISTINCT has it, and skips none of them.
    """
    for _, index, _, _, partial in conn.execute(f'PRAGMA index_list("{table}")'):
        first = conn.execute(f'PRAGMA index_xinfo("{index}")').fetchone()
        if not partial and first is not None and first[2] == column and first[4] == "BINARY":
            least = f'SELECT "{column}" FROM "{table}" WHERE "{column}"'
            return (
                f"WITH RECURSIVE d(v) AS (SELECT ({least} IS NOT NULL "
                f'ORDER BY "{column}" LIMIT 1) UNION ALL SELECT ({least} > d.v '
                f'ORDER BY "{column}" LIMIT 1) FROM d WHERE d.v IS NOT NULL)'
            )
    return f'WITH d(v) AS (SELECT DISTINCT "{column}" FROM "{table}")'


def distinct_values(conn: sqlite3.Connection, table: str, column: str) -> list[Any]:
    """The column's distinct values but NULL, in the order of its index (where there is one)."""
    sql = f"{distinct_cte(conn, table, column)} SELECT v FROM d WHERE v IS NOT NULL"
    return [value for (value,) in conn.execute(sql)]
