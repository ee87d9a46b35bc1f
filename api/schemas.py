"""Response models of the REST api."""

from typing import Any

from pydantic import BaseModel

from api.models import EventRow


class EventOut(BaseModel):
    id: str
    rule: str
    tier: int
    state: str
    school_id: str
    kitchen_id: str
    camera_id: str
    zone: str | None
    started_ms: int
    last_seen_ms: int
    ended_ms: int | None
    score: float
    boxes: list[dict[str, Any]]
    rule_version: str
    message: str
    frame_width: int
    frame_height: int
    snapshot_url: str | None
    snapshot_sha256: str | None

    @classmethod
    def of(cls, row: EventRow) -> "EventOut":
        return cls(
            id=row.id, rule=row.rule, tier=row.tier, state=row.state, school_id=row.school_id,
            kitchen_id=row.kitchen_id, camera_id=row.camera_id, zone=row.zone, started_ms=row.started_ms,
            last_seen_ms=row.last_seen_ms, ended_ms=row.ended_ms, score=row.score, boxes=row.boxes,
            rule_version=row.rule_version, message=row.message, frame_width=row.frame_width,
            frame_height=row.frame_height,
            snapshot_url=f"/api/events/{row.id}/snapshot.jpg" if row.snapshot_path else None,
            snapshot_sha256=row.snapshot_sha256,
        )


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class CameraOut(BaseModel):
    id: str
    name: str
    school_id: str
    school_name: str
    kitchen_id: str
    state: str
    reason: str
    fps: float
    last_frame_ms: int | None
