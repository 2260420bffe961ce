"""The inspection file's schema and its migrations, with the version the code checks.

Migrations are sqlite-utils' own (`sqlite_utils.Migrations`, recorded in `_sqlite_migrations`);
each one also sets `PRAGMA user_version` to its number, so a file's schema version can be read
from the header without running anything, and a file newer than this program is refused
before a single byte of it is written.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

# The application id, the schema version and the migrations' names live in db/file_format.py,
# which the checks before opening a file read without loading sqlite-utils.
from db.file.file_format import (
    APPLICATION_ID,
    KNOWN_MIGRATIONS,
    MIGRATION_SET,
    SCHEMA_VERSION,
    applied_migrations,
)

__all__ = [
    "APPLICATION_ID",
    "KNOWN_MIGRATIONS",
    "MIGRATION_SET",
    "SCHEMA_VERSION",
    "applied_migrations",
    "migrate",
    "migrations",
]

migrations = Migrations(MIGRATION_SET)

SCHEMA_V1 = """
CREATE TABLE bank (
    content_hash TEXT PRIMARY KEY,
    bank_id TEXT NOT NULL,
    version TEXT NOT NULL,
    canonical_json TEXT NOT NULL,
    stored_at TEXT NOT NULL
);

CREATE TABLE inspection (
    id TEXT PRIMARY KEY,
    singleton INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    area TEXT NOT NULL CHECK (length(trim(area)) > 0),
    bank_id TEXT NOT NULL,
    bank_version TEXT NOT NULL,
    bank_hash TEXT NOT NULL REFERENCES bank(content_hash),
    lead TEXT,
    fieldwork_start TEXT,
    fieldwork_end TEXT,
    created_at TEXT NOT NULL
);

-- The bank's questions and scale options, written from the stored bank when the file is made,
-- so that plain SQLite clients can read themes, key questions and yes/no/excluded counts.
CREATE TABLE questions (
    question_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    theme INTEGER NOT NULL,
    section TEXT NOT NULL,
    key INTEGER NOT NULL CHECK (key IN (0, 1)),
    scale TEXT NOT NULL,
    chart_label TEXT NOT NULL,
    text TEXT NOT NULL
);

CREATE TABLE scale_values (
    scale TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    counts_as TEXT NOT NULL CHECK (counts_as IN ('yes', 'no', 'excluded')),
    PRIMARY KEY (scale, value)
) WITHOUT ROWID;

CREATE TABLE inspectors (
    initials TEXT PRIMARY KEY CHECK (initials GLOB '[A-Z]*' AND length(initials) <= 6),
    is_lead INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);

