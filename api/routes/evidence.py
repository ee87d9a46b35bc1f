"""Evidence files: event snapshots (boxes drawn on request) and rectification photos, scoped.

Files are found through the database row, never through a path from the URL, so a traversal
attempt is simply an unknown event (404)."""

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, Response

from api.annotate import ImageError, draw_boxes
from api.deps import CurrentUser, SessionDep, StateDep
from api.event_store import get_event
from api.media import photo_type
from api.models import ActionRow

router = APIRouter(prefix="/api/events", tags=["evidence"])


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(16)

_NO_STORE = {"Cache-Control": "private, no-store"}


@router.get("/{event_id}/snapshot.jpg", response_model=None, responses={401: {}, 404: {}})
async def event_snapshot(
    who: CurrentUser, state: StateDep, session: SessionDep, event_id: str,
    boxes: Annotated[bool, Query(description="Draw the detection boxes on a copy of the picture.")] = False,
) -> Response:
    """The clean evidence picture; ``boxes=1`` draws the detection boxes (the stored file stays clean)."""
    row = await get_event(session, event_id, who.school_ids)
    jpeg: bytes | None = None
    if row is not None and row.snapshot_path:
        path = state.media.resolve(row.snapshot_path)
        if path is not None:
            if not boxes:
                return FileResponse(path, media_type="image/jpeg", headers=_NO_STORE)
            jpeg = await asyncio.to_thread(path.read_bytes)
    if jpeg is None:  # not recorded yet: the live hub keeps the newest snapshots
        recent = state.hub.recent_snapshots.get(event_id)
        if recent is not None and who.sees(recent[0]):
            jpeg = recent[1]
    if jpeg is None:
        raise HTTPException(404, detail=f"no snapshot for event {event_id}")
    if boxes and row is not None and row.boxes:
        try:
            jpeg = await asyncio.to_thread(draw_boxes, jpeg, row.boxes, row.frame_width, row.frame_height)
        except ImageError as exc:
            raise HTTPException(500, detail=f"snapshot of {event_id}: {exc}") from None
    return Response(jpeg, media_type="image/jpeg", headers=_NO_STORE)


@router.get("/{event_id}/clip.webm", response_model=None, responses={401: {}, 404: {}})
async def event_clip(who: CurrentUser, state: StateDep, session: SessionDep, event_id: str) -> Response:
    """The incident's evidence clip (WebM VP8), a few seconds before and after it started."""
    row = await get_event(session, event_id, who.school_ids)
    path = state.media.resolve(row.clip_path) if row is not None and row.clip_sha256 and row.clip_path else None
    if path is None:
        raise HTTPException(404, detail=f"no clip for event {event_id}")
    return FileResponse(path, media_type="video/webm", headers=_NO_STORE)


@router.get("/{event_id}/actions/{action_id}/photo", response_model=None, responses={401: {}, 404: {}})
async def action_photo(
    who: CurrentUser, state: StateDep, session: SessionDep, event_id: str, action_id: int,
) -> Response:
    """A rectification photo (its SHA-256 is in the event's timeline)."""
    row = await get_event(session, event_id, who.school_ids)
    step = await session.get(ActionRow, action_id) if row is not None and -2**31 <= action_id < 2**31 else None
    if step is None or step.event_id != event_id or not step.photo_path:
        raise HTTPException(404, detail=f"no photo for action {action_id} of event {event_id}")
    path = state.media.resolve(step.photo_path)
    if path is None:
        raise HTTPException(404, detail=f"photo of action {action_id} is missing from the media store")
    kind = photo_type(await asyncio.to_thread(_head, path))
    return FileResponse(path, media_type=kind[1] if kind else "application/octet-stream", headers=_NO_STORE)
