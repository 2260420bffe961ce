"""Protection of a file at rest and in transit: encryption, backups, de-identified copies.

Imports db.file, db.errors and question_bank only.
"""
