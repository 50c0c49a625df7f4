"""Who may see and do what, on both stores: tokens, organisations, the case policy, read audit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.access import Policy, Principal, TokenStore
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.errors import (
    ComplaintNotFoundError,
    DuplicateCommandError,
    InvalidValueError,
    NotPermittedError,
)
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    Ombudsman,
    Outcome,
    Person,
    Role,
)
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests.builders import SimulatedClock, intake

COUNCIL, PROVIDER, HEALTHWATCH = "Northshire County Council", "Sunrise Care", "Healthwatch North"
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START, step=timedelta(minutes=5))


@pytest.fixture
def ledger(ledger: ComplaintsLedger) -> ComplaintsLedger:
    """A ledger with a council, a provider, Healthwatch and the LGSCO registered."""
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    for name, kind in ((COUNCIL, OrganisationKind.COUNCIL), (PROVIDER, OrganisationKind.PROVIDER)):
        ledger.register_organisation(admin, name=name, kind=kind)
    ledger.register_organisation(admin, name=HEALTHWATCH, kind=OrganisationKind.HEALTHWATCH)
    ledger.register_organisation(
        admin,
        name="Local Government and Social Care Ombudsman",
        kind=OrganisationKind.OMBUDSMAN,
        ombudsman_body=Ombudsman.LGSCO,
    )
    return ledger


def who(role: Role, organisation: str = COUNCIL) -> Principal:
    return Principal(f"{role}-1", organisation, role, "t")


def logged_case(ledger: ComplaintsLedger, organisation: str = COUNCIL) -> object:
    canary = intake(
        receiving_organisation=organisation,
        about_organisation=PROVIDER,
        complainant=Person("Canary Person"),
    )
    case_id = ledger.receive(canary, CommandContext(who(Role.OFFICER, organisation).actor))
    return ledger.get(case_id)


def test_a_token_authenticates_until_revoked_and_only_its_hash_is_stored(store_url: str) -> None:
    tokens = TokenStore(Settings(store=store_url).store_url)
    raw, info = tokens.create(principal="jo", organisation=COUNCIL, role=Role.OFFICER)
    assert tokens.authenticate(raw) == Principal("jo", COUNCIL, Role.OFFICER, info.token_id)
    secret = raw.split("_", 2)[2]  # cl_<id>_<secret>; the secret itself may contain "_"
    assert len(secret) >= 40
    db = ViewDatabase(Settings(store=store_url).store_url)
    stored = db.execute("SELECT * FROM api_tokens")
    db.close()
    assert secret not in repr(stored)
    assert tokens.authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert tokens.authenticate("Bearer nonsense") is None
    tokens.revoke(info.token_id)
    assert tokens.authenticate(raw) is None
    with pytest.raises(InvalidValueError):
        tokens.revoke("no-such-token")
    tokens.close()


@pytest.mark.usefixtures("wide_consoles")
def test_token_list_shows_one_organisations_tokens_when_asked(store_url: str) -> None:
    def cli(*args: str) -> Result:
        return CliRunner().invoke(app, ["--store", store_url, *args], env={"COLUMNS": "200"})

    for organisation, principal in ((COUNCIL, "jo.council"), (PROVIDER, "sam.provider")):
        assert cli("org", "add", organisation, "--kind", "council").exit_code == 0
        created = cli(
            "token", "create", "--org", organisation, "--role", "admin", "--principal", principal
        )
        assert created.exit_code == 0, created.output
    ours = cli("token", "list", "--org", COUNCIL)
    assert ours.exit_code == 0, ours.output
    assert ("jo.council" in ours.stdout, "sam.provider" in ours.stdout) == (True, False)
    everyone = cli("token", "list").stdout
    assert ("jo.council" in everyone, "sam.provider" in everyone) == (True, True)


def test_organisations_are_registered_once(ledger: ComplaintsLedger) -> None:
    names = [o.name for o in ledger.organisations()]
    assert COUNCIL in names
    assert len(names) == 4
    with pytest.raises(DuplicateCommandError):
        ledger.register_organisation(
            CommandContext(Actor("a", "x", Role.ADMIN)),
            name=f"  {COUNCIL.upper()} ",
            kind=OrganisationKind.COUNCIL,
        )
    with pytest.raises(InvalidValueError) as caught:
        ledger.register_organisation(
            CommandContext(Actor("a", "x", Role.ADMIN)),
            name="PHSO",
            kind=OrganisationKind.OMBUDSMAN,
        )
    assert caught.value.field == "ombudsman_body"


def test_another_organisations_case_is_not_found(ledger: ComplaintsLedger) -> None:
    case = logged_case(ledger)
    policy = Policy(ledger)
    # Analysts read their own organisation's cases with people as pseudonyms (docs/privacy.md).
    for role in (Role.OFFICER, Role.MANAGER, Role.AUDITOR, Role.ANALYST):
        policy.check_can_read_case(who(role), case)
        with pytest.raises(ComplaintNotFoundError):
            policy.check_can_read_case(who(role, PROVIDER), case)
        with pytest.raises(ComplaintNotFoundError):
            policy.check_can_run(who(role, PROVIDER), "acknowledge", case)
    with pytest.raises(NotPermittedError):
        policy.check_can_read_case(who(Role.ADMIN), case)


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.SYSTEM}))
def test_another_organisations_case_is_not_found_whatever_the_role(
    ledger: ComplaintsLedger, role: Role
) -> None:
    """The answer for another organisation's case is the answer for an unknown case: a role
    that may not read cases at all (admin) must not learn that it exists either."""
    case = logged_case(ledger)
    policy = Policy(ledger)
    with pytest.raises(ComplaintNotFoundError):
        policy.check_can_read_case(who(role, PROVIDER), case)
    for command in ("acknowledge", "close_case", "refer"):
        with pytest.raises(ComplaintNotFoundError):
            policy.check_can_run(who(role, PROVIDER), command, case)


def test_roles_decide_which_commands_run(ledger: ComplaintsLedger) -> None:
    case = logged_case(ledger)
    policy = Policy(ledger)
    policy.check_can_run(who(Role.OFFICER), "acknowledge", case)
    for command in ("close_case", "correct_fact"):
        with pytest.raises(NotPermittedError):
            policy.check_can_run(who(Role.OFFICER), command, case)
        policy.check_can_run(who(Role.MANAGER), command, case)
    for role in (Role.AUDITOR, Role.ANALYST):
        with pytest.raises(NotPermittedError):
            policy.check_can_run(who(role), "acknowledge", case)
    policy.check_can_receive(who(Role.OFFICER), COUNCIL)
    with pytest.raises(NotPermittedError):
        policy.check_can_receive(who(Role.OFFICER), PROVIDER)
    with pytest.raises(NotPermittedError):
        policy.check_can_receive(who(Role.AUDITOR), COUNCIL)


def test_healthwatch_logs_and_refers_and_the_receiver_takes_over(ledger: ComplaintsLedger) -> None:
    case = logged_case(ledger, HEALTHWATCH)
    policy = Policy(ledger)
    watcher = who(Role.HEALTHWATCH, HEALTHWATCH)
    policy.check_can_receive(watcher, HEALTHWATCH)
    policy.check_can_run(watcher, "refer", case)
    with pytest.raises(NotPermittedError):
        policy.check_can_run(watcher, "acknowledge", case)
    ledger.refer(
        case.id,
        CommandContext(watcher.actor),
        to_organisation=COUNCIL,
        reason="council",
        consent_to_share=True,
    )
    referred = ledger.get(case.id)
    policy.check_can_read_case(who(Role.OFFICER), referred)
    policy.check_can_run(who(Role.OFFICER), "accept_referral", referred)
    with pytest.raises(NotPermittedError):
        policy.check_can_run(who(Role.OFFICER), "acknowledge", referred)
    ledger.accept_referral(case.id, CommandContext(who(Role.OFFICER).actor))
    accepted = ledger.get(case.id)
    policy.check_can_run(who(Role.OFFICER), "acknowledge", accepted)
    policy.check_can_read_case(watcher, accepted)  # it logged the case: it may still read it
    with pytest.raises(NotPermittedError):
        policy.check_can_run(watcher, "refer", accepted)


def test_the_ombudsman_sees_only_cases_escalated_to_it(ledger: ComplaintsLedger) -> None:
    case = logged_case(ledger)
    policy = Policy(ledger)
    ombudsman = who(Role.OMBUDSMAN, "Local Government and Social Care Ombudsman")
    with pytest.raises(ComplaintNotFoundError):
        policy.check_can_read_case(ombudsman, case)

    def officer() -> CommandContext:
        return CommandContext(who(Role.OFFICER).actor)

    ledger.acknowledge(case.id, officer())
    ledger.start_investigation(case.id, officer(), investigator="inv")
    ledger.send_response(
        case.id,
        officer(),
        outcome=Outcome.NOT_UPHELD,
        remedies=(),
        signed_by="Director",
        ombudsman_rights_given=True,
        summary="No fault",
    )
    ledger.escalate(
        case.id, officer(), route=EscalationRoute.OMBUDSMAN, reason="unhappy", body=Ombudsman.LGSCO
    )
    policy.check_can_read_case(ombudsman, ledger.get(case.id))
    with pytest.raises(NotPermittedError):
        policy.check_can_run(ombudsman, "acknowledge", ledger.get(case.id))


def test_every_read_is_recorded_even_under_concurrency(ledger: ComplaintsLedger) -> None:
    case = logged_case(ledger)
    reader = who(Role.AUDITOR)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(
            pool.map(
                lambda n: ledger.record_read(
                    case.id, reader.actor, what="case", purpose=f"audit {n}"
                ),
                range(12),
            )
        )
    reads = ledger.reads_of(case.id)
    assert len(reads) == 12
    assert {r["principal"] for r in reads} == {"auditor-1"}
    assert {r["purpose"] for r in reads} == {f"audit {n}" for n in range(12)}


def test_reads_recorded_by_two_processes_in_turn_are_all_kept(
    ledger: ComplaintsLedger, store_url: str
) -> None:
    """Each ledger reuses the access log it saved last; the other's appends in between must
    still be seen (the stale log's save fails on its version, and it reloads)."""
    case = logged_case(ledger)
    other = ComplaintsLedger(Settings(store=store_url))
    reader = who(Role.AUDITOR)
    try:
        for n in range(6):
            for name, app in (("first", ledger), ("second", other)):
                app.record_read(case.id, reader.actor, what="case", purpose=f"{name} {n}")
        reads = other.reads_of(case.id)
    finally:
        other.close()
    assert [r["purpose"] for r in reads] == [
        f"{name} {n}" for n in range(6) for name in ("first", "second")
    ]
    assert [r["originator_version"] for r in reads] == list(range(2, 14))
