"""Collation week: split, export, checking untrusted inputs, merging them, moderation, agreement.

Imports db.file, db.protection, db.errors and question_bank only.
"""
