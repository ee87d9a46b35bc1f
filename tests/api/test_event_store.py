"""The storage suite: idempotent upserts and history queries, on SQLite and on PostgreSQL."""

import pytest

from api.db import Database
from api.event_store import EventFilter, get_event, list_events, upsert_event
from core.contracts import Box, Event, event_id


def make_event(state: str = "open", started: int = 1_000, seen: int = 2_000, camera: str = "cam-1",
               rule: str = "camera_blocked", score: float = 0.8, ended: int | None = None, school: str = "school-a",
               tier: int = 1) -> Event:
    return Event(
        id=event_id(camera, rule, None, started), rule=rule, tier=tier, state=state,  # type: ignore[arg-type]
        school_id=school, kitchen_id="k", camera_id=camera, started_ms=started, last_seen_ms=seen,
        ended_ms=ended, score=score, boxes=[Box(x1=1, y1=2, x2=30, y2=40, label="blocked", score=score)],
    )


async def test_upsert_is_idempotent_and_only_widens(db: Database) -> None:
    opened = make_event("open", seen=2_000, score=0.6)
    async with db.session() as s, s.begin():
        await upsert_event(s, opened, "snapshots/a.jpg", "abc")
        await upsert_event(s, opened, "snapshots/a.jpg", "abc")  # a replay
    async with db.session() as s, s.begin():
        row = await get_event(s, opened.id)
        assert row is not None
        row.status = "acknowledged"  # the workflow moved on; detector updates must not undo it
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
        assert row.updates == 5 and row.status == "acknowledged"


async def test_filters_scope_order_and_keyset_pages(db: Database) -> None:
    async with db.session() as s, s.begin():
        for i in range(25):
            cam = "cam-1" if i % 2 else "cam-2"
            school = "school-a" if i % 3 else "school-b"
            await upsert_event(s, make_event(started=10_000 + i // 2 * 10, seen=20_000 + i, camera=cam,
                                             school=school, tier=1 + i % 3))
    async with db.session() as s:
        for order in ("newest", "oldest"):
            seen: list[tuple[int, str]] = []
            cursor = None
            while True:
                page = await list_events(s, limit=7, cursor=cursor, order=order)  # type: ignore[arg-type]
                if not page:
                    break
                seen += [(r.started_ms, r.id) for r in page]
                cursor = seen[-1]
            assert len(seen) == len(set(seen)) == 25
            assert seen == sorted(seen, reverse=order == "newest")
        only = await list_events(s, EventFilter(camera_id="cam-1", since_ms=10_050))
        assert only and all(r.camera_id == "cam-1" and r.started_ms >= 10_050 for r in only)
        scoped = await list_events(s, EventFilter(scope=frozenset({"school-b"}), tier=1))
        assert scoped and all(r.school_id == "school-b" and r.tier == 1 for r in scoped)
        assert await list_events(s, EventFilter(scope=frozenset({"school-b"}), school_id="school-a")) == []
        assert await get_event(s, scoped[0].id, frozenset({"school-a"})) is None


@pytest.mark.parametrize("status", ["open", "dismissed"])
async def test_status_filter(db: Database, status: str) -> None:
    async with db.session() as s, s.begin():
        await upsert_event(s, make_event(started=1))
        await upsert_event(s, make_event(started=2))
        row = await get_event(s, make_event(started=2).id)
        assert row is not None
        row.status = "dismissed"
    async with db.session() as s:
        rows = await list_events(s, EventFilter(status=status))
        assert [r.status for r in rows] == [status]
