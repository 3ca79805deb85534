"""The one exception tree of grantflow.

Bad *input* (a broken spreadsheet, a wrong value) never raises: it becomes an
issue in a validation report. These exceptions are for refused *operations*
(an illegal state transition, an over-commitment of money) and for broken
configuration. Adapters translate third-party exceptions into these, raised
``from`` the original.
"""

from __future__ import annotations


class GrantflowError(Exception):
    """Base of every error grantflow raises on purpose."""


class ConfigurationError(GrantflowError):
    """The programme file, a form definition or a setting is wrong."""


class NotFound(GrantflowError):
    """A referenced application, reviewer, partner or file does not exist."""


class IllegalTransition(GrantflowError):
    """A lifecycle step that the current state does not allow."""


class LedgerError(GrantflowError):
    """A booking that would break a rule of money (over-commitment, overspend)."""


class StorageError(GrantflowError):
    """The store could not complete an operation."""


class Conflict(StorageError):
    """A concurrent writer got there first (a unique key was taken): re-read and retry."""


class DocumentError(GrantflowError):
    """A document could not be rendered."""
