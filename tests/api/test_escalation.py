"""Deadlines and escalation: once per overdue alert, even with several api replicas at once."""

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from api.db import Database
from api.escalation import end_of_local_day, escalate_due, overdue
from api.event_store import get_event, timeline, upsert_event
from api.models import DeliveryRow, EventRow, WebhookRow
from core.settings import Settings
from tests.api.conftest import make_event, seed

MIN = 60_000
SETTINGS = Settings()


def test_end_of_the_schools_local_day() -> None:
    noon = int(datetime(2025, 3, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
    midnight = int(datetime(2025, 3, 4, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
    assert end_of_local_day(noon, "Asia/Shanghai") == midnight
    assert end_of_local_day(noon, "Europe/London") > midnight  # London's day ends 8 hours later


@pytest.mark.parametrize("tier, status, minutes, why", [
    (1, "open", 14, None), (1, "open", 15, "acknowledge"), (1, "acknowledged", 119, None),
    (1, "acknowledged", 120, "rectify"), (3, "open", 60 * 24 * 6, None), (3, "acknowledged", 60 * 24 * 7, "rectify"),
    (1, "rectified", 10_000, None), (1, "dismissed", 10_000, None),
])
def test_overdue_by_tier(tier: int, status: str, minutes: int, why: str | None) -> None:
    row = EventRow(tier=tier, status=status, started_ms=0)
    assert overdue(SETTINGS, row, minutes * MIN, "Asia/Shanghai") == why


def test_tier_two_is_due_at_the_end_of_the_local_day() -> None:
    started = int(datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp() * 1000)
    row = EventRow(tier=2, status="acknowledged", started_ms=started)
    eod = end_of_local_day(started, "Asia/Shanghai")
    assert overdue(SETTINGS, row, eod - 1, "Asia/Shanghai") is None
    assert overdue(SETTINGS, row, eod, "Asia/Shanghai") == "rectify"


async def test_replicas_escalate_each_alert_once(db: Database, tmp_path: Path) -> None:
    await seed(db, tmp_path / "media")
    old = make_event("school-a", started=1_000_000)
    async with db.session() as s, s.begin():
        await upsert_event(s, old)
        s.add(WebhookRow(name="h", url="http://127.0.0.1:9/", format="generic", triggers=["event.escalated"],
                         max_tier=3, school_ids=[], enabled=True, created_ms=0))
    now = 1_000_000 + 16 * MIN
    replicas = [Database(str(db.engine.url.render_as_string(hide_password=False))) for _ in range(3)]
    results = await asyncio.gather(*(escalate_due(r, SETTINGS, now) for r in replicas))
    for r in replicas:
        await r.close()
    assert sorted(len(r) for r in results) == [0, 0, 1]
    assert await escalate_due(db, SETTINGS, now + MIN) == []  # once only
    async with db.session() as s:
        row = await get_event(s, old.id)
        assert row is not None and (row.status, row.escalated_ms) == ("escalated", now)
        steps = await timeline(s, old.id)
        assert [(t.action, t.actor, t.note) for t in steps] == [
            ("escalate", "system", "not acknowledged by the tier 1 deadline")]
        deliveries = list((await s.execute(DeliveryRow.__table__.select())).all())
        assert len(deliveries) == 1 and deliveries[0].trigger == "event.escalated"
