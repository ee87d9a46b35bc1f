"""An in-memory publisher for fast unit tests of role logic. It never replaces the Kafka suite."""

from collections import defaultdict

from core.bus import Headers, Record


class MemoryPublisher:
    """Keeps published messages per topic, in order, as :class:`Record` values."""

    def __init__(self) -> None:
        self.topics: dict[str, list[Record]] = defaultdict(list)

    async def publish(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        headers: Headers = (),
        timestamp_ms: int | None = None,
        partition: int | None = None,
    ) -> None:
        records = self.topics[topic]
        records.append(Record(topic, partition or 0, len(records), key, value, tuple(headers), timestamp_ms or 0))

    async def flush(self) -> None:
        return None

    def values(self, topic: str) -> list[bytes | None]:
        return [r.value for r in self.topics[topic]]
