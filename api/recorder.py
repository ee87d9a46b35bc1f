"""The recorder: consumer group "recorder" on bk.events → database, offsets committed only
after the database commit, so a crash replays (idempotently) instead of losing events."""

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from api import metrics
from api.db import Database
from api.event_store import upsert_event
from api.media import MediaStore
from api.models import EventRow
from api.webhooks.outbox import enqueue
from core.bus import Publisher, Record, make_consumer, to_record
from core.contracts import Event
from core.dlq import dead_letter
from core.errors import ContractError
from core.kafka_probe import consumer_lag
from core.topics import EVENTS, RECORDER_GROUP

log = logging.getLogger(__name__)
LAG_EVERY_S = 5.0


class Recorder:
    def __init__(self, db: Database, media: MediaStore, dlq: Publisher) -> None:
        self.db = db
        self.media = media
        self.dlq = dlq
        self.recorded = 0

    async def store(self, records: Sequence[Record]) -> None:
        """Decode, write evidence, upsert in one transaction. Bad messages go to the DLQ."""
        events: list[Event] = []
        for record in records:
            try:
                events.append(Event.decode(record.value))
            except ContractError as exc:
                await dead_letter(self.dlq, record, str(exc), "recorder")
                metrics.DEAD_LETTERS.labels("contract").inc()
        if not events:
            return
        t0 = time.perf_counter()
        async with self.db.session() as session, session.begin():
            ids = {e.id for e in events}
            known = set((await session.execute(select(EventRow.id).where(EventRow.id.in_(ids)))).scalars())
            for event in events:
                path = sha = None
                if event.snapshot_jpeg:
                    path, sha = await asyncio.to_thread(self.media.save_snapshot, event.id, event.snapshot_jpeg)
                await upsert_event(session, event, path, sha)
            now_ms = int(time.time() * 1000)
            for new_id in ids - known:  # the outbox: webhooks for new alerts, in the same transaction
                row = await session.get(EventRow, new_id)
                if row is not None:
                    await enqueue(session, "event.opened", row, now_ms)
        metrics.COMMIT_SECONDS.observe(time.perf_counter() - t0)
        for event in events:
            metrics.EVENTS_RECORDED.labels(event.rule, str(event.tier), event.state).inc()
        self.recorded += len(events)

    async def store_until_done(self, records: Sequence[Record], stop: asyncio.Event) -> bool:
        """Retry while the database is down; never skip. False only if asked to stop first."""
        delay = 0.5
        while True:
            try:
                await self.store(records)
                return True
            except (SQLAlchemyError, OSError) as exc:
                metrics.STORE_FAILURES.inc()
                log.error("recorder: database write failed (%s); retrying in %.1f s", exc, delay)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
                return False
            except TimeoutError:
                delay = min(delay * 2, 10.0)


async def run_recorder(bootstrap: str, recorder: Recorder, stop: asyncio.Event, session_timeout_ms: int) -> None:
    consumer = make_consumer(
        bootstrap, [EVENTS], group_id=RECORDER_GROUP, offset_reset="earliest",
        session_timeout_ms=session_timeout_ms,
    )
    await consumer.start()
    next_sample = 0.0
    try:
        while not stop.is_set():
            if time.monotonic() >= next_sample:
                next_sample = time.monotonic() + LAG_EVERY_S
                await _sample_lag(consumer)
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            if not batches:
                continue
            records = [to_record(m) for msgs in batches.values() for m in msgs]
            if not await recorder.store_until_done(records, stop):
                return
            await recorder.dlq.flush()
            offsets = {TopicPartition(tp.topic, tp.partition): msgs[-1].offset + 1 for tp, msgs in batches.items()}
            await consumer.commit(offsets)
    finally:
        await consumer.stop()


async def _sample_lag(consumer: AIOKafkaConsumer) -> None:
    lag = await consumer_lag(consumer)
    metrics.RECORDER_LAG.clear()
    for tp, behind in lag.items():
        metrics.RECORDER_LAG.labels(tp.topic, str(tp.partition)).set(behind)
