"""Where answers live: the inspection file, its protection, collation and the figures.

Four sub-packages, each importing only those listed before it (and question_bank); the
import-linter contracts in pyproject.toml check it:

- `db.file`: the inspection file itself: connections, schema and migrations, the checks every
  open runs, the hash-chained history, the store that records answers and judgements, CSV
  import, the tally.
- `db.protection`: encrypting and decrypting whole files, rotating backups, de-identified copies.
- `db.collation`: split, export, the checks of untrusted inputs, merging them, moderation and
  agreement between first and second reads.
- `db.reporting`: scores and Data Summary figures, reports (md, csv, json, xlsx), the demo
  inspection and the reference inspection.

`db.errors` holds the errors every sub-package raises. db never imports textual or audit_tui.
"""

from db.errors import StoreError

__all__ = ["StoreError"]
