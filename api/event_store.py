"""Recording events: an idempotent upsert by event id that never moves a closed incident back;
history queries with filters, scoping and keyset pagination."""

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Row, Select, case, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ActionRow, EventRow
from core.contracts import Event

Order = Literal["newest", "oldest"]


def event_values(event: Event, snapshot_path: str | None, snapshot_sha: str | None) -> dict[str, Any]:
    now = int(time.time() * 1000)
    return {
        "id": event.id, "rule": event.rule, "tier": event.tier, "state": event.state,
        "school_id": event.school_id, "kitchen_id": event.kitchen_id, "camera_id": event.camera_id,
        "zone": event.zone, "started_ms": event.started_ms, "last_seen_ms": event.last_seen_ms,
        "ended_ms": event.ended_ms, "score": event.score, "boxes": [b.model_dump() for b in event.boxes],
        "rule_version": event.rule_version, "message": event.message, "frame_width": event.frame_width,
        "frame_height": event.frame_height, "snapshot_path": snapshot_path, "snapshot_sha256": snapshot_sha,
        "updates": 1, "recorded_ms": now, "status": "open", "status_ms": now,
    }


async def upsert_event(
    session: AsyncSession, event: Event, snapshot_path: str | None = None, snapshot_sha: str | None = None
) -> None:
    """Insert the event or fold it into the stored one. Replays and duplicates change nothing
    that matters: times only widen, a closed incident stays closed, the first snapshot stays,
    and the workflow status is never touched."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(EventRow).values(**event_values(event, snapshot_path, snapshot_sha))
    new = stmt.excluded
    table = EventRow.__table__.c
    greatest = func.max if dialect == "sqlite" else func.greatest
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.id],
        set_={
            "state": case((table.state == "closed", table.state), else_=new.state),
            "last_seen_ms": greatest(table.last_seen_ms, new.last_seen_ms),
            "ended_ms": func.coalesce(table.ended_ms, new.ended_ms),
            "score": greatest(table.score, new.score),
            "boxes": case((table.state == "closed", table.boxes), else_=new.boxes),
            "snapshot_path": func.coalesce(table.snapshot_path, new.snapshot_path),
            "snapshot_sha256": func.coalesce(table.snapshot_sha256, new.snapshot_sha256),
            "updates": table.updates + 1,
        },
    )
    await session.execute(stmt)


async def get_event(session: AsyncSession, event_id: str, school_ids: frozenset[str] | None = None) -> EventRow | None:
    """The event, or None if it does not exist or lies outside ``school_ids`` (None: every school)."""
    row = await session.get(EventRow, event_id)
    if row is None or (school_ids is not None and row.school_id not in school_ids):
        return None
    return row


async def timeline(session: AsyncSession, event_id: str) -> list[ActionRow]:
    query = select(ActionRow).where(ActionRow.event_id == event_id).order_by(ActionRow.at_ms, ActionRow.id)
    return list((await session.execute(query)).scalars())


@dataclass(frozen=True)
class EventFilter:
    """History filters; ``scope`` is the caller's schools (None: every school)."""

    scope: frozenset[str] | None = None
    school_id: str | None = None
    camera_id: str | None = None
    rule: str | None = None
    tier: int | None = None
    state: str | None = None
    status: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.scope is not None:
            query = query.where(EventRow.school_id.in_(sorted(self.scope)))
        for column, value in ((EventRow.school_id, self.school_id), (EventRow.camera_id, self.camera_id),
                              (EventRow.rule, self.rule), (EventRow.tier, self.tier), (EventRow.state, self.state)):
            if value is not None:
                query = query.where(column == value)
        if self.status is not None:
            query = query.where(EventRow.status.in_(self.status.split(",")))
        if self.since_ms is not None:
            query = query.where(EventRow.started_ms >= self.since_ms)
        if self.until_ms is not None:
            query = query.where(EventRow.started_ms < self.until_ms)
        return query


async def list_events(
    session: AsyncSession, where: EventFilter = EventFilter(), *, limit: int = 100,
    cursor: tuple[int, str] | None = None, order: Order = "newest",
) -> list[EventRow]:
    """Keyset-paginated by (started_ms, id): ``cursor`` is the last row of the previous page."""
    query = _page(where.apply(select(EventRow)), cursor, order)
    return list((await session.execute(query.limit(limit))).scalars())


def _page(query: Select[Any], cursor: tuple[int, str] | None, order: Order) -> Select[Any]:
    # A row-value comparison, so PostgreSQL walks the (…, started_ms, id) indexes from the cursor.
    key = tuple_(EventRow.started_ms, EventRow.id)
    if cursor is not None:
        query = query.where(key < tuple_(*cursor) if order == "newest" else key > tuple_(*cursor))
    if order == "newest":
        return query.order_by(EventRow.started_ms.desc(), EventRow.id.desc())
    return query.order_by(EventRow.started_ms.asc(), EventRow.id.asc())


async def iterate_events(
    session: AsyncSession, where: EventFilter, order: Order = "newest", chunk: int = 5000
) -> AsyncIterator[Row[Any]]:
    """Every matching event as a plain row (attribute access like EventRow, without the ORM's
    cost), a page at a time: no long-held server cursor, memory stays flat."""
    cursor: tuple[int, str] | None = None
    while True:
        query = _page(where.apply(select(*EventRow.__table__.c)), cursor, order).limit(chunk)
        page = (await session.execute(query)).all()
        for row in page:
            yield row
        if len(page) < chunk:
            return
        cursor = (page[-1].started_ms, page[-1].id)
