"""Building the collated file: the merge of checked inputs written to a new inspection file.

`build` reads each input's facts (db.collation.input_facts), writes the inspection, its cases,
statuses, inspectors, UI state, moderations, judgements and band sets by the rules of
db.collation.merge, recomputes applicability, and has db.collation.merged_rows write the history
and the answers. Inputs holding different cases, all plain and chained while checked, take the
fast path: their merged history is chained by another process meanwhile and copied by SQLite
(db.collation.history_copy). Split uses it too, keeping one inspector's cases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from db.collation import bulk
from db.collation.case_merge import merged_case, replay_edits
from db.collation.history_copy import ChainOfCopies
from db.collation.input_facts import Source, case_rows, read_sources
from db.collation.inputs import CheckedInput
from db.collation.merge import BuildReport, SourceCounts
from db.collation.merged_rows import write_rows
from db.collation.tables import (
    ANSWER_FIELDS,
    BAND_SET_FIELDS,
    HISTORY_FIELDS,
    JUDGEMENT_FIELDS,
    MODERATION_FIELDS,
    STATUS_RANK,
    Row,
    order_key,
    pick,
)
from db.errors import StoreError
from db.file import applicability, record_chain
from db.file.file_format import MIGRATIONS_TABLE
from db.file.records import CaseStatus
from db.file.store import InspectionStore
from question_bank.case import CaseRecord


def build(
    checked: Sequence[CheckedInput],
    target: Path,
    *,
    keep: Callable[[CaseRecord], bool] | None = None,
    keep_state: Callable[[str], bool] | None = None,
    passphrase: str | None = None,
) -> BuildReport:
    """Write the merge of checked inputs (all of one inspection and bank) to a new file.

    `keep` chooses the cases (split keeps one inspector's); `keep_state` the UI state keys;
    `passphrase` encrypts the new file from its first byte.
    """
    bank = checked[0].bank
    sources = read_sources(checked, bank)
    try:
        return _write(sources, target, keep, keep_state, passphrase)
    finally:
        for source in sources:
            source.close()


def _write(
    sources: Sequence[Source],
    target: Path,
    keep: Callable[[CaseRecord], bool] | None,
    keep_state: Callable[[str], bool] | None,
    passphrase: str | None = None,
) -> BuildReport:
    checked = [s.checked for s in sources]
    report = BuildReport(counts=[SourceCounts() for _ in sources])
    inspection = _inspection(checked, report.not_taken)
    # Every case, the inputs holding it, and whether it needs the general merge.
    holders: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        for ref, (record, _, _) in source.cases.items():
            if keep is None or keep(record):
                holders.setdefault(ref, []).append(index)
    idle = _set_aside_untouched(sources, holders)
    alike = _set_aside_alike(sources, holders, report.counts) if keep is None else set()
    general = {
        ref
        for ref, held in holders.items()
        if len(held) > 1
        or any(sources[i].checked.schema_version < 2 for i in held)
        or any(ref in sources[i].versions for i in held)
    }
    for held in holders.values():
        report.counts[held[0]].cases_new += 1
        for i in held[1:]:
            report.counts[i].cases_known += 1
    for i in idle:
        report.counts[i].cases_known += 1

    copies = None
    if (
        keep is None
        and passphrase is None
        and not general
        and all(s.checked.chained is not None and s.checked.passphrase is None for s in sources)
    ):
        # Inputs holding different cases: their merged history is chained meanwhile and copied
        # by SQLite (db.collation.history_copy). Inputs set aside as alike bring no row.
        taking = [i for i in range(len(sources)) if i not in alike]
        copies = ChainOfCopies([checked[i] for i in taking], inspection[0], target.parent, taking)
    try:
        if copies is not None:
            copies.start()
            copies.stage()
        _write_target(
            sources, target, keep, keep_state, passphrase, copies, inspection, holders, general,
            report,
        )  # fmt: skip
    finally:
        if copies is not None:
            copies.close()
    report.cases = len(holders)
    return report


def _set_aside_untouched(sources: Sequence[Source], holders: dict[str, list[int]]) -> list[int]:
    """Leave out of a case's holders those that hold it untouched, as another holder has it.

    They add nothing the general merge would take (no history, answers, versions or rulings;
    the same details, place and time added), so the case keeps the fast path of a case held
    once. Returns the inputs left out, once per case.
    """
    left_out: list[int] = []
    for ref, held in holders.items():
        if len(held) < 2:
            continue
        untouched = [i for i in held if sources[i].untouched(ref)]
        active = [i for i in held if i not in untouched] or untouched[:1]
        if not set(untouched) - set(active) or not all(
            any(sources[i].cases[ref] == sources[a].cases[ref] for a in active)
            for i in untouched
            if i not in active
        ):
            continue
        left_out += [i for i in untouched if i not in active]
        holders[ref] = active
    return left_out


def _set_aside_alike(
    sources: Sequence[Source], holders: dict[str, list[int]], counts: Sequence[SourceCounts]
) -> set[int]:
    """Leave out inputs that bring nothing: each of their cases an earlier input holds alike.

    Collating an output again with one of its inputs, say: every case of the input is in the
    output with the same details, status, rulings, history rows and answers. The general merge
    would take the earlier input's rows and count this one's as already there; counted so here,
    the cases keep the fast path of a case held once. Returns the inputs left out.
    """
    left_out: set[int] = set()
    holding: dict[int, list[str]] = {}
    for ref, held in holders.items():
        for index in held:
            holding.setdefault(index, []).append(ref)
    for index, mine in sorted(holding.items()):
        source = sources[index]
        if (
            any(holders[ref][0] == index for ref in mine)
            or source.checked.schema_version < 2
            or not all(_same_facts(sources[holders[ref][0]], source, ref) for ref in mine)
        ):
            continue
        history, answers = _case_contents(source, mine)
        firsts: dict[int, list[str]] = {}
        for ref in mine:
            firsts.setdefault(holders[ref][0], []).append(ref)
        if any(
            _case_contents(sources[first], refs)
            != (
                {r: history[r] for r in refs if r in history},
                {r: answers[r] for r in refs if r in answers},
            )
            for first, refs in firsts.items()
        ):
            continue
        left_out.add(index)
        for ref in mine:
            holders[ref].remove(index)
        counts[index].cases_known += len(mine)
        counts[index].history_known += sum(len(rows) for rows in history.values())
        counts[index].answers_known += sum(len(rows) for rows in answers.values())
    return left_out


def _same_facts(first: Source, other: Source, ref: str) -> bool:
    """Whether two inputs hold a case alike but for its history and answers (read apart)."""
    return (
        first.checked.schema_version >= 2
        and ref not in first.versions
        and ref not in other.versions
        and first.cases[ref] == other.cases[ref]
        and first.statuses.get(ref) == other.statuses.get(ref)
        and first.moderations.get(ref) == other.moderations.get(ref)
    )


def _case_contents(source: Source, refs: Sequence[str]) -> tuple[dict[str, list[Row]], ...]:
    """Some cases' history rows (in id order) and answers of one input, per case."""
    return (
        case_rows(source.conn, "answer_history", HISTORY_FIELDS, refs, "case_ref, id"),
        case_rows(source.conn, "answers", ANSWER_FIELDS, refs, "case_ref, question_id, role"),
    )


def _write_target(
    sources: Sequence[Source],
    target: Path,
    keep: Callable[[CaseRecord], bool] | None,
    keep_state: Callable[[str], bool] | None,
    passphrase: str | None,
    copies: ChainOfCopies | None,
    inspection: tuple[Any, ...],
    holders: dict[str, list[int]],
    general: set[str],
    report: BuildReport,
) -> None:
    checked = [s.checked for s in sources]
    bank = checked[0].bank
    store = InspectionStore.create(
        target,
        area=inspection[1],
        bank=bank,
        lead=inspection[5],
        inspection_id=inspection[0],
        passphrase=passphrase,
    )
    store.close()
    conn = bulk.open_target(target, passphrase)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE inspection SET area = ?, lead = ?, fieldwork_start = ?, fieldwork_end = ?, "
            "created_at = ?",
            (inspection[1], inspection[5], inspection[6], inspection[7], inspection[8]),
        )
        conn.execute("UPDATE bank SET stored_at = ?", (min(c.bank_stored_at for c in checked),))
        # sqlite-utils stamped the schema with the time of this run: the inspection's own time
        # stands instead, so two collations of the same inputs are the same bytes.
        conn.execute(f"UPDATE {MIGRATIONS_TABLE} SET applied_at = ?", (inspection[8],))
        records = _write_cases(
            conn, sources, holders, inspection, keep_state, report.not_taken, keep is None
        )
        if keep is None:  # a split file holds its cases only, not the lead's judgements
            _write_judgements(conn, sources, report)
        _write_band_sets(conn, sources, report)  # the bands hold for every inspector's file too
        bulk.applicability_rows(conn, bank, records)
        checked_tables = write_rows(
            conn, sources, holders, general, inspection[0], report, passphrase is None, copies
        )
        replay_edits(conn, bank, general)
        # the inspectors' classifications, copied in with the answers, decide what applies
        applicability.refresh_classified(conn, bank)
        conn.execute("COMMIT")
        bulk.refuse_dangling(conn, checked_tables)
    except sqlite3.IntegrityError as exc:
        raise StoreError(
            f"the inputs hold rows the inspection schema refuses (SQLite says: {exc}); "
            "nothing was collated"
        ) from None
    finally:
        conn.close()


