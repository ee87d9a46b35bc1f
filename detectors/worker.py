"""The detect role: consume ``bk.frames`` in consumer group ``detectors``, publish ``bk.events``.

Offsets are committed only after the events of the records they cover are acknowledged by the
broker, so a crash re-judges frames instead of losing events (deterministic ids absorb repeats).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError, RebalanceInProgressError

from core.bus import KafkaPublisher, ensure_topics, make_consumer, to_record
from core.frame_janitor import tidy_once
from core.frame_topics import FrameTopics
from core.settings import Settings
from core.site import Site
from core.site_feed import follow_site
from core.topics import DETECTORS_GROUP, topic_specs
from detectors.cameras import CameraPipelines
from detectors.handler import FrameHandler
from detectors.perception import registry as perception
from detectors.rules import registry as rules

log = logging.getLogger(__name__)
SiteCallback = Callable[[Site], Awaitable[None]]
MAX_BATCH = 64  # records per commit: keeps commits frequent and stop responsive


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Drop the state of cameras whose partitions went to another worker. Revocation under the
    eager protocol lists every partition, so the drop waits for the new assignment and forgets
    only partitions not given back (a member joining must not reset every background model)."""

    def __init__(self, pipelines: CameraPipelines, handler: FrameHandler) -> None:
        self.pipelines = pipelines
        self.handler = handler
        self._revoked: set[int] = set()

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._revoked |= {tp.partition for tp in revoked if FrameTopics.is_frame_topic(tp.topic)}

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        kept = {tp.partition for tp in assigned if FrameTopics.is_frame_topic(tp.topic)}
        lost, self._revoked = self._revoked - kept, set()
        if lost:
            closes = self.pipelines.drop_partitions(lost)
            log.info("partitions %s moved away; closing %d open incident(s)", sorted(lost), len(closes))
            await self.handler.publish(closes)
            await self.handler.publisher.flush()


async def run(settings: Settings, stop: asyncio.Event) -> None:
    """Run the detect role until ``stop`` is set. Raises ConfigError without Kafka settings and
    DetectorError when a plugin or rule is broken, before touching any topic."""
    bootstrap = settings.require_kafka()
    perception.self_test()
    rules.self_test()
    await ensure_topics(bootstrap, topic_specs(settings.frame_partitions, settings.event_partitions))
    await tidy_once(bootstrap, settings.frame_topics)  # the frame buckets exist before we subscribe
    pipelines = CameraPipelines()

    async def on_site(site: Site) -> None:
        pipelines.apply_site(site)

    async with KafkaPublisher(bootstrap, client_id="detectors") as publisher:
        handler = FrameHandler(publisher, pipelines, max_age_s=settings.max_frame_age_s)
        listener = _Rebalance(pipelines, handler)
        subscribed = settings.frame_topics.live_topics(_now_ms())
        site_task = asyncio.create_task(follow_site(bootstrap, on_site, stop), name="detect-site")
        consumer = await _consumer(settings, bootstrap, subscribed, listener)
        log.info("detect role consuming %s as group %r", ", ".join(subscribed), DETECTORS_GROUP)
        try:
            while not stop.is_set():
                if site_task.done():
                    site_task = _restart_site(site_task, bootstrap, on_site, stop)
                live = settings.frame_topics.live_topics(_now_ms())
                if live != subscribed:  # a new frame bucket (embedded broker): one rebalance per bucket
                    subscribed = live
                    # A fresh consumer, not subscribe() on the running one: aiokafka's fetcher asserts
                    # when the subscription changes while it waits for an assignment.
                    await consumer.stop()
                    consumer = await _consumer(settings, bootstrap, subscribed, listener)
                    handler.allow_backlog(extra_s=settings.session_timeout_ms / 1000 + 5, for_s=30)
                    log.info("frame topics now %s", ", ".join(subscribed))
                await _one_batch(consumer, handler, publisher)
        finally:
            site_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await site_task
            await consumer.stop()
    log.info("detect role stopped")


async def _consumer(
    settings: Settings, bootstrap: str, topics: list[str], listener: ConsumerRebalanceListener
) -> AIOKafkaConsumer:
    consumer = make_consumer(
        bootstrap,
        group_id=DETECTORS_GROUP,
        # A bucket partition without a committed offset is read from its start (at most one bucket
        # of frames; old ones are skipped as stale, cheaply): frames that arrive while the group
        # rebalances onto a new bucket are judged, not jumped over. One retained topic: the newest.
        offset_reset="earliest" if settings.frame_topics.bucketed else "latest",
        session_timeout_ms=settings.session_timeout_ms,
        client_id="detectors",
    )
    consumer.subscribe(topics, listener=listener)
    await consumer.start()
    return consumer


async def _one_batch(consumer: AIOKafkaConsumer, handler: FrameHandler, publisher: KafkaPublisher) -> None:
    batches = await consumer.getmany(timeout_ms=500, max_records=MAX_BATCH)
    offsets: dict[TopicPartition, int] = {}
    for tp, messages in batches.items():
        for msg in messages:
            await handler.handle(to_record(msg))
        if messages:
            offsets[tp] = messages[-1].offset + 1
    if not offsets:
        return
    await publisher.flush()  # events and dead letters are durable before the offsets move
    try:
        await consumer.commit(offsets)
    except (CommitFailedError, IllegalStateError, RebalanceInProgressError) as exc:
        # The partitions moved mid-batch; their new owner re-judges from the last commit.
        log.warning("offset commit skipped after a rebalance: %s", exc)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _restart_site(
    task: "asyncio.Task[None]", bootstrap: str, on_site: SiteCallback, stop: asyncio.Event
) -> "asyncio.Task[None]":
    exc = task.exception() if not task.cancelled() else None
    log.error("site follower ended (%s); restarting it, the last site stays in force", exc)
    return asyncio.create_task(follow_site(bootstrap, on_site, stop), name="detect-site")
