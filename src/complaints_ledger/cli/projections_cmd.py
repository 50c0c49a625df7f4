"""`complaints-ledger projections status|rebuild|run`: keep the read models current."""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Annotated

import structlog
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from complaints_ledger.api.sealing import signing_key
from complaints_ledger.cli.context import state
from complaints_ledger.cli.errors import EXIT_HALTED, fail, reporting_errors
from complaints_ledger.cli.parsing import line, past_instant
from complaints_ledger.cli.projections_as_of import as_of_clean, print_as_of_builds
from complaints_ledger.cli.readside_support import open_views
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_reads import rebuild_as_of
from complaints_ledger.readside.discovery import select_projections
from complaints_ledger.readside.failures import Failure
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.runner import (
    DEFAULT_PAGE_SIZE,
    RETRY_HALTED_SECONDS,
    ReadModelRunner,
    RebuildSummary,
)
from complaints_ledger.readside.status import ProjectionStatus, projection_status
from complaints_ledger.readside.supervision import Heartbeat, run_supervised
from complaints_ledger.settings import Settings

logger = structlog.get_logger(__name__)
FOLLOWER_STALL_SECONDS = 60.0

app = typer.Typer(
    help="Read models: status, rebuild (now or as of a past instant), run, as-of clean-up."
)
console = Console()

Names = Annotated[
    list[str] | None,
    typer.Argument(
        help="Projection names, or an analyst's module as package.module[:ATTR].", parser=line
    ),
]


@app.command("status")
def status(ctx: typer.Context, names: Names = None) -> None:
    """Each projection's position, lag behind the event log, and whether it needs a rebuild."""
    with reporting_errors(), open_views(state(ctx).settings) as db:
        runner = ReadModelRunner(db)
        failures = {failure.name: failure for failure in runner.failures.all()}
        table = Table("projection", "version", "position", "head", "lag", "state")
        selected = select_projections(tuple(names or ()))
        for projection in selected:
            position, head = runner.status(projection)
            found = projection_status(projection, position, head, failures.get(projection.name))
            table.add_row(
                *map(Text, _status_row(found))
            )  # Text, not markup: errors quote stored values
        console.print(readable(table))
        for projection in selected:  # what stored deadlines were counted with (ADR 0016)
            if projection.inputs and (note := projection.inputs.state(db, projection)):
                console.print(Text(f"{projection.name}: {note}"))
        print_as_of_builds(console, db, state(ctx).settings.as_of_limits)


def _status_row(status: ProjectionStatus) -> tuple[str, ...]:
    def shown(value: int | None) -> str:
        return "-" if value is None else str(value)

    return (
        status.name,
        str(status.version),
        shown(status.position),
        str(status.head),
        shown(status.behind_by),
        status.condition,
    )


@app.command("rebuild")
def rebuild(
    ctx: typer.Context,
    names: Names = None,
    every: Annotated[bool, typer.Option("--all", help="Rebuild every projection.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="T", help="Build from events recorded by T into separate tables."
        ),
    ] = None,
    page_size: Annotated[
        int, typer.Option(min=1, help="Events per transaction.")
    ] = DEFAULT_PAGE_SIZE,
) -> None:
    """Drop and rebuild from position 0, a page per transaction; live views serve until the swap."""
    if not names and not every:
        fail("name the projections to rebuild, or use --all (field: names)")
    settings = state(ctx).settings
    with reporting_errors(), open_views(settings) as db:
        instant_ = past_instant(as_of) if as_of else None
        runner = ReadModelRunner(db, page_size=page_size)
        summaries = [
            _rebuild_with_progress(runner, projection, instant_, settings.as_of_limits)
            for projection in select_projections(tuple(names or ()))
        ]
        _print_summaries(summaries)
    exit_if_halted([summary.halted for summary in summaries if summary.halted is not None])


def exit_if_halted(failures: list[Failure]) -> None:
    """Say which projections are halted (one line each, no traceback) and exit with 3."""
    for failure in failures:
        typer.echo(f"halted: {failure.describe()}", err=True)
    if failures:
        raise typer.Exit(code=EXIT_HALTED)


