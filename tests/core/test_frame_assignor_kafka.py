"""The frame assignor in a real consumer group on the embedded broker."""

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from core.broker import EmbeddedBroker
from core.bus import ensure_topics, make_consumer
from core.frame_assignor import FrameAssignor
from core.topics import TopicSpec

pytestmark = pytest.mark.kafka


def _numbers(consumer: AIOKafkaConsumer) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for tp in consumer.assignment():
        out.setdefault(tp.topic, set()).add(tp.partition)
    return out


async def _settled(consumers: list[AIOKafkaConsumer], topics: list[str], partitions: int) -> None:
    """Until the members together own every partition of every topic, each exactly once."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        owned = [tp for c in consumers for tp in c.assignment()]
        if len(owned) == len(set(owned)) == len(topics) * partitions:
            return
        await asyncio.gather(*(c.getmany(timeout_ms=200) for c in consumers))
    raise TimeoutError(f"group did not settle: {[sorted(c.assignment()) for c in consumers]}")


async def _member(bootstrap: str, group: str, topics: list[str], assignor: FrameAssignor) -> AIOKafkaConsumer:
    consumer = make_consumer(bootstrap, topics, group_id=group, assignors=(assignor, RoundRobinPartitionAssignor))
    await consumer.start()
    return consumer


async def test_two_members_own_the_same_numbers_of_every_topic_and_keep_them_across_a_rejoin(
    broker: EmbeddedBroker,
) -> None:
    """Three partitions per topic: round-robin would give t0:0 to one member and t1:0 to the other."""
    run = uuid.uuid4().hex[:8]
    topics = [f"bk.test-assign-{run}-{i}" for i in range(2)]
    await ensure_topics(broker.bootstrap, [TopicSpec(t, 3) for t in topics])
    group = f"bk-test-assign-{run}"
    first, second = FrameAssignor(), FrameAssignor()
    a = await _member(broker.bootstrap, group, topics, first)
    b = await _member(broker.bootstrap, group, topics, second)
    try:
        await _settled([a, b], topics, 3)
        for consumer in (a, b):
            numbers = _numbers(consumer)
            assert numbers[topics[0]] == numbers[topics[1]], numbers
        before = (first.owned, second.owned)
        assert before[0] | before[1] == {0, 1, 2} and not before[0] & before[1]

        await b.stop()  # as a detector does for each new frame bucket: a new consumer, same assignor
        await _settled([a], topics, 3)
        b = await _member(broker.bootstrap, group, topics, second)
        await _settled([a, b], topics, 3)
        assert (first.owned, second.owned) == before
    finally:
        await asyncio.gather(a.stop(), b.stop())
