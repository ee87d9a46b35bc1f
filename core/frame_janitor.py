"""Keeps the bucketed frame topics of the embedded broker in shape: creates the upcoming buckets
ahead of time (so consumers discover them before frames arrive) and deletes expired ones whole."""

import asyncio
import contextlib
import logging
import time

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from core.bus import ensure_topics
from core.frame_topics import FrameTopics

log = logging.getLogger(__name__)


async def tidy_once(bootstrap: str, topics: FrameTopics, now_ms: int | None = None) -> list[str]:
    """Create missing buckets, delete expired ones; returns the deleted topic names."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    await ensure_topics(bootstrap, topics.wanted(now))
    if not topics.bucketed:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        expired = topics.expired(list(await admin.list_topics()), now)
        if expired:
            await admin.delete_topics(expired)
            log.info("deleted expired frame topics %s", ", ".join(expired))
        return expired
    finally:
        await admin.close()


async def run_janitor(bootstrap: str, topics: FrameTopics, stop: asyncio.Event, every_s: float = 5.0) -> None:
    """Tidy every few seconds until ``stop``; a failed round is logged and retried."""
    while not stop.is_set():
        try:
            await tidy_once(bootstrap, topics)
        except (KafkaError, OSError) as exc:
            log.warning("frame topic janitor: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
