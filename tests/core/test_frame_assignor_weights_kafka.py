"""The frame assignor's camera weights through a real consumer group on the embedded broker."""

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from core.broker import EmbeddedBroker
from core.bus import ensure_topics, make_consumer
from core.frame_assignor import FrameAssignor, Weights
from core.topics import TopicSpec

pytestmark = pytest.mark.kafka
EIGHT_ON_SIX = Weights(1, (2, 2, 1, 1, 1, 1))


async def test_four_members_one_of_them_knowing_the_site_get_two_of_eight_cameras_each(broker: EmbeddedBroker) -> None:
    run = uuid.uuid4().hex[:8]
    topic, group = f"bk.test-weights-{run}", f"bk-test-weights-{run}"
    await ensure_topics(broker.bootstrap, [TopicSpec(topic, 6)])
    assignors = [FrameAssignor(EIGHT_ON_SIX if i == 3 else None) for i in range(4)]  # the leader may not know
    consumers: list[AIOKafkaConsumer] = []
    try:
        for assignor in assignors:
            consumer = make_consumer(
                broker.bootstrap, [topic], group_id=group, assignors=(assignor, RoundRobinPartitionAssignor)
            )
            await consumer.start()
            consumers.append(consumer)
        deadline = time.monotonic() + 40
        while sorted(p for a in assignors for p in a.owned) != list(range(6)) or not all(a.owned for a in assignors):
            assert time.monotonic() < deadline, [a.owned for a in assignors]
            await asyncio.gather(*(c.getmany(timeout_ms=200) for c in consumers))
        assert [sum(EIGHT_ON_SIX.cameras[p] for p in a.owned) for a in assignors] == [2, 2, 2, 2]
    finally:
        await asyncio.gather(*(c.stop() for c in consumers))
