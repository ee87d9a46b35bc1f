"""Frame topic layout: one retained topic on Apache Kafka, time buckets on the embedded broker."""

import pytest

from core.frame_topics import FrameTopics
from core.topics import FRAMES

MIN = 60_000


def test_single_topic_when_not_bucketed() -> None:
    ft = FrameTopics(partitions=6)
    assert ft.topic_for(123) == FRAMES
    assert ft.live_topics(10 * MIN) == [FRAMES]
    assert ft.topics_between(0, 10**12) == [FRAMES]
    assert [s.name for s in ft.wanted(0)] == [FRAMES]
    assert dict(ft.wanted(0)[0].config)["retention.ms"] == str(900_000)
    assert ft.expired([FRAMES], 10**12) == []


def test_buckets_are_named_by_capture_time() -> None:
    ft = FrameTopics(partitions=6, bucket_s=60, retention_s=300)
    assert ft.topic_for(0) == "bk.frames.b0"
    assert ft.topic_for(MIN - 1) == "bk.frames.b0"
    assert ft.topic_for(MIN) == "bk.frames.b1"
    assert ft.topics_between(MIN - 1, 3 * MIN) == ["bk.frames.b0", "bk.frames.b1", "bk.frames.b2", "bk.frames.b3"]


def test_live_subscription_changes_once_per_bucket_and_drains_the_old_one() -> None:
    ft = FrameTopics(partitions=6, bucket_s=60, retention_s=300, grace_s=15)
    # Just after a bucket starts, the previous one is still drained.
    assert ft.live_topics(10 * MIN + 5_000) == ["bk.frames.b9", "bk.frames.b10", "bk.frames.b11"]
    assert ft.live_topics(10 * MIN + 16_000) == ["bk.frames.b10", "bk.frames.b11", "bk.frames.b12"]
    changes = {tuple(ft.live_topics(t)) for t in range(10 * MIN + 16_000, 11 * MIN + 15_000, 1000)}
    assert len(changes) == 1


def test_wanted_covers_retention_and_upcoming_and_expired_drops_the_rest() -> None:
    ft = FrameTopics(partitions=4, bucket_s=60, retention_s=300)
    now = 100 * MIN + 30_000
    names = [s.name for s in ft.wanted(now)]
    assert names[0] == "bk.frames.b95" and names[-1] == "bk.frames.b103"
    assert all(s.partitions == 4 for s in ft.wanted(now))
    existing = [f"bk.frames.b{b}" for b in range(90, 104)] + ["bk.events", FRAMES]
    assert ft.expired(existing, now) == sorted(f"bk.frames.b{b}" for b in range(90, 95))
    # Everything that may still hold a retained or live frame survives.
    assert not set(ft.expired(existing, now)) & set(ft.live_topics(now))


@pytest.mark.parametrize(("bucket", "retention"), [(5, 300), (60, 30)])
def test_bad_layouts_are_refused(bucket: int, retention: int) -> None:
    with pytest.raises(ValueError):
        FrameTopics(partitions=1, bucket_s=bucket, retention_s=retention)
