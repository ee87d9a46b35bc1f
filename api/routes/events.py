"""Event history: the scoped, filtered list and one event with its workflow timeline."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deadlines import with_deadlines
from api.deps import CurrentUser, SessionDep, StateDep
from api.event_store import get_event, list_events, timeline
from api.routes.event_query import FilterDep, OrderQuery, decode_cursor, encode_cursor
from api.schemas import ActionOut, EventDetail, EventOut, EventPage

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get("", response_model=EventPage, responses={400: {}, 401: {}})
async def events(
    session: SessionDep,
    state: StateDep,
    where: FilterDep,
    order: OrderQuery = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> EventPage:
    """Events in the caller's scope; pass ``next_cursor`` back as ``cursor`` for the next page."""
    rows = await list_events(
        session, where, limit=limit + 1, cursor=decode_cursor(cursor) if cursor else None, order=order,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].started_ms, rows[-1].id) if more and rows else None
    items = [with_deadlines(EventOut.of(r), r, state.settings, state.site) for r in rows]
    return EventPage(items=items, next_cursor=next_cursor)


@router.get("/{event_id}", response_model=EventDetail, responses={401: {}, 404: {}})
async def event_detail(who: CurrentUser, state: StateDep, session: SessionDep, event_id: str) -> EventDetail:
    """One event and its workflow timeline (404 also for another school's event)."""
    row = await get_event(session, event_id, who.school_ids)
    if row is None:
        raise HTTPException(404, detail=f"no event {event_id}")
    steps = [ActionOut.of(a) for a in await timeline(session, event_id)]
    out = with_deadlines(EventOut.of(row), row, state.settings, state.site)
    return EventDetail(**out.model_dump(), timeline=steps)
