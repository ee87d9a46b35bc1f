"""The live hub follows the frame buckets of the embedded broker and lives through bucket changes."""

import asyncio
import time

import pytest

from api.live import LiveHub
from core.broker import EmbeddedBroker
from core.bus import KafkaPublisher
from core.contracts import Frame
from core.frame_janitor import tidy_once
from core.frame_topics import FrameTopics
from tests.api.conftest import jpeg

pytestmark = pytest.mark.kafka


async def test_live_pictures_keep_coming_across_a_bucket_change(fresh_broker: EmbeddedBroker) -> None:
    topics = FrameTopics(partitions=3, bucket_s=10, retention_s=60, grace_s=2)
    await tidy_once(fresh_broker.bootstrap, topics)
    hub = LiveHub(fresh_broker.bootstrap, frame_topics=topics)
    stop = asyncio.Event()
    task = asyncio.create_task(hub.run(stop))
    await asyncio.wait_for(hub.ready.wait(), 20)
    # The bucket frames are written to, not the live set: that set also changes when an old
    # bucket leaves the grace window, which is no move to a new bucket.
    first_topic = topics.topic_for(int(time.time() * 1000))
    seen_topics: set[str] = set()
    changed_at: float | None = None
    fresh_after_change = False
    async with KafkaPublisher(fresh_broker.bootstrap) as pub:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = int(time.time() * 1000)
            frame = Frame("cam-1", "school-a", now, 1, 160, 90, jpeg())
            await pub.publish(topics.topic_for(now), frame.jpeg, key=frame.key, headers=frame.headers(),
                              timestamp_ms=now)
            await asyncio.sleep(0.2)
            latest = hub.latest_frames.get("cam-1")
            if latest is not None and time.time() * 1000 - latest.captured_ms < 1500:
                seen_topics.add(topics.topic_for(latest.captured_ms))
            if changed_at is None and topics.topic_for(now) != first_topic:
                changed_at = time.monotonic()
            fresh = latest is not None and time.time() * 1000 - latest.captured_ms < 1500
            if changed_at is not None and time.monotonic() - changed_at > 3 and fresh:
                fresh_after_change = True
                break
    stop.set()
    await asyncio.wait_for(task, 10)
    assert not task.exception()
    assert changed_at is not None, "the test never crossed a bucket change"
    assert fresh_after_change, "no live picture after the hub moved to the new buckets"
    assert len(seen_topics) >= 2, f"live pictures came from {sorted(seen_topics)} only"
