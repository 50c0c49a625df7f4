"""Who read a case: its access log as records people can read, for the API and the command line.

Listing the log is itself a read, recorded first: the records name the staff who read the case,
and whoever looks at that is accountable too. So the list always ends with the caller's own read.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor

LISTING = "who read the case"
RECEIVE = "receive"  # the command that logs a new case: POST /complaints, `case receive`


def returned_by(command: str) -> str:
    """What a command's answer reads: the case as the command left it."""
    return f"case returned by {command}"


def case_work(command: str) -> str:
    """The purpose of reading a command's answer when the caller gives none."""
    return f"case work: {command}"


def access_record_view(read: dict[str, Any]) -> dict[str, Any]:
    """One read: when, who (principal, organisation, role), what they read and why."""
    return {
        "at": read["timestamp"].isoformat(),
        "principal": read["principal"],
        "organisation": read["organisation"],
        "role": read["role"],
        "what": read["what"],
        "purpose": read["purpose"],
    }


def list_reads(
    ledger: ComplaintsLedger, case_id: UUID, reader: Actor, *, purpose: str | None
) -> list[dict[str, Any]]:
    """Record that `reader` lists the case's reads, then every read, oldest first (the caller
    must have been allowed: `Policy.check_can_list_reads`)."""
    ledger.record_read(case_id, reader, what=LISTING, purpose=purpose)
    return [access_record_view(read) for read in ledger.reads_of(case_id)]
