"""Follow ``bk.site``: the newest site snapshot, so ingest and detect never open the database
and pick up changes without a restart."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import TopicPartition

from core.bus import KafkaPublisher, make_consumer
from core.errors import ConfigError
from core.site import Site
from core.topics import SITE

log = logging.getLogger(__name__)
SITE_KEY = b"site"


async def publish_site(publisher: KafkaPublisher, site: Site) -> None:
    await publisher.send_and_wait(SITE, site.encode(), key=SITE_KEY)


async def follow_site(bootstrap: str, on_site: Callable[[Site], Awaitable[None]], stop: asyncio.Event) -> None:
    """Call ``on_site`` with every valid site snapshot on the topic, oldest first, then each new one.

    A snapshot that fails validation is logged and skipped: the last good one stays in force.
    """
    consumer = make_consumer(bootstrap, group_id=None, offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(SITE, 0)])
        await consumer.seek_to_beginning()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            latest: Site | None = None
            for records in batches.values():
                for msg in records:
                    try:
                        latest = Site.decode(msg.value)
                    except ConfigError as exc:
                        log.error("ignoring invalid site snapshot at offset %d: %s", msg.offset, exc)
            if latest is not None:
                await on_site(latest)
    finally:
        await consumer.stop()
