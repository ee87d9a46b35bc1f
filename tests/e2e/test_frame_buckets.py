"""The embedded broker's retention stand-in under a live detector: frames cross several bucket
topics while old buckets are deleted, and the consumer group judges every frame on time."""

import asyncio
import time

import cv2
import numpy as np
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher, Record
from core.contracts import Frame
from core.frame_janitor import run_janitor, tidy_once
from core.settings import Settings
from detectors import metrics
from detectors.handler import FrameHandler
from detectors.worker import run as run_detector

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]


def _jpeg(i: int) -> bytes:
    img = np.full((180, 320, 3), 90, np.uint8)
    cv2.rectangle(img, (10 + i % 200, 40), (60 + i % 200, 120), (200, 200, 200), -1)
    return bytes(cv2.imencode(".jpg", img)[1].tobytes())


async def _bucket_topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {t for t in await admin.list_topics() if t.startswith("bk.frames.b")}
    finally:
        await admin.close()


async def test_detector_follows_buckets_without_gaps_while_old_ones_go(
    fresh_broker: EmbeddedBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    judged: set[tuple[bytes, bytes]] = set()
    handle = FrameHandler.handle

    async def recording(self: FrameHandler, record: Record) -> None:
        stale = metrics.STALE._value.get()
        await handle(self, record)
        if metrics.STALE._value.get() == stale:
            headers = dict(record.headers)
            judged.add((headers.get("bk-camera", b""), headers.get("bk-seq", b"")))

    monkeypatch.setattr(FrameHandler, "handle", recording)
    settings = Settings(kafka_bootstrap=fresh_broker.bootstrap, frame_bucket_s=10, frame_retention_s=25,
                        max_frame_age_s=5, session_timeout_ms=6000)
    topics = settings.frame_topics
    stop = asyncio.Event()
    await tidy_once(fresh_broker.bootstrap, topics)
    janitor = asyncio.create_task(run_janitor(fresh_broker.bootstrap, topics, stop, every_s=1.0))
    detector = asyncio.create_task(run_detector(settings, stop))
    jpegs = [_jpeg(i) for i in range(50)]
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        # Warm up until the group has formed and judges frames; the measured run starts after.
        before = metrics.FRAMES._value.get()
        for _ in range(150):
            now = int(time.time() * 1000)
            warm = Frame("cam-0", "school-a", now, 0, 320, 180, jpegs[0])
            await pub.publish(topics.topic_for(now), warm.jpeg, key=warm.key, headers=warm.headers(), timestamp_ms=now)
            await asyncio.sleep(0.2)
            if metrics.FRAMES._value.get() > before:
                break
        await asyncio.sleep(1)
        stale0 = metrics.STALE._value.get()
        sent = 0
        expected: list[tuple[bytes, int]] = []
        used: set[str] = set()
        end = time.monotonic() + 36
        while time.monotonic() < end:
            now = int(time.time() * 1000)
            for cam in ("cam-1", "cam-2"):
                frame = Frame(cam, "school-a", now, sent, 320, 180, jpegs[sent % 50])
                expected.append((cam.encode(), sent))
                topic = topics.topic_for(now)
                used.add(topic)
                await pub.publish(topic, frame.jpeg, key=frame.key, headers=frame.headers(), timestamp_ms=now)
                sent += 1
            await asyncio.sleep(0.2)
    want = {(cam, str(seq).encode()) for cam, seq in expected}
    for _ in range(100):
        if want <= judged:
            break
        await asyncio.sleep(0.2)
    left = await _bucket_topics(fresh_broker.bootstrap)
    stop.set()
    await asyncio.wait_for(detector, 30)
    await janitor
    assert len(used) >= 4, f"frames crossed only {sorted(used)}"
    assert metrics.STALE._value.get() - stale0 == 0, "frames were judged late across a bucket change"
    assert want - judged == set(), "frames never judged"
    assert min(used) not in left, "the oldest bucket outlived the retention"
    assert max(used) in left
