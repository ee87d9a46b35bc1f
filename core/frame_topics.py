"""Where frames live.

On Apache Kafka, one topic ``bk.frames`` whose ``retention.ms`` trims it. The embedded broker
enforces no retention and cannot delete records (FACTS.md), but deleting a topic frees its memory:
there, frames go to time-bucketed topics ``bk.frames.b<N>`` (N = capture time // bucket length),
created ahead of time and deleted whole once older than the retention. Every role asks this
module for topic names, so the same code runs on both brokers.
"""

import re
from dataclasses import dataclass

from core.topics import FRAMES, TopicSpec

_BUCKET = re.compile(r"^" + re.escape(FRAMES) + r"\.b(\d+)$")


@dataclass(frozen=True)
class FrameTopics:
    """Frame topic layout: ``bucket_s`` None means the single retained topic."""

    partitions: int
    bucket_s: int | None = None
    retention_s: int = 900
    grace_s: int = 15  # an old bucket stays subscribed this long after it ends, to drain it

    def __post_init__(self) -> None:
        if self.bucket_s is not None and self.bucket_s < 10:
            raise ValueError(f"frame bucket length must be at least 10 s, got {self.bucket_s}")
        if self.bucket_s is not None and self.retention_s < self.bucket_s + self.grace_s:
            raise ValueError("frame retention must exceed one bucket plus the grace period")

    @property
    def bucketed(self) -> bool:
        return self.bucket_s is not None

    def bucket(self, ms: int) -> int:
        assert self.bucket_s is not None
        return ms // (self.bucket_s * 1000)

    def name(self, bucket: int) -> str:
        return f"{FRAMES}.b{bucket}"

    def topic_for(self, captured_ms: int) -> str:
        """The topic a frame captured at ``captured_ms`` is published to."""
        return self.name(self.bucket(captured_ms)) if self.bucketed else FRAMES

    def live_topics(self, now_ms: int) -> list[str]:
        """What a live consumer subscribes to now. Changes once per bucket (each change costs a
        consumer-group rebalance): the bucket being drained or current, and the next two."""
        if not self.bucketed:
            return [FRAMES]
        first = self.bucket(now_ms - self.grace_s * 1000)
        return [self.name(b) for b in range(first, first + 3)]

    def topics_between(self, start_ms: int, end_ms: int) -> list[str]:
        """Topics that can hold frames captured in [start_ms, end_ms] (for evidence clips)."""
        if not self.bucketed:
            return [FRAMES]
        return [self.name(b) for b in range(self.bucket(start_ms), self.bucket(end_ms) + 1)]

    def wanted(self, now_ms: int) -> list[TopicSpec]:
        """Topics that must exist now: the single topic, or the retained and upcoming buckets."""
        if not self.bucketed:
            return [TopicSpec(FRAMES, self.partitions, (("retention.ms", str(self.retention_s * 1000)),))]
        first = self.bucket(now_ms - self.retention_s * 1000)
        last = self.bucket(now_ms) + 3
        return [TopicSpec(self.name(b), self.partitions) for b in range(first, last + 1)]

    def expired(self, existing: list[str], now_ms: int) -> list[str]:
        """Bucket topics whose every frame is older than the retention."""
        if not self.bucketed:
            return []
        assert self.bucket_s is not None
        out = []
        for topic in existing:
            match = _BUCKET.match(topic)
            if match and (int(match.group(1)) + 1) * self.bucket_s * 1000 < now_ms - self.retention_s * 1000:
                out.append(topic)
        return sorted(out)

    @staticmethod
    def is_frame_topic(topic: str) -> bool:
        return topic == FRAMES or _BUCKET.match(topic) is not None
