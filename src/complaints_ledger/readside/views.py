"""The write-back buffer handlers write through: rows are read once, changed in memory, and
written in bulk when a page of events commits (one transaction per page, never per event)."""

from __future__ import annotations

from typing import Any, Protocol

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.tables import Table

Key = tuple[Any, ...]
DELETED = None


class Schema(Protocol):
    """A projection as the buffer sees it (a ReadModel): its name and tables."""

    @property
    def name(self) -> str: ...

    @property
    def tables(self) -> tuple[Table, ...]: ...


def physical_name(projection: Schema, table: Table, namespace: str) -> str:
    """`rm` live, `rmb` being rebuilt, `rma_<tag>` rebuilt as of a past instant."""
    return f"{namespace}_{projection.name}_{table.name}"


class Views:
    def __init__(
        self,
        db: ViewDatabase,
        projection: Schema,
        namespace: str,
        *,
        starts_empty: bool = False,
    ) -> None:
        self.db = db
        self.projection = projection
        self.namespace = namespace
        # A freshly created table holds nothing we have not written: never read it back.
        self.starts_empty = starts_empty
        self._rows: dict[str, dict[Key, dict[str, Any] | None]] = {
            t.name: {} for t in projection.tables
        }
        self._dirty: dict[str, set[Key]] = {t.name: set() for t in projection.tables}
        # Keys written by an earlier page: only these may need an update rather than an insert.
        self._stored: dict[str, set[Key]] = {t.name: set() for t in projection.tables}

    def name_of(self, table: Table) -> str:
        return physical_name(self.projection, table, self.namespace)

    def get(self, table: Table, *key: Any) -> dict[str, Any] | None:
        rows = self._rows[table.name]
        if key in rows:
            row = rows[key]
            return None if row is None else dict(row)
        if self.starts_empty:
            return None
        row = self._load(table, key)
        rows[key] = row
        return None if row is None else dict(row)

    def put(self, table: Table, row: dict[str, Any]) -> None:
        full = row if row.keys() == table.columns.keys() else {c: row.get(c) for c in table.columns}
        key = tuple(full[k] for k in table.key)
        self._rows[table.name][key] = full
        self._dirty[table.name].add(key)

    def update(self, table: Table, key: Key, changes: dict[str, Any]) -> None:
        """Change some columns of an existing row; a row that does not exist stays absent."""
        row = self.get(table, *key)
        if row is not None:
            self.put(table, {**row, **changes})

    def delete(self, table: Table, *key: Any) -> None:
        self._rows[table.name][key] = DELETED
        self._dirty[table.name].add(key)

    def flush(self) -> None:
        """Write every changed row. The caller owns the transaction."""
        for table in self.projection.tables:
            dirty = self._dirty[table.name]
            if not dirty:
                continue
            rows, stored = self._rows[table.name], self._stored[table.name]
            if table.derive is not None:
                for key in dirty:
                    if (row := rows[key]) is not None:
                        table.derive(row)
            # A fresh build holds only rows it wrote; otherwise any row may be in the table.
            self._delete_rows(
                table,
                [k for k in dirty if rows[k] is None and (k in stored or not self.starts_empty)],
            )
            if self.starts_empty:
                fresh = [k for k in dirty if k not in stored and rows[k] is not None]
                self._insert_new_rows(table, [rows[k] for k in fresh])
                dirty.difference_update(fresh)
            self._upsert_rows(table, [r for k in dirty if (r := rows[k]) is not None])
            stored.update(k for k in dirty if rows[k] is not None)
            stored.difference_update(k for k in dirty if rows[k] is None)
            stored.update(fresh if self.starts_empty else ())
            dirty.clear()

    def forget_clean_rows(self) -> None:
        """Bound memory while following live: drop cached rows once they are written."""
        if not self.starts_empty:
            for table in self.projection.tables:
                self._rows[table.name].clear()

    def discard_unwritten(self) -> None:
        """Forget every change since the last commit (its transaction rolled back): rows are read
        from the tables again, which may now hold rows a failed page's `flush` had written."""
        self.starts_empty = False
        for table in self.projection.tables:
            self._rows[table.name].clear()
            self._dirty[table.name].clear()

    def _load(self, table: Table, key: Key) -> dict[str, Any] | None:
        where = " AND ".join(f"{k} = ?" for k in table.key)
        columns = list(table.columns)
        rows = self.db.execute(
            f"SELECT {', '.join(columns)} FROM {self.name_of(table)} WHERE {where}",  # noqa: S608
            key,
        )
        return dict(zip(columns, rows[0], strict=True)) if rows else None

    def _insert_new_rows(self, table: Table, rows: list[dict[str, Any] | None]) -> None:
        columns = list(table.columns)
        values = [tuple(row[c] for c in columns) for row in rows if row is not None]
        self.db.insert_new(self.name_of(table), columns, values)

    def _delete_rows(self, table: Table, keys: list[Key]) -> None:
        where = " AND ".join(f"{k} = ?" for k in table.key)
        self.db.executemany(f"DELETE FROM {self.name_of(table)} WHERE {where}", keys)  # noqa: S608

    def _upsert_rows(self, table: Table, rows: list[dict[str, Any]]) -> None:
        columns = list(table.columns)
        updates = [c for c in columns if c not in table.key]
        conflict = (
            f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in updates)}"
            if updates
            else "DO NOTHING"
        )
        statement = (
            f"INSERT INTO {self.name_of(table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in columns)}) "
            f"ON CONFLICT ({', '.join(table.key)}) {conflict}"
        )
        self.db.executemany(statement, [tuple(row[c] for c in columns) for row in rows])
