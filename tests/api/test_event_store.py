"""The storage suite: idempotent upserts and history queries, on SQLite and on PostgreSQL."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.db import Database
from api.event_store import get_event, list_events, upsert_event
from core.contracts import Box, Event, event_id


def make_event(state: str = "open", started: int = 1_000, seen: int = 2_000, camera: str = "cam-1",
               rule: str = "camera_blocked", score: float = 0.8, ended: int | None = None) -> Event:
    return Event(
        id=event_id(camera, rule, None, started), rule=rule, tier=1, state=state,  # type: ignore[arg-type]
        school_id="school-a", kitchen_id="k", camera_id=camera, started_ms=started, last_seen_ms=seen,
        ended_ms=ended, score=score, boxes=[Box(x1=1, y1=2, x2=30, y2=40, label="blocked", score=score)],
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bk.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    database = Database(url)
    await database.create_schema()
    yield database
    await database.close()


async def test_upsert_is_idempotent_and_only_widens(db: Database) -> None:
    opened = make_event("open", seen=2_000, score=0.6)
    async with db.session() as s, s.begin():
        await upsert_event(s, opened, "snapshots/a.jpg", "abc")
        await upsert_event(s, opened, "snapshots/a.jpg", "abc")  # a replay
    async with db.session() as s, s.begin():
        await upsert_event(s, make_event("update", seen=5_000, score=0.9))
        await upsert_event(s, make_event("closed", seen=6_000, score=0.7, ended=9_000))
        await upsert_event(s, make_event("update", seen=4_000, score=0.5))  # late replay of an update
    async with db.session() as s:
        rows = await list_events(s)
        assert len(rows) == 1
        row = await get_event(s, opened.id)
        assert row is not None
        assert (row.state, row.last_seen_ms, row.ended_ms, row.score) == ("closed", 6_000, 9_000, 0.9)
        assert row.snapshot_path == "snapshots/a.jpg" and row.snapshot_sha256 == "abc"
        assert row.updates == 5


async def test_filters_and_keyset_pages(db: Database) -> None:
    async with db.session() as s, s.begin():
        for i in range(25):
            cam = "cam-1" if i % 2 else "cam-2"
            await upsert_event(s, make_event(started=10_000 + i // 2 * 10, seen=20_000 + i, camera=cam))
    async with db.session() as s:
        seen: list[str] = []
        before = None
        while True:
            page = await list_events(s, limit=7, before=before)
            if not page:
                break
            seen += [r.id for r in page]
            before = (page[-1].started_ms, page[-1].id)
        assert len(seen) == len(set(seen)) == 25
        only = await list_events(s, camera_id="cam-1", since_ms=10_050)
        assert only and all(r.camera_id == "cam-1" and r.started_ms >= 10_050 for r in only)
