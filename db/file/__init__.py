"""The inspection file: connections, schema, checks, history chain, the store and CSV import.

Imports db.errors and question_bank only; every other part of db builds on this one.
"""
