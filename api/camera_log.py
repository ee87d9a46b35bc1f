"""Camera status history for coverage statistics: the live hub hands every status it sees to
this log, which stores each change once (a unique key makes replicas and replays harmless)."""

import asyncio
import logging

from sqlalchemy.dialects import postgresql, sqlite

from api.db import Database
from api.models import CameraStatusRow
from core.contracts import CameraStatus

log = logging.getLogger(__name__)
QUEUE = 10_000


class StatusLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.queue: asyncio.Queue[CameraStatus] = asyncio.Queue(QUEUE)
        self.dropped = 0

    def offer(self, status: CameraStatus) -> None:
        try:
            self.queue.put_nowait(status)
        except asyncio.QueueFull:
            self.dropped += 1

    async def write(self, statuses: list[CameraStatus]) -> None:
        if not statuses:
            return
        insert = postgresql.insert if self.db.dialect == "postgresql" else sqlite.insert
        rows = [{"camera_id": s.camera_id, "school_id": s.school_id, "state": s.state, "since_ms": s.since_ms}
                for s in statuses]
        async with self.db.session() as session:
            await session.execute(insert(CameraStatusRow).values(rows).on_conflict_do_nothing())
            await session.commit()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                first = await asyncio.wait_for(self.queue.get(), timeout=1.0)
            except TimeoutError:
                continue
            batch = [first]
            while not self.queue.empty() and len(batch) < 500:
                batch.append(self.queue.get_nowait())
            try:
                await self.write(batch)
            except Exception:
                log.exception("camera status log: write failed; %d changes lost", len(batch))
