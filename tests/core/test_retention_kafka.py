"""The embedded broker's retention stand-in (bucketed frame topics) and time seeking, for real."""

import time

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from core.broker import EmbeddedBroker
from core.bus import make_consumer
from core.frame_janitor import tidy_once
from core.frame_topics import FrameTopics
from core.seek import offset_for_time

pytestmark = pytest.mark.kafka
MIN = 60_000


async def _topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {t for t in await admin.list_topics() if t.startswith("bk.frames.b")}
    finally:
        await admin.close()


async def test_janitor_creates_ahead_and_deletes_expired(fresh_broker: EmbeddedBroker) -> None:
    ft = FrameTopics(partitions=2, bucket_s=60, retention_s=180)
    start = 1000 * MIN
    await tidy_once(fresh_broker.bootstrap, ft, start)
    assert await _topics(fresh_broker.bootstrap) == {f"bk.frames.b{b}" for b in range(997, 1004)}
    producer = AIOKafkaProducer(bootstrap_servers=fresh_broker.bootstrap)
    await producer.start()
    try:
        for b in range(997, 1001):
            await producer.send_and_wait(f"bk.frames.b{b}", b"x" * 100, key=b"cam", timestamp_ms=b * MIN)
    finally:
        await producer.stop()
    deleted = await tidy_once(fresh_broker.bootstrap, ft, start + 3 * MIN)
    assert deleted == ["bk.frames.b997", "bk.frames.b998"]
    left = await _topics(fresh_broker.bootstrap)
    assert left == {f"bk.frames.b{b}" for b in range(999, 1007)}


async def test_seek_by_time_finds_the_first_record_at_or_after(fresh_broker: EmbeddedBroker) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=fresh_broker.bootstrap, linger_ms=20)
    await producer.start()
    base = int(time.time() * 1000) - 100_000
    stamps = [base + i * 200 for i in range(300)]
    try:
        futures = [await producer.send("bk.dlq", b"v", key=b"k", partition=0, timestamp_ms=ts) for ts in stamps]
        for fut in futures:
            await fut
    finally:
        await producer.stop()
    consumer = make_consumer(fresh_broker.bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        tp = TopicPartition("bk.dlq", 0)
        consumer.assign([tp])
        for probe in (base - 5, base, base + 1, base + 200 * 150 - 1, base + 200 * 299, base + 200 * 299 + 1):
            expected = next((i for i, ts in enumerate(stamps) if ts >= probe), None)
            assert await offset_for_time(consumer, tp, probe) == expected, probe
    finally:
        await consumer.stop()
