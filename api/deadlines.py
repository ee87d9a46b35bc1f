"""The deadlines an open case is held to (the escalation task enforces the same ones)."""

from api.escalation import rectify_deadline
from api.models import EventRow
from api.schemas import EventOut
from core.settings import Settings
from core.site import Site

DEFAULT_TZ = "Asia/Shanghai"


def timezone_of(site: Site | None, school_id: str) -> str:
    for school in site.schools if site else []:
        if school.id == school_id:
            return school.schedule.timezone
    return DEFAULT_TZ


def with_deadlines(out: EventOut, row: EventRow, settings: Settings, site: Site | None) -> EventOut:
    """``out`` with the acknowledge and rectify deadlines still ahead of the case, if any."""
    ack = rectify = None
    if row.status == "open" and row.tier == 1:
        ack = row.started_ms + settings.tier1_ack_s * 1000
    if row.status in ("open", "acknowledged", "escalated"):
        rectify = rectify_deadline(settings, row.tier, row.started_ms, timezone_of(site, row.school_id))
    return out.model_copy(update={"ack_deadline_ms": ack, "rectify_deadline_ms": rectify})
