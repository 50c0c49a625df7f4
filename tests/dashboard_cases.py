"""Cases for the dashboards' tests (HTTP and browser), told at fixed moments of the reporting
year 2025-26 through the ledger's own clock, so their months, subjects and outcomes stay put;
the deadlines still open are long past due whatever day the tests run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.values import Actor, Kind, Outcome
from tests import builders
from tests.stories import ClockedLedger

COUNCIL = "Northshire County Council"
PROVIDER = "Brightwater Home Care Ltd"
YEAR = 2025  # the reporting year 2025-26
# Between the June cases and the September ones: the dashboards "as recorded" then.
BEFORE_SEPTEMBER = datetime(2025, 8, 1, 11, 0, tzinfo=UTC)


class DashboardStory(ClockedLedger):
    def __init__(self, url: str) -> None:
        super().__init__(url, datetime(2025, 5, 1, tzinfo=UTC))

    def receive(
        self,
        name: str,
        day: date,
        *,
        organisation: str = COUNCIL,
        service: str = "home care",
        subjects: tuple[str, ...] = ("home care",),
        kind: Kind = Kind.COMPLAINT,
    ) -> None:
        self.move_to(day)
        intake = builders.intake(
            kind=kind,
            service=service,
            subjects=subjects,
            receiving_organisation=organisation,
            about_organisation=organisation,
        )
        self.cases[name] = self.ledger.receive(intake, self._officer(organisation))

    def acknowledge(self, name: str, day: date) -> None:
        self.move_to(day)
        self.ledger.acknowledge(self.cases[name], self._officer())

    def respond(self, name: str, day: date, outcome: Outcome) -> None:
        self.move_to(day)
        self.ledger.send_response(
            self.cases[name],
            self._officer(),
            outcome=outcome,
            remedies=(),
            signed_by="A. Manager",
            ombudsman_rights_given=True,
            summary="We looked into it.",
        )

    def close_case(self, name: str, day: date) -> None:
        self.move_to(day)
        self.ledger.close_case(
            self.cases[name], self._officer(), no_action_needed_reason="apology and refund given"
        )

    def withdraw(self, name: str, day: date) -> None:
        self.move_to(day)
        self.ledger.withdraw(self.cases[name], self._officer(), reason="resolved by phone")

    def _officer(self, organisation: str = COUNCIL) -> CommandContext:
        return CommandContext(Actor("k.officer", organisation))


def dashboard_story(url: str) -> dict[str, UUID]:
    """May: `answered` (home care, charges; acknowledged on time, upheld, closed) and `ignored`
    (never acknowledged: overdue); June: `charging` (acknowledged, later not upheld and
    withdrawn in September), a concern, and the provider's `elsewhere`; September: `later`."""
    story = DashboardStory(url)
    try:
        story.receive("answered", date(2025, 5, 6), subjects=("home care", "charges"))
        story.acknowledge("answered", date(2025, 5, 7))
        story.receive("ignored", date(2025, 5, 12))
        story.respond("answered", date(2025, 5, 30), Outcome.UPHELD)
        story.close_case("answered", date(2025, 6, 2))
        story.receive("charging", date(2025, 6, 3), service="charging", subjects=("charges",))
        story.acknowledge("charging", date(2025, 6, 4))
        story.receive("concern", date(2025, 6, 5), kind=Kind.CONCERN)
        story.receive("elsewhere", date(2025, 6, 6), organisation=PROVIDER)
        story.receive("later", date(2025, 9, 10))
        story.acknowledge("later", date(2025, 9, 11))
        story.respond("charging", date(2025, 9, 20), Outcome.NOT_UPHELD)
        story.withdraw("charging", date(2025, 9, 22))
        return dict(story.cases)
    finally:
        story.ledger.close()
