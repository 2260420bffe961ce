"""Where answers live: the inspection file's schema, the store, export and collation."""

from db.errors import StoreError

__all__ = ["StoreError"]
