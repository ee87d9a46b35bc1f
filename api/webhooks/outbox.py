"""The outbox: deliveries are written in the transaction that caused them (a recorded event, an
escalation), so an alert is never lost between the database and the webhook worker."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import CameraRow, DeliveryRow, EventRow, SchoolRow, WebhookRow
from api.schemas import EventOut


async def enqueue(session: AsyncSession, trigger: str, event: EventRow, now_ms: int) -> int:
    """Queue one delivery per enabled webhook whose filters match; returns how many."""
    hooks = (await session.execute(select(WebhookRow).where(WebhookRow.enabled.is_(True)))).scalars()
    matching = [
        h for h in hooks
        if trigger in h.triggers and event.tier <= h.max_tier and (not h.school_ids or event.school_id in h.school_ids)
    ]
    if not matching:
        return 0
    payload = EventOut.of(event).model_dump()
    school = await session.get(SchoolRow, event.school_id)
    camera = await session.get(CameraRow, event.camera_id)
    payload["school_name"] = school.name if school else event.school_id
    payload["camera_name"] = camera.name if camera else event.camera_id
    for hook in matching:
        session.add(DeliveryRow(
            webhook_id=hook.id, trigger=trigger, event_id=event.id, payload=payload, status="pending",
            attempts=0, next_ms=now_ms, last_error="", created_ms=now_ms,
        ))
    return len(matching)
