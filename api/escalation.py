"""Escalation: an alert not acknowledged or not rectified by its tier's deadline goes to the
regulator. Runs in every api replica; the conditional UPDATE in ``workflow.transition`` makes a
second replica's attempt a no-op, and ``escalated_ms`` makes it happen once per event."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.auth.principal import SYSTEM
from api.db import Database
from api.models import ActionRow, EventRow, SchoolRow
from api.webhooks.outbox import enqueue
from api.workflow import Conflict, Evidence, transition
from core.settings import Settings

log = logging.getLogger(__name__)
DEFAULT_TZ = "Asia/Shanghai"
BATCH = 500


def end_of_local_day(epoch_ms: int, timezone: str) -> int:
    local = datetime.fromtimestamp(epoch_ms / 1000, ZoneInfo(timezone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ZoneInfo(timezone))
    return int(midnight.timestamp() * 1000)


def rectify_deadline(settings: Settings, tier: int, started_ms: int, timezone: str) -> int:
    if tier == 1:
        return started_ms + settings.tier1_rectify_s * 1000
    if tier == 2:
        if settings.tier2_rectify_s is None:
            return end_of_local_day(started_ms, timezone)
        return started_ms + settings.tier2_rectify_s * 1000
    return started_ms + settings.tier3_rectify_s * 1000


def overdue(settings: Settings, row: EventRow, now_ms: int, timezone: str) -> str | None:
    """Why the event is overdue ("acknowledge" or "rectify"), or None if it is not."""
    if row.status == "open" and row.tier == 1 and now_ms >= row.started_ms + settings.tier1_ack_s * 1000:
        return "acknowledge"
    if row.status in ("open", "acknowledged") and now_ms >= rectify_deadline(settings, row.tier, row.started_ms,
                                                                             timezone):
        return "rectify"
    return None


def _earliest_deadline_s(settings: Settings) -> int:
    tier2 = 0 if settings.tier2_rectify_s is None else settings.tier2_rectify_s
    return min(settings.tier1_ack_s, settings.tier1_rectify_s, tier2, settings.tier3_rectify_s)


async def escalate_due(
    db: Database, settings: Settings, now_ms: int,
) -> list[tuple[EventRow, ActionRow]]:
    """Escalate every overdue alert once; returns what this call escalated."""
    horizon = now_ms - _earliest_deadline_s(settings) * 1000
    done: list[tuple[EventRow, ActionRow]] = []
    async with db.session() as session:
        zones = dict((await session.execute(select(SchoolRow.id, SchoolRow.timezone))).all())
        rows = list((await session.execute(
            select(EventRow).where(
                EventRow.status.in_(("open", "acknowledged")), EventRow.escalated_ms.is_(None),
                EventRow.started_ms <= horizon,
            ).order_by(EventRow.started_ms).limit(BATCH)
        )).scalars())
        for row in rows:
            why = overdue(settings, row, now_ms, zones.get(row.school_id, DEFAULT_TZ))
            if why is None:
                continue
            note = f"not {why}d by the tier {row.tier} deadline"
            try:
                event, step = await transition(session, row.id, "escalate", SYSTEM, Evidence(note=note), now_ms=now_ms)
            except Conflict:
                continue  # another replica or a person got there first: its UPDATE matched, ours did not
            await enqueue(session, "event.escalated", event, now_ms)
            done.append((event, step))
        await session.commit()
    return done


async def run_escalation(
    db: Database, settings: Settings, stop: asyncio.Event,
    on_escalated: Callable[[EventRow, ActionRow], None],
) -> None:
    while not stop.is_set():
        try:
            for event, step in await escalate_due(db, settings, int(time.time() * 1000)):
                on_escalated(event, step)
        except Exception:
            log.exception("escalation check failed; retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.escalation_interval_s)