CREATE TABLE cases (
    case_ref TEXT PRIMARY KEY,
    inspector TEXT NOT NULL REFERENCES inspectors(initials),
    case_manager_role TEXT NOT NULL,
    age INTEGER NOT NULL CHECK (age BETWEEN 10 AND 18),
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    bame INTEGER CHECK (bame IN (0, 1)),
    disposal TEXT NOT NULL,
    custody INTEGER NOT NULL CHECK (custody IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('current', 'terminated')),
    start_date TEXT NOT NULL,
    end_date TEXT,
    rosh TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    looked_after INTEGER NOT NULL DEFAULT 0,
    child_protection_plan INTEGER NOT NULL DEFAULT 0,
    mappa INTEGER NOT NULL DEFAULT 0,
    transferred INTEGER NOT NULL DEFAULT 0,
    victim_identified INTEGER NOT NULL DEFAULT 0,
    psr_prepared INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX cases_inspector ON cases(inspector);

CREATE TABLE applicability (
    case_ref TEXT NOT NULL REFERENCES cases(case_ref) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(question_id),
    applies INTEGER NOT NULL CHECK (applies IN (0, 1)),
    PRIMARY KEY (case_ref, question_id)
) WITHOUT ROWID;

CREATE TABLE answers (
    case_ref TEXT NOT NULL REFERENCES cases(case_ref),
    question_id TEXT NOT NULL REFERENCES questions(question_id),
    role TEXT NOT NULL CHECK (role IN ('primary', 'second_read')),
    value TEXT NOT NULL,
    note TEXT,
    inspector TEXT NOT NULL REFERENCES inspectors(initials),
    bank_version TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (case_ref, question_id, role)
) WITHOUT ROWID;
CREATE INDEX answers_question ON answers(question_id, value);

-- Every change to an answer, a note or a case's status: who, when, old and new, and why.
CREATE TABLE answer_history (
    id INTEGER PRIMARY KEY,
    case_ref TEXT NOT NULL REFERENCES cases(case_ref),
    question_id TEXT,
    role TEXT,
    event TEXT NOT NULL CHECK (event IN ('answer', 'note', 'clear', 'status', 'case')),
    old_value TEXT,
    new_value TEXT,
    old_note TEXT,
    new_note TEXT,
    inspector TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX answer_history_case ON answer_history(case_ref, question_id);

CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
BEGIN
    SELECT RAISE(ABORT, 'answer_history is append-only');
END;

CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history
BEGIN
    SELECT RAISE(ABORT, 'answer_history is append-only');
END;

CREATE TABLE case_status (
    case_ref TEXT PRIMARY KEY REFERENCES cases(case_ref) ON DELETE CASCADE,
    status TEXT NOT NULL
        CHECK (status IN ('not_started', 'in_progress', 'complete', 'locked')),
    changed_at TEXT NOT NULL,
    changed_by TEXT
);

CREATE TABLE ui_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every stored answer with its case, question and whether it counts (applies to the case).
CREATE VIEW answer_view AS
SELECT
    a.case_ref, a.question_id, q.theme, q.section, q.key, q.chart_label,
    a.role, a.value, sv.counts_as, a.note, a.inspector, a.bank_version, a.answered_at,
    COALESCE(ap.applies, 0) AS applies,
    c.inspector AS case_inspector, c.gender, c.bame, c.custody, c.status, c.rosh,
    c.vulnerability, c.looked_after
FROM answers a
JOIN cases c ON c.case_ref = a.case_ref
JOIN questions q ON q.question_id = a.question_id
LEFT JOIN scale_values sv ON sv.scale = q.scale AND sv.value = a.value
LEFT JOIN applicability ap ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id;

-- Per question and value, the primary answers that count (those to applicable questions).
CREATE VIEW question_counts AS
SELECT
    q.question_id, q.theme, q.key, q.chart_label, a.value, sv.counts_as,
    COUNT(*) AS answers
FROM answers a
JOIN applicability ap
    ON ap.case_ref = a.case_ref AND ap.question_id = a.question_id AND ap.applies = 1
JOIN questions q ON q.question_id = a.question_id
LEFT JOIN scale_values sv ON sv.scale = q.scale AND sv.value = a.value
WHERE a.role = 'primary'
GROUP BY q.question_id, a.value
ORDER BY q.position, a.value;
"""


@migrations()
def m001_inspection_file(db: Database) -> None:
    """The first schema: inspection, bank, questions, cases, answers, history, status, views."""
    db.executescript(SCHEMA_V1)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")


@migrations()
def m002_history_chain(db: Database) -> None:
    """History rows carry a hash chaining each to the one before (see db/history_chain.py).

    Rows written before this migration are hashed here, the one time the append-only trigger
    is lifted; from now on a row without its hash is refused, so every writer chains.
    """
    from db.file.history_chain import rehash_all

    db.execute("ALTER TABLE answer_history ADD COLUMN hash TEXT")
    db.execute("DROP TRIGGER answer_history_no_update")
    rehash_all(db.conn)
    db.execute(
        "CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history "
        "BEGIN SELECT RAISE(ABORT, 'answer_history is append-only'); END"
    )
    # The trigger's text is stored in every file made since: it keeps the module's old name.
    db.execute(
        "CREATE TRIGGER answer_history_needs_hash BEFORE INSERT ON answer_history "
        "WHEN NEW.hash IS NULL "
        "BEGIN SELECT RAISE(ABORT, 'answer_history rows are appended by db.history_chain'); END"
    )
    db.execute("PRAGMA user_version = 2")


SCHEMA_V3_COLLATION = """
-- Every version of an answer that collation found in conflict (two files holding different
-- answers to the same case, question and role) or that moderation replaced: none is lost.
-- A key with an unsettled version is an unresolved conflict, until moderation settles it.
CREATE TABLE answer_versions (
    case_ref TEXT NOT NULL REFERENCES cases(case_ref),
    question_id TEXT NOT NULL REFERENCES questions(question_id),
    role TEXT NOT NULL CHECK (role IN ('primary', 'second_read')),
    value TEXT NOT NULL,
    note TEXT,
    inspector TEXT NOT NULL,
    bank_version TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1))
);
CREATE INDEX answer_versions_key ON answer_versions(case_ref, question_id, role);

-- The lead's ruling on a conflict or a second-read disagreement: the answer before it (the
-- first read, for agreement figures), the answer chosen or entered, and why.
CREATE TABLE moderations (
    case_ref TEXT NOT NULL REFERENCES cases(case_ref),
    question_id TEXT NOT NULL REFERENCES questions(question_id),
    role TEXT NOT NULL CHECK (role IN ('primary', 'second_read')),
    kind TEXT NOT NULL CHECK (kind IN ('conflict', 'second_read')),
    before_value TEXT,
    before_note TEXT,
    value TEXT NOT NULL,
    note TEXT,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    moderator TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_ref, question_id, role)
) WITHOUT ROWID;
"""


@migrations()
def m003_collation(db: Database) -> None:
    """Conflicting answer versions kept side by side, and the lead's moderations (collation)."""
    # Statement by statement: executescript would commit the migration's transaction early.
    for statement in SCHEMA_V3_COLLATION.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")


