"""The store fixtures hand out URLs that really connect, fresh for each test."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg


def test_postgres_url_is_a_fresh_writable_database(postgres_url: str) -> None:
    database = urlsplit(postgres_url).path.lstrip("/")
    assert database.startswith("cl_test_")
    with psycopg.connect(postgres_url, connect_timeout=3) as conn:
        row = conn.execute("SELECT current_database()").fetchone()
        assert row == (database,)
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE probe (id integer PRIMARY KEY)")
        conn.execute("INSERT INTO probe VALUES (1)")
        assert conn.execute("SELECT id FROM probe").fetchall() == [(1,)]


def test_store_url_accepts_writes(store_url: str) -> None:
    scheme = urlsplit(store_url).scheme
    if scheme == "sqlite":
        path = Path(store_url.removeprefix("sqlite:///"))
        assert path.is_absolute()
        assert path.parent.is_dir()
        assert not path.exists()
        with closing(sqlite3.connect(path)) as lite, lite:
            lite.execute("CREATE TABLE probe (id integer PRIMARY KEY)")
            lite.execute("INSERT INTO probe VALUES (1)")
            assert lite.execute("SELECT id FROM probe").fetchall() == [(1,)]
        assert path.is_file()
    else:
        assert scheme == "postgresql"
        with psycopg.connect(store_url, connect_timeout=3) as conn:
            conn.execute("CREATE TABLE probe (id integer PRIMARY KEY)")
            conn.execute("INSERT INTO probe VALUES (1)")
            assert conn.execute("SELECT id FROM probe").fetchall() == [(1,)]
