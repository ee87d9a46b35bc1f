"""The alert workflow: acknowledge, rectify (note + photo), approve, reject, dismiss, confirm.

An illegal transition is a 409 whose detail says why; another school's event is a 404.
"""

import asyncio
import contextlib
import time
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, SessionDep, StateDep, client_ip
from api.event_store import timeline
from api.media import photo_type
from api.schemas import ActionOut, EventDetail, EventOut
from api.state import ApiState
from api.workflow import Conflict, Evidence, Forbidden, NotFound, transition, workflow_message

router = APIRouter(prefix="/api/events", tags=["workflow"])
_ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 409: {}}
MAX_NOTE = 2000


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=MAX_NOTE, description="Why; required to reject.")


async def _act(
    state: ApiState, session: SessionDep, request: Request, who: CurrentUser, event_id: str, action: str,
    evidence: Evidence,
) -> EventDetail:
    try:
        row, step = await transition(session, event_id, action, who, evidence, now_ms=int(time.time() * 1000),
                                     client_ip=client_ip(request))
    except NotFound as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except Forbidden as exc:
        raise HTTPException(403, detail=str(exc)) from None
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None
    await session.commit()
    state.hub.push(row.school_id, workflow_message(row, step))
    steps = [ActionOut.of(a) for a in await timeline(session, event_id)]
    return EventDetail(**EventOut.of(row).model_dump(), timeline=steps)


def _simple(action: str, summary: str, note_required: bool = False) -> None:
    async def endpoint(
        event_id: str, who: CurrentUser, request: Request, state: StateDep, session: SessionDep,
        body: ActionIn | None = None,
    ) -> EventDetail:
        note = (body.note if body else "").strip()
        if note_required and not note:
            raise HTTPException(422, detail=f"{action} needs a note saying why")
        return await _act(state, session, request, who, event_id, action, Evidence(note=note))

    endpoint.__name__ = action
    router.add_api_route(f"/{{event_id}}/{action}", endpoint, methods=["POST"], response_model=EventDetail,
                         summary=summary, responses={**_ERRORS, 422: {}})


_simple("acknowledge", "Canteen manager: the alert is seen and being handled")
_simple("approve", "Regulator: the rectification is accepted; the case is closed")
_simple("reject", "Regulator: the rectification is not enough; back to the canteen", note_required=True)
_simple("dismiss", "Regulator or inspector: a false positive (the verdict is kept)")
_simple("confirm", "Regulator or inspector: a true positive (the verdict is kept)")


@router.post("/{event_id}/rectify", response_model=EventDetail, responses={**_ERRORS, 413: {}, 415: {}, 422: {}})
async def rectify(
    event_id: str, who: CurrentUser, request: Request, state: StateDep, session: SessionDep,
    note: Annotated[str, Form(min_length=1, max_length=MAX_NOTE)],
    photo: Annotated[UploadFile, File(description="A JPEG or PNG of the fixed situation.")],
) -> EventDetail:
    """Canteen manager: the situation is fixed; a note and a photo (stored with its SHA-256)."""
    cap = state.settings.upload_max_bytes
    data = await photo.read(cap + 1)
    if len(data) > cap:
        raise HTTPException(413, detail=f"photo is over {cap} bytes")
    kind = photo_type(data)
    if kind is None:
        raise HTTPException(415, detail="photo must be a JPEG or PNG image")
    if not note.strip():
        raise HTTPException(422, detail="rectify needs a note saying what was done")
    try:
        rel, sha = await asyncio.to_thread(state.media.save_photo, event_id, data, kind[0])
    except ValueError:
        raise HTTPException(404, detail=f"no event {event_id}") from None
    try:
        return await _act(state, session, request, who, event_id, "rectify",
                          Evidence(note=note.strip(), photo_path=rel, photo_sha256=sha))
    except HTTPException:
        path = state.media.resolve(rel)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
