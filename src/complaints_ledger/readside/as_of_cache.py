"""As-of builds as a bounded cache: each build of a read model as of a past instant is listed in
`readside_as_of_builds` with its size and when it was last read; after every new build the least
recently used are dropped until at most `max_builds` builds of `max_rows` rows in all are left.
A build somebody is reading right now is never dropped (as_of_readers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_readers import unread
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.failures import Failures
from complaints_ledger.readside.tracking import Position, Tracking, create_once

BUILDS_TABLE = "readside_as_of_builds"
AS_OF_MARK = "@rma_"  # in the tracking name of an as-of build: "<projection>@rma_<instant>"


@dataclass(frozen=True)
class AsOfBuild:
    name: str  # the tracking name, "<projection>@<namespace>"
    projection: str
    instant: str  # ISO 8601, as asked for
    table_prefix: str  # "<namespace>_<projection>_"
    tables: tuple[str, ...]
    rows: int
    created_at: str
    last_used_at: str

    def last_used(self) -> datetime:
        return datetime.fromisoformat(self.last_used_at)


@dataclass(frozen=True)
class Cleaned:
    dropped: list[AsOfBuild]
    in_use: list[AsOfBuild]  # chosen, but being read: kept


def is_as_of(tracking_name: str) -> bool:
    return AS_OF_MARK in tracking_name


class AsOfCache:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        self.tracking = Tracking(db)
        self.failures = Failures(db)

    def ensure(self) -> None:
        self.tracking.ensure()
        self.failures.ensure()
        create_once(
            self.db,
            BUILDS_TABLE,
            f"CREATE TABLE IF NOT EXISTS {BUILDS_TABLE} (name TEXT PRIMARY KEY, "
            "projection TEXT NOT NULL, instant TEXT NOT NULL, table_prefix TEXT NOT NULL, "
            "tables TEXT NOT NULL, row_count BIGINT NOT NULL, created_at TEXT NOT NULL, "
            "last_used_at TEXT NOT NULL)",
        )

    # ---- the list ------------------------------------------------------------------------

    def builds(self) -> list[AsOfBuild]:
        """Every as-of build, least recently used first; builds made before this list existed
        (found by their tracking rows) are adopted into it first."""
        self.ensure()
        self._adopt_unlisted()
        rows = self.db.execute(
            "SELECT name, projection, instant, table_prefix, tables, row_count, created_at, "  # noqa: S608
            f"last_used_at FROM {BUILDS_TABLE}"
        )
        listed = [
            AsOfBuild(n, p, i, prefix, tuple(t.split()), int(r), c, u)
            for n, p, i, prefix, t, r, c, u in rows
        ]
        return sorted(listed, key=lambda build: (build.last_used(), build.name))

    def get(self, name: str) -> AsOfBuild | None:
        return next((build for build in self.builds() if build.name == name), None)

    def record(self, built: Position, *, used_at: datetime | None = None) -> AsOfBuild:
        """List (or list again, after a rebuild) the as-of build tracked as `built`."""
        projection, _, namespace = built.name.partition("@")
        prefix = f"{namespace}_{projection}_"
        tables = self._tables_of(projection, prefix)
        now = (used_at or datetime.now(UTC)).isoformat()
        build = AsOfBuild(
            built.name,
            projection,
            built.as_of or "",
            prefix,
            tables,
            sum(self._count(table) for table in tables),
            built.rebuilt_at or now,
            now,
        )
        with self.db.transaction():  # readers of one new build may both list it
            self.db.execute(
                f"INSERT INTO {BUILDS_TABLE} (name, projection, instant, table_prefix, tables, "  # noqa: S608
                "row_count, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET instant = excluded.instant, "
                "tables = excluded.tables, row_count = excluded.row_count, "
                "created_at = excluded.created_at, last_used_at = excluded.last_used_at",
                (
                    build.name,
                    build.projection,
                    build.instant,
                    build.table_prefix,
                    " ".join(build.tables),
                    build.rows,
                    build.created_at,
                    build.last_used_at,
                ),
            )
        return build

    def touch(self, name: str) -> None:
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {BUILDS_TABLE} SET last_used_at = ? WHERE name = ?",  # noqa: S608
                (datetime.now(UTC).isoformat(), name),
            )

    # ---- dropping ------------------------------------------------------------------------

    def evict(self, limits: AsOfLimits, *, keep: str | None = None) -> Cleaned:
        """Drop the least recently used builds until the rest are within `limits`; `keep` (the
        build just made for a reader) and builds being read stay."""
        builds = self.builds()
        count, rows = len(builds), sum(build.rows for build in builds)
        dropped: list[AsOfBuild] = []
        in_use: list[AsOfBuild] = []
        for build in builds:
            if count <= limits.max_builds and rows <= limits.max_rows:
                break
            if build.name == keep:
                continue
            if self.drop(build):
                dropped.append(build)
                count, rows = count - 1, rows - build.rows
            else:
                in_use.append(build)
        return Cleaned(dropped, in_use)

    def clean(self, *, unused_for: timedelta | None = None) -> Cleaned:
        """Drop every build, or those not read for `unused_for`; builds being read stay."""
        cutoff = datetime.now(UTC) - unused_for if unused_for is not None else None
        chosen = [b for b in self.builds() if cutoff is None or b.last_used() < cutoff]
        dropped = [build for build in chosen if self.drop(build)]
        return Cleaned(dropped, [build for build in chosen if build not in dropped])

    def drop(self, build: AsOfBuild) -> bool:
        """Drop the build's tables and its entries, unless somebody is reading it."""
        with unread(self.db, build.name) as free:
            if not free:
                return False
            with self.db.transaction():
                for table in build.tables:
                    self.db.execute(f"DROP TABLE IF EXISTS {table}")
                self.tracking.delete(build.name)
                self.failures.clear(build.name)
                self.db.execute(f"DELETE FROM {BUILDS_TABLE} WHERE name = ?", (build.name,))  # noqa: S608
        return True

    # ---- helpers -------------------------------------------------------------------------

    def _adopt_unlisted(self) -> None:
        listed = {name for (name,) in self.db.execute(f"SELECT name FROM {BUILDS_TABLE}")}  # noqa: S608
        for position in self.tracking.all():
            if is_as_of(position.name) and position.name not in listed:
                self._adopt(position)

    def _adopt(self, position: Position) -> None:
        """List a build nobody is reading (a reader lists its own build itself), as last used
        when it was built: never read since the list existed, it is the first to go."""
        with unread(self.db, position.name) as free:
            if free and self.tracking.get(position.name) is not None:  # not dropped meanwhile
                self.record(position, used_at=_stamp(position.rebuilt_at))

    def _tables_of(self, projection: str, prefix: str) -> tuple[str, ...]:
        """The build's tables: those of the projection's current version, and any left by an
        earlier version (found by name, leaving out those of a projection named longer, such as
        `learning_x` beside `learning`)."""
        known = available_projections()
        current = (
            {f"{prefix}{t.name}" for t in known[projection].tables}
            if projection in known
            else set()
        )
        namespace_prefix = prefix.removesuffix(f"{projection}_")
        longer = [
            f"{namespace_prefix}{other}_" for other in known if other.startswith(f"{projection}_")
        ]

        def belongs(name: str) -> bool:
            if name in current:
                return True
            return name.startswith(prefix) and not any(name.startswith(p) for p in longer)

        return tuple(name for name in self._table_names() if belongs(name))

    def _table_names(self) -> list[str]:
        if self.db.dialect.name == "postgres":
            query = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return sorted(name for (name,) in self.db.execute(query))

    def _count(self, table: str) -> int:
        [(count,)] = self.db.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        return int(count)


def _stamp(text: str | None) -> datetime:
    if text is None:
        return datetime(2000, 1, 1, tzinfo=UTC)
    stamp = datetime.fromisoformat(text)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