def _write_cases(
    conn: sqlite3.Connection,
    sources: Sequence[Source],
    holders: dict[str, list[int]],
    inspection: tuple[Any, ...],
    keep_state: Callable[[str], bool] | None,
    not_taken: list[str],
    collating: bool,
) -> list[CaseRecord]:
    """Inspectors, cases, statuses, UI state and moderations: unions with a deterministic pick.

    What an input holds that the pick leaves out (a case field or a ruling changed in two files
    apart) is said in `not_taken`. A split file names only the inspectors of its cases.
    """
    chosen: list[tuple[CaseRecord, int, str]] = []
    statuses: list[tuple[Any, ...]] = []
    for ref in sorted(holders):
        held = [sources[i] for i in holders[ref]]
        if len(held) == 1:  # the common case: one input's case, taken as it is
            record, position, added_at = held[0].cases[ref]
            status = held[0].statuses.get(ref) or (CaseStatus.NOT_STARTED.value, added_at, None)
            chosen.append((record, position, added_at))
            statuses.append((ref, *status))
            continue
        record, said = merged_case(ref, held)
        not_taken.extend(said)
        position = min(s.cases[ref][1] for s in held)
        added_at = min(s.cases[ref][2] for s in held)
        chosen.append((record, position, added_at))
        rows = [s.statuses[ref] for s in held if ref in s.statuses]
        if rows:
            status = max(rows, key=lambda r: (r[1], STATUS_RANK[r[0]], order_key(r[2:])))
        else:
            status = (CaseStatus.NOT_STARTED.value, added_at, None)
        statuses.append((ref, *status))
    used = {record.inspector for record, _, _ in chosen}
    for source in sources:
        for ref, answered_by in source.answer_inspectors.items():
            if ref in holders:
                used |= answered_by
    if inspection[5]:
        used.add(inspection[5])
    if collating:  # who recorded a judgement, a band set or a ruling is kept too
        used |= {initials for source in sources for initials, _, _ in source.inspectors}
    inspectors: dict[str, list[tuple[Any, ...]]] = {}
    for source in sources:
        for initials, is_lead, added_at in source.inspectors:
            if initials in used:
                inspectors.setdefault(initials, []).append((is_lead, added_at))
    missing = used - set(inspectors)
    for initials in missing:
        inspectors[initials] = [(int(initials == inspection[5]), inspection[8])]
    conn.execute("DELETE FROM inspectors")
    conn.executemany(
        "INSERT INTO inspectors (initials, is_lead, added_at) VALUES (?, ?, ?)",
        [
            (initials, max(r[0] for r in rows), min(r[1] for r in rows))
            for initials, rows in sorted(inspectors.items())
        ],
    )
    if chosen:
        names = list(bulk.case_values(*chosen[0]))
        conn.executemany(
            f"INSERT INTO cases ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [tuple(bulk.case_values(*c).values()) for c in chosen],
        )
    conn.executemany(
        "INSERT INTO case_status (case_ref, status, changed_at, changed_by) VALUES (?, ?, ?, ?)",
        statuses,
    )
    states: dict[str, list[tuple[Any, ...]]] = {}
    for source in sources:
        for key, value, updated_at in source.ui_state:
            if keep_state is None or keep_state(key):
                states.setdefault(key, []).append((updated_at, value))
    conn.executemany(
        "INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?)",
        [(key, *pick(rows)[::-1]) for key, rows in sorted(states.items())],
    )
    moderations: dict[tuple[str, str, str], list[tuple[Any, ...]]] = {}
    for source in sources:
        for ref, rows in source.moderations.items():
            if ref in holders:
                for row in rows:
                    moderations.setdefault(row[:3], []).append(row)
    conn.executemany(
        f"INSERT INTO moderations ({', '.join(MODERATION_FIELDS)}) "
        f"VALUES ({', '.join('?' for _ in MODERATION_FIELDS)})",
        [_latest_ruling(key, rows, not_taken) for key, rows in sorted(moderations.items())],
    )
    return [record for record, _, _ in chosen]


