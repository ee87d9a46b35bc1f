"""Recording events: an idempotent upsert by event id that never moves a closed incident back."""

import time
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import EventRow
from core.contracts import Event


def event_values(event: Event, snapshot_path: str | None, snapshot_sha: str | None) -> dict[str, Any]:
    return {
        "id": event.id,
        "rule": event.rule,
        "tier": event.tier,
        "state": event.state,
        "school_id": event.school_id,
        "kitchen_id": event.kitchen_id,
        "camera_id": event.camera_id,
        "zone": event.zone,
        "started_ms": event.started_ms,
        "last_seen_ms": event.last_seen_ms,
        "ended_ms": event.ended_ms,
        "score": event.score,
        "boxes": [b.model_dump() for b in event.boxes],
        "rule_version": event.rule_version,
        "message": event.message,
        "frame_width": event.frame_width,
        "frame_height": event.frame_height,
        "snapshot_path": snapshot_path,
        "snapshot_sha256": snapshot_sha,
        "updates": 1,
        "recorded_ms": int(time.time() * 1000),
    }


async def upsert_event(
    session: AsyncSession, event: Event, snapshot_path: str | None = None, snapshot_sha: str | None = None
) -> None:
    """Insert the event or fold it into the stored one. Replays and duplicates change nothing
    that matters: times only widen, a closed incident stays closed, the first snapshot stays."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(EventRow).values(**event_values(event, snapshot_path, snapshot_sha))
    new = stmt.excluded
    table = EventRow.__table__.c
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.id],
        set_={
            "state": case((table.state == "closed", table.state), else_=new.state),
            "last_seen_ms": func.max(table.last_seen_ms, new.last_seen_ms)
            if dialect == "sqlite"
            else func.greatest(table.last_seen_ms, new.last_seen_ms),
            "ended_ms": func.coalesce(table.ended_ms, new.ended_ms),
            "score": func.max(table.score, new.score) if dialect == "sqlite" else func.greatest(table.score, new.score),
            "boxes": case((table.state == "closed", table.boxes), else_=new.boxes),
            "snapshot_path": func.coalesce(table.snapshot_path, new.snapshot_path),
            "snapshot_sha256": func.coalesce(table.snapshot_sha256, new.snapshot_sha256),
            "updates": table.updates + 1,
        },
    )
    await session.execute(stmt)


async def get_event(session: AsyncSession, event_id: str) -> EventRow | None:
    return await session.get(EventRow, event_id)


async def list_events(
    session: AsyncSession,
    *,
    school_id: str | None = None,
    camera_id: str | None = None,
    rule: str | None = None,
    state: str | None = None,
    since_ms: int | None = None,
    until_ms: int | None = None,
    limit: int = 100,
    before: tuple[int, str] | None = None,
) -> list[EventRow]:
    """Newest first, keyset-paginated by (started_ms, id)."""
    query = select(EventRow)
    if school_id:
        query = query.where(EventRow.school_id == school_id)
    if camera_id:
        query = query.where(EventRow.camera_id == camera_id)
    if rule:
        query = query.where(EventRow.rule == rule)
    if state:
        query = query.where(EventRow.state == state)
    if since_ms is not None:
        query = query.where(EventRow.started_ms >= since_ms)
    if until_ms is not None:
        query = query.where(EventRow.started_ms < until_ms)
    if before is not None:
        ms, ident = before
        query = query.where(
            (EventRow.started_ms < ms) | ((EventRow.started_ms == ms) & (EventRow.id < ident))
        )
    query = query.order_by(EventRow.started_ms.desc(), EventRow.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())
