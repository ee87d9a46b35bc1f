"""CSV export of the event history: streamed, scoped, the same filters as the list.
UTF-8 with a byte-order mark so Excel shows the Chinese text correctly."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import StateDep
from api.event_store import EventFilter, iterate_events
from api.routes.event_query import FilterDep, OrderQuery
from api.state import ApiState
from core.catalog import CATALOG

router = APIRouter(prefix="/api/events", tags=["export"])
COLUMNS = ["id", "started", "ended", "school_id", "kitchen_id", "camera_id", "rule", "rule_name", "tier", "state",
           "status", "verdict", "score", "acknowledged", "rectified", "closed", "escalated", "snapshot_sha256"]
FLUSH_ROWS = 500


def _iso(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds") if ms else ""


def _row(e: Any) -> list[object]:
    rule = CATALOG.get(e.rule)
    return [e.id, _iso(e.started_ms), _iso(e.ended_ms), e.school_id, e.kitchen_id, e.camera_id, e.rule,
            rule.name_zh if rule else "", e.tier, e.state, e.status, e.verdict or "", f"{e.score:.3f}",
            _iso(e.acknowledged_ms), _iso(e.rectified_ms), _iso(e.closed_ms), _iso(e.escalated_ms),
            e.snapshot_sha256 or ""]


async def _csv(state: ApiState, where: EventFilter, order: str) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    count = 0
    async with state.db.session() as session:
        async for event in iterate_events(session, where, "oldest" if order == "oldest" else "newest"):
            writer.writerow(_row(event))
            count += 1
            if count % FLUSH_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode()


@router.get("/export.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}})
async def export_csv(state: StateDep, where: FilterDep, order: OrderQuery = "newest") -> StreamingResponse:
    """Every event in the caller's scope that matches the filters, as CSV (times in UTC)."""
    return StreamingResponse(
        _csv(state, where, order), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="events.csv"', "Cache-Control": "no-store"},
    )
