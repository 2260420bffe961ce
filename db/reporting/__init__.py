"""The figures: scores, Data Summary, reports, the demo and reference inspections.

Imports db.file, db.protection, db.collation, db.errors and question_bank; nothing imports it
but audit_tui.
"""
