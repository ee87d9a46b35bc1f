"""The detect role: consume ``bk.frames`` in consumer group ``detectors``, publish ``bk.events``.

Offsets are committed only after the events of the records they cover are acknowledged by the
broker, so a crash re-judges frames instead of losing events (deterministic ids absorb repeats).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import cv2
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.errors import CommitFailedError, IllegalStateError, RebalanceInProgressError

from core.bus import KafkaPublisher, ensure_topics, make_consumer, to_record
from core.contracts import Event
from core.frame_assignor import FrameAssignor
from core.frame_janitor import tidy_once
from core.frame_topics import FrameTopics
from core.kafka_probe import consumer_lag
from core.metrics_http import serving
from core.settings import Settings
from core.site import Site
from core.site_feed import follow_site
from core.topics import DETECTORS_GROUP, topic_specs
from detectors import metrics
from detectors.cameras import CameraPipelines
from detectors.handler import FrameHandler
from detectors.holdback import HoldBack
from detectors.perception import registry as perception
from detectors.rules import registry as rules

log = logging.getLogger(__name__)
SiteCallback = Callable[[Site], Awaitable[None]]
MAX_BATCH = 64  # records per commit: keeps commits frequent and stop responsive
LAG_EVERY_S = 5.0  # consumer lag is sampled this often (one ListOffsets request)
MOVED_IDLE_S = 10.0  # a camera a new site moved away is dropped after this long without frames here


class _Handler(FrameHandler):
    """The frame handler, telling the hold-back which incidents this worker opened and closed."""

    def __init__(self, *args: object, holdback: HoldBack, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.holdback = holdback

    async def publish(self, events: list[Event]) -> None:
        await super().publish(events)
        self.holdback.observe_events(events)

    def allow_backlog(self, extra_s: float, for_s: float) -> None:
        """As the base class, but never narrows an allowance still running (a takeover's)."""
        if self.clock() < self._backlog_until and self._backlog_ms >= extra_s * 1000:
            self._backlog_until = max(self._backlog_until, self.clock() + for_s)
            return
        super().allow_backlog(extra_s, for_s)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Drop the state of cameras whose partitions went to another worker. Revocation under the
    eager protocol lists every partition, so the drop waits for the new assignment and forgets
    only partitions not given back (a member joining must not reset every background model).

    Partitions gained from a worker that died are read from its last commit, which the hold-back
    keeps at the first frame of any open incident: that backlog is judged, not skipped as stale,
    so incidents that ran while nobody owned the camera are found and open ones keep their id."""

    def __init__(self, pipelines: CameraPipelines, handler: _Handler, takeover_s: float) -> None:
        self.pipelines = pipelines
        self.handler = handler
        self.takeover_s = takeover_s
        self.consumer: AIOKafkaConsumer | None = None  # set once the consumer exists
        self._revoked: set[TopicPartition] = set()
        self._owned: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._revoked |= {tp for tp in revoked if FrameTopics.is_frame_topic(tp.topic)}

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        now = {tp for tp in assigned if FrameTopics.is_frame_topic(tp.topic)}
        gained, kept, self._owned = now - self._owned, now & self._owned, now
        for tp in kept:  # given back to us: go on from our own position, not the held-back commit
            offset = self.handler.holdback.next_offset(tp)
            if offset is not None and self.consumer is not None:
                self.consumer.seek(tp, offset)
        if gained:
            self.handler.allow_backlog(extra_s=self.handler.holdback.max_hold_s + self.takeover_s, for_s=30)
        lost_tps, self._revoked = self._revoked - now, set()
        self.handler.holdback.forget(lost_tps)
        lost = {tp.partition for tp in lost_tps} - {tp.partition for tp in now}
        if lost:
            closes = self.pipelines.drop_partitions(lost)
            log.info("partitions %s moved away; closing %d open incident(s)", sorted(lost), len(closes))
            await self.handler.publish(closes)
            await self.handler.publisher.flush()


async def run(settings: Settings, stop: asyncio.Event) -> None:
    """Run the detect role until ``stop`` is set. Raises ConfigError without Kafka settings and
    DetectorError when a plugin or rule is broken, before touching any topic."""
    bootstrap = settings.require_kafka()
    # Detectors scale by processes (one per core) judging whole frames; OpenCV's own thread pool
    # inside a frame's small operations only adds scheduling cost per core (measured: 8.4 vs 9.7
    # ms CPU per static frame in benchmarks/detect_speed.py).
    cv2.setNumThreads(1)
    perception.self_test()
    rules.self_test()
    await ensure_topics(bootstrap, topic_specs(settings.frame_partitions, settings.event_partitions))
    await tidy_once(bootstrap, settings.frame_topics)  # the frame buckets exist before we subscribe
    pipelines = CameraPipelines()
    assignor = FrameAssignor()  # one per process: it remembers our partitions across consumers

    async def on_site(site: Site) -> None:
        pipelines.apply_site(site)
        assignor.use_site(site, settings.frame_partitions)  # weigh partitions by their cameras

    async with (
        serving(metrics.REGISTRY, settings.metrics_host, settings.metrics_port, name="detect metrics"),
        KafkaPublisher(bootstrap, client_id="detectors") as publisher,
    ):
        handler = _Handler(publisher, pipelines, max_age_s=settings.max_frame_age_s, holdback=HoldBack())
        # A dead member's partitions move after about the session timeout plus a join window.
        listener = _Rebalance(pipelines, handler, takeover_s=2 * settings.session_timeout_ms / 1000 + 10)
        subscribed = settings.frame_topics.live_topics(_now_ms())
        site_task = asyncio.create_task(follow_site(bootstrap, on_site, stop), name="detect-site")
        consumer = await _consumer(settings, bootstrap, subscribed, listener, assignor)
        log.info("detect role consuming %s as group %r", ", ".join(subscribed), DETECTORS_GROUP)
        next_sample = 0.0
        try:
            while not stop.is_set():
                if time.monotonic() >= next_sample:
                    next_sample = time.monotonic() + LAG_EVERY_S
                    await _sample(consumer, pipelines)
                    await _drop_moved(consumer, handler, settings.frame_partitions)
                if site_task.done():
                    site_task = _restart_site(site_task, bootstrap, on_site, stop)
                live = settings.frame_topics.live_topics(_now_ms())
                if live != subscribed:  # a new frame bucket (embedded broker): one rebalance per bucket
                    subscribed = live
                    # A fresh consumer, not subscribe() on the running one: aiokafka's fetcher asserts
                    # when the subscription changes while it waits for an assignment.
                    await consumer.stop()
                    consumer = await _consumer(settings, bootstrap, subscribed, listener, assignor)
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
    settings: Settings,
    bootstrap: str,
    topics: list[str],
    listener: ConsumerRebalanceListener,
    assignor: FrameAssignor,
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
        assignors=(assignor, RoundRobinPartitionAssignor),  # round-robin: a group with an older member
    )
    consumer.subscribe(topics, listener=listener)
    if isinstance(listener, _Rebalance):
        listener.consumer = consumer
    await consumer.start()
    return consumer


async def _one_batch(consumer: AIOKafkaConsumer, handler: _Handler, publisher: KafkaPublisher) -> None:
    batches = await consumer.getmany(timeout_ms=500, max_records=MAX_BATCH)
    offsets: dict[TopicPartition, int] = {}
    for tp, messages in batches.items():
        for msg in messages:
            record = to_record(msg)
            handler.holdback.observe_record(tp, record)
            await handler.handle(record)
        if messages:
            offsets[tp] = handler.holdback.commit_offset(tp, messages[-1].offset + 1, _now_ms())
    if not offsets:
        return
    await publisher.flush()  # events and dead letters are durable before the offsets move
    try:
        await consumer.commit(offsets)
    except (CommitFailedError, IllegalStateError, RebalanceInProgressError) as exc:
        # The partitions moved mid-batch; their new owner re-judges from the last commit.
        log.warning("offset commit skipped after a rebalance: %s", exc)


async def _sample(consumer: AIOKafkaConsumer, pipelines: CameraPipelines) -> None:
    """Refresh the gauges: lag per assigned frame partition, partitions and cameras owned."""
    lag = await consumer_lag(consumer)
    metrics.LAG.clear()  # partitions that moved away must not keep their last value
    for tp, behind in lag.items():
        metrics.LAG.labels(tp.topic, str(tp.partition)).set(behind)
    metrics.PARTITIONS.set(sum(1 for tp in consumer.assignment() if FrameTopics.is_frame_topic(tp.topic)))
    metrics.CAMERAS.set(len(pipelines))


async def _drop_moved(consumer: AIOKafkaConsumer, handler: _Handler, partitions: int) -> None:
    """Close and forget the cameras a new site placed on partitions another worker owns."""
    owned = {tp.partition for tp in consumer.assignment() if FrameTopics.is_frame_topic(tp.topic)}
    closes = handler.pipelines.drop_moved(partitions, owned, MOVED_IDLE_S)
    if closes:
        log.info("cameras moved to other partitions by the site; closing %d open incident(s)", len(closes))
        await handler.publish(closes)
        await handler.publisher.flush()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _restart_site(
    task: "asyncio.Task[None]", bootstrap: str, on_site: SiteCallback, stop: asyncio.Event
) -> "asyncio.Task[None]":
    exc = task.exception() if not task.cancelled() else None
    log.error("site follower ended (%s); restarting it, the last site stays in force", exc)
    return asyncio.create_task(follow_site(bootstrap, on_site, stop), name="detect-site")
