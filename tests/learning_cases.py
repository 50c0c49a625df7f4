"""Lessons for the learning register's and the annual report's tests (HTTP and browser), recorded
through the ledger's commands on cases received so many days before now (tests/worklist_cases):

- `letters` (the council's, home care, 300 days ago: last reporting year), upheld; its lesson
  on "Communication", shared with partners; action A1 completed, A2 overdue.
- `fees` (the council's, charging, 20 days ago: this reporting year), not upheld; its lesson on
  "Charging", not shared; action B1 planned (due in 60 days).
- `meals` (the provider's, residential care, 10 days ago); its lesson on "communication" (the
  same theme, spelt otherwise), shared; action C1 planned. Never shown to the council.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from complaints_ledger.domain.values import Outcome, Remedy
from tests.worklist_cases import COUNCIL, PROVIDER, WorklistCases

APRIL = 4


def reporting_year_label(day: date) -> str:
    """The reporting year (from 1 April) of a day, written as the annual report writes it."""
    first = day.year if day.month >= APRIL else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def days_ago(days: float) -> date:
    return (datetime.now(UTC) - timedelta(days=days)).date()


class LearningCases(WorklistCases):
    def lesson(
        self,
        name: str,
        theme: str,
        *,
        shared: bool,
        organisation: str = COUNCIL,
        lesson_id: str | None = None,
    ) -> None:
        self.ledger.record_lesson(
            self.cases[name],
            self.ctx(organisation),
            lesson_id=lesson_id or f"L-{name}",
            theme=theme,
            lesson=f"What the {name} case taught us about {theme.lower()}",
            action=f"Change how we handle {theme.lower()} ({name})",
            shared_with_partners=shared,
        )

    def action(
        self, name: str, action_id: str, due_in_days: int, organisation: str = COUNCIL
    ) -> None:
        self.ledger.plan_action(
            self.cases[name],
            self.ctx(organisation),
            action_id=action_id,
            description=f"Action {action_id} of the {name} case",
            owner="Head of customer care",
            due_on=self.now.date() + timedelta(days=due_in_days),
        )

    def complete(self, name: str, action_id: str) -> None:
        self.ledger.complete_action(self.cases[name], self.ctx(), action_id=action_id)

    def respond(self, name: str, outcome: Outcome) -> None:
        self.acknowledge(name)
        self.ledger.send_response(
            self.cases[name],
            self.ctx(),
            outcome=outcome,
            remedies=(Remedy.APOLOGY,) if outcome != Outcome.NOT_UPHELD else (),
            signed_by="Director of Adult Services",
            ombudsman_rights_given=True,
            summary="Our response",
        )


def tell_learning_story(url: str) -> dict[str, UUID]:
    story = LearningCases(url)
    try:
        story.receive("letters", days_ago=300)
        story.respond("letters", Outcome.UPHELD)
        story.lesson("letters", "Communication", shared=True)
        story.action("letters", "A1", due_in_days=10)
        story.action("letters", "A2", due_in_days=20)
        story.complete("letters", "A1")
        story.receive("fees", days_ago=20, service="charging")
        story.respond("fees", Outcome.NOT_UPHELD)
        story.lesson("fees", "Charging", shared=False)
        story.action("fees", "B1", due_in_days=80)
        story.receive("meals", days_ago=10, organisation=PROVIDER, service="residential care")
        story.lesson("meals", "communication", shared=True, organisation=PROVIDER)
        story.action("meals", "C1", due_in_days=30, organisation=PROVIDER)
        return dict(story.cases)
    finally:
        story.close()
