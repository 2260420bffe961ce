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
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

Row = tuple[Any, ...]
Node = tuple[Row, int]  # a shared row and its occurrence number in its input


def row_key(row: Row) -> tuple[Any, ...]:
    """A total, injective order on history rows: at first, then case, then every other field."""
    at, case_ref = row[9], row[0]
    rest = (row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[10])
    return (at or "", at is None, case_ref, *((v is None, v or "") for v in rest))


def case_key(row: Row) -> tuple[Any, ...]:
    """The same order cut short: enough for rows of different cases, which never tie on it."""
    return (row[9] or "", row[9] is None, row[0])


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
    on_shared: Callable[[Row, list[int]], None] | None = None,
) -> Iterator[Row]:
    """Yield the merged history. `shared(case_ref)` says whether a case's rows may repeat.

    `on_shared(row, holders)` is told, for each shared row, every input holding it, in order.
    Inputs never share a case's rows unless `shared` says so; then a row's place is decided by
    its time and case alone (`case_key`), and the full order is needed only within shared cases.
    """
    if not containers.holders:
        yield from heapq.merge(*streams, key=case_key)
        return
    heap: list[tuple[tuple[Any, ...], int, int, Row]] = []
    waiting: dict[Node, set[int]] = {}
    taken: set[Node] = set()  # shared rows already yielded (a cycle took them early)
    seen = [Counter[Row]() for _ in streams]

    def advance(source: int) -> None:
        for row in streams[source]:
            if not shared(row[0]):
                heapq.heappush(heap, (case_key(row), 0, source, row))
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
        if heap:
            _, occurrence, source, row = heapq.heappop(heap)
            if not shared(row[0]):
                yield row
                advance(source)
                continue
            node = (row, occurrence)
        else:
            # A cycle: no shared row heads every input holding it. The least goes first.
            node = min(waiting, key=lambda n: (row_key(n[0]), n[1]))
        heads = waiting.pop(node)
        taken.add(node)
        if on_shared is not None:
            on_shared(node[0], containers.holders.get(node, sorted(heads)))
        yield node[0]
        for head in sorted(heads):
            advance(head)


# Below every case_key: the running greatest of an input's rows (merge_runs) starts here.
LEAST_KEY: tuple[Any, ...] = ("", False, "")
_FIRST = itemgetter(0)


def merge_runs(runs: Sequence[Iterator[list[tuple[Any, ...]]]]) -> Iterator[list[tuple[Any, ...]]]:
    """`heapq.merge(..., key=case_key)` of inputs holding different cases, a batch at a time, by
    sorts in C rather than a heap step per row in Python.

    Each run is an input's entries, a chunk at a time, in its own order; an entry's first field
    is the greatest case_key of its input's rows up to it. The heap merge takes
    the least head: a row that follows a greater row of its input comes out right after it (every
    other head was not less than that row when it went), so the heap merge's order is the stable
    sort of all entries by that first field, and inputs holding different cases never tie on it.
    Each run is sorted by it, so every entry up to the least last entry of the chunks at hand
    (the fence) goes before any entry still to come: those are sorted and yielded, and a run
    whose chunk is spent reads its next.
    """
    chunks: list[list[tuple[Any, ...]]] = []
    starts: list[int] = []
    rest: list[Iterator[list[tuple[Any, ...]]]] = []
    for run in runs:
        chunk = next(run, None)
        if chunk:
            chunks.append(chunk)
            starts.append(0)
            rest.append(run)
    live = list(range(len(chunks)))
    while live:
        fence = min(chunks[i][-1][0] for i in live)
        batch: list[tuple[Any, ...]] = []
        still: list[int] = []
        for i in live:
            chunk, start = chunks[i], starts[i]
            end = bisect_right(chunk, fence, start, key=_FIRST)
            batch.extend(chunk[start:end])
            if end < len(chunk):
                starts[i] = end
                still.append(i)
                continue
            while (chunk := next(rest[i], None)) is not None and not chunk:
                pass
            if chunk:
                chunks[i], starts[i] = chunk, 0
                still.append(i)
        live = still
        batch.sort(key=_FIRST)  # stable: the rows of one input under one key stay in order
        yield batch