def _rebuild_with_progress(
    runner: ReadModelRunner, projection: ReadModel, as_of: datetime | None, limits: AsOfLimits
) -> RebuildSummary:
    columns = (
        TextColumn(f"[bold]{projection.name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>10} events/s"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(projection.name, total=None, rate="-")

        def report(done: int, total: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0.0
            rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
            progress.update(task, completed=done, total=total, rate=rate)

        if as_of is not None:
            return rebuild_as_of(runner, projection, as_of, limits, report)
        return runner.rebuild(projection, progress=report)


def _print_summaries(summaries: list[RebuildSummary]) -> None:
    table = Table("projection", "events", "seconds", "events/s", "into", "resumed from")
    for summary in summaries:
        table.add_row(
            summary.projection,
            f"{summary.events:,}",
            f"{summary.seconds:.2f}",
            f"{summary.events_per_second:,.0f}",
            "live tables" if summary.namespace == "rmb" else f"{summary.namespace}_*",
            str(summary.resumed_from) if summary.resumed_from else "-",
        )
    console.print(readable(table))


app.command("as-of-clean")(as_of_clean)


@app.command("run")
def run(
    ctx: typer.Context,
    names: Names = None,
    poll_seconds: Annotated[float, typer.Option(min=0.05, help="Wait between checks.")] = 1.0,
    once: Annotated[bool, typer.Option("--once", help="Catch up, then exit.")] = False,
    health_file: Annotated[
        Path | None,
        typer.Option(help="Touched after every good round; `projections health` checks it."),
    ] = None,
) -> None:
    """Keep views current: LISTEN/NOTIFY on PostgreSQL, polling on SQLite; SIGTERM stops it.

    Store failures never stop it: each is logged, backed off and retried from the tracked
    positions. Only a configuration error (an unknown projection, a bad setting) exits non-zero.
    """
    stopping = threading.Event()
    with reporting_errors():
        settings = state(ctx).settings
        projections = select_projections(tuple(names or ()))
    console.print(f"following {', '.join(p.name for p in projections)} (Ctrl-C or SIGTERM stops)")
    if once:
        with reporting_errors(), open_views(settings) as db:
            halted = Follower(settings, projections).round_on(db, retry_halted_after=0)
        console.print("stopped cleanly")
        exit_if_halted(halted)
        return
    _stop_on_signals(stopping)
    with reporting_errors():  # a broken signing key file
        follower = Follower(settings, projections, health_file)
    try:
        run_supervised(
            follower.heartbeat,
            follower.round,
            pause=lambda: follower.wait(poll_seconds, stopping),
            stopping=stopping,
        )
    finally:
        follower.close()
    console.print("stopped cleanly")


@app.command("health")
def health(
    health_file: Annotated[Path, typer.Option(help="The file `projections run` touches.")],
    max_age_seconds: Annotated[
        float, typer.Option(min=1, help="Unhealthy after this long without a good round.")
    ] = FOLLOWER_STALL_SECONDS,
) -> None:
    """Exit 0 if `projections run --health-file` finished a round recently (a healthcheck)."""
    try:
        age = time.time() - health_file.stat().st_mtime
    except OSError:
        fail(f"{health_file} is missing: no good round yet (field: health_file)")
    if age > max_age_seconds:
        fail(f"no good round for {age:.0f} s, more than {max_age_seconds:.0f} s allowed")
    console.print(f"healthy: last good round {age:.1f} s ago")


class Follower:
    """One round: apply new events to each read model, then seal them into the integrity log and
    sign a checkpoint of it when the signing key exists.
    Its connection is opened on first use and recovers by itself (ViewDatabase)."""

    def __init__(
        self, settings: Settings, projections: list[ReadModel], health_file: Path | None = None
    ) -> None:
        self.settings, self.projections, self.health_file = settings, projections, health_file
        self.heartbeat = Heartbeat("projection follower", stall_seconds=FOLLOWER_STALL_SECONDS)
        self.key = signing_key(settings)
        self._db: ViewDatabase | None = None

    def round(self) -> None:
        if self._db is None:
            self._db = ViewDatabase(self.settings.store_url)
            self._db.listen()  # before catching up, so that nothing written meanwhile waits
        self.round_on(self._db)
        if self.health_file is not None:
            self.health_file.touch()

    def round_on(
        self, db: ViewDatabase, *, retry_halted_after: float = RETRY_HALTED_SECONDS
    ) -> list[Failure]:
        """One round; the projections halted at an event they cannot apply, if any."""
        runner = ReadModelRunner(db, retry_halted_after=retry_halted_after)
        applied = {p.name: runner.catch_up(p) for p in self.projections}
        if any(applied.values()):
            console.print(", ".join(f"{name} +{count}" for name, count in applied.items() if count))
        sealer = LogSealer(db)
        if sealed := sealer.seal():  # the integrity log follows the event log too
            console.print(f"integrity log: sealed {sealed} events")
        if self.key is not None:  # also after a round that sealed but was stopped before signing
            sealer.checkpoint(self.key)
        return [f for p in self.projections if (f := runner.failures.get(p.name)) is not None]

    def wait(self, seconds: float, stopping: threading.Event) -> None:
        if self._db is None:
            stopping.wait(seconds)
            return
        try:
            self._db.wait_for_events(seconds, stopping)
        except StoreUnavailableError as error:  # the next round finds out whether it is back
            logger.warning("waiting for events failed", error=error.message)
            stopping.wait(seconds)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _stop_on_signals(stopping: threading.Event) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
