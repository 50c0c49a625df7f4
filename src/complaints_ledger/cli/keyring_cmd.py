"""`keys rotate`, `keys retire`, `keys status`: the keyring's master keys. Key material is never
printed, only master key ids and how many subject keys each one wraps."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from complaints_ledger.cli import render
from complaints_ledger.cli.context import open_ledger, state
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.tables import readable
from complaints_ledger.privacy.keyring import load_keyring
from complaints_ledger.privacy.rotation import retire_master_keys, rotate_master_key


def keys_rotate(
    ctx: typer.Context,
    keep_old: Annotated[
        bool,
        typer.Option(
            "--keep-old", help="Keep the old master keys listed (retire them later: `keys retire`)."
        ),
    ] = False,
) -> None:
    """Make a new master key, re-wrap every subject key with it, then retire the old ones."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        result = rotate_master_key(ledger.subject_keys, retire_old=not keep_old)
        kept = sorted(
            set(load_keyring(settings.keyring_file).master_keys) - {result.new_master_key}
        )
    typer.echo(f"new master key {result.new_master_key}")
    typer.echo(f"re-wrapped {_subject_keys(result.rewrapped)} with it")
    if result.retired:
        typer.echo(f"retired {', '.join(result.retired)}")
    if kept:
        typer.echo(f"kept {', '.join(kept)} (retire with `complaints-ledger keys retire`)")


def keys_retire(ctx: typer.Context) -> None:
    """Drop every master key but the current one (re-wrapping any subject key still using one)."""
    with reporting_errors(), open_ledger(state(ctx).settings) as ledger:
        retired, rewrapped = retire_master_keys(ledger.subject_keys)
        current = ledger.subject_keys.keyring.current
    if not retired:
        typer.echo(f"nothing to retire: the keyring holds only the current master key {current}")
        return
    typer.echo(f"retired {', '.join(retired)}; the current master key is {current}")
    if rewrapped:
        typer.echo(f"re-wrapped {_subject_keys(rewrapped)} still wrapped by a retired key first")


def keys_status(ctx: typer.Context) -> None:
    """The keyring's master keys, which is current, and how many subject keys each wraps."""
    settings = state(ctx).settings
    with reporting_errors(), open_ledger(settings) as ledger:
        keyring = load_keyring(settings.keyring_file)
        in_use = ledger.subject_keys.master_keys_in_use()
    console = render.make_console()
    render.line(console, f"keyring {settings.keyring_file}: current master key {keyring.current}")
    table = Table("master key", "status", "subject keys wrapped")
    for key_id in sorted(keyring.master_keys):
        status = "current" if key_id == keyring.current else "old (retire: `keys retire`)"
        table.add_row(Text(key_id), Text(status), str(in_use.get(key_id, 0)))
    for key_id in sorted(set(in_use) - set(keyring.master_keys)):
        missing = Text("NOT IN THE KEYRING: these subjects' data cannot be read", style="red")
        table.add_row(Text(key_id), missing, str(in_use[key_id]))
    console.print(readable(table))


def _subject_keys(count: int) -> str:
    return f"{count} subject key{'' if count == 1 else 's'}"
