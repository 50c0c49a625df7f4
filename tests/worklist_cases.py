"""Cases for the worklist's tests (HTTP and browser), made through the ledger's application API
with a clock of their own: each case is received so many days before now, in the order told,
so that old ones are overdue today whatever day the tests run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import Actor, Kind, RegimeId, Role
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire County Council"
PROVIDER = "Brightwater Home Care Ltd"
START_DAYS_AGO = 400


class WorklistCases(ClockedLedger):
    """`receive(name, days_ago=...)` in order, oldest first; the other commands happen at the
    moment the story has reached. Close the ledger with `close()`."""

    def __init__(self, url: str) -> None:
        super().__init__(url, datetime.now(UTC) - timedelta(days=START_DAYS_AGO))

    def ctx(self, organisation: str = COUNCIL) -> CommandContext:
        return CommandContext(Actor("k.officer", organisation, Role.OFFICER))

    def receive(
        self,
        name: str,
        *,
        days_ago: float,
        organisation: str = COUNCIL,
        service: str = "home care",
        regime: RegimeId = RegimeId.ENGLAND_2009,
        kind: Kind = Kind.COMPLAINT,
    ) -> UUID:
        # Days counted on the UK wall clock, as received_on is: in UTC, two receipts 24 hours
        # apart can fall on one UK day (the night the clocks go back), tying their order.
        moment = (datetime.now(UK_TIME_ZONE) - timedelta(days=days_ago, minutes=1)).astimezone(UTC)
        assert moment >= self.now, "cases are received oldest first"
        self.now = moment
        about = {"receiving_organisation": organisation, "about_organisation": organisation}
        intake = builders.intake(kind=kind, regime=regime, service=service, **about)
        self.cases[name] = self.ledger.receive(intake, self.ctx(organisation))
        return self.cases[name]

    def acknowledge(self, name: str, organisation: str = COUNCIL) -> None:
        self.ledger.acknowledge(self.cases[name], self.ctx(organisation))

    def investigate(self, name: str, investigator: str, organisation: str = COUNCIL) -> None:
        self.acknowledge(name, organisation)
        self.ledger.start_investigation(
            self.cases[name], self.ctx(organisation), investigator=investigator
        )

    def withdraw(self, name: str, organisation: str = COUNCIL) -> None:
        self.ledger.withdraw(self.cases[name], self.ctx(organisation), reason="resolved by phone")

    def close(self) -> None:
        self.ledger.close()
