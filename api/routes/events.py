"""Event history and evidence."""

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, Response

from api.deps import SessionDep, StateDep
from api.event_store import get_event, list_events
from api.schemas import EventOut, EventPage
from core.catalog import CATALOG

router = APIRouter(prefix="/api/events", tags=["events"])


def _encode_cursor(started_ms: int, ident: str) -> str:
    return base64.urlsafe_b64encode(f"{started_ms}:{ident}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        ms, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        return int(ms), ident
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(400, detail="cursor is not one this api handed out") from None


@router.get("", response_model=EventPage)
async def events(
    session: SessionDep,
    school_id: Annotated[str | None, Query(max_length=64)] = None,
    camera_id: Annotated[str | None, Query(max_length=64)] = None,
    rule: Annotated[str | None, Query(max_length=64)] = None,
    state: Annotated[str | None, Query(pattern="^(open|update|closed)$")] = None,
    since_ms: Annotated[int | None, Query(ge=0, le=2**53)] = None,
    until_ms: Annotated[int | None, Query(ge=0, le=2**53)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> EventPage:
    """Events, newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    if rule is not None and rule not in CATALOG:
        raise HTTPException(400, detail=f"unknown rule {rule!r}; expected one of {sorted(CATALOG)}")
    rows = await list_events(
        session, school_id=school_id, camera_id=camera_id, rule=rule, state=state, since_ms=since_ms,
        until_ms=until_ms, limit=limit + 1, before=_decode_cursor(cursor) if cursor else None,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode_cursor(rows[-1].started_ms, rows[-1].id) if more and rows else None
    return EventPage(items=[EventOut.of(r) for r in rows], next_cursor=next_cursor)


@router.get("/{event_id}", response_model=EventOut)
async def event_detail(session: SessionDep, event_id: str) -> EventOut:
    row = await get_event(session, event_id)
    if row is None:
        raise HTTPException(404, detail=f"no event {event_id}")
    return EventOut.of(row)


@router.get("/{event_id}/snapshot.jpg", response_model=None)
async def event_snapshot(state: StateDep, session: SessionDep, event_id: str) -> Response:
    """The clean evidence picture (boxes travel as data in the event)."""
    row = await get_event(session, event_id)
    if row is not None and row.snapshot_path:
        path = state.media.resolve(row.snapshot_path)
        if path is not None:
            return FileResponse(path, media_type="image/jpeg")
    recent = state.hub.recent_snapshots.get(event_id)
    if recent is not None:
        return Response(recent, media_type="image/jpeg")
    raise HTTPException(404, detail=f"no snapshot for event {event_id}")