def migrate(conn: sqlite3.Connection) -> None:
    """Apply every pending migration, each in its own transaction."""
    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    migrations.apply(db)


JUDGEMENTS_V4: tuple[str, ...] = (
    """
    CREATE TABLE judgements (
        id INTEGER PRIMARY KEY,
        theme INTEGER NOT NULL,
        judgement TEXT CHECK (judgement IS NULL OR length(trim(judgement)) > 0),
        rationale TEXT NOT NULL CHECK (length(trim(rationale)) > 0),
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX judgements_theme ON judgements(theme, recorded_at)",
    "CREATE TRIGGER judgements_no_update BEFORE UPDATE ON judgements "
    "BEGIN SELECT RAISE(ABORT, 'judgements are append-only'); END",
    "CREATE TRIGGER judgements_no_delete BEFORE DELETE ON judgements "
    "BEGIN SELECT RAISE(ABORT, 'judgements are append-only'); END",
)


@migrations()
def m004_judgements(db: Database) -> None:
    """The lead inspector's recorded judgement per theme, every change kept (db/judgements.py).

    One append-only table is both the history and the current state: a theme's judgement is
    its latest row, and a row with no judgement withdraws the one before.
    """
    for statement in JUDGEMENTS_V4:
        db.execute(statement)
    db.execute("PRAGMA user_version = 4")


BAND_SETS_V5: tuple[str, ...] = (
    """
    CREATE TABLE band_sets (
        id INTEGER PRIMARY KEY,
        bands_json TEXT NOT NULL,
        source TEXT CHECK (source IS NULL OR length(trim(source)) > 0),
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
    )
    """,
    "CREATE INDEX band_sets_at ON band_sets(set_at)",
    "CREATE TRIGGER band_sets_no_update BEFORE UPDATE ON band_sets "
    "BEGIN SELECT RAISE(ABORT, 'band sets are append-only'); END",
    "CREATE TRIGGER band_sets_no_delete BEFORE DELETE ON band_sets "
    "BEGIN SELECT RAISE(ABORT, 'band sets are append-only'); END",
)


@migrations()
def m005_band_sets(db: Database) -> None:
    """The bands the lead set for this inspection, every set kept (db/file/bands.py).

    The stored bank is never changed (its hash ties the file to the bank it was made with); the
    latest set replaces its bands wherever the file is scored.
    """
    for statement in BAND_SETS_V5:
        db.execute(statement)
    db.execute("PRAGMA user_version = 5")


# The append-only triggers of m004 and m005, made again as they were after the rows are hashed.
_NO_UPDATE = {"judgements": JUDGEMENTS_V4[2], "band_sets": BAND_SETS_V5[2]}


@migrations()
def m006_record_chains(db: Database) -> None:
    """Judgements and band sets carry a hash chaining each row to the one before
    (db/file/record_chain.py), as the answer history does since m002.

    Rows written before this migration are hashed here, the one time their append-only trigger
    is lifted; from now on a row without its hash is refused, so every writer chains.
    """
    from db.file.record_chain import rehash_all

    for table, no_update in _NO_UPDATE.items():
        db.execute(f"ALTER TABLE {table} ADD COLUMN hash TEXT")
        db.execute(f"DROP TRIGGER {table}_no_update")
        rehash_all(db.conn, table)
        db.execute(no_update)
        db.execute(
            f"CREATE TRIGGER {table}_needs_hash BEFORE INSERT ON {table} WHEN NEW.hash IS NULL "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are appended by db.file.record_chain'); END"
        )
    db.execute("PRAGMA user_version = 6")


RECORD_HEADS_V7: tuple[str, ...] = (
    """
    CREATE TABLE record_heads (
        chain TEXT PRIMARY KEY CHECK (chain IN ('judgements', 'band_sets')),
        last_id INTEGER NOT NULL CHECK (last_id >= 0),
        head TEXT
    )
    """,
    *(
        f"CREATE TRIGGER {table}_head AFTER INSERT ON {table} BEGIN "
        f"UPDATE record_heads SET last_id = NEW.id, head = NEW.hash WHERE chain = '{table}'; END"
        for table in ("judgements", "band_sets")
    ),
)


@migrations()
def m007_record_heads(db: Database) -> None:
    """Each record chain's last row (its id and hash) kept in `record_heads`, so that deleting
    the last judgement or band set by hand is named (db/file/record_chain.py).

    A trigger keeps it in the insert's own transaction, whichever writer appends; the rows are
    filled here from the chains as they are.
    """
    for statement in RECORD_HEADS_V7:
        db.execute(statement)
    for table in _NO_UPDATE:
        last = db.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
        db.execute(
            "INSERT INTO record_heads (chain, last_id, head) VALUES (?, ?, ?)",
            (table, *(last or (0, None))),
        )
    db.execute("PRAGMA user_version = 7")
