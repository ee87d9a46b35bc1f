"""Read one camera's frames in a time window back from the frames topic(s)."""

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from core.bus import make_consumer
from core.contracts import Frame
from core.errors import ContractError
from core.frame_topics import FrameTopics
from core.placement import FramePlacement
from core.seek import offset_for_time

MAX_CLIP_FRAMES = 600


async def read_window(
    bootstrap: str,
    topics: FrameTopics,
    camera_id: str,
    start_ms: int,
    end_ms: int,
    placement: FramePlacement | None = None,
) -> list[Frame]:
    """The camera's frames captured in [start_ms, end_ms], in capture order.

    A camera's frames are on one partition of each topic: the one ``placement`` (the site in
    force) names, else where the key hashes; the other partitions are read only when that one
    has none of them (the site moved the camera since). The seek uses the record timestamps
    (producer time ≈ capture time) and the filter uses the capture time each frame carries."""
    placement = placement or FramePlacement(topics.partitions)
    consumer = make_consumer(bootstrap, offset_reset="earliest", max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    frames: list[Frame] = []
    try:
        key = camera_id.encode()
        wanted = topics.topics_between(start_ms, end_ms)
        # Read every topic's partitions before assigning any: assign() narrows the metadata the
        # client keeps to the assigned topics, and the next bucket would look missing.
        layout = await _partitions(consumer, wanted)
        for topic in wanted:
            partitions = layout.get(topic)
            if not partitions:
                continue  # an expired or never-created bucket
            for partition in placement.candidates(camera_id, partitions):
                found = await _read_partition(consumer, TopicPartition(topic, partition), key, start_ms, end_ms)
                frames.extend(found)
                if found:
                    break
    finally:
        await consumer.stop()
    frames.sort(key=lambda f: (f.captured_ms, f.seq))
    return frames[:MAX_CLIP_FRAMES]


async def _read_partition(
    consumer: AIOKafkaConsumer, tp: TopicPartition, key: bytes, start_ms: int, end_ms: int
) -> list[Frame]:
    consumer.assign([tp])
    # Seek a little early: record time is send time, slightly after capture time.
    begin = await offset_for_time(consumer, tp, start_ms - 2000)
    if begin is None:
        return []
    return await _collect(consumer, tp, begin, key, start_ms, end_ms)


async def _partitions(consumer: AIOKafkaConsumer, topics: list[str]) -> dict[str, set[int]]:
    try:
        await consumer.topics()
    except KafkaError:
        return {}
    return {t: set(consumer.partitions_for_topic(t) or ()) for t in topics}


async def _collect(
    consumer: AIOKafkaConsumer, tp: TopicPartition, begin: int, key: bytes, start_ms: int, end_ms: int
) -> list[Frame]:
    consumer.seek(tp, begin)
    out: list[Frame] = []
    while len(out) < MAX_CLIP_FRAMES:
        batch = await consumer.getmany(tp, timeout_ms=3000, max_records=200)
        records = batch.get(tp, [])
        if not records:
            return out
        for rec in records:
            if rec.timestamp > end_ms + 10_000:  # also ends a partition without the camera's frames
                return out
            if rec.key != key:
                continue
            try:
                frame = Frame.decode(rec.key, rec.value, rec.headers)
            except ContractError:
                continue
            if frame.captured_ms > end_ms:
                return out
            if frame.captured_ms >= start_ms:
                out.append(frame)
    return out
