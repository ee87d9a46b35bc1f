"""Database engine and sessions (SQLAlchemy 2, async): SQLite by default, PostgreSQL by URL.

The schema belongs to the Alembic migrations in ``api/migrations``: :meth:`Database.migrate`
upgrades to head at start (safe to run from several replicas on PostgreSQL: an advisory lock).
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 0x626B6D67  # "bkmg"
_LEGACY = "events_pre_alembic"


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, object] = {"pool_pre_ping": True}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs = {"connect_args": {"timeout": 30}}
        else:
            kwargs.update(pool_size=10, max_overflow=20)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self) -> None:
        """Upgrade the schema to the newest migration (``alembic upgrade head``)."""
        async with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            await conn.run_sync(_upgrade)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    tables = set(inspect(connection).get_table_names())
    legacy = "events" in tables and "alembic_version" not in tables
    if legacy:  # a database made by create_all before the migrations existed: keep its events
        log.warning("migrating a pre-Alembic database: copying its events into the new schema")
        connection.execute(text(f"ALTER TABLE events RENAME TO {_LEGACY}"))
        for index in inspect(connection).get_indexes(_LEGACY):
            connection.execute(text(f"DROP INDEX {index['name']}"))
    command.upgrade(alembic_config(connection), "head")
    if legacy:
        cols = ", ".join(c["name"] for c in inspect(connection).get_columns(_LEGACY))
        connection.execute(text(f"INSERT INTO events ({cols}) SELECT {cols} FROM {_LEGACY}"))
        connection.execute(text(f"DROP TABLE {_LEGACY}"))


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
