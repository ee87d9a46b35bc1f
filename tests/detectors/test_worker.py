"""The detect role against a real Kafka-protocol broker: frames in, events and dead letters out."""

import asyncio
import time
import uuid

import pytest
from aiokafka import TopicPartition

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, make_consumer
from core.contracts import Event, Frame
from core.errors import ConfigError
from core.settings import Settings
from core.topics import DLQ, EVENTS, FRAMES
from detectors import metrics
from detectors.worker import run
from tests.detectors import scenes

FRAME_GAP_S = 0.2


class Tail:
    """Reads bk.events and bk.dlq from the beginning, keeping what concerns this test."""

    def __init__(self, bootstrap: str, camera: str, garbage_key: bytes) -> None:
        self.consumer = make_consumer(bootstrap, group_id=None, offset_reset="earliest")
        self.camera, self.garbage_key = camera, garbage_key
        self.events: list[Event] = []
        self.dead: list[dict[str, bytes]] = []

    async def start(self) -> None:
        await self.consumer.start()
        parts = [TopicPartition(EVENTS, p) for p in self.consumer.partitions_for_topic(EVENTS) or {0, 1, 2}]
        self.consumer.assign([*parts, TopicPartition(DLQ, 0)])
        await self.consumer.seek_to_beginning()

    async def poll(self) -> None:
        for tp, msgs in (await self.consumer.getmany(timeout_ms=50)).items():
            for m in msgs:
                if tp.topic == EVENTS and m.key == self.camera.encode():
                    self.events.append(Event.decode(m.value))
                elif tp.topic == DLQ and m.key == self.garbage_key:
                    self.dead.append({k: bytes(v) for k, v in m.headers})


async def send_until(
    pub: KafkaPublisher,
    tail: Tail,
    camera: str,
    scene: "scenes.Image",
    done: "object",
    timeout_s: float,
    garbage_key: bytes | None = None,
) -> None:
    """Publish live frames of ``scene`` (and a garbage record each second) until ``done()``."""
    jpeg = scenes.jpeg(scene)
    deadline = time.monotonic() + timeout_s
    seq = 0
    while time.monotonic() < deadline:
        frame = Frame(camera, "school-k", int(time.time() * 1000), seq, scene.shape[1], scene.shape[0], jpeg)
        await pub.publish(FRAMES, frame.jpeg, key=frame.key, headers=frame.headers())
        if garbage_key is not None and seq % 5 == 0:
            await pub.publish(FRAMES, b"garbage, not a frame", key=garbage_key, headers=[("bk-schema", b"1")])
        await pub.flush()
        seq += 1
        await tail.poll()
        if done():  # type: ignore[operator]
            return
        await asyncio.sleep(FRAME_GAP_S)
    raise AssertionError(f"timed out after {timeout_s} s; events {tail.events}, dead letters {tail.dead}")


@pytest.mark.kafka
async def test_worker_opens_blocked_event_dead_letters_garbage_and_keeps_going(broker: EmbeddedBroker) -> None:
    camera = f"cam-{uuid.uuid4().hex[:8]}"
    garbage_key = f"junk-{camera}".encode()
    stop = asyncio.Event()
    settings = Settings(kafka_bootstrap=broker.bootstrap, session_timeout_ms=6000)
    worker = asyncio.create_task(run(settings, stop))
    tail = Tail(broker.bootstrap, camera, garbage_key)
    await tail.start()
    frames_before = metrics.FRAMES._value.get()
    try:
        async with KafkaPublisher(broker.bootstrap) as pub:
            # 1. a normal scene plus garbage until the garbage shows up on the DLQ (the group joined)
            await send_until(pub, tail, camera, scenes.kitchen(), lambda: bool(tail.dead), 60, garbage_key)
            reason = tail.dead[0]["bk-dlq-reason"].decode()
            assert "missing header" in reason and tail.dead[0]["bk-dlq-role"] == b"detect"
            # 2. the lens gets covered: an open camera_blocked event arrives
            opened = lambda: any(e.state == "open" for e in tail.events)  # noqa: E731
            await send_until(pub, tail, camera, scenes.covered(), opened, 30, garbage_key)
            # 3. the worker kept going after all that garbage: uncovering closes the incident
            closed = lambda: any(e.state == "closed" for e in tail.events)  # noqa: E731
            await send_until(pub, tail, camera, scenes.kitchen(seed=3), closed, 30)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 20)
        await tail.consumer.stop()
    states = [(e.rule, e.state) for e in tail.events]
    assert states[0] == ("camera_blocked", "open") and states[-1] == ("camera_blocked", "closed")
    opening = tail.events[0]
    assert opening.snapshot_jpeg == scenes.jpeg(scenes.covered())  # the original frame bytes
    assert opening.school_id == "school-k" and opening.id == tail.events[-1].id
    assert metrics.FRAMES._value.get() > frames_before
    assert not worker.cancelled() and worker.exception() is None


async def test_worker_needs_kafka_settings() -> None:
    with pytest.raises(ConfigError, match="BK_KAFKA_BOOTSTRAP"):
        await run(Settings(kafka_bootstrap=None), asyncio.Event())