def _latest_ruling(key: tuple[str, str, str], rows: list[Row], not_taken: list[str]) -> Row:
    """Of an answer's rulings in several inputs, the latest (as its history ends in it)."""
    latest = max(rows, key=lambda row: (row[-1], order_key(row)))
    if any(row != latest for row in rows):
        not_taken.append(
            f"case {key[0]}: the {key[2]} answer to {key[1]} was ruled on apart in two files; "
            "the later ruling was kept (both stay in the history)"
        )
    return latest


def _inspection(checked: Sequence[CheckedInput], not_taken: list[str]) -> tuple[Any, ...]:
    """The inspection's details; where the inputs differ, the greatest, and a sentence."""
    rows = [tuple(vars(c.inspection).values()) for c in checked]
    chosen = pick(rows)
    names = list(vars(checked[0].inspection))
    differ = sorted({names[k] for row in rows for k, v in enumerate(row) if v != chosen[k]})
    if differ:
        kept = sorted(str(c.path) for c, row in zip(checked, rows, strict=True) if row == chosen)
        not_taken.append(
            f"the inputs differ in the inspection's {', '.join(differ)}; those of {kept[0]} "
            "were kept"
        )
    return chosen


def _write_judgements(
    conn: sqlite3.Connection, sources: Sequence[Source], report: BuildReport
) -> None:
    """The lead's recorded judgements: every input's rows once, in the order they were made,
    chained afresh (db.file.record_chain)."""
    rows = _records([s.judgements for s in sources], report, "judgements")
    record_chain.chain_rows(
        conn, "judgements", [dict(zip(JUDGEMENT_FIELDS, r, strict=True)) for r in rows]
    )
    report.judgements = len(rows)


def _write_band_sets(
    conn: sqlite3.Connection, sources: Sequence[Source], report: BuildReport
) -> None:
    """The lead's band sets: every input's rows once, in the order they were set, chained."""
    rows = _records([s.band_sets for s in sources], report, "band_sets")
    record_chain.chain_rows(
        conn, "band_sets", [dict(zip(BAND_SET_FIELDS, r, strict=True)) for r in rows]
    )
    report.band_sets = len(rows)


def _records(held: Sequence[list[Row]], report: BuildReport, what: str) -> list[Row]:
    """The union of the inputs' rows in order, counting per input those taken and known."""
    seen: set[Row] = set()
    for counts, rows in zip(report.counts, held, strict=True):
        fresh = set(rows) - seen
        setattr(counts, f"{what}_taken", len(fresh))
        setattr(counts, f"{what}_known", len(set(rows)) - len(fresh))
        seen |= fresh
    return sorted(seen, key=order_key)
