"""`complaints-ledger org ...` and `complaints-ledger token ...`: who may use the ledger."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from complaints_ledger.access import TokenStore
from complaints_ledger.access.accounts import bound_body, check_role_for_people
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.cli.parsing import line
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Role

org_app = typer.Typer(help="Organisations that use the ledger.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the HTTP API (shown once; only hashes kept).")
console = Console()
OPERATOR = Actor("cli-operator", "complaints-ledger", Role.ADMIN)


@org_app.command("add")
def add_organisation(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The organisation's name, as cases will use it.", parser=line
        ),
    ],
    kind: Annotated[OrganisationKind, typer.Option("--kind")],
    ombudsman_body: Annotated[
        Ombudsman | None, typer.Option("--ombudsman-body", help="For --kind ombudsman.")
    ] = None,
    regulator_body: Annotated[
        Regulator | None, typer.Option("--regulator-body", help="For --kind regulator.")
    ] = None,
) -> None:
    """Register an organisation (an event: it stays in the ledger's history)."""
    with reporting_errors(), open_ledger(state(ctx).settings) as ledger:
        ledger.register_organisation(
            CommandContext(OPERATOR),
            name=name,
            kind=kind,
            ombudsman_body=ombudsman_body,
            regulator_body=regulator_body,
        )
    console.print(f"registered {name} ({kind})")


@org_app.command("list")
def list_organisations(ctx: typer.Context) -> None:
    """Every registered organisation."""
    with reporting_errors(), open_ledger(state(ctx).settings) as ledger:
        table = Table("organisation", "kind", "body", "registered at")
        for organisation in ledger.organisations():
            table.add_row(
                organisation.name,
                str(organisation.kind),
                organisation.bound_body or "",
                organisation.registered_at.isoformat(),
            )
    console.print(readable(table))


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="A registered organisation.", parser=line)],
    role: Annotated[Role, typer.Option("--role")],
    principal: Annotated[
        str, typer.Option("--principal", help="Who the token is for.", parser=line)
    ],
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help="Days until it expires (default COMPLAINTS_LEDGER_TOKEN_DAYS, 90; at most "
            "COMPLAINTS_LEDGER_TOKEN_MAX_DAYS, 365).",
        ),
    ] = None,
) -> None:
    """Create a token and print it once; it expires after --days."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        check_role_for_people(role)
        bound = bound_body(ledger.organisation(org), org, role)
        tokens = TokenStore.for_settings(settings)
        try:
            raw, info = tokens.create(principal=principal, organisation=org, role=role, days=days)
        finally:
            tokens.close()
    console.print(
        f"token {info.token_id} for {principal} ({role}, {org}{bound}), expires "
        f"{info.expires_at}; "
        "it is shown only now:",
        soft_wrap=True,  # one line whatever the terminal's width: scripts read it
    )
    typer.echo(raw)


@token_app.command("revoke")
def revoke_token(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(metavar="TOKEN_ID", parser=line)]
) -> None:
    """Revoke a token at once."""
    with reporting_errors():
        tokens = TokenStore.for_settings(state(ctx).settings)
        try:
            tokens.revoke(token_id)
        finally:
            tokens.close()
    console.print(f"revoked {token_id}")


@token_app.command("list")
def list_tokens(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organisation's tokens (default: all).")
    ] = None,
) -> None:
    """Tokens with their principal, organisation, role, expiry and whether revoked (never the
    secret)."""
    with reporting_errors():
        tokens = TokenStore.for_settings(state(ctx).settings)
        try:
            infos = [info for info in tokens.list() if org in (None, info.organisation)]
        finally:
            tokens.close()
    table = Table("token id", "principal", "organisation", "role", "created", "expires", "revoked")
    for info in infos:
        table.add_row(
            info.token_id,
            info.principal,
            info.organisation,
            str(info.role),
            info.created_at,
            info.expires_at,
            info.revoked_at or "",
        )
    console.print(readable(table))


# (principal, organisation, role, the shell variable docs/api.md and the README tour use)
DEMO_PRINCIPALS = (
    ("demo-officer", "Northshire County Council", Role.OFFICER, "OFFICER_TOKEN"),
    ("demo-manager", "Northshire County Council", Role.MANAGER, "MANAGER_TOKEN"),
    ("demo-auditor", "Northshire County Council", Role.AUDITOR, "AUDITOR_TOKEN"),
    ("demo-admin", "Northshire County Council", Role.ADMIN, "ADMIN_TOKEN"),
    ("demo-healthwatch", "Healthwatch Northshire", Role.HEALTHWATCH, "HEALTHWATCH_TOKEN"),
    ("demo-ombudsman", "Local Government and Social Care Ombudsman", Role.OMBUDSMAN, "LGSCO_TOKEN"),
    ("demo-analyst", "Northshire County Council", Role.ANALYST, "ANALYST_TOKEN"),
    ("demo-regulator", "Care Quality Commission", Role.REGULATOR, "REGULATOR_TOKEN"),
)


def require_demo_organisations(ledger: ComplaintsLedger) -> None:
    """`fail` unless the demo's organisations are registered (`complaints-ledger demo` ran)."""
    missing = [org for _, org, _, _ in DEMO_PRINCIPALS if ledger.organisation(org) is None]
    if missing:
        fail(f"load the demo first (`complaints-ledger demo`): {missing[0]!r} is not registered")


@token_app.command("demo")
def demo_tokens(ctx: typer.Context) -> None:
    """Fresh tokens for the demo organisations, one per role (earlier demo tokens are revoked)."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        require_demo_organisations(ledger)
        tokens = TokenStore.for_settings(settings)
        try:
            for info in tokens.list():
                if info.principal.startswith("demo-") and info.revoked_at is None:
                    tokens.revoke(info.token_id)
            issued = [
                (tokens.create(principal=name, organisation=org, role=role)[0], org, role, var)
                for name, org, role, var in DEMO_PRINCIPALS
            ]
        finally:
            tokens.close()
    typer.echo("Demo tokens (use as `Authorization: Bearer <token>`):")
    for raw, org, role, _var in issued:
        typer.echo(f"  {role:<12} {org:<45} {raw}")
    typer.echo("To use them as the README tour and docs/api.md do, paste into your shell:")
    for raw, _org, _role, var in issued:
        typer.echo(f"  export {var}={raw}")
