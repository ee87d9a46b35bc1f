"""Cut a clip for every incident once the seconds after its start have been recorded.

Several api replicas may run this: an event is claimed with a conditional UPDATE
(``clip_path`` NULL → ``pending:<ms>``), so each clip is cut once; a claim left behind by a
crashed replica is taken over after a while. ``none`` marks an incident whose frames were gone.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from sqlalchemy import or_, select, update

from api import metrics
from api.clips.encode import ClipError, encode_webm
from api.clips.reader import read_window
from api.db import Database
from api.media import MediaStore
from api.models import EventRow
from core.frame_topics import FrameTopics
from core.placement import FramePlacement
from core.site import Site

log = logging.getLogger(__name__)
PENDING = "pending:"
NONE = "none"
STALE_CLAIM_MS = 120_000


class ClipWorker:
    def __init__(self, db: Database, media: MediaStore, bootstrap: str, topics: FrameTopics,
                 before_s: float, after_s: float, site: Callable[[], Site | None] = lambda: None) -> None:
        self.db = db
        self.media = media
        self.bootstrap = bootstrap
        self.topics = topics
        self.before_ms = int(before_s * 1000)
        self.after_ms = int(after_s * 1000)
        self.site = site  # the site in force: it says which frame partition carries each camera
        self.cut = 0

    async def due(self, now_ms: int) -> list[str]:
        """Events whose clip window has passed (plus a settle margin) and that have no clip yet."""
        ready = now_ms - self.after_ms - 3000
        oldest = now_ms - self.topics.retention_s * 1000
        query = (
            select(EventRow.id)
            .where(EventRow.started_ms <= ready, EventRow.started_ms >= oldest)
            .where(or_(EventRow.clip_path.is_(None), EventRow.clip_path < f"{PENDING}{now_ms - STALE_CLAIM_MS}")
                   & or_(EventRow.clip_path.is_(None), EventRow.clip_path.like(f"{PENDING}%")))
            .order_by(EventRow.started_ms)
            .limit(20)
        )
        async with self.db.session() as session:
            return list((await session.execute(query)).scalars())

    async def claim(self, event_id: str, now_ms: int) -> EventRow | None:
        async with self.db.session() as session, session.begin():
            row = await session.get(EventRow, event_id)
            if row is None:
                return None
            current = row.clip_path
            taken = await session.execute(
                update(EventRow)
                .where(EventRow.id == event_id)
                .where(EventRow.clip_path.is_(None) if current is None else EventRow.clip_path == current)
                .values(clip_path=f"{PENDING}{now_ms}")
            )
            return row if taken.rowcount == 1 else None  # type: ignore[attr-defined]

    async def make(self, row: EventRow) -> None:
        start, end = row.started_ms - self.before_ms, row.started_ms + self.after_ms
        placement = FramePlacement.of(self.site(), self.topics.partitions)
        frames = await read_window(self.bootstrap, self.topics, row.camera_id, start, end, placement)
        path: str = NONE
        sha: str | None = None
        try:
            webm = await asyncio.to_thread(encode_webm, frames)
            path, sha = await asyncio.to_thread(self.media.save_clip, row.id, webm)
            self.cut += 1
            metrics.CLIPS.labels("cut").inc()
            log.info("clip of %s: %d frames", row.id, len(frames), extra={"event_id": row.id})
        except ClipError as exc:
            metrics.CLIPS.labels("none").inc()
            log.warning("no clip for %s: %s", row.id, exc, extra={"event_id": row.id})
        async with self.db.session() as session, session.begin():
            await session.execute(update(EventRow).where(EventRow.id == row.id).values(clip_path=path, clip_sha256=sha))

    async def run_once(self) -> int:
        now = int(time.time() * 1000)
        made = 0
        for event_id in await self.due(now):
            row = await self.claim(event_id, now)
            if row is not None:
                await self.make(row)
                made += 1
        return made

    async def run(self, stop: asyncio.Event, every_s: float = 2.0) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # a failed round is retried, the api keeps serving
                log.exception("clip worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every_s)
