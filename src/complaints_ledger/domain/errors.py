"""Errors the domain raises. Each names the rule and, where there is one, the field at fault."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the ledger reports to a user."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self) -> str:
        parts = [self.message]
        if self.field:
            parts.append(f"field: {self.field}")
        if self.rule:
            parts.append(f"rule: {self.rule}")
        return parts[0] if len(parts) == 1 else f"{parts[0]} ({'; '.join(parts[1:])})"


class RuleViolationError(LedgerError):
    """A command breaks a rule of the complaints procedure."""


class InvalidValueError(LedgerError):
    """A value is malformed or out of range (unknown regime, date in the future, ...)."""


class CaseClosedError(RuleViolationError):
    """The case is closed or withdrawn and does not accept this command."""


class DuplicateCommandError(LedgerError):
    """The same command (same correlation id) was already applied."""


class NotPermittedError(LedgerError):
    """The actor's role does not allow this command."""


class NotFoundError(LedgerError):
    """The thing asked for does not exist (or is not configured)."""


class ComplaintNotFoundError(NotFoundError):
    """No complaint with this id exists (or existed at the requested instant)."""


class ConflictError(LedgerError):
    """The case changed since the version the caller expected."""


class StoreUnavailableError(LedgerError):
    """The event store could not be reached or refused the operation."""


class IntegrityFailureError(LedgerError):
    """Stored data failed a cryptographic check: it was altered, moved or its key is wrong."""
