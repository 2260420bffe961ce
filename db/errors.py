"""Errors the store raises for a user to read: one sentence that says what to do."""


class StoreError(Exception):
    """A refusal or failure a user can act on; str() is the whole message."""
