"""Response models of the REST api (request bodies live with their routes)."""

from typing import Any

from pydantic import BaseModel

from api.models import ActionRow, EventRow, UserRow


class EventOut(BaseModel):
    id: str
    rule: str
    tier: int
    state: str
    status: str
    verdict: str | None
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
    clip_url: str | None
    clip_sha256: str | None
    status_ms: int
    acknowledged_ms: int | None
    rectified_ms: int | None
    closed_ms: int | None
    escalated_ms: int | None
    ack_deadline_ms: int | None = None
    rectify_deadline_ms: int | None = None

    @classmethod
    def of(cls, row: EventRow) -> "EventOut":
        return cls(
            id=row.id, rule=row.rule, tier=row.tier, state=row.state, status=row.status, verdict=row.verdict,
            school_id=row.school_id, kitchen_id=row.kitchen_id, camera_id=row.camera_id, zone=row.zone,
            started_ms=row.started_ms, last_seen_ms=row.last_seen_ms, ended_ms=row.ended_ms, score=row.score,
            boxes=row.boxes, rule_version=row.rule_version, message=row.message, frame_width=row.frame_width,
            frame_height=row.frame_height,
            snapshot_url=f"/api/events/{row.id}/snapshot.jpg" if row.snapshot_path else None,
            snapshot_sha256=row.snapshot_sha256, clip_sha256=row.clip_sha256,
            clip_url=f"/api/events/{row.id}/clip.webm" if row.clip_sha256 else None, status_ms=row.status_ms,
            acknowledged_ms=row.acknowledged_ms, rectified_ms=row.rectified_ms, closed_ms=row.closed_ms,
            escalated_ms=row.escalated_ms,
        )


class ActionOut(BaseModel):
    id: int
    action: str
    actor: str
    role: str
    at_ms: int
    from_status: str
    to_status: str
    note: str
    photo_url: str | None
    photo_sha256: str | None

    @classmethod
    def of(cls, row: ActionRow) -> "ActionOut":
        return cls(
            id=row.id, action=row.action, actor=row.actor, role=row.role, at_ms=row.at_ms,
            from_status=row.from_status, to_status=row.to_status, note=row.note,
            photo_url=f"/api/events/{row.event_id}/actions/{row.id}/photo" if row.photo_path else None,
            photo_sha256=row.photo_sha256,
        )


class EventDetail(EventOut):
    timeline: list[ActionOut]


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    school_id: str | None
    active: bool

    @classmethod
    def of(cls, row: UserRow) -> "UserOut":
        return cls(id=row.id, username=row.username, display_name=row.display_name, role=row.role,
                   school_id=row.school_id, active=row.active)


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
