"""One answer history out of several inputs' histories, streamed in the order of the result.

Each input's history is a sequence (its own id order). The merge keeps every input's order, takes
rows that two inputs share once (as often as the input holding most copies has them), and where
the inputs leave the order open takes the least row by (at, case, question, role, event, values,
inspector, reason). Said as a graph: rows are nodes (a row and which occurrence of it in its
input), each input's consecutive rows are edges, and the result is the topological order that
always takes the least ready row (a row is ready when it heads every input holding it). Two
inputs ordering the same rows oppositely make a cycle; the least row then goes first.

So the result depends on the set of inputs only, one input comes out as it is, and merging the
result with any input gives the result back, even after rows were appended to it. Rows only one
input can hold (those of a case held by one input) are never tracked, so a large collation of
disjoint inspector files costs a heap step per row and no memory per row.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

Row = tuple[Any, ...]
Node = tuple[Row, int]  # a shared row and its occurrence number in its input


def row_key(row: Row) -> tuple[Any, ...]:
    """A total, injective order on history rows: at first, then case, then every other field."""
    at, case_ref = row[9], row[0]
    rest = (row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[10])
    return (at or "", at is None, case_ref, *((v is None, v or "") for v in rest))


class Containers:
    """For rows of shared cases: which inputs hold each occurrence (from a first, small pass)."""

    def __init__(self, histories: dict[int, Iterable[Row]]) -> None:
        self.holders: dict[Node, list[int]] = {}
        for source in sorted(histories):
            seen: Counter[Row] = Counter()
            for row in histories[source]:
                node = (row, seen[row])
                seen[row] += 1
                self.holders.setdefault(node, []).append(source)


def merge_histories(
    streams: Sequence[Iterator[Row]],
    shared: Callable[[str], bool],
    containers: Containers,
    on_row: Callable[[Row, int, list[int] | None], None] | None = None,
) -> Iterator[Row]:
    """Yield the merged history. `shared(case_ref)` says whether a case's rows may repeat.

    `on_row(row, source, holders)` is told where each row came from: for a row only one input
    holds, that input (holders None); for a shared row, every input holding it, in order.
    """
    heap: list[tuple[tuple[Any, ...], int, int, Row]] = []
    waiting: dict[Node, set[int]] = {}
    taken: set[Node] = set()  # shared rows already yielded (a cycle took them early)
    seen = [Counter[Row]() for _ in streams]

    def advance(source: int) -> None:
        for row in streams[source]:
            if not shared(row[0]):
                heapq.heappush(heap, (row_key(row), 0, source, row))
                return
            node = (row, seen[source][row])
            seen[source][row] += 1
            if node in taken:
                continue
            holders = containers.holders.get(node, [source])
            at_head = waiting.setdefault(node, set())
            at_head.add(source)
            if len(at_head) == len(holders):
                heapq.heappush(heap, (row_key(row), node[1], holders[0], row))
            return

    for source in range(len(streams)):
        advance(source)
    while heap or waiting:
        if not heap:
            # A cycle: no shared row heads every input holding it. The least goes first.
            node = min(waiting, key=lambda n: (row_key(n[0]), n[1]))
            heads = waiting.pop(node)
            taken.add(node)
            _emit_shared(node, heads, containers, on_row)
            yield node[0]
            for source in sorted(heads):
                advance(source)
            continue
        _, occurrence, source, row = heapq.heappop(heap)
        if not shared(row[0]):
            if on_row is not None:
                on_row(row, source, None)
            yield row
            advance(source)
            continue
        node = (row, occurrence)
        heads = waiting.pop(node)
        taken.add(node)
        _emit_shared(node, heads, containers, on_row)
        yield row
        for head in sorted(heads):
            advance(head)


def _emit_shared(
    node: Node,
    heads: set[int],
    containers: Containers,
    on_row: Callable[[Row, int, list[int] | None], None] | None,
) -> None:
    if on_row is not None:
        holders = containers.holders.get(node, sorted(heads))
        on_row(node[0], holders[0], holders)
