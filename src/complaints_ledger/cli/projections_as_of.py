"""As-of builds in `projections status` (a table of their own) and `projections as-of-clean`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from complaints_ledger.cli.context import state
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.cli.readside_support import open_views
from complaints_ledger.cli.render import short_instant
from complaints_ledger.cli.tables import readable
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_cache import AsOfBuild, AsOfCache, Cleaned
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.failures import Failures

DURATION = re.compile(r"(\d{1,6})([mhd])")
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


def print_as_of_builds(console: Console, db: ViewDatabase, limits: AsOfLimits) -> None:
    """The cache of as-of builds, least recently read first (the next to be dropped)."""
    builds = AsOfCache(db).builds()
    if not builds:
        console.print(f"as-of builds: none (keeps up to {limits.max_builds})")
        return
    failures = {failure.name: failure for failure in Failures(db).all()}
    rows = sum(build.rows for build in builds)
    table = Table(
        "as of",
        "projection",
        "rows",
        "built",
        "last used",
        "state",
        title=f"as-of builds: {len(builds)} of {limits.max_builds}, "
        f"{rows:,} of {limits.max_rows:,} rows",
    )
    for build in builds:
        failure = failures.get(build.name)
        table.add_row(
            build.instant,
            build.projection,
            f"{build.rows:,}",
            short_instant(build.created_at),
            short_instant(build.last_used_at),
            Text(failure.describe()) if failure else "built",
        )
    console.print(readable(table))


def as_of_clean(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Drop every as-of build nobody is reading.")
    ] = False,
    older_than: Annotated[
        str | None,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Drop the builds not read for AGE: minutes, hours or days, as 30m, 12h, 7d.",
        ),
    ] = None,
) -> None:
    """Drop as-of builds: all, those not read lately, or (with neither) those over the limits."""
    if every and older_than is not None:
        fail("give --all or --older-than, not both (field: older_than)")
    settings = state(ctx).settings
    with reporting_errors():
        age = duration(older_than) if older_than is not None else None
        with open_views(settings) as db:
            cache = AsOfCache(db)
            if every or age is not None:
                cleaned = cache.clean(unused_for=age)
            else:
                cleaned = cache.evict(settings.as_of_limits)
            left = cache.builds()
    _report(cleaned, left)


def duration(text: str) -> timedelta:
    match = DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise InvalidValueError(
            f"--older-than {text!r} is not an age such as 30m, 12h or 7d", field="older_than"
        )
    return timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])


def _report(cleaned: Cleaned, left: list[AsOfBuild]) -> None:
    for build in cleaned.dropped:
        typer.echo(f"dropped {build.projection} as of {build.instant} ({build.rows:,} rows)")
    for build in cleaned.in_use:
        typer.echo(f"kept {build.projection} as of {build.instant}: being read")
    typer.echo(f"dropped {len(cleaned.dropped)} as-of builds; {len(left)} left")
