"""Errors raised by the services. Their ``str()`` is a Chinese message for the user.

``DomainError``: a refusal or problem with what the user asked. ``StoreError``: a known
environment problem with the database file (not a bug).
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal or problem the user should read (not a bug)."""


class PermissionDenied(DomainError):
    pass


class Locked(DomainError):
    """The month cannot be edited; the message says why (submitted, approved, expired)."""


class NotFound(DomainError):
    pass


class InvalidInput(DomainError):
    """Input that fails validation; ``problems`` lists (where, message) pairs."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


class StoreError(Exception):
    """A known environment problem with the database file (message in Chinese)."""


class DatabaseTooNew(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class DatabaseBusy(StoreError):
    pass


class DiskFull(StoreError):
    """The disk holding the database is full: nothing of the operation was written."""


class ForeignDatabase(StoreError):
    """The file is another program's SQLite database: this program never writes to it."""
