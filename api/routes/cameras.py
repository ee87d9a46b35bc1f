"""Cameras in the caller's scope with their live status and newest picture."""

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from api.deps import CurrentUser, StateDep
from api.schemas import CameraOut

router = APIRouter(prefix="/api/cameras", tags=["cameras"])


@router.get("", response_model=list[CameraOut], responses={401: {}})
async def cameras(who: CurrentUser, state: StateDep) -> list[CameraOut]:
    """Every camera of the site the caller may see, plus cameras seen on the bus the site does not list."""
    out: list[CameraOut] = []
    listed: set[str] = set()
    for school, cam in state.site.cameras() if state.site else []:
        listed.add(cam.id)
        if who.sees(school.id):
            out.append(_camera(state, cam.id, cam.name, school.id, school.name, cam.kitchen))
    for cam_id, frame in sorted(state.hub.latest_frames.items()):
        if cam_id not in listed and who.sees(frame.school_id):
            out.append(_camera(state, cam_id, cam_id, frame.school_id, frame.school_id, ""))
    return out


def _camera(state: StateDep, cam_id: str, name: str, school_id: str, school_name: str, kitchen: str) -> CameraOut:
    status = state.hub.statuses.get(cam_id)
    frame = state.hub.latest_frames.get(cam_id)
    return CameraOut(
        id=cam_id, name=name, school_id=school_id, school_name=school_name, kitchen_id=kitchen,
        state=status.state if status else "unknown", reason=status.reason if status else "",
        fps=status.fps if status else 0.0, last_frame_ms=frame.captured_ms if frame else None,
    )


@router.get("/{camera_id}/latest.jpg", response_model=None, responses={401: {}, 404: {}})
async def latest_frame(who: CurrentUser, state: StateDep, camera_id: str) -> Response:
    frame = state.hub.latest_frames.get(camera_id)
    if frame is None or not who.sees(frame.school_id):
        raise HTTPException(404, detail=f"no live picture for camera {camera_id}")
    return Response(frame.jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
