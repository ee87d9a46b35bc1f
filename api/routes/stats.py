"""Statistics, scoped to the caller: a canteen manager sees their own school's numbers only."""

import time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import func, select

from api import stats
from api.deps import CurrentUser, SessionDep
from api.models import EventRow

router = APIRouter(prefix="/api/stats", tags=["stats"])
WEEK_MS = 7 * stats.DAY_MS


def window(
    who: CurrentUser,
    since_ms: Annotated[int | None, Query(ge=0, le=2**53, description="Default: 7 days before until_ms.")] = None,
    until_ms: Annotated[int | None, Query(ge=0, le=2**53, description="Default: now.")] = None,
    school_id: Annotated[str | None, Query(max_length=64)] = None,
) -> stats.Window:
    until = until_ms if until_ms is not None else int(time.time() * 1000)
    since = since_ms if since_ms is not None else max(0, until - WEEK_MS)
    if since >= until:
        raise HTTPException(400, detail="since_ms must be before until_ms")
    return stats.Window(since, until, who.school_ids, school_id)


WindowDep = Annotated[stats.Window, Depends(window)]


@router.get("/summary")
async def summary(w: WindowDep, session: SessionDep) -> dict[str, Any]:
    """Totals in the window: by workflow status and tier, false positives, median response times."""
    by_status = await stats.counts(session, w, EventRow.status)
    by_tier = await stats.counts(session, w, EventRow.tier)
    times = (await stats.response_times(session, w))["*"]
    total = sum(v["events"] for v in by_status.values())
    dismissed = sum(v["dismissed"] for v in by_status.values())
    confirmed = sum(v["confirmed"] for v in by_status.values())
    open_cases = (await session.execute(select(func.count()).where(
        *w.events(), EventRow.status.in_(("open", "acknowledged", "rectified", "escalated"))))).scalar_one()
    return {
        "since_ms": w.since_ms, "until_ms": w.until_ms, "events": total, "open_cases": int(open_cases),
        "by_status": {k: v["events"] for k, v in by_status.items()},
        "by_tier": {k: v["events"] for k, v in by_tier.items()},
        "dismissed": dismissed, "confirmed": confirmed,
        "precision": round(confirmed / (confirmed + dismissed), 4) if confirmed + dismissed else None,
        "median_ack_s": times["ack_s"], "median_rectify_s": times["rectify_s"],
    }


@router.get("/by-school")
async def by_school(w: WindowDep, session: SessionDep) -> dict[str, dict[str, int]]:
    return await stats.counts(session, w, EventRow.school_id)


@router.get("/by-rule")
async def by_rule(w: WindowDep, session: SessionDep) -> dict[str, dict[str, int]]:
    """Per rule: events, dismissed and confirmed (the reviewed precision of each rule)."""
    return await stats.counts(session, w, EventRow.rule)


@router.get("/by-day")
async def by_day(
    w: WindowDep, session: SessionDep, tz: Annotated[str, Query(max_length=64)] = "Asia/Shanghai",
) -> dict[str, int]:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise HTTPException(400, detail=f"unknown time zone {tz!r}") from None
    return await stats.by_day(session, w, tz)


@router.get("/response-times")
async def response_times(w: WindowDep, session: SessionDep) -> dict[str, dict[str, float | None]]:
    """Median seconds to acknowledge and to rectify, per school ("*": all in scope)."""
    return await stats.response_times(session, w)


@router.get("/coverage")
async def coverage(w: WindowDep, session: SessionDep) -> dict[str, dict[str, Any]]:
    """Per camera, the share of the window it was online (from the camera status history)."""
    return await stats.coverage(session, w, int(time.time() * 1000))


@router.get("/league")
async def league(w: WindowDep, session: SessionDep) -> list[dict[str, Any]]:
    """红黑榜: schools ranked by violations per camera-day, then by rectification speed."""
    return await stats.league(session, w)
