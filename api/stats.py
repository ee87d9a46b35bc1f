"""Statistics for regulators: counts, response times, camera coverage and the league table.

Every function takes a :class:`Window` carrying the caller's scope, so a canteen manager's
numbers are their own school's only."""

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import CameraRow, CameraStatusRow, EventRow, SchoolRow

DAY_MS = 86_400_000
HANDLED = ("rectified", "closed")


@dataclass(frozen=True)
class Window:
    since_ms: int
    until_ms: int
    scope: frozenset[str] | None = None  # None: every school
    school_id: str | None = None

    def events(self) -> list[ColumnElement[bool]]:
        where = [EventRow.started_ms >= self.since_ms, EventRow.started_ms < self.until_ms]
        return where + self._schools(EventRow.school_id)

    def _schools(self, column: Any) -> list[ColumnElement[bool]]:
        out = []
        if self.scope is not None:
            out.append(column.in_(sorted(self.scope)))
        if self.school_id is not None:
            out.append(column == self.school_id)
        return out

    def sees(self, school_id: str) -> bool:
        return (self.scope is None or school_id in self.scope) and self.school_id in (None, school_id)


async def counts(session: AsyncSession, window: Window, column: Any) -> dict[str, dict[str, int]]:
    """Per value of ``column``: events, dismissed (false positives), confirmed (true positives)."""
    dismissed = func.sum(case((EventRow.verdict == "false_positive", 1), else_=0))
    confirmed = func.sum(case((EventRow.verdict == "true_positive", 1), else_=0))
    query = select(column, func.count(), dismissed, confirmed).where(*window.events()).group_by(column)
    return {str(k): {"events": int(n), "dismissed": int(d or 0), "confirmed": int(c or 0)}
            for k, n, d, c in (await session.execute(query))}


async def by_day(session: AsyncSession, window: Window, timezone: str) -> dict[str, int]:
    """Events per local day (the zone's UTC offset at the end of the window)."""
    offset = datetime.fromtimestamp(window.until_ms / 1000, ZoneInfo(timezone)).utcoffset()
    offset_ms = int(offset.total_seconds() * 1000) if offset else 0
    day = (EventRow.started_ms + offset_ms) // DAY_MS
    rows = (await session.execute(select(day, func.count()).where(*window.events()).group_by(day)))
    return {datetime.fromtimestamp(int(d) * 86400, ZoneInfo("UTC")).date().isoformat(): int(n) for d, n in rows}


async def response_times(session: AsyncSession, window: Window) -> dict[str, dict[str, float | None]]:
    """Median seconds from the alert to acknowledgement and to rectification, per school and overall."""
    query = select(EventRow.school_id, EventRow.started_ms, EventRow.acknowledged_ms, EventRow.rectified_ms).where(
        *window.events(), (EventRow.acknowledged_ms.is_not(None)) | (EventRow.rectified_ms.is_not(None)))
    acks: dict[str, list[float]] = {}
    fixes: dict[str, list[float]] = {}
    for school, started, acked, rectified in (await session.execute(query)):
        for table, at in ((acks, acked), (fixes, rectified)):
            if at is not None:
                table.setdefault(school, []).append((at - started) / 1000)
                table.setdefault("*", []).append((at - started) / 1000)
    keys = set(acks) | set(fixes) | {"*"}
    return {k: {"ack_s": _median(acks.get(k)), "rectify_s": _median(fixes.get(k))} for k in keys}


def _median(values: list[float] | None) -> float | None:
    return round(statistics.median(values), 1) if values else None


async def coverage(session: AsyncSession, window: Window, now_ms: int) -> dict[str, dict[str, Any]]:
    """Per camera: the share of the window it was reported online (unknown counts as not online)."""
    end = min(window.until_ms, now_ms)
    span = max(1, end - window.since_ms)
    cams = (await session.execute(select(CameraRow.id, CameraRow.school_id).where(
        *window._schools(CameraRow.school_id)))).all()
    school_of = dict(cams)
    latest_before = (select(CameraStatusRow.camera_id, func.max(CameraStatusRow.since_ms).label("at"))
                     .where(CameraStatusRow.since_ms < window.since_ms).group_by(CameraStatusRow.camera_id).subquery())
    prior = select(CameraStatusRow).join(latest_before, and_(
        CameraStatusRow.camera_id == latest_before.c.camera_id, CameraStatusRow.since_ms == latest_before.c.at))
    inside = select(CameraStatusRow).where(CameraStatusRow.since_ms >= window.since_ms, CameraStatusRow.since_ms < end)
    changes: dict[str, list[tuple[int, str]]] = {}
    for query in (prior, inside):
        for row in (await session.execute(query.where(*window._schools(CameraStatusRow.school_id)))).scalars():
            school_of.setdefault(row.camera_id, row.school_id)
            changes.setdefault(row.camera_id, []).append((max(row.since_ms, window.since_ms), row.state))
    out = {}
    for camera, school in sorted(school_of.items()):
        steps = sorted(changes.get(camera, []))
        online = sum(min(steps[i + 1][0] if i + 1 < len(steps) else end, end) - at
                     for i, (at, state) in enumerate(steps) if state == "online")
        out[camera] = {"school_id": school, "online_share": round(max(0, online) / span, 4)}
    return out


async def league(session: AsyncSession, window: Window) -> list[dict[str, Any]]:
    """红黑榜: schools ranked by violations per camera-day (fewer is better), then by the median
    time to rectify (faster is better). Dismissed alerts are not violations."""
    schools = dict((await session.execute(select(SchoolRow.id, SchoolRow.name))).all())
    per_school = select(CameraRow.school_id, func.count()).group_by(CameraRow.school_id)
    cameras = dict((await session.execute(per_school)).all())
    not_dismissed = [*window.events(), EventRow.status != "dismissed"]
    violations = dict((await session.execute(select(EventRow.school_id, func.count()).where(*not_dismissed)
                                             .group_by(EventRow.school_id))).all())
    handled = dict((await session.execute(select(EventRow.school_id, func.count()).where(
        *not_dismissed, EventRow.status.in_(HANDLED)).group_by(EventRow.school_id))).all())
    times = await response_times(session, window)
    days = max(1.0, (window.until_ms - window.since_ms) / DAY_MS)
    rows = []
    for school in sorted(set(schools) | set(violations)):
        if not window.sees(school):
            continue
        n = int(violations.get(school, 0))
        per = n / (max(1, int(cameras.get(school, 0))) * days)
        rectify = times.get(school, {}).get("rectify_s")
        rows.append({"school_id": school, "school_name": schools.get(school, school), "violations": n,
                     "cameras": int(cameras.get(school, 0)), "violations_per_camera_day": round(per, 4),
                     "median_rectify_s": rectify,
                     "rectified_share": round(handled.get(school, 0) / n, 4) if n else None})
    rows.sort(key=lambda r: (r["violations_per_camera_day"], r["median_rectify_s"] is None, r["median_rectify_s"] or 0))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows
