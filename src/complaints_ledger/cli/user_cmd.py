"""`complaints-ledger user ...`: staff accounts for the web interface (passwords kept as argon2id
hashes only; see access/users.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from complaints_ledger.access.accounts import bound_body, check_role_for_people
from complaints_ledger.access.sessions import SessionStore
from complaints_ledger.access.users import UserStore, generated_password
from complaints_ledger.cli.access_cmd import DEMO_PRINCIPALS, require_demo_organisations
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.parsing import line
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings

user_app = typer.Typer(help="Staff accounts for the web interface.", no_args_is_help=True)
console = Console()
DEMO_DOMAIN = "demo.complaints-ledger.test"  # a reserved name (RFC 2606): never a real mailbox

EmailArgument = Annotated[
    str, typer.Argument(metavar="EMAIL", help="The person's email address.", parser=line)
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


@contextmanager
def _users(settings: Settings) -> Iterator[UserStore]:
    users = UserStore(settings.store_url)
    try:
        yield users
    finally:
        users.close()


def _end_sessions(settings: Settings, email: str) -> int:
    sessions = SessionStore.for_settings(settings)
    try:
        return sessions.end_all_for(email.strip().lower())
    finally:
        sessions.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@user_app.command("add")
def add_user(
    ctx: typer.Context,
    email: EmailArgument,
    org: Annotated[str, typer.Option("--org", help="A registered organisation.", parser=line)],
    role: Annotated[Role, typer.Option("--role")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account; the password is asked for twice (or read with --password-stdin)."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        check_role_for_people(role)
        bound = bound_body(ledger.organisation(org), org, role)
        password = _password(password_stdin)
        with _users(settings) as users:
            info = users.add(email=email, organisation=org, role=role, password=password)
    console.print(f"account {info.email} for {org}{bound} as {role}", soft_wrap=True)


@user_app.command("set-password")
def set_password(
    ctx: typer.Context, email: EmailArgument, password_stdin: PasswordStdin = False
) -> None:
    """Give an account a new password (it also lifts a lock and ends its open sessions)."""
    settings = state(ctx).settings
    with reporting_errors(), _users(settings) as users:
        users.set_password(email, _password(password_stdin))
        ended = _end_sessions(settings, email)
    console.print(f"new password set for {email.strip().lower()}; {ended} session(s) ended")


@user_app.command("disable")
def disable_user(ctx: typer.Context, email: EmailArgument) -> None:
    """The account can no longer sign in, and its open sessions end now."""
    settings = state(ctx).settings
    with reporting_errors(), _users(settings) as users:
        users.disable(email)
        ended = _end_sessions(settings, email)
    console.print(f"disabled {email.strip().lower()}; {ended} session(s) ended")


@user_app.command("enable")
def enable_user(ctx: typer.Context, email: EmailArgument) -> None:
    """A disabled account may sign in again."""
    with reporting_errors(), _users(state(ctx).settings) as users:
        users.enable(email)
    console.print(f"enabled {email.strip().lower()}")


@user_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """Every account: organisation, role, last sign-in, and whether disabled or locked."""
    with reporting_errors(), _users(state(ctx).settings) as users:
        infos = users.list()
    table = Table("email", "organisation", "role", "last sign-in", "disabled", "locked until")
    for info in infos:
        table.add_row(
            info.email,
            info.organisation,
            str(info.role),
            info.last_sign_in_at or "",
            info.disabled_at or "",
            info.locked_until or "",
        )
    console.print(readable(table))


@user_app.command("demo")
def demo_users(ctx: typer.Context) -> None:
    """Demo sign-ins, one per role, each with a fresh random password (printed only now)."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        require_demo_organisations(ledger)
        with _users(settings) as users:
            logins = [_demo_login(users, name, org, role) for name, org, role, _ in DEMO_PRINCIPALS]
    typer.echo("Demo sign-ins for the web interface (shown only now):")
    for email, password, org, role in logins:
        typer.echo(f"  {role:<12} {org:<45} {email}  {password}")


def _demo_login(users: UserStore, name: str, org: str, role: Role) -> tuple[str, str, str, Role]:
    email = f"{name}@{DEMO_DOMAIN}"
    password = generated_password()
    if users.get(email) is None:
        users.add(email=email, organisation=org, role=role, password=password)
    else:
        users.set_password(email, password)
        users.enable(email)
    return email, password, org, role
