"""Tamper evidence from the command line: keys init, checkpoint, verify, export, verify-bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.cli.operator import ReadBy, ReadPurpose, operator_name, record_terminal_read
from complaints_ledger.cli.parsing import case_id
from complaints_ledger.cli.readside_support import open_views
from complaints_ledger.integrity.bundle import export_bundle, verify_bundle
from complaints_ledger.integrity.checkpoints import Checkpoint
from complaints_ledger.integrity.keys import (
    generate_key,
    load_key,
    parse_public_key,
    public_key_text,
)
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import Report, verify
from complaints_ledger.privacy.keyring import create_keyring, load_keyring

keys_app = typer.Typer(
    help="The Ed25519 key that signs checkpoints, and the keyring that protects personal data.",
    no_args_is_help=True,
)
console = Console(stderr=True)
EXIT_TAMPERED = 1
EXIT_UNPROVEN = 3  # nothing differs, but some events are covered by no verified checkpoint


@keys_app.command("init")
def keys_init(
    ctx: typer.Context,
    if_missing: Annotated[
        bool,
        typer.Option(
            "--if-missing",
            help="Keep an existing signing key instead of refusing (a keyring is always kept).",
        ),
    ] = False,
) -> None:
    """Create the signing key (COMPLAINTS_LEDGER_SIGNING_KEY_FILE) and print its public key; create
    the keyring (COMPLAINTS_LEDGER_KEYRING_FILE) too if there is none."""
    settings = state(ctx).settings
    path, keyring_file = settings.signing_key_file, settings.keyring_file
    with reporting_errors():
        if keyring_file.exists():
            load_keyring(keyring_file)  # a broken keyring stops init before anything is made
        if if_missing and path.exists():
            key = load_key(path)
        else:
            key = generate_key(path)
            console.print(f"signing key written to {path} (keep it private; back it up)")
        if not keyring_file.exists():  # an existing one is kept: replacing it loses personal data
            create_keyring(keyring_file)
            console.print(
                Text(
                    f"keyring written to {keyring_file} (keep it private; back it up: without it "
                    "no personal data can be read)"
                ),
                soft_wrap=True,  # the path stays on one line, to copy
            )
    typer.echo(public_key_text(key))


@keys_app.command("public")
def keys_public(ctx: typer.Context) -> None:
    """Print the public key, to publish for auditors."""
    with reporting_errors():
        typer.echo(public_key_text(load_key(state(ctx).settings.signing_key_file)))


def checkpoint(ctx: typer.Context) -> None:
    """Seal every event recorded so far and sign a checkpoint of the log now."""
    settings = state(ctx).settings
    with reporting_errors(), open_views(settings) as db:
        signed = LogSealer(db).checkpoint(load_key(settings.signing_key_file))
    if signed is None:
        fail("the ledger holds no events yet: nothing to checkpoint")
    typer.echo(json.dumps(signed.as_dict(), indent=2))


def verify_command(
    ctx: typer.Context,
    since: Annotated[
        Path | None,
        typer.Option(
            "--since",
            help="The latest checkpoint you kept (JSON): the log must still contain it unchanged.",
        ),
    ] = None,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="Default: the ledger's own key.")
    ] = None,
) -> None:
    """Recompute every hash from the stored events; exit 1 naming anything that differs, 3 if
    nothing differs but some events are covered by no signed checkpoint."""
    settings = state(ctx).settings
    with reporting_errors(), open_views(settings) as db:
        held = Checkpoint.from_dict(_read_json(since)) if since is not None else None
        key = public_key or public_key_text(load_key(settings.signing_key_file))
        report = _verify_with_progress(LogSealer(db), key, held)
    _finish([str(f) for f in report.findings], _verified(report, held))
    if report.uncovered:
        typer.echo(f"WARN {_uncovered(report)}", err=True)
        raise typer.Exit(code=EXIT_UNPROVEN)


def _verified(report: Report, held: Checkpoint | None) -> str:
    kept = f", the held checkpoint {held.tree_size} included" if held is not None else ""
    return (
        f"{report.events} events, {report.leaves} sealed, {report.checkpoints} checkpoints{kept}: "
        f"nothing differs ({report.unsealed} recorded since the last seal)"
    )


def _uncovered(report: Report) -> str:
    return (
        f"{report.uncovered} of {report.events} events are covered by no signed checkpoint "
        f"(the largest verified one covers {report.covered}); if this persists after the "
        "sealer's next round, newer events may have been deleted with their checkpoint: "
        "run verify --since the latest checkpoint you kept"
    )


def _verify_with_progress(sealer: LogSealer, key: str, held: Checkpoint | None) -> Report:
    columns = (TextColumn("verify"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("verify", total=None)
        return verify(
            sealer,
            key,
            lambda done, total: progress.update(task, completed=done, total=total),
            held,
        )


def export_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the bundle (JSON).")],
    by: ReadBy = None,
    purpose: ReadPurpose = None,
) -> None:
    """Write the case's events, their inclusion proofs and a signed checkpoint to a file
    (recorded in the case's access log as read by you: --by, --purpose)."""
    settings = state(ctx).settings
    with reporting_errors(), open_views(settings) as db:
        wanted = case_id(case)
        reader = operator_name(by)
        sealer = LogSealer(db)
        signed = sealer.checkpoint(load_key(settings.signing_key_file))
        if signed is None or not sealer.case_leaves(str(wanted)):
            fail(f"no complaint {wanted} (field: id)")
        bundle = export_bundle(sealer, wanted, signed)
        with open_ledger(settings) as ledger:
            record_terminal_read(ledger, wanted, reader, what="bundle", purpose=purpose)
    out.write_text(json.dumps(bundle, indent=2))
    console.print(f"wrote {out}: {len(bundle['events'])} events, checkpoint {signed.tree_size}")


def verify_bundle_command(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by `export`.")],
    public_key: Annotated[str, typer.Option("--public-key", help="The ledger's published key.")],
) -> None:
    """Check a case bundle offline, with nothing but the bundle and the public key."""
    with reporting_errors():  # a malformed key is a usage error (exit 2), not a failed check
        parse_public_key(public_key)
    problems = verify_bundle(_read_json(bundle), public_key)
    _finish(problems, f"{bundle}: every event is in the signed log and the case's chain holds")


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        fail(f"cannot read {path}: {error} (field: file)")
    if not isinstance(data, dict):
        fail(f"{path} is not a JSON object (field: file)")
    return data


def _finish(problems: list[str], success: str) -> None:
    if problems:
        for problem in problems:
            typer.echo(f"FAIL {problem}", err=True)
        raise typer.Exit(code=EXIT_TAMPERED)
    typer.echo(f"OK {success}")
