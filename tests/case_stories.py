"""A case for the case page's tests (HTTP and browser), told at fixed past moments through the
ledger's own clock (tests.stories.ClockedLedger), so its dates, and the screenshot, stay put."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.values import Actor, Person
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire County Council"
RECEIVED = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # 10:30 BST on Mon 1 Jun 2026


def logged_case(store_url: str, organisation: str = COUNCIL) -> UUID:
    """A complaint received at RECEIVED and acknowledged the next day at 11:00 UTC."""
    story = ClockedLedger(store_url, RECEIVED)
    try:
        officer = CommandContext(Actor("rachel.okafor", organisation))
        intake = builders.intake(
            receiving_organisation=organisation,
            about_organisation=organisation,
            complainant=Person("Pat Example", email="pat@example.org"),
            summary="Carers arrived late four times and nobody rang to say.",
        )
        case_id: UUID = story.ledger.receive(intake, officer)
        story.move_to(date(2026, 6, 2), hour=11)
        story.ledger.acknowledge(case_id, CommandContext(Actor("rachel.okafor", organisation)))
        return case_id
    finally:
        story.ledger.close()
