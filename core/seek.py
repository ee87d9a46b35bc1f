"""Seeking a partition by time.

Apache Kafka answers ``offsets_for_times`` correctly; the embedded broker answers offset 0 with
timestamp -1 (FACTS.md). :func:`offset_for_time` asks the broker first, checks the answer, and
otherwise binary-searches the partition on record timestamps (about log₂ n fetches). Record
timestamps are the producer's send time, which for frames is within moments of capture.
"""

from aiokafka import AIOKafkaConsumer, TopicPartition


async def first_at(
    consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int, known_end: int = 0
) -> tuple[int, int] | None:
    """(offset, timestamp) of the first record at or after ``offset``; None past the end.

    Below ``known_end`` a record surely exists, so an empty answer means a slow fetch (a busy
    broker), not the end: ask again with more patience rather than mistake it for the end."""
    for wait_ms in (1000, 3000, 8000) if offset < known_end else (1500,):
        consumer.seek(tp, offset)
        records = (await consumer.getmany(tp, timeout_ms=wait_ms, max_records=1)).get(tp, [])
        if records:
            return int(records[0].offset), int(records[0].timestamp)
    return None


async def offset_for_time(consumer: AIOKafkaConsumer, tp: TopicPartition, ts_ms: int) -> int | None:
    """The first offset whose record timestamp is >= ``ts_ms``; None if every record is older.

    ``tp`` must be assigned to ``consumer`` (manual assignment, no group)."""
    begin = (await consumer.beginning_offsets([tp]))[tp]
    answer = (await consumer.offsets_for_times({tp: ts_ms})).get(tp)
    if answer is not None and answer.offset >= begin:
        # Trust, but verify against the records themselves: the embedded broker's answers are wrong.
        at = await first_at(consumer, tp, answer.offset)
        before = await first_at(consumer, tp, answer.offset - 1) if answer.offset > begin else None
        if at is not None and at[0] == answer.offset and at[1] >= ts_ms and (before is None or before[1] < ts_ms):
            return int(answer.offset)
    # The end offset the embedded broker reports can be short by up to a batch: probe past it.
    end = (await consumer.end_offsets([tp]))[tp]
    hi = max(end, begin)
    while (probe := await first_at(consumer, tp, hi)) is not None:
        hi = probe[0] + 1
    lo = begin
    while lo < hi:
        mid = (lo + hi) // 2
        found = await first_at(consumer, tp, mid, known_end=end)
        if found is None or found[1] >= ts_ms:
            hi = mid
        else:
            lo = found[0] + 1
    found = await first_at(consumer, tp, lo, known_end=end)
    return found[0] if found is not None else None
