"""Dead letters: a message that fails to decode or validate is kept with the reason, never lost."""

import logging

from core.bus import Publisher, Record
from core.topics import DLQ

log = logging.getLogger(__name__)


async def dead_letter(publisher: Publisher, record: Record, reason: str, role: str) -> None:
    """Publish the original message to ``bk.dlq`` with where it came from and why it failed."""
    headers = [
        *record.headers,
        ("bk-dlq-reason", reason[:1000].encode()),
        ("bk-dlq-topic", record.topic.encode()),
        ("bk-dlq-partition", str(record.partition).encode()),
        ("bk-dlq-offset", str(record.offset).encode()),
        ("bk-dlq-role", role.encode()),
    ]
    log.warning(
        "dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, reason,
        extra={"topic": record.topic, "offset": record.offset},
    )
    await publisher.publish(DLQ, record.value or b"", key=record.key, headers=headers)
