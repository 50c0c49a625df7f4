"""'No wrong door': however a referral goes (offered, declined, recalled, passed on, accepted, in
any order, with refusals), the case counts exactly once, in the timeliness dashboard and in the
annual report, with the organisation that last accepted it, or the one that received it.

Hypothesis drives the ledger with random chains among four organisations; a small model says who
should hold the case, who has the pending referral, and what status the holder left it in. The
holder's clocks are never paused: the dashboard counts from the holder's own receipt.
Each example gets a fresh SQLite file (the contract tests run the chain on both stores).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.domain.values import Actor, Status
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.settings import Settings
from projections import annual_report, timeliness, worklist
from projections.timeliness_queries import dashboard
from tests import builders

ORGANISATIONS = (
    "Sunrise Home Care Ltd",
    "Northshire Council",
    "Northshire NHS Trust",
    "Healthwatch",
)
FIRST = ORGANISATIONS[0]
START = datetime(2026, 5, 4, 9, tzinfo=UTC)  # Monday, in the 2026-27 reporting year
TODAY = date(2026, 12, 1)
STEPS = ("refer", "decline", "recall", "pass_on", "accept", "acknowledge")

steps = st.lists(
    st.tuples(
        st.sampled_from(STEPS),
        st.sampled_from(ORGANISATIONS),  # whom to refer or pass it on to, or suggest
        st.integers(min_value=1, max_value=72),  # hours after the last step
    ),
    max_size=12,
)


@dataclass
class Model:
    """Who should hold the case, who has the pending referral, the holder's status."""

    holder: str = FIRST
    pending: str | None = None
    status: Status = Status.RECEIVED

    def actor(self, step: str) -> str:
        by_receiver = step in {"decline", "pass_on", "accept"}
        return (self.pending or self.holder) if by_receiver else self.holder

    def expects(self, step: str, to: str) -> bool:
        """Whether the domain should take the step (consent is always given)."""
        if step == "acknowledge":
            return self.pending is None and self.status == Status.RECEIVED
        if step == "refer":
            return self.pending is None and to != self.holder
        if step == "pass_on":
            return self.pending is not None and to not in {self.pending, self.holder}
        if step == "decline":  # suggesting any organisation but itself
            return self.pending is not None and to != self.pending
        return self.pending is not None

    def take(self, step: str, to: str) -> None:
        if step in {"refer", "pass_on"}:
            self.pending = to
        elif step == "accept":
            self.holder, self.pending = self.pending or self.holder, None
            self.status = Status.RECEIVED
        elif step == "acknowledge":
            self.status = Status.ACKNOWLEDGED
        else:  # declined or recalled: back with the holder, as it was
            self.pending = None


def commands(
    ledger: ComplaintsLedger, case: UUID
) -> dict[str, Callable[[CommandContext, str], Any]]:
    return {
        "refer": lambda ctx, to: ledger.refer(
            case, ctx, to_organisation=to, reason="theirs", consent_to_share=True
        ),
        "decline": lambda ctx, to: ledger.decline_referral(
            case, ctx, reason="not ours", suggested_organisation=to
        ),
        "recall": lambda ctx, _: ledger.recall_referral(case, ctx, reason="too soon"),
        "pass_on": lambda ctx, to: ledger.pass_on_referral(
            case, ctx, to_organisation=to, reason="theirs", consent_to_share=True
        ),
        "accept": lambda ctx, _: ledger.accept_referral(case, ctx),
        "acknowledge": lambda ctx, _: ledger.acknowledge(case, ctx),
    }


def play(
    ledger: ComplaintsLedger, clock: list[datetime], chain: list[tuple[str, str, int]]
) -> tuple[UUID, Model]:
    intake = builders.intake(receiving_organisation=FIRST, about_organisation=FIRST)
    case = ledger.receive(intake, CommandContext(Actor("o.first", FIRST)))
    model, run = Model(), commands(ledger, case)
    for step, to, hours in chain:
        clock[0] += timedelta(hours=hours)
        ctx = CommandContext(Actor(f"o.{step}", model.actor(step)))
        expected = model.expects(step, to)
        try:
            run[step](ctx, to)
        except LedgerError as error:
            refusal = error
        else:
            refusal = None
        assert (refusal is None) == expected, f"{step} to {to}: {refusal or 'taken'}"
        if refusal is not None:
            note(f"refused: {step} {to} ({refusal.field})")
            continue
        model.take(step, to)
        note(f"took: {step} {to}")
    return case, model


@settings(max_examples=50, deadline=None)
@given(chain=steps)
def test_a_referral_chain_counts_the_case_once_with_the_organisation_that_dealt_with_it(
    tmp_path_factory: pytest.TempPathFactory, chain: list[tuple[str, str, int]]
) -> None:
    folder: Path = tmp_path_factory.mktemp("chain")
    url = f"sqlite:///{folder.as_posix()}/ledger.db"
    clock = [START]
    ledger = ComplaintsLedger(Settings(store=url), clock=lambda: clock[0])
    db = ViewDatabase(parse_store_url(url))
    try:
        case_id, model = play(ledger, clock, chain)
        case = ledger.get(case_id)
        assert (case.handling_organisation, case.status) == (
            model.holder,
            Status.REFERRED if model.pending else model.status,
        )
        runner = ReadModelRunner(db)
        for projection in (timeliness.PROJECTION, annual_report.PROJECTION, worklist.PROJECTION):
            runner.rebuild(projection)

        rows = [row for row in dashboard(db, today=TODAY) if row["received"]]
        assert [(row["organisation"], row["received"]) for row in rows] == [(model.holder, 1)]
        # Counted from the holder's own receipt: never paused, restarted only by an acceptance.
        assert rows[0]["month"] == f"{case.received_at:%Y-%m}"
        assert [fact["organisation"] for fact in annual_report.case_facts(db)] == [model.holder]
        for organisation in ORGANISATIONS:
            report = annual_report.annual_report(db, organisation=organisation, year=2026)
            counted = report["regs_16_18"]["complaints_received"]
            assert counted == (organisation == model.holder), organisation
        (listed,) = [
            row
            for organisation in ORGANISATIONS
            for row in worklist.worklist(db, organisation=organisation, today=TODAY)
        ]
        assert listed["organisation"] == (model.pending or model.holder)
    finally:
        db.close()
        ledger.close()
