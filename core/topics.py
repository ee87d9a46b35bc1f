"""Topic names and their layout. Topics are created explicitly: the embedded broker would
otherwise auto-create any topic a producer touches with 4 partitions."""

from dataclasses import dataclass

FRAMES = "bk.frames"
EVENTS = "bk.events"
CAMERA_STATUS = "bk.camera-status"
SITE = "bk.site"
DLQ = "bk.dlq"

DETECTORS_GROUP = "detectors"
RECORDER_GROUP = "recorder"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: tuple[tuple[str, str], ...] = ()


def topic_specs(frame_partitions: int, event_partitions: int) -> list[TopicSpec]:
    """The topics every deployment needs, with their partition counts."""
    return [
        TopicSpec(FRAMES, frame_partitions, (("retention.ms", str(15 * 60 * 1000)),)),
        TopicSpec(EVENTS, event_partitions),
        TopicSpec(CAMERA_STATUS, event_partitions, (("cleanup.policy", "compact"),)),
        TopicSpec(SITE, 1, (("cleanup.policy", "compact"),)),
        TopicSpec(DLQ, 1),
    ]
