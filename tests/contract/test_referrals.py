"""'No wrong door' on both stores: a referral passed on and declined, the read models that follow
it, the chain kept across snapshots, and the CLI's one-line refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from typer.testing import CliRunner, Result

from complaints_ledger.application.case_view import case_view
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from projections import audit_trail, timeliness, worklist
from projections.timeliness_queries import dashboard
from tests import builders
from tests.builders import SimulatedClock, assert_one_error_line

PROVIDER, COUNCIL, TRUST = "Sunrise Home Care Ltd", "Northshire Council", "Northshire NHS Trust"
MON_18_MAY = datetime(2026, 5, 18, 9, tzinfo=UTC)
TODAY = date(2026, 6, 1)


def ctx(organisation: str) -> CommandContext:
    return CommandContext(Actor("k.officer", organisation, Role.OFFICER))


def registered(ledger: ComplaintsLedger, clock: SimulatedClock) -> ComplaintsLedger:
    """The ledger with the three organisations registered, the morning the story starts."""
    clock.now = MON_18_MAY - timedelta(hours=1)
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    for name, kind in (
        (PROVIDER, OrganisationKind.PROVIDER),
        (COUNCIL, OrganisationKind.COUNCIL),
        (TRUST, OrganisationKind.NHS),
    ):
        ledger.register_organisation(admin, name=name, kind=kind)
    return ledger


def wrong_doors(ledger: ComplaintsLedger, clock: SimulatedClock) -> UUID:
    """The provider refers to the council, which passes it on to the trust, which declines."""
    clock.now = MON_18_MAY
    intake = builders.intake(receiving_organisation=PROVIDER, about_organisation=PROVIDER)
    case_id = ledger.receive(intake, ctx(PROVIDER))
    clock.advance(hours=3)
    ledger.refer(case_id, ctx(PROVIDER), to_organisation=COUNCIL, reason="r", consent_to_share=True)
    clock.advance(days=1)
    ledger.pass_on_referral(
        case_id, ctx(COUNCIL), to_organisation=TRUST, reason="NHS care", consent_to_share=True
    )
    clock.advance(days=1)
    ledger.decline_referral(
        case_id, ctx(TRUST), reason="the council's after all", suggested_organisation=COUNCIL
    )
    return case_id


def test_a_declined_chain_leaves_the_case_with_its_holder_in_every_read_model(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock, db: ViewDatabase
) -> None:
    ledger = registered(open_ledger(snapshot_interval=2), clock)
    case_id = wrong_doors(ledger, clock)
    runner = ReadModelRunner(db)
    for projection in (timeliness.PROJECTION, worklist.PROJECTION, audit_trail.PROJECTION):
        runner.rebuild(projection)

    (row,) = [r for r in dashboard(db, today=TODAY) if r["received"]]
    assert (row["organisation"], row["month"], row["received"]) == (PROVIDER, "2026-05", 1)
    # The provider's acknowledgement (due Thu 21 May) ran on through the referrals: missed.
    assert row["acknowledgement_outstanding"] == 1
    assert row["overdue_now"] == 1
    (listed,) = worklist.worklist(db, organisation=PROVIDER, today=TODAY)
    assert (listed["status"], listed["referred_from"]) == ("received", None)
    assert listed["next_deadline"] == "acknowledgement"
    assert worklist.worklist(db, organisation=TRUST, today=TODAY) == []
    offered = audit_trail.organisation_index(db, TRUST)
    assert [(r["case_id"], r["relation"]) for r in offered] == [(str(case_id), "referred to")]

    # A fresh process loads the case from its snapshot, chain and all.
    view = case_view(open_ledger(snapshot_interval=2).get(case_id), TODAY)
    assert [(s["step"], s["by"], s["to"]) for s in view["referral_chain"]] == [
        ("offered", PROVIDER, COUNCIL),
        ("passed_on", COUNCIL, TRUST),
        ("declined", TRUST, PROVIDER),
    ]
    assert view["referral_chain"][2]["suggested_organisation"] == COUNCIL
    assert (view["status"], view["organisation"]) == ("received", PROVIDER)


def test_a_recall_after_a_snapshot_keeps_the_chain_whole(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    ledger = registered(open_ledger(snapshot_interval=2), clock)
    case_id = wrong_doors(ledger, clock)
    clock.advance(hours=1)
    ledger.refer(case_id, ctx(PROVIDER), to_organisation=COUNCIL, reason="r", consent_to_share=True)
    clock.advance(hours=1)
    ledger.recall_referral(case_id, ctx(PROVIDER), reason="the person asked us to keep it")
    steps = [s["step"] for s in case_view(open_ledger().get(case_id), TODAY)["referral_chain"]]
    assert steps == ["offered", "passed_on", "declined", "offered", "recalled"]


def cli(url: str, *words: str, who: tuple[str, str] = ("officer", TRUST)) -> Result:
    role, org = who
    caller = ["--as", "t.officer", "--role", role, "--org", org]
    line = ["--store", url, "case", *words, *caller]
    return CliRunner().invoke(app, line, env={"COLUMNS": "200"})


def test_the_cli_declines_passes_on_and_refuses_in_one_line(
    store_url: str, open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    ledger = registered(open_ledger(), clock)
    clock.now = MON_18_MAY
    intake = builders.intake(receiving_organisation=PROVIDER, about_organisation=PROVIDER)
    case_id = str(ledger.receive(intake, ctx(PROVIDER)))
    ledger.refer(
        UUID(case_id), ctx(PROVIDER), to_organisation=TRUST, reason="r", consent_to_share=True
    )
    ledger.close()

    unknown = cli(
        store_url,
        "decline-referral",
        case_id,
        "--reason",
        "r",
        "--suggested-organisation",
        "Nowhere Care",
    )
    line = assert_one_error_line(unknown, "complaints-ledger org add 'Nowhere Care' --kind")
    assert line.endswith("(field: suggested_organisation; rule: organisations registry)")
    no_consent = cli(
        store_url,
        "pass-on-referral",
        case_id,
        "--to-organisation",
        COUNCIL,
        "--reason",
        "r",
        "--no-consent-to-share",
    )
    assert "(field: consent_to_share" in assert_one_error_line(no_consent, COUNCIL)

    passed = cli(
        store_url,
        "pass-on-referral",
        case_id,
        "--to-organisation",
        COUNCIL,
        "--reason",
        "Council-commissioned",
        "--consent-to-share",
        "--json",
    )
    assert passed.exit_code == 0, passed.output
    assert json.loads(passed.stdout)["pending_referral"]["to"] == COUNCIL
    declined = cli(
        store_url,
        "decline-referral",
        case_id,
        "--reason",
        "Not ours",
        "--suggested-organisation",
        TRUST,
        "--json",
        who=("officer", COUNCIL),
    )
    assert declined.exit_code == 0, declined.output
    view = json.loads(declined.stdout)
    assert [s["step"] for s in view["referral_chain"]] == ["offered", "passed_on", "declined"]
    assert (view["status"], view["organisation"]) == ("received", PROVIDER)
    recall = cli(store_url, "recall-referral", case_id, "--reason", "r", who=("officer", PROVIDER))
    assert "(field: status)" in assert_one_error_line(recall, "cannot recall a referral")
