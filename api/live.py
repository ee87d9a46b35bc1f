"""Live view: every api replica tails bk.events, bk.camera-status and bk.frames (no consumer
group: each replica sees everything) and fans them out to its WebSocket clients."""

import asyncio
import json
import logging
import struct
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from api import metrics
from core.bus import make_consumer, partitions_of
from core.contracts import CameraStatus, Event, Frame
from core.errors import ContractError
from core.frame_topics import FrameTopics
from core.topics import CAMERA_STATUS, EVENTS

log = logging.getLogger(__name__)

FRAME_MAGIC = b"F"
CLIENT_QUEUE = 256
RECENT_EVENTS = 200
STALE_LIVE_MS = 3000


def event_summary(event: Event) -> dict[str, object]:
    """The event as clients see it: no inline snapshot, a URL instead."""
    doc = event.model_dump(exclude={"snapshot_jpeg"})
    doc["snapshot_url"] = f"/api/events/{event.id}/snapshot.jpg"
    return doc


def frame_message(frame: Frame) -> bytes:
    """Binary WebSocket message: 'F', camera id length (1 byte), camera id, capture ms (8 bytes), JPEG."""
    cam = frame.camera_id.encode()
    return FRAME_MAGIC + struct.pack(">B", len(cam)) + cam + struct.pack(">Q", frame.captured_ms) + frame.jpeg


@dataclass(eq=False)
class Client:
    """One WebSocket client: a bounded queue of text messages and the newest frame per camera."""

    school_ids: frozenset[str] | None  # None: every school
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(CLIENT_QUEUE))
    frames: dict[str, bytes] = field(default_factory=dict)
    frames_ready: asyncio.Event = field(default_factory=asyncio.Event)
    want_frames: bool = True
    cameras: frozenset[str] | None = None  # pictures of these cameras only; None: every camera in scope
    dropped: bool = False

    def sees(self, school_id: str) -> bool:
        return self.school_ids is None or school_id in self.school_ids


class LiveHub:
    def __init__(self, bootstrap: str, session_timeout_ms: int = 6000, frame_topics: FrameTopics | None = None) -> None:
        self.bootstrap = bootstrap
        self.frame_topics = frame_topics or FrameTopics(partitions=1)
        self.session_timeout_ms = session_timeout_ms
        self.clients: set[Client] = set()
        self.statuses: dict[str, CameraStatus] = {}
        self.latest_frames: dict[str, Frame] = {}
        self.recent_snapshots: OrderedDict[str, tuple[str, bytes]] = OrderedDict()  # id -> (school, jpeg)
        self.status_sink: Callable[[CameraStatus], None] | None = None
        self.ready = asyncio.Event()

    def add(self, client: Client) -> None:
        self.clients.add(client)

    def remove(self, client: Client) -> None:
        self.clients.discard(client)

    def _broadcast(self, school_id: str, message: dict[str, object]) -> None:
        text = json.dumps(message, ensure_ascii=False)
        for client in list(self.clients):
            if not client.sees(school_id):
                continue
            try:
                client.queue.put_nowait(text)
            except asyncio.QueueFull:
                client.dropped = True  # a slow client is dropped, never waited for
                self.clients.discard(client)
                metrics.WS_DROPPED.inc()

    def on_event(self, event: Event) -> None:
        if event.snapshot_jpeg:
            self.recent_snapshots[event.id] = (event.school_id, event.snapshot_jpeg)
            while len(self.recent_snapshots) > RECENT_EVENTS:
                self.recent_snapshots.popitem(last=False)
        self._broadcast(event.school_id, {"type": "event", "event": event_summary(event)})

    def push(self, school_id: str, message: dict[str, object]) -> None:
        """Send a message (e.g. a workflow change) to every client that sees ``school_id``."""
        self._broadcast(school_id, message)

    def on_status(self, status: CameraStatus) -> None:
        self.statuses[status.camera_id] = status
        if self.status_sink is not None:
            self.status_sink(status)
        self._broadcast(status.school_id, {"type": "camera_status", "status": status.model_dump()})

    def on_frame(self, frame: Frame) -> None:
        if frame.captured_ms < int(time.time() * 1000) - STALE_LIVE_MS:
            return  # the embedded broker replays the last batch on seek_to_end: skip old frames
        self.latest_frames[frame.camera_id] = frame
        message = None
        for client in self.clients:
            if client.want_frames and client.sees(frame.school_id) and (
                client.cameras is None or frame.camera_id in client.cameras
            ):
                message = message or frame_message(frame)
                client.frames[frame.camera_id] = message
                client.frames_ready.set()

    async def run(self, stop: asyncio.Event) -> None:
        consumer = make_consumer(self.bootstrap, group_id=None, offset_reset="latest")
        await consumer.start()
        try:
            fixed = await _assignable(self.bootstrap, [EVENTS, CAMERA_STATUS])
            live = self.frame_topics.live_topics(_now_ms())
            frames = await _assignable(self.bootstrap, live)
            consumer.assign(fixed + frames)
            await consumer.seek_to_end(*[tp for tp in fixed + frames if tp.topic != CAMERA_STATUS])
            await consumer.seek_to_beginning(*[tp for tp in fixed if tp.topic == CAMERA_STATUS])
            self.ready.set()
            while not stop.is_set():
                if (now_live := self.frame_topics.live_topics(_now_ms())) != live:
                    live = now_live
                    frames = await self._follow_frames(consumer, fixed, frames, live)
                batches = await consumer.getmany(timeout_ms=200, max_records=500)
                for tp, msgs in batches.items():
                    for msg in msgs:
                        self._dispatch(tp.topic, msg)
        finally:
            await consumer.stop()

    async def _follow_frames(
        self, consumer: AIOKafkaConsumer, fixed: list[TopicPartition], old: list[TopicPartition], live: list[str]
    ) -> list[TopicPartition]:
        """Move to the current frame buckets, keeping every other position (no group: no rebalance)."""
        keep = {tp: await consumer.position(tp) for tp in fixed + old if tp.topic in live or tp in fixed}
        frames = await _assignable(self.bootstrap, live)
        consumer.assign(fixed + frames)
        for tp, offset in keep.items():
            consumer.seek(tp, offset)
        await consumer.seek_to_end(*[tp for tp in frames if tp not in keep])
        return frames

    def _dispatch(self, topic: str, msg: object) -> None:
        try:
            if topic == EVENTS:
                self.on_event(Event.decode(msg.value))  # type: ignore[attr-defined]
            elif topic == CAMERA_STATUS:
                self.on_status(CameraStatus.decode(msg.value))  # type: ignore[attr-defined]
            else:
                self.on_frame(Frame.decode(msg.key, msg.value, msg.headers))  # type: ignore[attr-defined]
        except ContractError as exc:
            log.debug("live: skipping bad message on %s: %s", topic, exc)


def _now_ms() -> int:
    return int(time.time() * 1000)


async def _assignable(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """Partitions of the topics that exist (a frame bucket not created yet is simply left out)."""
    layout = await partitions_of(bootstrap, topics)
    return [TopicPartition(t, p) for t in topics for p in sorted(layout.get(t, ()))]
