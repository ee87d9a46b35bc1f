"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from api.db import Database
from api.models import Base


async def test_migrations_match_the_models_and_rerun_cleanly(db: Database) -> None:
    await db.migrate()  # a second start changes nothing
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert diff == []
    assert {"events", "users", "site_versions", "schools", "kitchens", "cameras", "event_actions", "audit_log",
            "webhooks", "webhook_deliveries", "camera_status_log"} <= tables
    assert version == "0001"


async def test_a_pre_alembic_database_keeps_its_events(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    old_columns = ("id VARCHAR(64) PRIMARY KEY, rule VARCHAR(64), tier INTEGER, state VARCHAR(16), school_id TEXT, "
                   "kitchen_id TEXT, camera_id TEXT, zone TEXT, started_ms BIGINT, last_seen_ms BIGINT, "
                   "ended_ms BIGINT, "
                   "score FLOAT, boxes JSON, rule_version TEXT, message TEXT, frame_width INT, frame_height INT, "
                   "snapshot_path TEXT, snapshot_sha256 TEXT, updates INT, recorded_ms BIGINT")
    async with db.engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE events ({old_columns})"))
        await conn.execute(text("CREATE INDEX ix_events_started ON events (started_ms)"))
        await conn.execute(text(
            "INSERT INTO events VALUES ('ev_1', 'rodent', 1, 'open', 'a', 'k', 'c', NULL, 5, 6, NULL, 0.9, '[]', "
            "'1', '', 0, 0, NULL, NULL, 1, 7)"))
    await db.migrate()
    async with db.engine.connect() as conn:
        row = (await conn.execute(text("SELECT id, rule, status FROM events"))).one()
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await db.close()
    assert tuple(row) == ("ev_1", "rodent", "open")
    assert "events_pre_alembic" not in tables and "users" in tables
