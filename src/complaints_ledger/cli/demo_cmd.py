"""`demo`: load the demo dataset into an empty store, then summarise what the store holds."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from complaints_ledger.application.ledger import system_clock
from complaints_ledger.cli import parsing, render
from complaints_ledger.cli.context import CliState, open_ledger, state, with_store
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.tables import readable
from complaints_ledger.demo import (
    DemoSummary,
    SimulatedClock,
    first_recorded_at,
    plan_dataset,
    register_organisations,
    summarise,
    write_plan,
)
from complaints_ledger.domain.values import Status

STATUS_ORDER = [str(status) for status in Status]
DETOUR_NAMES = {
    "declined": "declined (then referred on)",
    "recalled": "recalled",
    "passed_on": "passed on",
}


def demo(
    ctx: typer.Context,
    complaints: Annotated[
        int, typer.Option("--complaints", min=1, max=100_000, help="How many cases to create.")
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same data.")] = 2026,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="Store to load (overrides --store before "
            "the command and COMPLAINTS_LEDGER_STORE).",
        ),
    ] = None,
) -> None:
    """Load a realistic demo dataset (once: a store that holds complaints is left alone)."""
    with reporting_errors():
        cli = with_store(state(ctx), store)
        clock = SimulatedClock(system_clock())
        console = render.make_console()
        with open_ledger(cli.settings, clock) as ledger:
            where = cli.settings.store_url.redacted
            if next(iter(ledger.complaint_ids()), None) is not None:
                render.line(console, f"{where} already holds complaints: nothing written.")
                register_organisations(ledger, clock, system_clock())
            else:
                render.line(console, f"Writing {complaints} demo cases (seed {seed}) to {where}…")
                started = time.monotonic()
                plan = plan_dataset(seed, complaints, datetime.now(UTC).date())
                before = first_recorded_at(plan, system_clock()) - timedelta(days=1)
                written = register_organisations(ledger, clock, before)
                written += write_plan(ledger, clock, plan)
                took = time.monotonic() - started
                render.line(console, f"Wrote {written} events in {took:.1f} s.")
            summary = summarise(ledger, parsing.uk_today())
    show_summary(console, summary, cli)


def show_summary(console: Console, summary: DemoSummary, cli: CliState) -> None:
    render.line(console, "")
    render.line(console, f"{summary.cases} cases, {summary.events} events", "bold")
    console.print(_organisations_table(summary))
    render.line(console, "Kinds: " + _counts(summary.kinds))
    render.line(console, "Nations: " + _counts(summary.nations))
    render.line(console, "Regimes: " + _counts(summary.regimes))
    render.line(
        console,
        f"Open cases: {summary.open_cases}, of which {summary.open_overdue} have an overdue "
        f"statutory deadline (as of {summary.today.isoformat()})",
    )
    render.line(
        console,
        f"Referrals between organisations (no wrong door): {summary.referrals}; cases whose "
        "referral was " + _counts(summary.referral_detours, DETOUR_NAMES),
    )
    exclusions = summary.exclusions
    render.line(
        console,
        f"Reg 8 exclusions (not dealt with under the Regulations): {exclusions.total()}"
        + (f" ({_counts(exclusions)})" if exclusions else ""),
    )
    discussions = summary.local_resolutions
    render.line(
        console,
        f"Local resolution discussions (Wales, reg 16): {discussions.total()}, of which "
        f"resolved {discussions['resolved']}",
    )
    render.line(console, f"Stage 2 escalations: {summary.stage_2}")
    render.line(console, "Ombudsman referrals: " + _counts(summary.ombudsman_referrals))
    render.line(console, "Ombudsman decisions: " + _counts(summary.ombudsman_decisions))
    render.line(console, "Ombudsman remedies: " + _counts(summary.remedies))
    render.line(
        console,
        f"Regulator notifications: {summary.regulator_notifications}, of which acknowledged "
        f"{summary.regulator_acknowledgements}",
    )
    _examples(console, summary, cli)


def _counts(counter: dict[str, int], names: dict[str, str] | None = None) -> str:
    if not counter:
        return "none"
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{(names or {}).get(name, name)} {count}" for name, count in ordered)


def _organisations_table(summary: DemoSummary) -> Table:
    statuses = [s for s in STATUS_ORDER if any(s in c for c in summary.by_organisation.values())]
    table = Table(title="Cases by handling organisation and status", title_justify="left")
    table.add_column("Organisation")
    for status in [*statuses, "total"]:
        table.add_column(status, justify="right")
    for organisation in sorted(summary.by_organisation):
        counts = summary.by_organisation[organisation]
        cells = [str(counts.get(status, 0) or "") for status in statuses]
        table.add_row(organisation, *cells, str(sum(counts.values())))
    return readable(table)


def _examples(console: Console, summary: DemoSummary, cli: CliState) -> None:
    examples = summary.examples
    if examples is None:
        return
    prefix = "complaints-ledger"
    if cli.store_given:
        prefix += f" --store {cli.settings.store_url.redacted}"
    as_of = examples.as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    render.line(console, "")
    render.line(console, "Try:", "bold")
    render.line(console, f"  {prefix} history {examples.history_id}")
    render.line(console, f"  {prefix} history {examples.history_id} --as-of {as_of}")
    render.line(console, f"  {prefix} deadlines {examples.deadlines_id}")
