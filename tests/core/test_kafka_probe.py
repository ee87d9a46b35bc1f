"""Consumer lag and broker reachability against the embedded broker."""

import uuid

import pytest
from aiokafka import TopicPartition

from core.broker import EmbeddedBroker, free_port
from core.bus import KafkaPublisher, ensure_topics, make_consumer
from core.kafka_probe import BrokerProbe, broker_reachable, consumer_lag
from core.topics import TopicSpec

pytestmark = pytest.mark.kafka


async def test_lag_is_end_minus_position(broker: EmbeddedBroker) -> None:
    topic = f"bk.test-lag-{uuid.uuid4().hex[:8]}"
    await ensure_topics(broker.bootstrap, [TopicSpec(topic, 1)])
    async with KafkaPublisher(broker.bootstrap) as pub:
        for i in range(10):  # one record per batch: the embedded broker's end offset is exact then
            await pub.send_and_wait(topic, f"m{i}".encode())
    consumer = make_consumer(broker.bootstrap, offset_reset="earliest")
    await consumer.start()
    try:
        assert await consumer_lag(consumer) == {}  # nothing assigned: nothing to say
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        assert await consumer_lag(consumer) == {tp: 10}
        consumer.seek(tp, 4)
        assert await consumer_lag(consumer) == {tp: 6}
    finally:
        await consumer.stop()


async def test_broker_reachable(broker: EmbeddedBroker) -> None:
    assert await broker_reachable(broker.bootstrap)
    assert not await broker_reachable(f"127.0.0.1:{free_port()}", timeout_s=1)
    probe = BrokerProbe(f"127.0.0.1:{free_port()}", timeout_s=1)
    assert not await probe.reachable()
